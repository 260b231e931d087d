// Where cases and their problems are reported in a large test file: at its start, in its
// middle and at its end, for cases written on one line and in block style, whether the
// file is read on the fast path or (with a YAML error in it) the full way.
import { describe, expect, it } from 'vitest';
import { runDecisionTests } from '../../src/decision-tests/index.js';
import { strategy } from '../engine/engine-fixture.js';
import { decisionTest, loadTests } from './tests-fixture.js';

const CASES = 2000;
const rules = strategy('s', ['{ name: all, offer: savings-plus, score: 10 }']);
const SPEC = 'channel: web\n  at: 2026-05-01\n  profile: { customerId: C-1 }';
const FIRST_CASE_LINE = 9; // apiVersion, kind, metadata, spec: and its three lines, `  cases:`, then the cases

interface Written {
  yaml: string;
  /** Per case: the line and column of the case, of its point's value and of its `count` expectation's key. */
  at: { line: number; column: number; point: { line: number; column: number }; count: { line: number; column: number } }[];
}

/** CASES cases, even ones on one line, odd ones in block style (four lines); `point(i)` names each case's point. */
function writeCases(point: (i: number) => string): Written {
  const lines: string[] = [];
  const at: Written['at'] = [];
  for (let i = 0; i < CASES; i++) {
    const line = FIRST_CASE_LINE + lines.length;
    if (i % 2 === 0) {
      const text = `    - { name: case ${i}, point: ${point(i)}, expect: { count: 1 } }`;
      lines.push(text);
      at.push({ line, column: 7, point: { line, column: text.indexOf('point: ') + 8 }, count: { line, column: text.indexOf('count') + 1 } });
    } else {
      lines.push(`    - name: case ${i}`, `      point: ${point(i)}`, '      expect:', '        count: 1');
      at.push({ line, column: 7, point: { line: line + 1, column: 14 }, count: { line: line + 3, column: 9 } });
    }
  }
  return { yaml: `${lines.join('\n')}\n`, at };
}

const picked = [0, 1, CASES / 2, CASES / 2 + 1, CASES - 2, CASES - 1];

describe('positions in a large test file', () => {
  it('reports each case, and each expectation, where it is written: first, middle and last cases', async () => {
    const written = writeCases(() => 'home-sidebar');
    const loaded = await loadTests({ 'rules.yaml': rules, 'tests/big.yaml': decisionTest('big', written.yaml, SPEC) });
    expect(loaded.problems).toEqual([]);
    expect(loaded.cases).toHaveLength(CASES);
    const run = runDecisionTests(loaded.engine!, loaded.cases);
    for (const i of picked) {
      const result = run.results[i]!;
      expect([result.name, result.file, result.line, result.column], `case ${i}`).toEqual([`case ${i}`, 'config/tests/big.yaml', written.at[i]!.line, written.at[i]!.column]);
      expect(loaded.cases[i]!.expectAt.count, `case ${i}`).toEqual({ file: 'config/tests/big.yaml', ...written.at[i]!.count });
    }
    // every case, not only the picked ones
    expect(run.results.map((r) => [r.line, r.column])).toEqual(written.at.map((a) => [a.line, a.column]));
  });

  it('reports every unknown point at once, at the point: in the first, a middle and the last case', async () => {
    const bad = new Set(picked);
    const written = writeCases((i) => (bad.has(i) ? `nowhere-${i}` : 'home-sidebar'));
    const { problems } = await loadTests({ 'rules.yaml': rules, 'tests/big.yaml': decisionTest('big', written.yaml, SPEC) });
    const located = problems.filter((p) => p.severity === 'error').map((p) => [p.file, p.line, p.column, /nowhere-\d+/.exec(p.message)?.[0]]);
    expect(located).toEqual(picked.map((i) => ['config/tests/big.yaml', written.at[i]!.point.line, written.at[i]!.point.column, `nowhere-${i}`]));
  });

  it('reports a YAML error at its line at the start, in the middle and at the end of the file (the file then read the full way)', async () => {
    for (const i of [0, CASES / 2, CASES - 2]) {
      const written = writeCases(() => 'home-sidebar');
      const lines = written.yaml.split('\n');
      // an unclosed flow mapping on a one-line case (even ones are)
      lines[written.at[i]!.line - FIRST_CASE_LINE] = '    - { name: broken, point: home-sidebar';
      const { problems } = await loadTests({ 'rules.yaml': rules, 'tests/big.yaml': decisionTest('big', lines.join('\n'), SPEC) });
      const syntax = problems.filter((p) => p.rule === 'yaml-syntax');
      expect(syntax.length, `case ${i}`).toBeGreaterThan(0);
      expect(syntax[0]!.file).toBe('config/tests/big.yaml');
      const line = written.at[i]!.line;
      // the missing brace shows where the next item begins
      expect([syntax[0]!.line, syntax[0]!.column, syntax[0]!.message], `case ${i}`).toEqual([line + 1, 5, 'Flow map in block collection must be sufficiently indented and end with a }']);
    }
  });
});
