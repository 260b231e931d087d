// Two clones promoting at once: one wins; the other ends on the same branch (when the
// winner made the same promotion) or stops with nothing pushed. Driven at an exact
// point — between the loser's commit and its push — through apply's events, and also
// as two real concurrent runs.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPromotion } from '../../src/gitops/promote-run.js';
import { openSession } from '../../src/gitops/state.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';

let demo: Demo;
beforeEach(async () => {
  demo = await createDemo();
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
});
afterEach(async () => demo?.cleanup());

const request = { from: 'staging', to: 'production', force: false, reason: null, auto: false };
const branchCommits = () => Number(demo.git(['rev-list', '--count', 'refs/remotes/origin/main..refs/remotes/origin/offerops/promote-production']));

describe('promotions racing', () => {
  it('the loser finds the winner\'s identical promotion and ends on the same branch', async () => {
    const other = demo.clone('other');
    const session = await openSession(demo.work, demo.env, new Date());
    let winner = '';
    const run = await runPromotion(session, request, async (event) => {
      if (event.kind === 'committed' && winner === '') {
        expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr'], { cwd: other }), 0);
        winner = demo.git(['rev-parse', 'origin/offerops/promote-production'], other);
      }
    });
    expect(run, JSON.stringify(run.kind === 'applied' ? { raced: run.raced, result: run.result, steps: run.plan.steps.map((s) => s.kind) } : run)).toMatchObject({ kind: 'applied', raced: true });
    expect(run.kind === 'applied' && run.result.exitCode).toBe(0);
    demo.git(['fetch', '--quiet']);
    expect(demo.git(['rev-parse', 'origin/offerops/promote-production'])).toBe(winner);
    expect(branchCommits()).toBe(1);
    const history = JSON.parse(expectExit(await demo.cli(['status', '--history', '--json']), 0).stdout) as { records: { kind: string }[] };
    expect(history.records.filter((r) => r.kind === 'promotion')).toHaveLength(1);
  });

  it('the loser stops with nothing pushed when the branch now holds something else', async () => {
    const other = demo.clone('other');
    const session = await openSession(demo.work, demo.env, new Date());
    let foreign = '';
    const run = await runPromotion(session, request, async (event) => {
      if (event.kind === 'committed' && foreign === '') {
        // Someone pushes their own commit to the promotion branch by hand.
        await demo.commitEdit('README.md', 'Offer decisioning config', 'Hand-made', 'docs: by hand', other);
        demo.git(['push', '--quiet', 'origin', 'HEAD:refs/heads/offerops/promote-production'], other);
        foreign = demo.git(['rev-parse', 'HEAD'], other);
      }
    });
    expect(run.kind).toBe('lost-race');
    expect(run.kind === 'lost-race' && run.message).toContain('now holds another promotion');
    demo.git(['fetch', '--quiet']);
    expect(demo.git(['rev-parse', 'origin/offerops/promote-production'])).toBe(foreign);
    expect(demo.git(['status', '--porcelain', '--', 'config', 'environments'])).toBe('');
    const history = JSON.parse(expectExit(await demo.cli(['status', '--history', '--json']), 0).stdout) as { records: { kind: string }[] };
    expect(history.records.filter((r) => r.kind === 'promotion')).toHaveLength(0);
  });

  it('a push refused because another push holds the branch\'s lock stops with nothing pushed, and the next run succeeds', async () => {
    // What the loser of two simultaneous pushes meets: the remote locks the ref for the
    // first and rejects the second before any lease is looked at.
    const lock = path.join(demo.remote, 'refs/heads/offerops/promote-production.lock');
    await mkdir(path.dirname(lock), { recursive: true });
    await writeFile(lock, '');
    const refused = await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('origin/offerops/promote-production was being updated by another push, so nothing was pushed');
    expect(refused.stderr).toContain('cannot lock ref');
    expect(refused.stderr).not.toContain('now holds another promotion');
    expect(demo.git(['ls-remote', 'origin', 'refs/heads/offerops/promote-production'])).toBe('');
    expect(demo.git(['status', '--porcelain', '--', 'config', 'environments'])).toBe('');
    await rm(lock);
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    expect(branchCommits()).toBe(1);
  });

  it('two real runs at once leave exactly one promotion commit, with staging\'s bundle', async () => {
    const other = demo.clone('other');
    const args = ['promote', '--from', 'staging', '--to', 'production', '--no-pr'];
    const [a, b] = await Promise.all([demo.cli(args), demo.cli(args, { cwd: other })]);
    for (const result of [a, b]) expect([0, 3], `${result.code}: ${result.stderr}`).toContain(result.code);
    expect([a.code, b.code]).toContain(0);
    for (const result of [a, b]) if (result.code === 3) expect(result.stderr, result.stderr).toContain('nothing was pushed');
    demo.git(['fetch', '--quiet']);
    expect(branchCommits()).toBe(1);
    expect(demo.git(['show', 'origin/offerops/promote-production:environments/production/bundle.json'])).toBe((await demo.read('environments/staging/bundle.json')).trimEnd());
  });
});
