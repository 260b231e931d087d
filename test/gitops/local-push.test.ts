// LocalGit.push against a real bare remote: what each outcome of a push is reported as.
// The identical-commit case is the race two promotions in the same second run into (the
// same tree, parent, message and time make the same hash): git calls the second push a
// success, so the push's own porcelain answer (`=`, up to date) must turn it into "moved".
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalGit } from '../../src/gitops/scm/local.js';
import { createDemo, type Demo } from './demo-repository.js';

let demo: Demo;
beforeEach(async () => {
  demo = await createDemo();
});
afterEach(async () => {
  await demo.cleanup();
});

/** A new commit on top of `parent` made with git itself (not the code under test). */
function commitOn(parent: string, message: string): string {
  const tree = demo.git(['rev-parse', `${parent}^{tree}`]);
  return demo.git(['commit-tree', tree, '-p', parent, '-m', message]);
}

describe('LocalGit.push', () => {
  it('says "busy" when the remote holds the branch\'s lock, with the remote\'s error first', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    const lock = path.join(demo.remote, 'refs/heads/main.lock');
    await writeFile(lock, '');
    const result = await git.push({ remote: 'origin', commit: commitOn(tip, 'next'), branch: 'main', lease: { kind: 'fast-forward', expect: tip } });
    await rm(lock);
    expect(result).toMatchObject({ ok: false, reason: 'busy' });
    expect((result.ok ? '' : result.message).split('\n')[0]).toMatch(/^error: cannot lock ref 'refs\/heads\/main'/);
    expect(demo.git(['rev-parse', 'refs/heads/main'], demo.remote)).toBe(tip);
  });

  it('moves the branch on a fast-forward and says ok', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    const next = commitOn(tip, 'next');
    expect(await git.push({ remote: 'origin', commit: next, branch: 'main', lease: { kind: 'fast-forward', expect: tip } })).toEqual({ ok: true });
    expect(demo.git(['rev-parse', 'refs/heads/main'], demo.remote)).toBe(next);
  });

  it('calls a push of the commit the remote already holds "moved", not a success', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    const next = commitOn(tip, 'same hash twice');
    // The winning run pushes first (plain git); ours pushes the very same commit.
    demo.git(['push', '--quiet', 'origin', `${next}:refs/heads/main`]);
    const result = await git.push({ remote: 'origin', commit: next, branch: 'main', lease: { kind: 'fast-forward', expect: tip } });
    expect(result).toMatchObject({ ok: false, reason: 'moved' });
    expect(result.ok ? '' : result.message).toContain(`already holds ${next.slice(0, 12)}`);
    expect(demo.git(['rev-parse', 'refs/heads/main'], demo.remote)).toBe(next);
  });

  it('an up-to-date answer for another ref is not read as ours', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    // refs/heads/main is held at `tip`; pushing `tip` to a new branch is a real push.
    expect(await git.push({ remote: 'origin', commit: tip, branch: 'promote/main-copy', lease: { kind: 'fast-forward', expect: null } })).toEqual({ ok: true });
    expect(demo.git(['rev-parse', 'refs/heads/promote/main-copy'], demo.remote)).toBe(tip);
  });

  it('says "moved" when the branch moved under a replace lease, and leaves the remote as it was', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    const theirs = commitOn(tip, 'theirs');
    demo.git(['push', '--quiet', 'origin', `${theirs}:refs/heads/main`]);
    const ours = commitOn(tip, 'ours');
    const result = await git.push({ remote: 'origin', commit: ours, branch: 'main', lease: { kind: 'replace', expect: tip } });
    expect(result).toMatchObject({ ok: false, reason: 'moved' });
    // The first line is what the run prints: the ref and git's reason, not "To <remote>".
    expect((result.ok ? '' : result.message).split('\n')[0]).toBe('refs/heads/main: [rejected] (stale info)');
    expect(demo.git(['rev-parse', 'refs/heads/main'], demo.remote)).toBe(theirs);
  });

  it('says "moved" on a push that is not a fast-forward', async () => {
    const git = await LocalGit.open(demo.work, demo.env);
    const tip = demo.git(['rev-parse', 'HEAD']);
    const theirs = commitOn(tip, 'theirs');
    demo.git(['push', '--quiet', 'origin', `${theirs}:refs/heads/main`]);
    const ours = commitOn(tip, 'ours');
    expect(await git.push({ remote: 'origin', commit: ours, branch: 'main', lease: { kind: 'fast-forward', expect: tip } })).toMatchObject({ ok: false, reason: 'moved' });
    expect(demo.git(['rev-parse', 'refs/heads/main'], demo.remote)).toBe(theirs);
  });
});
