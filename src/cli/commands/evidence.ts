// `offerops evidence --check (--pr N | --commit SHA | --file FILE)` (docs/github.md#stale-evidence): refuses
// a promotion or rollback pull request whose evidence is no longer about what the
// environment pins — in CI on the pull request, and before deploying the merge commit.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { checkEvidence, environmentsAt, parseEvidenceClaim, requireEnvironment, requireGithub, type EvidenceClaim, type GitopsSession } from '../../gitops/index.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { openRepository, repoOption, withGitopsErrors } from '../gitops.js';
import { optionText, pullRequestNumber } from '../options.js';

/** A pull request body is at most 65,536 characters; a file far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

const ENV_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

interface Source {
  /** What the body came from, for messages. */
  what: string;
  body: string;
  /** The environment the pull request's labels or branch name. */
  environmentHint: string | null;
  /** Where to read what the change replaces, and how to call it. */
  current: { ref: string; where: string } | null;
}

async function fromFile(file: string, cwd: string, baseRef: string | undefined): Promise<Source> {
  const absolute = path.resolve(cwd, file);
  let size: number;
  try {
    size = (await stat(absolute)).size;
  } catch (error) {
    throw new UserError(`cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size > MAX_BODY_BYTES) throw new UserError(`--file ${file} is ${size} bytes, more than a pull request body can hold (${MAX_BODY_BYTES} at most)`);
  const body = new TextDecoder('utf-8', { fatal: false }).decode(await readFile(absolute));
  return { what: file, body, environmentHint: null, current: baseRef === undefined ? null : { ref: baseRef, where: baseRef } };
}

async function fromPullRequest(number: number, session: GitopsSession, baseRef: string | undefined): Promise<Source> {
  const github = requireGithub(session, 'reading the pull request');
  const pull = await github.pullRequest(number);
  const label = pull.labels.map((l) => /^env:([a-z0-9-]+)$/.exec(l)?.[1]).find((name) => name !== undefined) ?? null;
  const branch = /^offerops\/(?:promote|rollback)-([a-z0-9-]+)$/.exec(pull.headRef)?.[1] ?? null;
  let current: Source['current'] = baseRef === undefined ? null : { ref: baseRef, where: baseRef };
  if (current === null) {
    if (pull.state === 'open' && session.remote !== null) {
      await session.git.fetch(session.remote);
      current = { ref: `refs/remotes/${session.remote}/${pull.baseRef}`, where: `${session.remote}/${pull.baseRef}` };
    } else if (pull.merged && pull.mergeCommit !== null && (await session.git.resolve(`${pull.mergeCommit}^`)) !== null) {
      current = { ref: `${pull.mergeCommit}^`, where: `${pull.baseRef} before the merge (${pull.mergeCommit.slice(0, 12)}^)` };
    }
  }
  return { what: `pull request #${number}`, body: pull.body, environmentHint: label ?? branch, current };
}

function environmentName(options: Record<string, unknown>, claim: EvidenceClaim, source: Source): string {
  const flag = optionText(options, 'env');
  if (flag !== undefined) {
    if (!ENV_NAME.test(flag)) throw new UserError(`--env must be an environment name (lowercase letters, digits and '-'), got '${flag}'`);
    return flag;
  }
  const name = claim.environment ?? source.environmentHint;
  if (name === null) throw new UserError(`${source.what} does not say which environment its evidence is about: add --env NAME`);
  return name;
}

async function check(options: Record<string, unknown>, context: CommandContext): Promise<0 | 1> {
  const { io } = context;
  if (options['check'] !== true) throw new UserError('offerops evidence checks evidence: add --check');
  const file = optionText(options, 'file');
  const mergedAs = optionText(options, 'commit');
  let pr = options['pr'] === undefined ? null : pullRequestNumber(options['pr']);
  if ([file, mergedAs, pr ?? undefined].filter((v) => v !== undefined).length !== 1) throw new UserError('give one of --pr NUMBER (a pull request on GitHub), --commit SHA (the pull request merged as that commit) or --file FILE (a body written by --no-pr)');
  const baseRef = optionText(options, 'baseRef');
  const session = await openRepository(options, context);
  if (mergedAs !== undefined) {
    if (!/^[0-9a-f]{40}$/.test(mergedAs)) throw new UserError(`--commit must be a full commit id (40 lowercase hex digits), got '${mergedAs}'`);
    const name = optionText(options, 'env');
    if (name === undefined) throw new UserError('--commit needs --env NAME: the environment being deployed');
    const github = requireGithub(session, 'finding the pull request merged as a commit');
    const merged = (await github.pullRequestsOf(mergedAs)).filter((p) => p.merged && p.mergeCommit === mergedAs && new RegExp(`^offerops/(?:promote|rollback)-${name}$`).test(p.headRef));
    if (merged.length === 0) {
      const message = `no promotion or rollback pull request into ${name} was merged as ${mergedAs.slice(0, 12)}: there is no evidence to check`;
      if (context.common.json) io.stdout(JSON.stringify({ ok: true, checked: false, message }, null, 2) + '\n');
      io.stderr(`${message}\n`);
      return 0;
    }
    pr = merged[0]!.number;
  }
  const source = pr === null ? await fromFile(file!, io.cwd, baseRef) : await fromPullRequest(pr, session, baseRef);
  const parsed = parseEvidenceClaim(source.body);
  if ('error' in parsed) {
    if (context.common.json) io.stdout(JSON.stringify({ ok: false, source: source.what, findings: [parsed.error] }, null, 2) + '\n');
    io.stderr(`offerops: ${source.what}: ${parsed.error}\n`);
    return 1;
  }
  const { claim } = parsed;
  const name = environmentName(options, claim, source);
  const ref = optionText(options, 'ref') ?? 'HEAD';
  const commit = await session.git.resolve(ref);
  if (commit === null) throw new UserError(`--ref ${ref} is not a commit in ${session.root}`);
  const environments = await environmentsAt(session.git, commit);
  const environment = requireEnvironment(environments, name, `at ${ref}`);
  const pin = environment.spec.bundle;
  const pinnedText = pin ? await session.git.readFile(commit, pin.path) : null;
  let current: { where: string; digest: string | null } | undefined;
  if (source.current !== null) {
    const at = await session.git.resolve(source.current.ref);
    if (at === null) throw new UserError(`cannot read ${source.current.where}: it is not a commit here (fetch it, or give --base-ref)`);
    const before = (await environmentsAt(session.git, at)).environments.get(name);
    current = { where: source.current.where, digest: before?.spec.bundle?.digest ?? null };
  }
  const at = ref === 'HEAD' ? `HEAD (${commit.slice(0, 12)})` : `${ref} (${commit.slice(0, 12)})`;
  const result = checkEvidence({ claim, environment, at, pinnedText, current });
  if (context.common.json) {
    io.stdout(JSON.stringify({ ok: result.ok, source: source.what, environment: name, commit, claim: { kind: claim.kind, base: claim.base, head: claim.head, audience: claim.evidence?.audience ?? null }, findings: result.findings, notes: result.notes }, null, 2) + '\n');
  }
  for (const note of result.notes) io.stderr(`note: ${note}\n`);
  for (const finding of result.findings) io.stderr(`offerops: ${source.what}: ${finding}\n`);
  if (result.ok) io.stderr(`the evidence of ${source.what} is current for ${name}\n`);
  return result.ok ? 0 : 1;
}

export const evidenceCommand: CommandDefinition = {
  name: 'evidence',
  summary: 'refuse a promotion or rollback pull request whose evidence is stale (the pin changed after it was made)',
  description:
    "Read the hidden markers of a promotion or rollback pull request body (--pr N on GitHub, --commit SHA for the one merged as that commit, or --file FILE as --no-pr writes it) — the digests its evidence was computed on — and check them against what the environment pins at --ref (default HEAD) and, for an open pull request, what it pins on the branch it merges into. Exit 0 when the evidence is current; 1 when it is stale (a new push changed the pin, or another change was merged into the base since), or the body has no evidence offerops wrote; 2 for bad flags; 3 when GitHub fails.",
  examples: [
    { why: 'in CI on a promotion pull request (checked out at its head)', command: 'offerops evidence --check --pr 42' },
    { why: 'before deploying a merge commit: the pull request merged as it, if it was a promotion into production', command: 'offerops evidence --check --commit 0123456789abcdef0123456789abcdef01234567 --env production' },
    { why: 'the body --no-pr wrote, against the pin in the work tree and on main', command: 'offerops evidence --check --file .offerops/pull-requests/offerops-promote-production.md --base-ref main' },
  ],
  configure: (command) => {
    command
      .option('--check', 'check the evidence (the only thing this command does)')
      .option('--pr <number>', 'the pull request on GitHub whose body holds the evidence')
      .option('--commit <sha>', 'check the promotion or rollback pull request merged as this commit (before deploying it; needs --env)')
      .option('--file <file>', 'a file holding the body (as promote --no-pr writes it)')
      .option('--env <name>', 'the environment (default: the one the body, label or branch names)')
      .option('--ref <ref>', 'the commit whose pin the evidence must match', 'HEAD')
      .option('--base-ref <ref>', 'where to read what the environment pins before the change (default with --pr: the base branch of an open pull request, or the merge commit\'s parent)');
    repoOption(command);
  },
  run: async (options, context) => withGitopsErrors(options, context, () => check(options, context)),
};
