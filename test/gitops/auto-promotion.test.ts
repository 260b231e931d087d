// `offerops promote --auto` without --from/--to (docs/gitops.md#automatic-promotions), the
// scheduled job's command, against a real repository with a bare remote and the
// GitHub-compatible test server. Two edges are declared auto (staging → canary and
// canary → production, soak 2d each) and one is manual (staging → eu): each auto edge is
// promoted on its own once its own soak has passed — judged at N−1 day, N−1 ms, N and
// N+1 day — and the manual edge never is.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../cli/run-cli.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { GitHubServer } from './github-server.js';

const token = `ghp_${randomBytes(18).toString('hex')}`;
const DAY = 24 * 60 * 60 * 1000;
let demo: Demo;
let github: GitHubServer;
const printed: CliResult[] = [];
/** The digests: canary runs `first`, staging runs `second`. */
let first: string;
let second: string;
/** When canary and staging started running what they pin (their first deployment of it). */
let canarySince: number;
let stagingSince: number;

type AutoJson = { auto: true; dryRun: boolean; promotions: { from: string; to: string; soak: string; branch: string; changed?: boolean; message?: string; dryRun?: boolean; refused?: string; failed?: string }[] };

async function autoAt(now: number, extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await demo.cli(['promote', '--auto', '--json', ...extra], { now: () => new Date(now), env });
  printed.push(result);
  return result;
}

/** Which edges the run would promote (dry run), as `from→to`, and which wait. */
async function dueAt(now: number): Promise<{ due: string[]; waiting: string[]; json: AutoJson }> {
  const json = JSON.parse(expectExit(await autoAt(now, ['--dry-run', '--no-pr']), 0).stdout) as AutoJson;
  expect(json.dryRun).toBe(true);
  return {
    json,
    due: json.promotions.filter((p) => p.dryRun === true).map((p) => `${p.from}→${p.to}`),
    waiting: json.promotions.filter((p) => p.changed === false).map((p) => `${p.from}→${p.to}`),
  };
}

const environment = (name: string, promotion: string | null): string =>
  [
    'apiVersion: offerops/v1',
    'kind: Environment',
    `metadata: { name: ${name} }`,
    'spec:',
    ...(promotion ? [`  promotion: ${promotion}`] : []),
    `  targets: [{ type: directory, path: .offerops/targets/${name} }]`,
    '  simulation: { sample: { customers: 60, seed: 7 }, at: 2026-01-01 }',
    // Loose limits: replays over loopback on a shared CI machine; check judging is tested on fixed timings.
    '  check: { members: 20, maxP99Ms: 60000, minRps: 0.01 }',
    '',
  ].join('\n');

const pinOf = async (name: string): Promise<string> => /digest: (sha256:[0-9a-f]{64})/.exec(await demo.read(`environments/${name}.yaml`))![1]!;

/** The first deployment of `digest` to `environment`, from the records. */
async function deployedAt(name: string, digest: string): Promise<number> {
  const history = JSON.parse(expectExit(await demo.cli(['status', '--history', '--json']), 0).stdout) as { records: { kind: string; environment: string; digest: string; at: string; ok?: boolean }[] };
  const deployments = history.records.filter((r) => r.kind === 'deployment' && r.environment === name && r.digest === digest && r.ok);
  expect(deployments).toHaveLength(1);
  return Date.parse(deployments[0]!.at);
}

/** The promotion branches on the remote. */
const remoteBranches = (): string[] =>
  demo
    .git(['ls-remote', '--heads', 'origin'])
    .split('\n')
    .map((l) => l.split('refs/heads/')[1]!)
    .filter((b) => b?.startsWith('offerops/promote-'))
    .sort();

beforeAll(async () => {
  demo = await createDemo();
  github = await GitHubServer.start({ token });
  // staging → canary (auto), canary → production (auto), staging → eu (by hand).
  await demo.write('environments/staging.yaml', environment('staging', null));
  await demo.write('environments/canary.yaml', environment('canary', '{ from: staging, auto: { soak: 2d } }'));
  await demo.write('environments/production.yaml', environment('production', '{ from: canary, auto: { soak: 2d } }'));
  await demo.write('environments/eu.yaml', environment('eu', '{ from: staging }'));
  demo.git(['add', '-A', 'environments']);
  demo.git(['commit', '--quiet', '-m', 'chore: staging, canary, production, eu']);
  demo.git(['push', '--quiet', 'origin', 'main']);

  // The first bundle goes staging → canary by hand and runs in canary.
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
  expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'canary', '--no-pr']), 0);
  demo.git(['fetch', '--quiet']);
  demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-canary']);
  demo.git(['push', '--quiet', 'origin', 'main', ':offerops/promote-canary']);
  expectExit(await demo.cli(['deploy', '--env', 'canary']), 0);
  expectExit(await demo.cli(['check', '--env', 'canary']), 0);
  first = await pinOf('canary');
  canarySince = await deployedAt('canary', first);

  // A second bundle runs in staging, deployed after canary's.
  await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
  second = await pinOf('staging');
  stagingSince = await deployedAt('staging', second);
  expect(second).not.toBe(first);
  expect(stagingSince).toBeGreaterThan(canarySince);
  expect(remoteBranches()).toEqual([]);
}, 600_000);

afterAll(async () => {
  for (const result of printed) expect(result.stdout + result.stderr).not.toContain(token);
  await github?.close();
  await demo?.cleanup();
});

describe('promote --auto, every edge declared auto', () => {
  it('judges each edge by its own soak: N−1 day waits, N−1 ms waits, N and N+1 day promote', async () => {
    // 1 day after staging's deployment: neither has soaked for 2 days.
    const early = await dueAt(stagingSince + 1 * DAY);
    expect(early.due).toEqual([]);
    expect(early.waiting).toEqual(['staging→canary', 'canary→production']);
    expect(early.json.promotions.map((p) => p.message)).toEqual([expect.stringMatching(/staging has run it for 24 hours of the 48 hours soak/), expect.stringMatching(/canary has run it for .+ of the 48 hours soak/)]);

    // Exactly 2 days after canary's deployment: canary → production is due, staging → canary (deployed later) waits.
    expect((await dueAt(canarySince + 2 * DAY)).due).toEqual(['canary→production']);
    // One millisecond short of staging's 2 days, and exactly 2 days.
    expect((await dueAt(stagingSince + 2 * DAY - 1)).due).toEqual(['canary→production']);
    expect((await dueAt(stagingSince + 2 * DAY)).due).toEqual(['staging→canary', 'canary→production']);
    const late = await dueAt(stagingSince + 3 * DAY);
    expect(late.due).toEqual(['staging→canary', 'canary→production']);
    // The manual edge staging → eu is never among them, whatever the time.
    expect(late.json.promotions.map((p) => p.to)).toEqual(['canary', 'production']);
    expect(late.json.promotions.map((p) => p.soak)).toEqual(['2d', '2d']);
    expect(remoteBranches()).toEqual([]);
  });

  it('opens one pull request per due auto edge on GitHub, never one for the manual edge, and run again opens none', async () => {
    const env = github.env();
    // One edge due: one pull request, the other edge waits.
    const one = JSON.parse(expectExit(await autoAt(canarySince + 2 * DAY, [], env), 0).stdout) as AutoJson;
    expect(one.promotions.map((p) => [p.to, p.changed])).toEqual([
      ['canary', false],
      ['production', true],
    ]);
    expect(github.pulls.map((p) => p.head.ref)).toEqual(['offerops/promote-production']);

    // Both due: the second pull request, the first one's body refreshed, no duplicate.
    const both = expectExit(await autoAt(stagingSince + 3 * DAY, [], env), 0);
    expect(both.stderr).toContain('staging → canary (soak 2d):');
    expect(both.stderr).toContain('canary → production (soak 2d):');
    expect(github.pulls.map((p) => p.head.ref).sort()).toEqual(['offerops/promote-canary', 'offerops/promote-production']);
    const pull = (to: string) => github.pulls.find((p) => p.head.ref === `offerops/promote-${to}`)!;
    expect(pull('canary').labels.map((l) => l.name).sort()).toEqual(['env:canary', 'offerops:promotion']);
    expect(pull('production').labels.map((l) => l.name).sort()).toEqual(['env:production', 'offerops:promotion']);
    expect(pull('canary').body).toContain(`"head":"${second}"`);
    expect(pull('production').body).toContain(`"head":"${first}"`);
    expect(remoteBranches()).toEqual(['offerops/promote-canary', 'offerops/promote-production']);
    const tips = demo.git(['ls-remote', '--heads', 'origin']);

    expectExit(await autoAt(stagingSince + 3 * DAY, [], env), 0);
    expect(github.pulls).toHaveLength(2);
    expect(github.callsTo('POST', /\/pulls$/)).toHaveLength(2);
    expect(demo.git(['ls-remote', '--heads', 'origin'])).toBe(tips);
    expect(remoteBranches()).not.toContain('offerops/promote-eu');
  });

  it('says what is wrong with its flags, and needs GitHub or --no-pr', async () => {
    const later = stagingSince + 3 * DAY;
    expect(expectExit(await autoAt(later, ['--from', 'staging']), 2).stderr).toContain('--auto takes both --from and --to (one edge) or neither');
    expect(expectExit(await autoAt(later, ['--force', '--reason', 'x']), 2).stderr).toContain('--auto never forces');
    expect(expectExit(await autoAt(later, ['--no-pr', '--body-file', 'x.md']), 2).stderr).toContain('--body-file names one file');
    expect(expectExit(await autoAt(later), 2).stderr).toContain('set GITHUB_TOKEN');
  });

  it('stops before any edge when an environment file on the base branch is broken', async () => {
    await demo.write('environments/eu.yaml', environment('eu', '{ from: staging-eu }'));
    demo.git(['commit', '--quiet', '-am', 'chore: eu from a missing environment']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    const tips = demo.git(['ls-remote', '--heads', 'origin']);
    const broken = expectExit(await autoAt(stagingSince + 3 * DAY, ['--no-pr']), 1);
    expect(broken.stderr).toMatch(/environments\/eu\.yaml:\d+:\d+/);
    expect(broken.stderr).toContain('no automatic promotion is judged while an environment file is broken');
    expect(demo.git(['ls-remote', '--heads', 'origin'])).toBe(tips);
  });
});
