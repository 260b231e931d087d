// Behaviour-test results as GitHub workflow commands (docs/behaviour-tests.md#in-ci):
// each failing case an `::error` at the expectation it broke, so it shows inline on the
// pull request beside the line; a case that passes while an expression failed at run
// time a `::warning` (when coverage is measured).
import { escapeData, escapeProperty } from '../../config/index.js';
import type { TestLocation, TestRun } from '../types.js';
import { whyLines } from './text.js';

function annotation(level: 'error' | 'warning', at: TestLocation, title: string, lines: string[]): string {
  const props = [`file=${escapeProperty(at.file)}`, `line=${at.line}`, `col=${at.column}`, `title=${escapeProperty(title)}`];
  return `::${level} ${props.join(',')}::${escapeData(lines.join('\n'))}\n`;
}

export function formatTestGithub(run: TestRun): string {
  let out = '';
  for (const result of run.results) {
    const title = `offerops test: ${result.test} › ${result.name}`;
    if (result.status === 'error') out += annotation('error', result, title, result.errors.map((e) => `cannot decide: ${e}`));
    for (const failure of result.failures) {
      const why = whyLines(failure.why, failure.notConsidered);
      out += annotation('error', failure, title, [`expect.${failure.expectation}: ${failure.message}`, ...(why.length > 0 ? ['why:', ...why] : [])]);
    }
  }
  for (const risky of run.coverage?.passingWithExpressionErrors ?? []) {
    out += annotation('warning', risky, `offerops test: ${risky.test} › ${risky.name}`, ['passes while an expression failed at run time (counted as false):', ...risky.errors]);
  }
  return out;
}
