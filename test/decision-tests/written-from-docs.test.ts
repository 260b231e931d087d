// A test file written from docs/behaviour-tests.md alone, for a config nobody tuned the
// runner to (test/fixtures/configs/insurance): it passes where the decisions match, and
// fails exactly at the lines marked "FAILS HERE", each with expected vs got and why.
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRun } from '../../src/decision-tests/types.js';
import { runCli } from '../cli/run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const testsFile = path.join(repo, 'test/fixtures/decision-tests/insurance-tests.yaml');
let dir = '';
let run: TestRun;
let code: number;
let marked: number[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-insurance-'));
  await mkdir(path.join(dir, '.git'));
  await cp(path.join(repo, 'test/fixtures/configs/insurance'), path.join(dir, 'config'), { recursive: true });
  await mkdir(path.join(dir, 'config/tests'));
  await cp(testsFile, path.join(dir, 'config/tests/insurance-tests.yaml'));
  const result = await runCli(['test', '--json'], { cwd: dir });
  code = result.code;
  run = JSON.parse(result.stdout) as TestRun;
  marked = (await readFile(testsFile, 'utf8')).split('\n').flatMap((line, i) => (line.includes('# FAILS HERE') ? [i + 1] : []));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('behaviour tests written from the docs, on the insurer config', () => {
  it('fail (exit 1) because of the cases marked wrong, and only those', () => {
    expect(code).toBe(1);
    expect(marked).toHaveLength(2);
    expect(run.summary).toEqual({ tests: 3, cases: 14, passed: 12, failed: 2, errors: 0 });
    const failed = run.results.filter((r) => r.status !== 'passed');
    expect(failed.flatMap((r) => r.failures.map((f) => f.line))).toEqual(marked);
  });

  it('say what was expected, what came instead and why', () => {
    const failures = run.results.flatMap((r) => r.failures);
    expect(failures.map((f) => [f.expectation, f.message])).toEqual([
      ['includes', "expected 'travel-cover' among the offers, got [life-cover, winter-breakdown]"],
      ['defaultString', 'expected no offer and the default string "Thank the customer", got offers [life-cover]'],
    ]);
    expect(failures[0]!.why).toEqual([expect.objectContaining({ offer: 'travel-cover', rule: 'old-travel-promo', outcome: 'rule-disabled' })]);
    expect(failures[1]!.why).toEqual([expect.objectContaining({ offer: 'life-cover', rule: 'life-pitch', outcome: 'chosen' })]);
  });

  it('decide the household level and a channel found from its point alone', () => {
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(byName['a family home owner is offered contents cover at wrap-up']!.decision.offers.map((o) => o.offer)).toEqual(['home-contents', 'winter-breakdown']);
    expect(byName['a young policyholder sees travel cover first']).toMatchObject({ status: 'passed', channel: 'portal' });
  });
});
