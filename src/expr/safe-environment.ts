// The cel-js environment every expression of this project is parsed with: no function
// a profile value reaches may take more than linear time (docs/config-language.md#regular-expressions-matches).
// `matches` runs on RE2 (re2-matches.ts) and `duration(text)` refuses texts long enough
// to make cel-js's parser slow (bounded-duration.ts). Each parsed expression is rewired
// before it can be checked or evaluated.
import { Environment } from '@marcbachmann/cel-js';
import { boundDurationParsing } from './bounded-duration.js';
import { useRe2Matches } from './re2-matches.js';

export class SafeEnvironment extends Environment {
  override parse(expression: string): ReturnType<Environment['parse']> {
    const parsed = super.parse(expression);
    useRe2Matches(parsed.ast);
    boundDurationParsing(parsed.ast);
    return parsed;
  }

  override evaluate(expression: string, context?: Record<string, unknown>): unknown {
    return this.parse(expression)(context);
  }
}
