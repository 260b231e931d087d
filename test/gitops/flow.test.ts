// The walk-through of docs/gitops.md as a new user does it, on a real git repository
// with a bare remote: init, edit a rule, release, deploy to staging, check, promote
// --no-pr (twice: same branch, no duplicate), merge, deploy production, status,
// rollback; then the records travel with a fresh clone.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/bundle/bundle.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';

let demo: Demo;
const digests: string[] = [];

beforeAll(async () => {
  demo = await createDemo();
});
afterAll(async () => demo?.cleanup());

const targetDigest = async (env: string) => parseBundle(await demo.read(`.offerops/targets/${env}/bundle.json`), env).digest;
const pinned = async (env: string) => /digest: (sha256:[0-9a-f]{64})/.exec(await demo.read(`environments/${env}.yaml`))?.[1];

describe('the GitOps flow on git alone', () => {
  it('init gives a repository that validates and compiles', async () => {
    expectExit(await demo.cli(['validate']), 0);
    expectExit(await demo.cli(['compile', '--out', 'build/bundle.json']), 0);
    expect(demo.git(['log', '--format=%s'])).toBe('chore: offerops init');
  });

  it('release compiles HEAD, commits the bundle and the pin, and pushes main', async () => {
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 25', 'feat: a bigger voucher score');
    const result = expectExit(await demo.cli(['release', '--env', 'staging', '--json']), 0);
    const json = JSON.parse(result.stdout) as { commit: string };
    expect(demo.git(['rev-parse', 'HEAD'])).toBe(json.commit);
    expect(demo.git(['rev-parse', 'origin/main'])).toBe(json.commit);
    expect(demo.git(['log', '-1', '--format=%s'])).toMatch(/^release\(staging\): sha256:/);
    expect(demo.git(['status', '--porcelain', '--', 'config', 'environments'])).toBe('');
    const digest = (await pinned('staging'))!;
    expect(parseBundle(await demo.read('environments/staging/bundle.json'), 'b').digest).toBe(digest);
    digests.push(digest);
    expect(await demo.read('environments/staging.yaml')).toContain(`commit: ${demo.git(['rev-parse', 'HEAD~1'])}`);
    // Released again with nothing new: nothing to do, nothing committed.
    expect(expectExit(await demo.cli(['release', '--env', 'staging']), 0).stderr).toContain('already pins');
    expect(demo.git(['rev-parse', 'HEAD'])).toBe(json.commit);
  });

  it('deploy puts the pinned bundle on staging\'s target and check replays members through it', async () => {
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
    expect(await targetDigest('staging')).toBe(digests[0]);
    expect(existsSync(path.join(demo.work, '.offerops/targets/staging/bundles', `${digests[0]!.slice(7)}.json`))).toBe(true);
    const check = JSON.parse(expectExit(await demo.cli(['check', '--env', 'staging', '--json']), 0).stdout) as { passed: boolean; check: { targets: { decisions: number; mismatches: number }[] } };
    expect(check.passed).toBe(true);
    // 50 members × 2 interaction points, each answer equal to the local engine's.
    expect(check.check.targets[0]).toMatchObject({ decisions: 100, mismatches: 0 });
  });

  it('promote --no-pr pushes one commit on offerops/promote-production and writes the body', async () => {
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    const tip = demo.git(['rev-parse', 'origin/offerops/promote-production']);
    expect(demo.git(['rev-parse', `${tip}^`])).toBe(demo.git(['rev-parse', 'origin/main']));
    expect(demo.git(['show', `${tip}:environments/production/bundle.json`])).toBe((await demo.read('environments/staging/bundle.json')).trimEnd());
    const body = await demo.read('.offerops/pull-requests/offerops-promote-production.md');
    expect(body).toContain('## Runtime check in staging');
    expect(body).toContain('**Passed**');
    // Production runs nothing yet: no diff to show, and the body says why.
    expect(body).toContain('## Simulation evidence');
    expect(body).toContain('production has no bundle yet');
    expect(body).not.toContain('<!-- offerops:evidence');

    // Again: the same branch, the same commit, no duplicate.
    const again = expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    expect(again.stderr).toContain('already holds');
    demo.git(['fetch', '--quiet']);
    expect(demo.git(['rev-parse', 'origin/offerops/promote-production'])).toBe(tip);
    expect(demo.git(['branch', '-r']).split('\n').filter((b) => b.includes('promote'))).toHaveLength(1);
  });

  it('merged and deployed, production runs the bundle staging ran and status is clean', async () => {
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    expectExit(await demo.cli(['deploy', '--env', 'production']), 0);
    expect(await demo.read('.offerops/targets/production/bundle.json')).toBe(await demo.read('.offerops/targets/staging/bundle.json'));
    const status = JSON.parse(expectExit(await demo.cli(['status', '--check', '--json']), 0).stdout) as { environments: { environment: string; drift: boolean; pending: unknown[] }[] };
    expect(status.environments.map((e) => [e.environment, e.drift, e.pending.length])).toEqual([
      ['production', false, 0],
      ['staging', false, 0],
    ]);
    expectExit(await demo.cli(['verify', '--fresh']), 0);
    expect(expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0).stderr).toContain('nothing to promote');
  });

  it('a second change goes the same way', async () => {
    await demo.commitEdit('config/strategy.yaml', 'score: 60', 'score: 65', 'feat: travel insurance scores 65');
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    digests.push((await pinned('staging'))!);
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
    expectExit(await demo.cli(['check', '--env', 'staging']), 0);
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    // The evidence is the simulation diff of production's bundle against the candidate.
    const body = await demo.read('.offerops/pull-requests/offerops-promote-production.md');
    const evidence = body.slice(body.indexOf('## Simulation evidence'), body.indexOf('## Runtime check in staging'));
    expect(evidence).toContain(`<!-- offerops:evidence`);
    expect(evidence).toContain(digests[0]!);
    expect(evidence).toContain(digests[1]!);
    expect(evidence).toMatch(/## offerops diff: `env:production` → `env:staging`/);
    expect(evidence).toMatch(/ of 500 members/);
    demo.git(['fetch', '--quiet']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    expectExit(await demo.cli(['deploy', '--env', 'production']), 0);
    expect(await targetDigest('production')).toBe(digests[1]);
  });

  it('rollback pins the previous bundle from history on its own branch and pauses promotions', async () => {
    expectExit(await demo.cli(['rollback', '--env', 'production', '--to', 'previous', '--reason', 'travel scores too high', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    const yaml = demo.git(['show', 'origin/offerops/rollback-production:environments/production.yaml']);
    expect(yaml).toContain(`digest: ${digests[0]}`);
    expect(yaml).toContain('reason: "rollback: travel scores too high"');
    const rollbackBody = await demo.read('.offerops/pull-requests/offerops-rollback-production.md');
    expect(rollbackBody).toContain('Rolls **production** back');
    // The evidence of a rollback: what production runs against the bundle it goes back to.
    expect(rollbackBody).toContain('<!-- offerops:evidence');
    expect(rollbackBody.indexOf(digests[1]!)).toBeGreaterThan(-1);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/rollback-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    expectExit(await demo.cli(['deploy', '--env', 'production']), 0);
    expect(await targetDigest('production')).toBe(digests[0]);
    // Staging still runs the newer bundle; promoting it is refused while paused.
    const refused = expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 1);
    expect(refused.stderr).toContain('paused');
    const status = expectExit(await demo.cli(['status', '--env', 'production']), 0).stdout;
    expect(status).toContain('paused    rollback: travel scores too high');
  });

  it('every step is a record that travels with git clone', async () => {
    const history = expectExit(await demo.cli(['status', '--history', '--json']), 0);
    const kinds = (JSON.parse(history.stdout) as { records: { kind: string }[] }).records.map((r) => r.kind);
    expect(new Set(kinds)).toEqual(new Set(['release', 'deployment', 'check', 'promotion', 'rollback']));
    const clone = demo.clone('fresh');
    const cloned = expectExit(await demo.cli(['status', '--history', '--json'], { cwd: clone }), 0);
    expect((JSON.parse(cloned.stdout) as { records: unknown[] }).records).toEqual((JSON.parse(history.stdout) as { records: unknown[] }).records);
    expect(expectExit(await demo.cli(['status', '--history'], { cwd: clone }), 0).stdout).toMatch(/rollback +production: sha256:/);
  });
});
