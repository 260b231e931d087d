// `offerops promote --from ENV --to ENV [--no-pr] [--dry-run] [--force --reason TEXT] [--auto]`
// (docs/gitops.md#promote): the source environment's bundle, byte for byte, on the
// branch offerops/promote-<to>, pushed under a lease, with the pull request body.
import { UserError } from '../../errors.js';
import { planPromotion, promotionBranch, type PromotionRequest, requireGithub, runPromotion } from '../../gitops/index.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { dryRunOption, openRepository, progress, reportOutcome, repoOption, requiredName, withGitopsErrors } from '../gitops.js';
import { optionText } from '../options.js';

/** What opening a pull request needs, for the message when it is missing. */
export const PULL_REQUEST_NEED = 'opening the pull request (without --no-pr, which pushes the branch and writes the body to a file instead)';

async function promote(options: Record<string, unknown>, context: CommandContext): Promise<0 | 1 | 2 | 3> {
  const { io } = context;
  const request: PromotionRequest = {
    from: requiredName(options, 'from', '--from'),
    to: requiredName(options, 'to', '--to'),
    force: Boolean(options['force']),
    reason: options['reason'] === undefined ? null : String(optionText(options, 'reason')),
    auto: Boolean(options['auto']),
    ...(options['base'] === undefined ? {} : { base: String(optionText(options, 'base')) }),
    ...(options['bodyFile'] === undefined ? {} : { bodyFile: String(optionText(options, 'bodyFile')) }),
  };
  const dryRun = Boolean(options['dryRun']);
  if (request.reason !== null && !request.force) throw new UserError('--reason goes with --force (it records why the gates were overridden)');
  const session = await openRepository(options, context);
  if (options['pr'] !== false && !dryRun) session.scm = requireGithub(session, PULL_REQUEST_NEED);
  if (dryRun) {
    const shown = reportOutcome(await planPromotion(session, request), context, true);
    return typeof shown === 'number' ? shown : 0;
  }
  const run = await runPromotion(session, request, progress(context));
  switch (run.kind) {
    case 'outcome': {
      const code = reportOutcome(run.outcome, context, false);
      return typeof code === 'number' ? code : 0;
    }
    case 'lost-race':
      if (context.common.json) io.stdout(JSON.stringify({ changed: false, message: run.message }, null, 2) + '\n');
      io.stderr(`offerops: ${run.message}\n`);
      return 3;
    case 'applied': {
      const { plan, result } = run;
      if (context.common.json) io.stdout(JSON.stringify({ changed: result.exitCode === 0 && result.commit !== undefined, branch: promotionBranch(request.to), summary: plan.summary, raced: run.raced, commit: result.commit ?? null, pullRequest: result.pullRequest?.location ?? null, record: result.recordPath ?? null, message: result.message }, null, 2) + '\n');
      if (result.exitCode !== 0) {
        io.stderr(`offerops: ${result.message}\n`);
        return result.exitCode;
      }
      io.stderr(run.raced ? `another run promoted the same bundle first: ${plan.summary}\n` : `promoted: ${plan.summary}\n`);
      return 0;
    }
  }
}

export const promoteCommand: CommandDefinition = {
  name: 'promote',
  summary: "promote one environment's bundle into the next on a branch (and pull request)",
  description:
    "Copy the bundle the source environment pins, byte for byte, into the next environment's pin, as one commit on the branch offerops/promote-<to>, pushed under a lease; with --no-pr the pull request body is written to a file (docs/gitops.md#promote, docs/gitops.md#without-github). Exit 1 when refused: a freeze window, a pause, no passing check of the digest, a missing signature.",
  examples: [
    { why: "push offerops/promote-production with staging's bundle, and write the pull request body to a file", command: 'offerops promote --from staging --to production --no-pr' },
    { why: 'through a freeze window or a pause: the reason goes into the pull request and the record', command: 'offerops promote --from staging --to production --no-pr --force --reason "hotfix for INC-123"' },
    { why: 'from a scheduled job: only once promotion.auto allows it (soak time, passing check, no freeze or pause)', command: 'offerops promote --from staging --to production --no-pr --auto' },
  ],
  configure: (command) => {
    command
      .option('--from <env>', 'the environment promoted from (e.g. staging)')
      .option('--to <env>', 'the environment promoted into (e.g. production)')
      .option('--no-pr', 'push the branch and write the pull request body to a file instead of opening a pull request')
      .option('--body-file <file>', 'where --no-pr writes the body (default .offerops/pull-requests/offerops-promote-<to>.md)')
      .option('--base <branch>', 'the branch the promotion is based on and merged into (default: the checked-out branch)')
      .option('--force', 'promote despite a freeze window, a pause or a missing staging check (needs --reason)', false)
      .option('--reason <text>', 'why --force overrides the gates (recorded in the pull request)')
      .option('--auto', 'promote only when promotion.auto allows it (soak time, passing check, no freeze or pause); otherwise say why and exit 0', false);
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) => withGitopsErrors(options, context, () => promote(options, context)),
};
