// `offerops rollback --env NAME --to DIGEST|REF|previous --reason TEXT [--no-pr] [--dry-run]`
// (docs/gitops.md#rollback): an earlier bundle from git history, pinned again on the
// branch offerops/rollback-<env>, with promotions into the environment paused.
import { UserError } from '../../errors.js';
import { applyPlan, baseBranch, defaultBodyFile, environmentsAt, evidenceFor, planRollback, remoteBranch, requireEnvironment, requireGithub, resolveRollbackTarget, rollbackBranch, targetTypes } from '../../gitops/index.js';
import type { CommandDefinition } from '../context.js';
import { dryRunOption, openRepository, progress, reportOutcome, repoOption, requiredName, TARGET_TIMEOUT_MS, withGitopsErrors } from '../gitops.js';
import { PULL_REQUEST_NEED } from './promote.js';
import { optionText } from '../options.js';

export const rollbackCommand: CommandDefinition = {
  name: 'rollback',
  summary: 'pin an earlier bundle again (from git history) on a branch, pausing promotions into the environment',
  description:
    'Recover an earlier bundle of the environment from git history and pin it again on the branch offerops/rollback-<env>, with promotions into the environment paused until the pause is removed; with --no-pr the pull request body is written to a file (docs/gitops.md#rollback). Freeze windows do not hold a rollback.',
  examples: [
    { why: 'production back on the bundle it pinned before, promotions into it paused', command: 'offerops rollback --env production --to previous --reason "cashback over budget" --no-pr' },
    { why: 'print the plan (the bundle recovered, the branch, the pause) and change nothing', command: 'offerops rollback --env production --to previous --reason "cashback over budget" --no-pr --dry-run' },
  ],
  configure: (command) => {
    command
      .option('--env <name>', 'the environment to roll back')
      .option('--to <target>', "previous (the pin before the current one), a digest (sha256:…) or a git ref", 'previous')
      .option('--reason <text>', 'why (written into the pause and the pull request)')
      .option('--no-pr', 'push the branch and write the pull request body to a file instead of opening a pull request')
      .option('--body-file <file>', 'where --no-pr writes the body (default .offerops/pull-requests/offerops-rollback-<env>.md)')
      .option('--base <branch>', 'the branch to roll back on (default: the checked-out branch)');
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const name = requiredName(options, 'env', '--env');
      const dryRun = Boolean(options['dryRun']);
      const session = await openRepository(options, context);
      if (options['pr'] !== false && !dryRun) session.scm = requireGithub(session, PULL_REQUEST_NEED);
      if (session.remote === null) throw new UserError('rollback pushes a branch, and this repository has no remote named origin: add one (git remote add origin URL)');
      await session.git.fetch(session.remote);
      const base = await baseBranch(session, options['base'] === undefined ? undefined : String(optionText(options, 'base')));
      const environments = await environmentsAt(session.git, base.commit);
      const environment = requireEnvironment(environments, name, `on ${session.remote}/${base.branch}`);
      const others = [...environments.environments.values()].filter((e) => e.name !== name);
      const target = await resolveRollbackTarget(session.git, base.commit, environment, others, String(optionText(options, 'to')));
      const branchName = rollbackBranch(name);
      const evidence = 'problem' in target ? '' : await evidenceFor(session, base.commit, environment, { ref: target.recoveredFrom.slice(0, 12), digest: target.digest, text: target.text });
      const outcome = planRollback(
        {
          environment,
          remote: session.remote,
          base,
          target,
          branch: await remoteBranch(session, branchName, base.commit, environment.file),
          evidence,
          bodyFile: options['bodyFile'] === undefined ? defaultBodyFile(branchName) : String(optionText(options, 'bodyFile')),
          actor: session.actor,
          now: session.now,
        },
        { reason: options['reason'] === undefined ? null : String(optionText(options, 'reason')) },
      );
      const plan = reportOutcome(outcome, context, dryRun);
      if (typeof plan === 'number') return plan;
      const result = await applyPlan(plan, { session, targets: targetTypes, environments: [], timeoutMs: TARGET_TIMEOUT_MS, onEvent: progress(context) });
      if (context.common.json) context.io.stdout(JSON.stringify({ changed: result.exitCode === 0, branch: branchName, summary: plan.summary, commit: result.commit ?? null, pullRequest: result.pullRequest?.location ?? null, record: result.recordPath ?? null, message: result.message }, null, 2) + '\n');
      context.io.stderr(result.exitCode === 0 ? `rollback: ${plan.summary}\n` : `offerops: ${result.message}\n`);
      return result.exitCode;
    }),
};
