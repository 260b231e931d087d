// Reading the repository for the planners (docs/gitops.md): the environments at a ref,
// the bundle files their pins name, the config at HEAD compiled, the remote's branches,
// the records, and what an earlier bundle `rollback --to` names. Everything here reads;
// nothing writes but fetches (remote-tracking refs) and a temporary folder for the
// compile, removed afterwards.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { compileDirectory } from '../compile/index.js';
import type { Problem } from '../config/index.js';
import { UserError } from '../errors.js';
import { ENVIRONMENTS_DIR, isEnvironmentFile, parseEnvironmentFiles, type Environment, type EnvironmentSet } from './environment.js';
import { renderPromotionEvidence, type EvidenceRenderer } from './evidence.js';
import type { BranchState } from './promote.js';
import type { RollbackTarget } from './rollback.js';
import { GitHubScm } from './scm/github.js';
import { GitHubClient, githubConnection, githubTiming } from './scm/github-client.js';
import { DEFAULT_REMOTE, GitRecordStore, LocalGit, LocalScm } from './scm/local.js';
import type { Scm } from './scm/scm.js';

/** What every GitOps command works with. */
export interface GitopsSession {
  git: LocalGit;
  scm: Scm;
  records: GitRecordStore;
  /** The remote pushed to and read from; null in a repository without one. */
  remote: string | null;
  root: string;
  env: Record<string, string | undefined>;
  actor: string;
  now: Date;
  /** Renders the simulation diff of a promotion or rollback (the CLI's `offerops diff`); absent, the evidence says it was not computed. */
  evidence?: EvidenceRenderer;
  /**
   * GitHub, when GITHUB_TOKEN is set (docs/github.md): pull requests, the sticky comment,
   * Deployments and commit statuses. Null without a token — everything then works on git
   * alone — or when the token is set but the repository cannot be told (`githubProblem`).
   */
  github: GitHubScm | null;
  githubProblem: string | null;
}

export async function openSession(cwd: string, env: Record<string, string | undefined>, now: Date): Promise<GitopsSession> {
  const git = await LocalGit.open(cwd, env);
  const remote = (await git.hasRemote(DEFAULT_REMOTE)) ? DEFAULT_REMOTE : null;
  const actor = env['GITHUB_ACTOR'] ? `${env['GITHUB_ACTOR']} (GitHub)` : await git.identity();
  let github: GitHubScm | null = null;
  let githubProblem: string | null = null;
  try {
    const originUrl = remote === null ? null : ((await git.tryRaw(['remote', 'get-url', remote]))?.trim() ?? null);
    const connection = githubConnection(env, originUrl);
    if (connection) github = new GitHubScm(git, new GitHubClient(connection, githubTiming(env)));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    githubProblem = error.message;
  }
  return { git, scm: new LocalScm(git), records: new GitRecordStore(git, remote), remote, root: git.root, env, actor, now, github, githubProblem };
}

/** GitHub, which this command needs: a usage error (exit 2) saying how to connect it when it is not. */
export function requireGithub(session: GitopsSession, why: string): GitHubScm {
  if (session.githubProblem) throw new UserError(session.githubProblem);
  if (!session.github) throw new UserError(`${why} needs GitHub: set GITHUB_TOKEN (and GITHUB_REPOSITORY=owner/name unless the origin remote names the repository; GITHUB_API_URL for GitHub Enterprise Server) — docs/github.md`);
  return session.github;
}

/** GitHub when it is configured, else null; a token set for a repository that cannot be told is a usage error. */
export function optionalGithub(session: GitopsSession): GitHubScm | null {
  if (session.githubProblem) throw new UserError(session.githubProblem);
  return session.github;
}

/** The environments as a commit has them. */
export async function environmentsAt(git: LocalGit, ref: string): Promise<EnvironmentSet> {
  const files = (await git.listFiles(ref, ENVIRONMENTS_DIR)).filter(isEnvironmentFile);
  const loaded = [];
  for (const file of files) loaded.push({ file, bytes: (await git.readBytes(ref, file)) ?? new Uint8Array() });
  return parseEnvironmentFiles(loaded);
}

/** An environment that must exist and be valid; its file's problems abort the command (exit 1). */
export function requireEnvironment(set: EnvironmentSet, name: string, where: string): Environment {
  const found = set.environments.get(name);
  if (found) return found;
  const own = set.problems.filter((p) => p.severity === 'error' && p.file.replace(/\.ya?ml$/i, '') === `${ENVIRONMENTS_DIR}/${name}`);
  if (own.length > 0) throw new EnvironmentProblems(own, `${own[0]!.file} has errors${where ? ` (${where})` : ''}`);
  const known = [...set.environments.keys()];
  throw new UserError(`no environment '${name}'${where ? ` ${where}` : ''} (${known.length > 0 ? `environments: ${known.join(', ')}` : `no ${ENVIRONMENTS_DIR}/*.yaml`})`, 2);
}

/** Located problems in environment files: the CLI prints them, then exits 1. */
export class EnvironmentProblems extends Error {
  constructor(
    readonly problems: Problem[],
    message: string,
  ) {
    super(message);
    this.name = 'EnvironmentProblems';
  }
}

/**
 * The config directory as commit `ref` has it, compiled: its files are copied out of git
 * into a temporary folder (so the work tree's uncommitted changes never leak in) and
 * compiled there, with problems named by their path in the repository.
 */
export async function compileConfigAt(git: LocalGit, ref: string, configDir: string): Promise<{ bundle: Bundle | null; problems: Problem[] }> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'offerops-release-'));
  try {
    const files = await git.listFiles(ref, configDir);
    if (files.length === 0) throw new UserError(`${configDir}/ is not in the repository at ${ref} (commit the config first)`, 2);
    for (const file of files) {
      const bytes = await git.readBytes(ref, file);
      if (bytes === null) continue;
      const target = path.join(scratch, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    const result = await compileDirectory(path.join(scratch, configDir), { root: scratch });
    return { bundle: result.bundle, problems: result.problems };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The base branch promotions and rollbacks target: --base, else the checked-out branch, else main. */
export async function baseBranch(session: GitopsSession, requested: string | undefined): Promise<{ branch: string; commit: string }> {
  const remote = session.remote!;
  const branch = requested ?? (await session.git.currentBranch()) ?? 'main';
  const commit = await session.git.resolve(`refs/remotes/${remote}/${branch}`);
  if (!commit) throw new UserError(`${remote} has no branch ${branch}: push it first, or name the base with --base BRANCH`, 2);
  return { branch, commit };
}

type PinSource = { commit?: string; ref?: string };

/** A pin as written in an environment file's text (without validating the rest). */
export function pinInText(text: string | null): { digest: string; path: string; source?: PinSource } | null {
  if (text === null) return null;
  try {
    const doc = parseYaml(text, { maxAliasCount: 10 }) as { spec?: { bundle?: { digest?: unknown; path?: unknown; source?: unknown } } } | null;
    const bundle = doc?.spec?.bundle;
    if (typeof bundle?.digest !== 'string' || typeof bundle.path !== 'string') return null;
    const raw = (bundle.source ?? {}) as Record<string, unknown>;
    const source: PinSource = {};
    if (typeof raw['commit'] === 'string') source.commit = raw['commit'];
    if (typeof raw['ref'] === 'string') source.ref = raw['ref'];
    return { digest: bundle.digest, path: bundle.path, ...(Object.keys(source).length > 0 ? { source } : {}) };
  } catch {
    return null;
  }
}

/** A branch on the remote (after a fetch): its tip, whether the base holds it, and what it pins for `file`. */
export async function remoteBranch(session: GitopsSession, name: string, baseCommit: string, environmentFile: string): Promise<BranchState> {
  const tip = await session.git.resolve(`refs/remotes/${session.remote}/${name}`);
  if (!tip) return { name, tip: null, merged: false, parent: null, pinnedDigest: null };
  return {
    name,
    tip,
    merged: await session.git.isAncestor(tip, baseCommit),
    parent: await session.git.parentOf(tip),
    pinnedDigest: pinInText(await session.git.readFile(tip, environmentFile))?.digest ?? null,
  };
}

/** A bundle file's text parsed, or null when absent or not a bundle. */
export function bundleOrNull(text: string | null, source: string): Bundle | null {
  if (text === null) return null;
  try {
    return parseBundle(text, source);
  } catch {
    return null;
  }
}

/** The evidence section for moving `environment` from its pin to `head`. */
export async function evidenceFor(session: GitopsSession, baseCommit: string, environment: Environment, head: { ref: string; digest: string; text: string | null }): Promise<string> {
  const pin = environment.spec.bundle;
  const currentText = pin ? await session.git.readFile(baseCommit, pin.path) : null;
  return renderPromotionEvidence(
    { ref: `env:${environment.name}`, digest: pin?.digest ?? null, bundle: bundleOrNull(currentText, pin?.path ?? '') },
    { ref: head.ref, digest: head.digest, bundle: bundleOrNull(head.text, head.ref) },
    environment,
    { root: session.root, render: session.evidence },
  );
}

/** One version of an environment's pin in history. */
interface PinVersion {
  commit: string;
  digest: string;
  path: string;
  source?: PinSource;
}

async function pinHistory(git: LocalGit, ref: string, file: string): Promise<PinVersion[]> {
  const versions: PinVersion[] = [];
  for (const commit of await git.commitsTouching(ref, file)) {
    const pin = pinInText(await git.readFile(commit, file));
    if (pin) versions.push({ commit, ...pin });
  }
  return versions;
}

/** The bundle with `digest` at `commit`'s `file`, when that is what the file holds. */
async function bundleAt(git: LocalGit, commit: string, file: string, digest: string): Promise<string | null> {
  const text = await git.readFile(commit, file);
  return bundleOrNull(text, file)?.digest === digest ? text : null;
}

/**
 * What `rollback --to` names, recovered from the base branch's history: `previous` (the
 * newest pin of the environment with another digest than its current one), a digest
 * (pinned by this environment before, or by another one), or a git ref (the pin at it).
 */
export async function resolveRollbackTarget(git: LocalGit, baseCommit: string, environment: Environment, others: readonly Environment[], to: string): Promise<RollbackTarget | { problem: string }> {
  const current = environment.spec.bundle?.digest ?? null;
  if (to === 'previous') {
    for (const version of await pinHistory(git, baseCommit, environment.file)) {
      if (version.digest === current) continue;
      const text = await bundleAt(git, version.commit, version.path, version.digest);
      if (text !== null) return { digest: version.digest, text, recoveredFrom: version.commit, how: 'the previous pin', ...(version.source ? { source: version.source } : {}) };
    }
    return { problem: `${environment.name} has no earlier pin than ${current ?? 'nothing'} in the history of ${environment.file}` };
  }
  if (/^sha256:[0-9a-f]{64}$/.test(to)) {
    for (const env of [environment, ...others]) {
      for (const version of await pinHistory(git, baseCommit, env.file)) {
        if (version.digest !== to) continue;
        const text = await bundleAt(git, version.commit, version.path, to);
        if (text !== null) return { digest: to, text, recoveredFrom: version.commit, how: `${to.slice(0, 19)}… as ${env.name} pinned it`, ...(version.source ? { source: version.source } : {}) };
      }
    }
    return { problem: `no environment pinned ${to} in the history of ${ENVIRONMENTS_DIR}/ on the base branch` };
  }
  if (/^sha256:/.test(to)) return { problem: `--to ${to}: a digest is sha256: followed by 64 lowercase hex digits` };
  const commit = await git.resolve(to);
  if (!commit) return { problem: `--to ${to} is neither previous, a digest (sha256:…), nor a git ref this repository knows` };
  const pin = pinInText(await git.readFile(commit, environment.file));
  if (!pin) return { problem: `${environment.file} pins no bundle at ${to} (${commit.slice(0, 12)})` };
  const text = await bundleAt(git, commit, pin.path, pin.digest);
  if (text === null) return { problem: `at ${to} (${commit.slice(0, 12)}) ${pin.path} does not hold the pinned ${pin.digest}` };
  return { digest: pin.digest, text, recoveredFrom: commit, how: `the pin at ${to}`, ...(pin.source ? { source: pin.source } : {}) };
}
