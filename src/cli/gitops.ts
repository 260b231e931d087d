// What the GitOps commands (release, promote, deploy, check, status, rollback, verify)
// share on the CLI side: the --repo flag, opening the repository, printing a plan
// (--dry-run) or its outcome, progress lines, and turning the library's errors into
// exit codes and located problems.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { SigningKeyError } from '../bundle/index.js';
import { UserError, type ExitCode } from '../errors.js';
import { type ApplyEvent, describePlan, type Environment, EnvironmentProblems, type EnvironmentSet, type GitopsSession, loadEnvironments, openSession, type Plan, type PlanOutcome, planToJson, requireEnvironment, short } from '../gitops/index.js';
import type { CommandContext } from './context.js';
import { printProblems } from './problem-output.js';
import { findRepositoryRoot } from './repository-root.js';
import { optionText } from './options.js';
import { promotionEvidence } from './promotion-evidence.js';

/** Per request to a deploy target, milliseconds. */
export const TARGET_TIMEOUT_MS = 30_000;

export function repoOption(command: Command): Command {
  return command.option('--repo <dir>', 'the config repository (default: the git repository holding the working directory)');
}

export function dryRunOption(command: Command): Command {
  return command.option('--dry-run', 'print what would change (the plan) and change nothing', false);
}

/** Opens the repository the command works on (--repo, else the working directory's). */
export async function openRepository(options: Record<string, unknown>, context: CommandContext): Promise<GitopsSession> {
  const dir = options['repo'] === undefined ? context.io.cwd : path.resolve(context.io.cwd, String(optionText(options, 'repo')));
  const session = await openSession(dir, context.io.env, context.io.now?.() ?? new Date());
  session.evidence = promotionEvidence(context, session.root);
  return session;
}

/**
 * What deploy and check start from: the repository, its environments, the one named by
 * --env, and the text of its pinned bundle file as the work tree holds it (null when it
 * pins nothing or the file cannot be read: the planners say which).
 */
export async function openPinnedEnvironment(
  options: Record<string, unknown>,
  context: CommandContext,
): Promise<{ session: GitopsSession; environments: EnvironmentSet; environment: Environment; pinnedText: string | null }> {
  const name = requiredName(options, 'env', '--env');
  const session = await openRepository(options, context);
  const environments = await loadEnvironments(session.root);
  const environment = requireEnvironment(environments, name, '');
  const pin = environment.spec.bundle;
  const pinnedText = pin ? await readFile(path.join(session.root, pin.path), 'utf8').catch(() => null) : null;
  return { session, environments, environment, pinnedText };
}

/** --config as a path inside the repository (with --repo, relative to it). */
export function configDirectory(options: Record<string, unknown>, context: CommandContext, session: GitopsSession): string {
  const base = options['repo'] === undefined ? context.io.cwd : session.root;
  const absolute = path.resolve(base, context.common.config);
  const relative = path.relative(session.root, absolute).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new UserError(`--config ${context.common.config} is outside the repository ${session.root}`);
  return relative || '.';
}

export function requiredName(options: Record<string, unknown>, key: string, flag: string): string {
  const value = options[key];
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`${flag} NAME is required`);
  const name = value;
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) throw new UserError(`${flag} must be an environment name (lowercase letters, digits and '-'), got '${name}'`);
  return name;
}

/**
 * Prints a planner's outcome. Returns the plan to apply, or the exit code when there is
 * nothing to apply (nothing to do, refused, or --dry-run).
 */
export function reportOutcome(outcome: PlanOutcome, context: CommandContext, dryRun: boolean): Plan | ExitCode {
  const { io } = context;
  switch (outcome.kind) {
    case 'nothing':
      if (context.common.json) io.stdout(JSON.stringify({ changed: false, message: outcome.message }, null, 2) + '\n');
      io.stderr(`${outcome.message}\n`);
      return 0;
    case 'refused':
      if (context.common.json) io.stdout(JSON.stringify({ changed: false, refused: outcome.message }, null, 2) + '\n');
      io.stderr(`offerops: ${outcome.message}\n`);
      return outcome.exitCode;
    case 'plan':
      if (dryRun) {
        if (context.common.json) io.stdout(JSON.stringify({ dryRun: true, plan: planToJson(outcome.plan) }, null, 2) + '\n');
        else io.stdout(describePlan(outcome.plan));
        io.stderr('dry run: nothing was changed\n');
        return 0;
      }
      for (const note of outcome.plan.notes) io.stderr(`note: ${note}\n`);
      return outcome.plan;
  }
}

/** Progress lines on stderr while a plan is applied. */
export function progress(context: CommandContext): (event: ApplyEvent) => void {
  return (event) => {
    const line = ((): string | null => {
      switch (event.kind) {
        case 'committed':
          return `committed ${event.commit.slice(0, 12)} for ${event.branch}`;
        case 'pushed':
          return `pushed ${event.branch} to ${event.remote}`;
        case 'fast-forwarded':
          return `${event.branch} is now at ${event.commit.slice(0, 12)}`;
        case 'pull-request':
          return `pull request ${event.updated ? 'updated' : 'written'}: ${event.pullRequest.location}`;
        case 'target-read':
          return null;
        case 'target-activated':
          return `  ${event.target}: runs ${short(event.digest)}`;
        case 'target-failed':
          return `  ${event.target}: FAILED: ${event.message}`;
        case 'target-restored':
          return `  ${event.target}: put back on ${short(event.digest)}`;
        case 'restore-failed':
          return `  ${event.target}: could NOT be put back: ${event.message}`;
        case 'target-checked': {
          const c = event.check;
          const figures = c.reached ? `${c.decisions} decisions, ${c.mismatches} mismatches, p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms, ${c.rps} req/s` : 'not reached';
          return `  ${c.target}: ${c.passed ? 'passed' : 'FAILED'} (${figures})${c.problems.length > 0 ? `\n    ${c.problems.join('\n    ')}` : ''}`;
        }
        case 'recorded':
          return `recorded the ${event.record.kind} (${event.path})`;
      }
    })();
    if (line !== null) context.io.stderr(line + '\n');
  };
}

/** Library errors a GitOps command turns into output and an exit code. */
export async function withGitopsErrors(options: Record<string, unknown>, context: CommandContext, run: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EnvironmentProblems) {
      const dir = options['repo'] === undefined ? context.io.cwd : path.resolve(context.io.cwd, String(optionText(options, 'repo')));
      await printProblems(error.problems, 'text', findRepositoryRoot(dir), context);
      context.io.stderr(`offerops: ${error.message}\n`);
      return 1;
    }
    if (error instanceof SigningKeyError) throw new UserError(error.message, 2);
    throw error;
  }
}
