// Behaviour-test results for people (docs/behaviour-tests.md#failure-output): one line
// per test, then each failing case at the file:line:column of the expectation it broke,
// with expected vs got and the decision's explanation of the offers in question; the
// summary last. Coverage, when measured, lists what no case reaches.
import type { ExplainEntry } from '../../engine/index.js';
import { plainStyle, type TextStyle } from '../../config/index.js';
import type { CaseResult, TestCoverage, TestRun } from '../types.js';
import { plural } from '../../words.js';

/** Explanation lines shown per failure; the JSON output has them all. */
export const MAX_WHY_LINES = 12;


/** The explanation lines of a failure, capped at MAX_WHY_LINES. */
export function whyLines(entries: readonly ExplainEntry[], notConsidered: readonly string[]): string[] {
  const lines = entries.map((e) => `${e.offer} (rule ${e.rule}): ${e.reason}`);
  for (const offer of notConsidered) lines.push(`${offer}: no treatment rule of this point's zone gives it`);
  if (lines.length <= MAX_WHY_LINES) return lines;
  return [...lines.slice(0, MAX_WHY_LINES), `… and ${lines.length - MAX_WHY_LINES} more (--format json lists them all)`];
}

function describeCase(result: CaseResult, style: TextStyle): string {
  const where = style.bold(`${result.file}:${result.line}:${result.column}`);
  const title = `${result.test} › ${result.name}`;
  const at = style.dim(`(${result.channel ? `${result.channel}/` : ''}${result.point} on ${result.at})`);
  if (result.status === 'error') {
    return [`${where}: ${style.red('ERROR')} ${title} ${at}`, ...result.errors.map((e) => `  cannot decide: ${e}`)].join('\n');
  }
  const lines = [`${where}: ${style.red('FAIL')} ${title} ${at}`];
  for (const failure of result.failures) {
    lines.push(`  ${failure.file}:${failure.line}:${failure.column}: ${style.bold(`expect.${failure.expectation}`)}: ${failure.message}`);
    const why = whyLines(failure.why, failure.notConsidered);
    if (why.length > 0) lines.push('    why:', ...why.map((w) => `      ${w}`));
  }
  for (const error of result.expressionErrors) lines.push(`  ${style.yellow('expression failed')}: ${error}`);
  return lines.join('\n');
}

/** Per test: PASS or FAIL and its case count, in the order the tests were read. */
function testLines(run: TestRun, style: TextStyle): string[] {
  const tests = new Map<string, { test: string; file: string; cases: number; bad: number }>();
  for (const r of run.results) {
    const key = `${r.file}\0${r.test}`;
    const entry = tests.get(key) ?? { test: r.test, file: r.file, cases: 0, bad: 0 };
    entry.cases++;
    if (r.status !== 'passed') entry.bad++;
    tests.set(key, entry);
  }
  return [...tests.values()].map((t) =>
    t.bad === 0 ? `${style.bold('PASS')} ${t.test} ${style.dim(`${plural(t.cases, 'case')}  ${t.file}`)}` : `${style.red('FAIL')} ${t.test} ${style.dim(`${t.bad} of ${plural(t.cases, 'case')} failed  ${t.file}`)}`,
  );
}

export function summaryOf(run: TestRun): string {
  const { summary } = run;
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.errors > 0) parts.push(`${summary.errors} could not be decided`);
  return `${plural(summary.cases, 'case')} in ${plural(summary.tests, 'test')}: ${parts.join(', ')}`;
}

/** Names grouped by their owner, wrapped: "web-home: a, b, c". */
function grouped(items: readonly { owner: string; name: string }[]): string[] {
  const byOwner = new Map<string, string[]>();
  for (const item of items) byOwner.set(item.owner, [...(byOwner.get(item.owner) ?? []), item.name]);
  return [...byOwner].map(([owner, names]) => `    ${owner}: ${names.join(', ')}`);
}

export function formatCoverageText(coverage: TestCoverage, style: TextStyle = plainStyle): string {
  const lines: string[] = [style.bold('coverage')];
  const reachedStrategies = coverage.strategies.filter((s) => s.reached > 0).length;
  lines.push(`  strategies with a rule a case reaches: ${reachedStrategies} of ${coverage.strategies.length}`);
  for (const s of coverage.strategies) {
    const mark = s.reached > 0 ? ' ' : style.yellow('!');
    lines.push(`  ${mark} ${s.name.padEnd(24)} ${s.reached} of ${plural(s.rules, 'enabled rule')} reached  ${style.dim(s.channel)}`);
  }
  const enabled = coverage.rules.filter((r) => r.enabled);
  const rules = enabled.filter((r) => r.cases === 0);
  lines.push(`  treatment rules no case reaches: ${rules.length} of ${enabled.length}${rules.length > 0 ? '' : ' (every enabled rule is reached)'}`);
  lines.push(...grouped(rules.map((r) => ({ owner: r.strategy, name: r.name }))));
  const offers = coverage.offers.filter((o) => o.cases === 0);
  lines.push(`  offers no case returns: ${offers.length} of ${coverage.offers.length}`);
  if (offers.length > 0) lines.push(`    ${offers.map((o) => o.name).join(', ')}`);
  const segments = coverage.segments.filter((s) => s.cases === 0);
  lines.push(`  segments no case's member is in: ${segments.length} of ${coverage.segments.length}`);
  lines.push(...grouped(segments.map((s) => ({ owner: s.channel, name: s.name }))));
  const risky = coverage.passingWithExpressionErrors;
  lines.push(`  cases that pass while an expression failed at run time (counted as false): ${risky.length}`);
  for (const r of risky) {
    lines.push(`    ${r.file}:${r.line}:${r.column} ${r.test} › ${r.name}`);
    for (const error of r.errors) lines.push(`      ${style.yellow(error)}`);
  }
  return lines.join('\n') + '\n';
}

export function formatTestText(run: TestRun, style: TextStyle = plainStyle): string {
  const blocks: string[] = [testLines(run, style).join('\n')];
  const bad = run.results.filter((r) => r.status !== 'passed');
  if (bad.length > 0) blocks.push(bad.map((r) => describeCase(r, style)).join('\n\n'));
  if (run.coverage) blocks.push(formatCoverageText(run.coverage, style).trimEnd());
  blocks.push(`${summaryOf(run)} ${style.dim(`(bundle ${run.digest})`)}`);
  return blocks.filter((b) => b !== '').join('\n\n') + '\n';
}
