// `offerops simulate` through the CLI: the metrics JSON, reproducibility apart from
// `timing`, the environment's settings as defaults, the optimizer with a policy, and bad
// flags and input refused with exit 2 (a config with errors exits 1).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { exampleProject } from './example-project.js';
import { runCli } from './run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await exampleProject({ git: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const simulate = (...args: string[]) => runCli(['simulate', ...args], { cwd: dir });
const withoutTiming = (text: string): unknown => {
  const { timing, ...rest } = JSON.parse(text) as Record<string, unknown>;
  expect(timing).toBeDefined();
  return rest;
};

describe('offerops simulate', () => {
  it('prints the metrics of every named point for a seeded sample', async () => {
    const result = await simulate('--sample', '40', '--seed', '7', '--at', '2026-11-02', '--ip', 'home-hero', 'next-best-action');
    expect(result.code, result.stderr).toBe(0);
    const metrics = JSON.parse(result.stdout) as { audience: Record<string, unknown>; points: { channel: string; point: string; members: number; fillRate: number }[]; bundle: { source: string } };
    expect(metrics.audience).toMatchObject({ source: 'sample:40:7', members: 40, at: '2026-11-02' });
    expect(metrics.bundle.source).toBe('config/');
    expect(metrics.points.map((p) => `${p.channel}/${p.point}`)).toEqual(['web/home-hero', 'contact-centre/next-best-action']);
    expect(metrics.points.every((p) => p.members === 40 && p.fillRate > 0)).toBe(true);
    expect(result.stderr).toContain('simulated 40 members of sample:40:7 on 2026-11-02');
  });

  it('gives byte-identical metrics for the same inputs, apart from timing', async () => {
    const args = ['--sample', '30', '--seed', '3', '--at', '2026-11-02', '--ip', 'web/home-tiles,dashboard-carousel'];
    const a = await simulate(...args);
    const b = await simulate(...args);
    expect(JSON.stringify(withoutTiming(a.stdout))).toBe(JSON.stringify(withoutTiming(b.stdout)));
    const c = await simulate(...args.map((x) => (x === '3' ? '4' : x)));
    expect(JSON.stringify(withoutTiming(c.stdout))).not.toBe(JSON.stringify(withoutTiming(a.stdout)));
  });

  it('reads an audience file and a history file, and writes --out atomically', async () => {
    await writeFile(path.join(dir, 'audience.csv'), 'customerId,age,income,tier,riskScore,vulnerable,products,session.callReason,session.agentTeam\nc1,40,50000,standard,0.1,false,current-account,sales,general\nc2,70,20000,plus,0.9,true,,complaint,retention\n');
    await writeFile(path.join(dir, 'history.csv'), 'customerId,offer,channel,date,event\nc1,debt-advice,contact-centre,2026-10-01,reject\n');
    const result = await simulate('--audience', 'audience.csv', '--history', 'history.csv', '--at', '2026-11-02', '--ip', 'contact-centre/next-best-action', '--out', 'out/metrics.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const metrics = JSON.parse(await readFile(path.join(dir, 'out/metrics.json'), 'utf8')) as { audience: { source: string; members: number }; points: { members: number }[] };
    expect(metrics.audience).toMatchObject({ source: 'audience.csv', members: 2 });
    expect(metrics.points[0]!.members).toBe(2);
    expect(result.stderr).toContain('metrics → out/metrics.json');
  });

  it('takes the audience and day from an environment, and simulates its pinned bundle', async () => {
    const compiled = await compileDirectory(path.join(dir, 'config'), { root: dir });
    const bundle = createBundle(compiled.bundle!.body);
    await writeFile(path.join(dir, 'environments/pinned.json'), formatBundle(bundle));
    await writeFile(
      path.join(dir, 'environments/qa.yaml'),
      `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: qa }\nspec:\n  bundle: { digest: "${bundle.digest}", path: environments/pinned.json }\n  simulation: { sample: { customers: 25, seed: 5 }, at: 2026-11-03 }\n`,
    );
    const result = await simulate('--env', 'qa', '--ip', 'home-hero');
    expect(result.code, result.stderr).toBe(0);
    const metrics = JSON.parse(result.stdout) as { bundle: { source: string; digest: string }; audience: { source: string; at: string } };
    expect(metrics.bundle).toEqual({ source: 'env:qa', digest: bundle.digest });
    expect(metrics.audience).toMatchObject({ source: 'sample:25:5', at: '2026-11-03' });
  });

  it('runs the optimizer with --policy and --proposed, its timing kept apart', async () => {
    expect((await runCli(['sample', '--channel', 'web', '--customers', '30', '--seed', '2', '--out', 'aud.ndjson', '--proposed', 'proposed.csv', '--at', '2026-11-02'], { cwd: dir })).code).toBe(0);
    const result = await simulate('--audience', 'aud.ndjson', '--at', '2026-11-02', '--ip', 'web/home-hero', '--policy', 'outbound-campaigns', '--proposed', 'proposed.csv');
    expect(result.code, result.stderr).toBe(0);
    const metrics = JSON.parse(result.stdout) as { optimization: { policy: string; report: Record<string, unknown>; chosen: unknown[] }; timing: { optimization: { timeMs: number } } };
    expect(metrics.optimization.policy).toBe('outbound-campaigns');
    expect(metrics.optimization.report['objective']).toBeGreaterThan(0);
    expect(metrics.optimization.report['timeMs']).toBeUndefined();
    expect(metrics.optimization.chosen.length).toBeGreaterThan(0);
    expect(metrics.timing.optimization.timeMs).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [['--sample', '0'], /--sample must be a whole number from 1/],
    [['--sample', '5', '--audience', 'x.csv'], /not both/],
    [['--sample', '5', '--at', '2026-13-01'], /--at must be a day/],
    [['--sample', '5', '--ip', 'home-heroo'], /--ip home-heroo: no such interaction point; did you mean 'home-hero'\?/],
    [['--sample', '5', '--ip', 'home'], /no such interaction point/],
    [['--sample', '5', '--count', '0'], /--count must be a whole number from 1 to 1000/],
    [['--sample', '5', '--workers', 'x'], /--workers must be a whole number/],
    [['--sample', '5', '--policy', 'outbound-campaigns'], /--policy and --proposed go together/],
    [['--sample', '5', '--fairness', 'shoeSize'], /'shoeSize' is not a declared audience attribute/],
    [[], /no audience: give --audience FILE or --sample N/],
    [['--audience', 'missing.ndjson'], /missing\.ndjson: cannot read the audience file \(no such file\)/],
    [['--sample', '5', '--bundle', 'missing.json'], /cannot read the bundle missing\.json/],
    [['--sample', '5', '--env', 'staging'], /environment 'staging' has no pinned bundle yet/],
    [['--sample', '5', '--env', 'Bad_Name'], /not an environment name/],
  ])('refuses %j with exit 2', async (args, message) => {
    const result = await simulate(...(args));
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('exits 1 when the config does not compile', async () => {
    await writeFile(path.join(dir, 'config/broken.yaml'), 'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: Bad Name }\nspec: {}\n');
    const result = await simulate('--sample', '5');
    // As every command that reads a bundle or compiles --config: the problems, then why it stopped.
    expect(result.stderr).toMatch(/config\/broken\.yaml:3:\d+: error/);
    expect(result.stderr).toMatch(/the config in config has errors \(1 error/);
    expect(result.code).toBe(1);
  });
});
