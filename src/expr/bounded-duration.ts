// CEL `duration(text)` with a bound on the text (docs/config-language.md#types-and-expressions):
// cel-js parses a duration with an unanchored regular expression whose backtracking
// costs time cubic in the length of a digit string — `duration(profile.x)` with 1,024
// digits took 2.4 s. Go-style durations ("720h", "1h30m", "-1.5s") are short; a text
// longer than MAX_DURATION_TEXT characters is refused as an invalid duration before
// cel-js parses it, so its cost is bounded whatever a profile holds.
import { findCalls, replaceHandler } from './ast-calls.js';

export const MAX_DURATION_TEXT = 64;

export function boundDurationParsing(ast: unknown): void {
  for (const site of findCalls(ast, 'duration', 1, 'function')) {
    replaceHandler(site, (installed) => (values, evaluator, node) => {
      const text = values[0];
      if (typeof text === 'string' && text.length > MAX_DURATION_TEXT) {
        const message = `Invalid duration string: longer than ${MAX_DURATION_TEXT} characters`;
        throw evaluator.createError ? evaluator.createError('invalid_duration', message, node) : new Error(message);
      }
      return installed(values, evaluator, node);
    });
  }
}
