// `offerops sample` through the CLI (docs/sample.md): files, stdout, reproducibility,
// flag validation and exit codes, and no half-written file on failure.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixture = path.resolve(__dirname, '../fixtures/sample');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-sample-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sample = (...args: string[]) => runCli(['sample', '--config', fixture, ...args], { cwd: dir });

describe('offerops sample', () => {
  it('writes the audience as CSV and the proposed contacts as NDJSON', async () => {
    const result = await sample('--channel', 'web', '--customers', '20', '--seed', '3', '--out', 'audience.csv', '--proposed', 'proposed.ndjson', '--offers-per-customer', '2', '--days', '7', '--at', '2026-03-10');
    expect(result.stderr).toContain('sampled 20 members of web/customer (seed 3, at 2026-03-10)');
    expect(result.stderr).toContain('40 proposed contacts over 7 days');
    expect(result.code).toBe(0);
    const audience = (await readFile(path.join(dir, 'audience.csv'), 'utf8')).trimEnd().split('\n');
    expect(audience[0]).toBe('customerId,age,band,churnRisk,income,joined,lotteryNumbers,nickname,optIn,products,tags,tier');
    expect(audience).toHaveLength(21);
    const proposed = (await readFile(path.join(dir, 'proposed.ndjson'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(proposed).toHaveLength(40);
    for (const row of proposed) {
      expect(Object.keys(row)).toEqual(['customerId', 'offer', 'channel', 'date', 'score', 'cost', 'margin', 'riskScore']);
      expect(String(row['date']) >= '2026-03-10' && String(row['date']) <= '2026-03-16').toBe(true);
    }
  });

  it('gives byte-identical files for the same seed and different files for another seed', async () => {
    const files = async (seed: string, suffix: string) => {
      const result = await sample('--channel', 'web', '--customers', '300', '--seed', seed, '--out', `a${suffix}.ndjson`, '--proposed', `p${suffix}.csv`);
      expect(result.code).toBe(0);
      return Promise.all([readFile(path.join(dir, `a${suffix}.ndjson`)), readFile(path.join(dir, `p${suffix}.csv`))]);
    };
    const [a1, p1] = await files('11', '1');
    const [a2, p2] = await files('11', '2');
    const [a3, p3] = await files('12', '3');
    expect(a1.equals(a2)).toBe(true);
    expect(p1.equals(p2)).toBe(true);
    expect(a1.equals(a3)).toBe(false);
    expect(p1.equals(p3)).toBe(false);
  });

  it('writes the audience to stdout as NDJSON when --out is omitted', async () => {
    const result = await sample('--channel', 'branch', '--customers', '4');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { customerId: string });
    expect(lines.map((l) => l.customerId)).toEqual(['c000001', 'c000002', 'c000003', 'c000004']);
  });

  it('reads a compiled bundle with --bundle and samples the same audience as from the config', async () => {
    expect((await runCli(['compile', '--config', fixture, '--out', 'bundle.json'], { cwd: dir })).code).toBe(0);
    const fromBundle = await runCli(['sample', '--bundle', 'bundle.json', '--channel', 'web', '--customers', '5'], { cwd: dir });
    const fromConfig = await sample('--channel', 'web', '--customers', '5');
    expect(fromBundle.code).toBe(0);
    expect(fromBundle.stdout).toBe(fromConfig.stdout);
  });

  it('prints a JSON summary with --json', async () => {
    const result = await sample('--channel', 'web', '--customers', '2', '--out', 'a.ndjson', '--proposed', 'p.csv', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      channel: 'web',
      audienceLevel: 'customer',
      seed: 1,
      at: '2026-01-01',
      customers: 2,
      proposed: { rows: 6, days: 30, offersPerCustomer: 3, contactChannels: ['email', 'sms'], extraColumns: ['margin', 'riskScore'] },
    });
  });

  it.each([
    [['--customers', 'many'], /--customers must be a whole number from 0 to/],
    [['--customers', '-5'], /--customers must be a whole number/],
    [['--seed', '1.5'], /--seed must be a whole number/],
    [['--offers-per-customer', '0'], /--offers-per-customer must be a whole number from 1 to 1000/],
    [['--days', '99999'], /--days must be a whole number from 1 to 3660/],
    [['--at', '2026-02-30'], /--at must be a date YYYY-MM-DD, got '2026-02-30'/],
    [['--json'], /--json prints a summary on stdout: give the audience a file with --out/],
  ])('refuses bad flags %j with exit 2', async (flags, message) => {
    const result = await sample('--channel', 'web', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses an unknown channel and a bundle with several channels without --channel (exit 2)', async () => {
    const unknown = await sample('--channel', 'kiosk');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("channel 'kiosk' is not in the bundle (channels: branch, web)");
    const ambiguous = await sample();
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('choose one with --channel');
  });

  it('refuses a missing or tampered bundle (exit 2)', async () => {
    const missing = await runCli(['sample', '--bundle', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the bundle');
    expect((await runCli(['compile', '--config', fixture, '--out', 'bundle.json'], { cwd: dir })).code).toBe(0);
    const text = await readFile(path.join(dir, 'bundle.json'), 'utf8');
    await writeFile(path.join(dir, 'bundle.json'), text.replace('"gold-card"', '"gold-kard"'));
    const tampered = await runCli(['sample', '--bundle', 'bundle.json', '--channel', 'web'], { cwd: dir });
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toContain('digest mismatch');
  });

  it('exits 1 with the problems when the config has errors', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: s }\nspec: { channel: nowhere, expression: "true" }\n');
    const result = await runCli(['sample', '--config', '.', '--channel', 'web'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("channel 'nowhere' is not defined");
  });

  it('writes no file, not even a partial one, when no offer is live in the window', async () => {
    const config = path.join(dir, 'config');
    await mkdir(config);
    await writeFile(
      path.join(config, 'all.yaml'),
      [
        'apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: web }\nspec:\n  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int } } }]\n  zones: [{ name: home, interactionPoints: [{ name: home-hero }] }]\n',
        'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: old }\nspec: { expires: 2025-12-31 }\n',
        'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: s }\nspec: { channel: web, rules: [{ name: r, offer: old, score: 1 }] }\n',
      ].join('---\n'),
    );
    const result = await runCli(['sample', '--out', 'a.csv', '--proposed', 'p.csv', '--at', '2026-01-01'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no offer of channel 'web' is live between 2026-01-01 and 2026-01-30");
    expect((await readdir(dir)).sort()).toEqual(['config']);
  });

  it('creates missing folders for its outputs, as compile --out does', async () => {
    const result = await sample('--channel', 'web', '--customers', '3', '--out', 'missing/dir/a.csv', '--proposed', 'other/p.csv');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('→ missing/dir/a.csv');
    expect((await readFile(path.join(dir, 'missing/dir/a.csv'), 'utf8')).trim().split('\n')).toHaveLength(4);
    expect(await readdir(path.join(dir, 'other'))).toEqual(['p.csv']);
  });

  it('fails with exit 2 when a folder cannot be created, naming the file and not a temporary one', async () => {
    await writeFile(path.join(dir, 'plain-file'), 'x');
    const result = await sample('--channel', 'web', '--out', 'plain-file/a.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write plain-file\/a\.csv: cannot create its folder/);
    expect(result.stderr).not.toContain('.tmp');
    expect((await readdir(dir)).sort()).toEqual(['plain-file']);
  });

  it('names an output outside the repository by its absolute path', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'offerops-sample-out-'));
    try {
      const result = await sample('--channel', 'web', '--customers', '2', '--out', path.join(outside, 'a.ndjson'), '--json');
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { out: string }).out).toBe(path.join(outside, 'a.ndjson'));
      expect(result.stderr).toContain(`→ ${path.join(outside, 'a.ndjson')}`);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
