// What the working config is compared with when no base is named (`offerops start`, the
// evidence a pull request would get): the bundle pinned for the environment a change
// reaches first; before anything is pinned, the config before the latest commit that
// changed the bundle — HEAD when the config has uncommitted changes. A checkout without
// git history (or too shallow to hold that commit) has nothing to compare with, and says so.
import { simpleGit } from 'simple-git';
import { compileSources } from '../compile/index.js';
import { hasErrors } from '../config/index.js';
import { firstEnvironment, type EnvironmentSide } from './environment-side.js';
import { readConfigAtRef } from './git-source.js';
import type { ResolvedSide, SideContext } from './sides.js';

/** How far back to look for the latest commit that changed the bundle. */
export const MAX_COMMITS_SEARCHED = 20;

export type EvidenceBase = { base: ResolvedSide; environment: EnvironmentSide | null; why: string } | { base: null; environment: EnvironmentSide | null; why: string };

export async function chooseEvidenceBase(context: SideContext, configPath: string, working: ResolvedSide): Promise<EvidenceBase> {
  const environment = await firstEnvironment(context.root);
  if (environment?.pinned) {
    return { base: { ref: `env:${environment.name}`, kind: 'env', bundle: environment.pinned.bundle, environment }, environment, why: `the bundle pinned for ${environment.name}` };
  }
  // Other environments may pin bundles; the one a change reaches first does not, so say which.
  const unpinned = environment ? `${environment.name} pins no bundle yet` : 'nothing is pinned yet';
  const git = simpleGit({ baseDir: context.root });
  if (!(await git.checkIsRepo().catch(() => false)) || !(await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => ''))) {
    return { base: null, environment, why: `${environment ? `${environment.name} pins no bundle` : 'nothing is pinned'} and there is no git history to compare the config with` };
  }
  const pathspec = configPath === '' ? '.' : configPath;
  const dirty = (await git.raw(['status', '--porcelain', '--', pathspec])).trim() !== '';
  if (dirty) {
    const tree = await readConfigAtRef(context.root, 'HEAD', configPath).catch(() => null);
    const compiled = tree ? compileSources(tree.files) : null;
    if (compiled?.bundle && !hasErrors(compiled.problems)) {
      return { base: { ref: 'HEAD', kind: 'ref', bundle: compiled.bundle, commit: tree!.commit }, environment, why: `${unpinned}: the uncommitted changes to the config, against HEAD` };
    }
    return { base: null, environment, why: `${unpinned}, and the config at HEAD does not compile to compare with` };
  }
  const commits = (await git.raw(['log', `-n${MAX_COMMITS_SEARCHED}`, '--format=%H %s', '--', pathspec])).split('\n').filter((l) => l !== '');
  let fallback: EvidenceBase | null = null;
  for (const line of commits) {
    const commit = line.slice(0, line.indexOf(' '));
    const subject = line.slice(line.indexOf(' ') + 1);
    const parent = await git.raw(['rev-parse', '--verify', '--quiet', `${commit}^`]).catch(() => '');
    if (parent.trim() === '') {
      // A root commit has no earlier config at all; a shallow clone only lacks it here.
      const root = !/^parent /m.test(await git.raw(['cat-file', 'commit', commit]).catch(() => 'parent ?'));
      const why = root ? `${unpinned}, and "${subject}" (${commit.slice(0, 12)}) is the first commit of the config: there is no earlier version to compare with` : `${unpinned}, and the commit before ${commit.slice(0, 12)} is not in this clone`;
      return fallback ?? { base: null, environment, why };
    }
    const tree = await readConfigAtRef(context.root, `${commit}^`, configPath).catch(() => null);
    const compiled = tree ? compileSources(tree.files) : null;
    if (!tree || !compiled?.bundle || hasErrors(compiled.problems)) break;
    const candidate: EvidenceBase = {
      base: { ref: `${commit.slice(0, 12)}^`, kind: 'ref', bundle: compiled.bundle, commit: tree.commit },
      environment,
      why: `${unpinned}: the config before "${subject}" (${commit.slice(0, 12)}), the latest commit that changed the bundle`,
    };
    if (compiled.bundle.digest !== working.bundle.digest) return candidate;
    fallback ??= { ...candidate, why: `${unpinned}: the config before "${subject}" (${commit.slice(0, 12)}); no commit of the last ${commits.length} changed the bundle` };
  }
  return fallback ?? { base: null, environment, why: `${unpinned}, and no earlier version of the config compiles to compare with` };
}
