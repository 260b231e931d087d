// `offerops test` through the CLI (in-process): exit codes, output formats, --bundle,
// --coverage, and a config whose tests never change its bundle's digest.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategy } from '../engine/engine-fixture.js';
import { decisionTest, repositoryWith } from '../decision-tests/tests-fixture.js';
import { runCli } from './run-cli.js';

const rules = ['{ name: hv-gold, segment: high-value, offer: gold-card, score: 80 }', '{ name: savings, offer: savings-plus, score: 40 }'];
const passing = decisionTest(
  'home-page',
  `    - name: high value sees the gold card first
      point: home-hero
      profile: { customerId: c1, age: 40, income: 90000.0 }
      expect: { offers: [gold-card, savings-plus] }
    - name: others see savings
      point: home-hero
      profile: { customerId: c2, age: 40, income: 20000.0 }
      expect: { offers: [savings-plus] }
`,
);

const temps: string[] = [];
async function repo(files: Record<string, string>): Promise<string> {
  const root = await repositoryWith(files);
  temps.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

describe('offerops test', () => {
  let root: string;
  beforeAll(async () => {
    root = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing });
  });

  it('exits 0 when every case passes, with the results on stderr and nothing on stdout', async () => {
    const result = await runCli(['test'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('PASS home-page 2 cases  config/tests/home.yaml');
    expect(result.stderr).toMatch(/2 cases in 1 test: 2 passed, 0 failed \(bundle sha256:[0-9a-f]{64}\)/);
  });

  it('exits 1 when a rule change breaks a pinned expectation, reporting it at the expectation', async () => {
    const changed = await repo({ 'strategy.yaml': strategy('s', [rules[0]!.replace('score: 80', 'score: 30'), rules[1]!]), 'tests/home.yaml': passing });
    const result = await runCli(['test'], { cwd: changed });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('config/tests/home.yaml:8:7: FAIL home-page › high value sees the gold card first (web/home-hero on 2026-05-01)');
    expect(result.stderr).toContain('  config/tests/home.yaml:11:17: expect.offers: expected offers [gold-card, savings-plus], got [savings-plus, gold-card]');
    expect(result.stderr).toContain('gold-card (rule hv-gold): ranked 2nd with score 30');
    expect(result.stderr).toContain('2 cases in 1 test: 1 passed, 1 failed');
  });

  it('exits 2 on a test file that does not validate, naming file:line:column, and runs nothing', async () => {
    const bad = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing.replace('offers: [savings-plus]', 'offers: [savings-pluss]') });
    const result = await runCli(['test'], { cwd: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("config/tests/home.yaml:15:26: error OO201 offer 'savings-pluss' is not defined; did you mean 'savings-plus'?");
    expect(result.stderr).toContain('no case was run');
    expect(result.stderr).not.toContain('PASS');
  });

  it('exits 2 on hostile YAML in a test file, as for any config file', async () => {
    const hostile = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing.replace('  at: 2026-05-01', '  at: 2026-05-01\n  at: 2026-05-02') });
    const result = await runCli(['test'], { cwd: hostile });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config/tests/home.yaml:7:3: error OO002 duplicate key');
  });

  it('prints the run as JSON with --format json (and with --json)', async () => {
    for (const flags of [['--format', 'json'], ['--json']]) {
      const result = await runCli(['test', ...flags], { cwd: root });
      expect(result.code).toBe(0);
      const run = JSON.parse(result.stdout) as { summary: unknown; results: { name: string; status: string; line: number; decision: { offers: { offer: string }[] } }[]; coverage?: unknown };
      expect(run.summary).toEqual({ tests: 1, cases: 2, passed: 2, failed: 0, errors: 0 });
      expect(run.results.map((r) => [r.name, r.status, r.line])).toEqual([
        ['high value sees the gold card first', 'passed', 8],
        ['others see savings', 'passed', 12],
      ]);
      expect(run.coverage).toBeUndefined();
    }
  });

  it('annotates a failure for GitHub at the expectation, with the explanation in the message', async () => {
    const failing = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing.replace('offers: [savings-plus]', 'offers: [gold-card]') });
    const result = await runCli(['test', '--format', 'github'], { cwd: failing });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error file=config\/tests\/home\.yaml,line=15,col=17,title=offerops test%3A home-page › others see savings::expect\.offers: expected offers \[gold-card\], got \[savings-plus\]%0Awhy:%0A/);
    expect(lines[0]).toContain("gold-card (rule hv-gold): not in segment 'high-value'");
    expect(result.stderr).toContain('2 cases in 1 test: 1 passed, 1 failed');
  });

  it('explains itself in --help, with examples and exit codes', async () => {
    const help = await runCli(['test', '--help'], { cwd: root });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--coverage');
    expect(help.stdout).toContain('docs/behaviour-tests.md');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Exit 0 when every case passes, 1 when a case fails or cannot be decided, 2 when the config or its tests do not validate');
  });

  it('refuses an unknown --format with exit 2', async () => {
    const result = await runCli(['test', '--format', 'sarif'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format must be one of text, json, github');
  });

  it('reports coverage with --coverage', async () => {
    const text = await runCli(['test', '--coverage'], { cwd: root });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('strategies with a rule a case reaches: 1 of 1');
    expect(text.stderr).toContain('treatment rules no case reaches: 0 of 2 (every enabled rule is reached)');
    expect(text.stderr).toContain('offers no case returns: 2 of 4\n    platinum-card, travel-insurance');
    expect(text.stderr).toContain("segments no case's member is in: 1 of 3\n    web: big-households");
    const json = JSON.parse((await runCli(['test', '--coverage', '--json'], { cwd: root })).stdout) as { coverage: { rules: { name: string; cases: number }[] } };
    expect(json.coverage.rules).toEqual([expect.objectContaining({ name: 'hv-gold', cases: 1 }), expect.objectContaining({ name: 'savings', cases: 2 })]);
  });

  it('says so, and exits 0, when the config has no tests', async () => {
    const none = await repo({ 'strategy.yaml': strategy('s', rules) });
    const result = await runCli(['test'], { cwd: none });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no DecisionTest documents under config/: nothing to run');
  });
});

describe('offerops test --bundle', () => {
  it('decides on the bundle, with the tests read from --config', async () => {
    const root = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing });
    expect((await runCli(['compile', '--out', 'pinned.json'], { cwd: root })).code).toBe(0);
    // The config moves on: its own decisions no longer match the tests, the pinned bundle's still do.
    await writeFile(path.join(root, 'config/strategy.yaml'), strategy('s', [rules[0]!.replace('score: 80', 'score: 30'), rules[1]!]));
    expect((await runCli(['test'], { cwd: root })).code).toBe(1);
    const pinned = await runCli(['test', '--bundle', 'pinned.json'], { cwd: root });
    expect(pinned.code, pinned.stderr).toBe(0);
    const digest = (JSON.parse(await readFile(path.join(root, 'pinned.json'), 'utf8')) as { digest: string }).digest;
    expect(pinned.stderr).toContain(`(bundle ${digest})`);
  });

  it('exits 2 for a bundle it cannot read or whose digest does not match, naming the file', async () => {
    const root = await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing });
    const missing = await runCli(['test', '--bundle', 'nope.json'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('offerops: cannot read the bundle nope.json: ENOENT\n');
    expect((await runCli(['compile', '--out', 'b.json'], { cwd: root })).code).toBe(0);
    const text = await readFile(path.join(root, 'b.json'), 'utf8');
    await writeFile(path.join(root, 'b.json'), text.replace('"score": 80', '"score": 81'));
    const tampered = await runCli(['test', '--bundle', 'b.json'], { cwd: root });
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toContain('b.json');
    expect(tampered.stderr).toMatch(/digest/);
  });
});

describe('the bundle digest', () => {
  it('is the same with and without tests, and after a test changes', async () => {
    const digestOf = async (root: string): Promise<string> => {
      const result = await runCli(['compile', '--json'], { cwd: root });
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { digest: string }).digest;
    };
    const without = await digestOf(await repo({ 'strategy.yaml': strategy('s', rules) }));
    const withTests = await digestOf(await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing }));
    const changedTest = await digestOf(await repo({ 'strategy.yaml': strategy('s', rules), 'tests/home.yaml': passing.replace('offers: [savings-plus]', 'offers: [gold-card]') }));
    expect(withTests).toBe(without);
    expect(changedTest).toBe(without);
    // and a change to the config itself does change it (the comparison is not vacuous)
    expect(await digestOf(await repo({ 'strategy.yaml': strategy('s', [rules[0]!, rules[1]!.replace('score: 40', 'score: 41')]) }))).not.toBe(without);
  });
});
