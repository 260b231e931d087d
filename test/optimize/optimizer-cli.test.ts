// `offerops optimize` in-process: files in, chosen rows and report out, exit codes,
// shards and their merge.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBundle, formatBundle, parseBundle } from '../../src/bundle/bundle.js';
import { readHistory } from '../../src/io/history.js';
import { checkSelection, ProposedColumnsBuilder, readAudience, readProposedColumns, type SelectionCheck } from '../../src/optimize/index.js';
import type { OptimizeReport } from '../../src/optimize/types.js';
import { runCli } from '../cli/run-cli.js';
import { bundleWith, rule } from './optimizer-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-opt-cli-'));
const rules = [
  { ...rule.offerCapacity(60, { periodDays: 3 }, 'a'), name: 'a-cap' },
  { ...rule.customerOfferCount(2, 0, { periodDays: 5 }), name: 'per-customer' },
  { ...rule.customersIn('exclude', 'young', 'b'), name: 'no-b-for-young' },
  { ...rule.customCapacity('sum', 'cost', 150), name: 'budget' },
];
writeFileSync(path.join(dir, 'bundle.json'), formatBundle(createBundle(bundleWith(rules, [{ name: 'young', expression: 'profile.age < 21' }]))));

let seed = 7;
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const lines = ['customerId,offer,channel,date,score,cost,extra'];
for (let c = 0; c < 120; c++) {
  for (let k = 0; k < 4; k++) {
    const offer = ['a', 'b', 'c', 'd'][Math.floor(random() * 4)];
    lines.push(`u${c},${offer},email,2026-01-0${1 + Math.floor(random() * 9)},${(1 + random() * 20).toFixed(2)},${(random() * 2).toFixed(2)},x${c}`);
  }
}
writeFileSync(path.join(dir, 'proposed.csv'), lines.join('\n') + '\n');
writeFileSync(path.join(dir, 'audience.csv'), ['customerId,age', ...Array.from({ length: 120 }, (_, c) => `u${c},${18 + (c % 40)}`)].join('\n') + '\n');
writeFileSync(path.join(dir, 'history.csv'), 'customerId,offer,channel,date\nu1,a,email,2025-12-31\n');

const common = ['--bundle', 'bundle.json', '--history', 'history.csv', '--audience', 'audience.csv', '--exact', 'never'];

function report(file: string): OptimizeReport {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as OptimizeReport;
}

/** checkSelection of the rows of `file` (lines copied from proposed.csv) against the whole input. */
async function checkFile(file: string): Promise<SelectionCheck> {
  const proposedLines = readFileSync(path.join(dir, 'proposed.csv'), 'utf8').trim().split('\n').slice(1);
  const left = new Map<string, number[]>();
  proposedLines.forEach((line, row) => left.set(line, [...(left.get(line) ?? []), row]));
  const chosen = readFileSync(path.join(dir, file), 'utf8').trim().split('\n').slice(1).map((line) => {
    const rows = left.get(line);
    if (!rows || rows.length === 0) throw new Error(`${file}: '${line}' is not a proposed line`);
    return rows.shift()!;
  });
  const bundle = parseBundle(readFileSync(path.join(dir, 'bundle.json'), 'utf8'), 'bundle.json').body;
  const table = (f: string) => ({ file: path.join(dir, f), displayName: f, format: 'csv' as const });
  const builder = new ProposedColumnsBuilder();
  await readProposedColumns(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)), builder);
  const history = await readHistory(table('history.csv'));
  const audience = await readAudience(table('audience.csv'), bundle.channels[0]!.audienceLevels[0]!.attributes);
  return checkSelection({ bundle, policy: bundle.policies[0]!.name, proposed: builder.finish(), history, audience }, chosen);
}

describe('offerops optimize', () => {
  it('writes the chosen rows with the input columns and a report', async () => {
    const result = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', '--out', 'out.csv', '--report', 'report.json'], { cwd: dir });
    expect(result.stderr).toMatch(/optimized 480 proposed contacts for 120 customers/);
    expect(result.code).toBe(0);
    const out = readFileSync(path.join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(out[0]).toBe(lines[0]);
    const r = report('report.json');
    expect(out.length - 1).toBe(r.rowsOut);
    expect(r.rules.map((x) => x.name)).toEqual(['a-cap', 'per-customer', 'no-b-for-young', 'budget']);
    expect(r.upperBound).toBeGreaterThanOrEqual(r.objective);
    for (const row of out.slice(1)) expect(lines).toContain(row);
    // Written on a second thread to a staging file, then renamed: nothing else is left.
    expect(readdirSync(dir).filter((f) => f.startsWith('out.csv'))).toEqual(['out.csv']);
  });

  it('refuses an output whose folder cannot be created before optimizing, exit 2', async () => {
    for (const flag of ['--out', '--report', '--write-prices']) {
      // proposed.csv is a file, so no folder can be made under it.
      const result = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', flag, 'proposed.csv/x.csv', ...(flag === '--out' ? [] : ['--out', 'out2.csv'])], { cwd: dir });
      expect(result.code, flag).toBe(2);
      expect(result.stderr).toContain(`${flag} `);
      expect(result.stderr).toContain('cannot be created or written');
      expect(result.stderr).not.toMatch(/optimized \d+ proposed contacts/);
    }
  });

  it('refuses to run without --audience when a rule applies to segment members, exit 2', async () => {
    const withoutAudience = common.filter((a, i) => a !== '--audience' && common[i - 1] !== '--audience');
    const result = await runCli(['optimize', ...withoutAudience, '--proposed', 'proposed.csv', '--out', 'no-audience.csv'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--audience FILE is required: policy 'p' has rules that apply to segment members, 'no-b-for-young' (segment 'young')");
    expect(readdirSync(dir)).not.toContain('no-audience.csv');
    // An audience with no member is the explicit way to run with empty segments.
    writeFileSync(path.join(dir, 'nobody.csv'), 'customerId\n');
    const empty = await runCli(['optimize', ...withoutAudience, '--audience', 'nobody.csv', '--proposed', 'proposed.csv', '--out', 'nobody-out.csv', '--report', 'nobody.json'], { cwd: dir });
    expect(empty.code).toBe(0);
    expect(report('nobody.json').rules.find((r) => r.name === 'no-b-for-young')!.removed).toBe(0);
  });

  it('runs without --audience when no rule names a segment', async () => {
    writeFileSync(path.join(dir, 'plain.json'), formatBundle(createBundle(bundleWith([{ ...rule.offerCapacity(60, { periodDays: 3 }, 'a'), name: 'a-cap' }]))));
    const result = await runCli(['optimize', '--bundle', 'plain.json', '--exact', 'never', '--proposed', 'proposed.csv', '--out', 'plain-out.csv'], { cwd: dir });
    expect(result.code).toBe(0);
  });

  it('prints the report on stdout with --json and exits 1 with --strict when a minimum is unmet', async () => {
    const strictBundle = createBundle(bundleWith([{ ...rule.customerOfferCount(null, 9), name: 'at-least-nine' }]));
    writeFileSync(path.join(dir, 'strict.json'), formatBundle(strictBundle));
    const result = await runCli(['optimize', '--bundle', 'strict.json', '--proposed', 'proposed.csv', '--out', 'strict-out.csv', '--json', '--strict'], { cwd: dir });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as OptimizeReport;
    expect(parsed.unmetMinimums.length).toBeGreaterThan(0);
  });

  it('fails with exit 2 and file:line:column on bad input', async () => {
    writeFileSync(path.join(dir, 'bad.csv'), 'customerId,offer,channel,date,score\nc1,a,email,2026-13-01,1\n');
    const result = await runCli(['optimize', ...common, '--proposed', 'bad.csv', '--out', 'x.csv'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.csv:2:12: 'date' must be a calendar date/);
    const missing = await runCli(['optimize', ...common, '--proposed', 'nope.csv'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: cannot read the file/);
  });

  it('maps a core input error (a non-numeric custom field) back to its line', async () => {
    writeFileSync(path.join(dir, 'weight.json'), formatBundle(createBundle(bundleWith([{ ...rule.customCapacity('sum', 'weight', 5), name: 'weight-cap' }]))));
    writeFileSync(path.join(dir, 'noweight.csv'), 'customerId,offer,channel,date,score,weight\nc1,a,email,2026-01-01,1,1\nc2,a,email,2026-01-01,1,heavy\n');
    const result = await runCli(['optimize', '--bundle', 'weight.json', '--proposed', 'noweight.csv', '--out', 'x.csv'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/noweight\.csv:3:25: rule 'weight-cap' sums column 'weight', which is not a number \("heavy"\)/);
  });

  it.each([3, 4])('solves %i shards with prices and merges them into a result the independent check finds feasible, within half a percent of one run', async (count) => {
    const one = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', '--out', 'single.csv', '--report', 'single.json', '--write-prices', 'prices.json'], { cwd: dir });
    expect(one.stderr).toMatch(/optimized/);
    const shards = `shards-${count}`;
    mkdirSync(path.join(dir, shards), { recursive: true });
    const parts = Array.from({ length: count }, (_, i) => i);
    for (const i of parts) {
      const shard = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', '--shard', `${i}/${count}`, '--prices', 'prices.json', '--out', `${shards}/part-${i}.csv`, '--report', `shard-${count}-${i}.json`], { cwd: dir });
      expect(shard.stderr).toMatch(/optimized/);
      expect(shard.code).toBe(0);
      const part = report(`shard-${count}-${i}.json`);
      expect(part.shard).toEqual({ index: i, count });
      // Its bound is the dual at the given prices on its share: an upper bound, and a
      // close one (each customer's own optimum, the bound without prices, is far looser).
      expect(part.upperBound).toBeGreaterThanOrEqual(part.objective - 1e-6);
      expect(part.gap).toBeLessThan(0.05);
    }
    expect(readdirSync(path.join(dir, shards)).sort()).toEqual(parts.map((i) => `part-${i}.csv`));
    // Every customer is in exactly one shard.
    const customersOf = (file: string): string[] => readFileSync(path.join(dir, file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    const seen = parts.flatMap((i) => [...new Set(customersOf(`${shards}/part-${i}.csv`))]);
    expect(new Set(seen).size).toBe(seen.length);
    const merged = await runCli(['optimize', ...common, '--merge', shards, '--prices', 'prices.json', '--out', `merged-${count}.csv`, '--report', `merged-${count}.json`], { cwd: dir });
    expect(merged.code).toBe(0);
    const single = report('single.json');
    const union = report(`merged-${count}.json`);
    expect(union.objective).toBeGreaterThanOrEqual(0.995 * single.objective);
    const shardRows = parts.reduce((t, i) => t + report(`shard-${count}-${i}.json`).rowsOut, 0);
    expect(union.rowsIn).toBe(shardRows);

    // The independent check: the merged lines, found among the proposed lines, against a
    // model of the whole input built afresh.
    const check = await checkFile(`merged-${count}.csv`);
    expect(check.rows).toBe(union.rowsOut);
    expect(check.objective).toBeCloseTo(union.objective, 6);
  });

  it('the independent check refuses a selection that breaks a rule, naming the rule', async () => {
    // Every proposed row chosen: rows the rules remove are among them.
    await expect(checkFile('proposed.csv')).rejects.toThrow(/rule '[a-z-]+'/);
  });

  it('refuses a prices file that --write-prices did not write, naming what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['null', /expected a JSON object/],
      ['{"policy":"p","horizon":{"from":"2026-01-01","to":"2026-01-02"},"prices":{"r":{"w":"x"}}}', /prices\.r\.w must be a finite number, got "x"/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path.join(dir, 'bad-prices.json'), text);
      const result = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', '--out', 'out3.csv', '--prices', 'bad-prices.json'], { cwd: dir });
      expect(result.code, text).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('refuses a malformed --shard', async () => {
    const result = await runCli(['optimize', ...common, '--proposed', 'proposed.csv', '--shard', '3/3'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shard must be i\/N/);
  });
});
