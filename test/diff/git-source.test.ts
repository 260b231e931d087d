// Reading the config at a git ref from a real repository: the files as committed, compiled
// in memory, while the work tree and the index stay exactly as they were.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile-sources.js';
import { readConfigAtRef } from '../../src/diff/git-source.js';
import { resolveSide } from '../../src/diff/sides.js';
import { UserError } from '../../src/errors.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;
const channel = doc('Channel', 'web', '  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int } } }]\n  zones: [{ name: home, interactionPoints: [{ name: home-hero, maxOffers: 1 }] }]\n');
const offer = doc('Offer', 'cash-isa', '  displayName: Cash ISA\n');
const strategy = (score: number): string => doc('Strategy', 'web-home', `  channel: web\n  rules:\n    - { name: tiles, zone: home, offer: cash-isa, score: ${score} }\n`);

let repo: string;
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });

beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'offerops-git-'));
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'README.md'), 'no config yet\n');
  git('add', '.');
  git('commit', '-q', '-m', 'start');
  await mkdir(path.join(repo, 'config/strategies'), { recursive: true });
  await writeFile(path.join(repo, 'config/channel.yaml'), channel);
  await writeFile(path.join(repo, 'config/offers.yml'), offer);
  await writeFile(path.join(repo, 'config/strategies/web-home.yaml'), strategy(40));
  await writeFile(path.join(repo, 'config/.draft.yaml'), 'not: [valid');
  await symlink('channel.yaml', path.join(repo, 'config/link.yaml'));
  git('add', '.');
  git('commit', '-q', '-m', 'config v1');
  git('tag', 'v1');
  await writeFile(path.join(repo, 'config/strategies/web-home.yaml'), strategy(60));
  git('commit', '-q', '-am', 'config v2');
  // Uncommitted work: one change staged, another only in the work tree, one untracked file.
  await writeFile(path.join(repo, 'config/strategies/web-home.yaml'), strategy(70));
  git('add', 'config/strategies/web-home.yaml');
  await writeFile(path.join(repo, 'config/strategies/web-home.yaml'), strategy(80));
  await writeFile(path.join(repo, 'config/untracked.yaml'), doc('Offer', 'new-offer', '  displayName: New\n'));
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('readConfigAtRef', () => {
  it('reads the config as committed at a ref, skipping hidden files and links, and leaves the work tree and index alone', async () => {
    const statusBefore = git('status', '--porcelain=v1');
    const stagedBefore = git('diff', '--cached');
    const worktreeBefore = await readFile(path.join(repo, 'config/strategies/web-home.yaml'), 'utf8');
    const v1 = await readConfigAtRef(repo, 'v1', 'config');
    expect([...v1.files.keys()].sort()).toEqual(['config/channel.yaml', 'config/offers.yml', 'config/strategies/web-home.yaml']);
    expect(Buffer.from(v1.files.get('config/strategies/web-home.yaml')!).toString('utf8')).toBe(strategy(40));
    expect(v1.commit).toBe(git('rev-parse', 'v1').trim());
    const head = await readConfigAtRef(repo, 'HEAD', 'config');
    expect(Buffer.from(head.files.get('config/strategies/web-home.yaml')!).toString('utf8')).toBe(strategy(60));
    expect(git('status', '--porcelain=v1')).toBe(statusBefore);
    expect(git('diff', '--cached')).toBe(stagedBefore);
    expect(await readFile(path.join(repo, 'config/strategies/web-home.yaml'), 'utf8')).toBe(worktreeBefore);
  });

  it('compiles to the bundle of the same files', async () => {
    const v1 = await readConfigAtRef(repo, 'HEAD~1', 'config');
    const fromGit = compileSources(v1.files);
    const fromText = compileSources(new Map([['config/channel.yaml', channel], ['config/offers.yml', offer], ['config/strategies/web-home.yaml', strategy(40)]]));
    expect(fromGit.bundle?.digest).toBe(fromText.bundle?.digest);
  });

  it.each([
    ['an unknown ref', 'no-such-branch', /is not a commit/],
    ['an option-like ref', '--output=/tmp/x', /is not a git ref/],
    ['a commit without the config', 'HEAD~2', /there is no config at HEAD~2/],
  ])('refuses %s', async (_, ref, message) => {
    await expect(readConfigAtRef(repo, ref, 'config')).rejects.toThrow(message);
  });

  it('says when the directory is not in a git repository', async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), 'offerops-plain-'));
    try {
      await expect(readConfigAtRef(plain, 'HEAD', 'config')).rejects.toThrow(/not in a git repository/);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});

describe('resolveSide', () => {
  const context = () => ({ root: repo, cwd: repo, configDir: 'config' });

  it('takes a git ref, a bundle file, or env:NAME', async () => {
    const ref = await resolveSide('main', context());
    expect(ref).toMatchObject({ ref: 'main', kind: 'ref', commit: git('rev-parse', 'main').trim() });
    const error = await resolveSide('nope', context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/'nope' is neither a bundle file, nor a git ref of this repository, nor env:NAME/);
    await expect(resolveSide('config', context())).rejects.toThrow(/is a directory/);
    await expect(resolveSide('env:production', context())).rejects.toThrow(/environment 'production' is not defined: environments\/production.yaml does not exist/);
  });
});
