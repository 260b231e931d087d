// `offerops promote --from ENV --to ENV [--no-pr] [--dry-run] [--force --reason TEXT] [--auto]`
// (docs/gitops.md#promote): the source environment's bundle, byte for byte, on the
// branch offerops/promote-<to>, pushed under a lease, with the pull request body.
// `--auto` alone runs every edge declared with promotion.auto
// (docs/gitops.md#automatic-promotions): what the scheduled workflow calls.
import { UserError, type ExitCode } from '../../errors.js';
import { type AutoEdgeResult, planPromotion, planToJson, promotionBranch, type PromotionRequest, type PromotionRun, requireGithub, runAutoPromotions, runPromotion } from '../../gitops/index.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { dryRunOption, openRepository, progress, reportOutcome, repoOption, requiredName, withGitopsErrors } from '../gitops.js';
import { optionText } from '../options.js';

/** What opening a pull request needs, for the message when it is missing. */
export const PULL_REQUEST_NEED = 'opening the pull request (without --no-pr, which pushes the branch and writes the body to a file instead)';

/** One auto edge's result as JSON and one line of text, with the exit code it calls for. */
function describeAutoResult(result: AutoEdgeResult): { json: Record<string, unknown>; line: string; exitCode: ExitCode } {
  const edge = { from: result.edge.from, to: result.edge.to, soak: result.edge.soak, branch: promotionBranch(result.edge.to) };
  const outcomeOf = (run: PromotionRun): { json: Record<string, unknown>; line: string; exitCode: ExitCode } => {
    switch (run.kind) {
      case 'outcome':
        return run.outcome.kind === 'nothing'
          ? { json: { ...edge, changed: false, message: run.outcome.message }, line: run.outcome.message, exitCode: 0 }
          : { json: { ...edge, changed: false, refused: run.outcome.message }, line: `refused: ${run.outcome.message}`, exitCode: run.outcome.exitCode };
      case 'lost-race':
        return { json: { ...edge, changed: false, message: run.message }, line: run.message, exitCode: 3 };
      case 'applied': {
        const { plan, result: applied } = run;
        const json = { ...edge, changed: applied.exitCode === 0 && applied.commit !== undefined, summary: plan.summary, raced: run.raced, commit: applied.commit ?? null, pullRequest: applied.pullRequest?.location ?? null, message: applied.message };
        if (applied.exitCode !== 0) return { json, line: applied.message, exitCode: applied.exitCode };
        return { json, line: `promoted: ${plan.summary}${applied.pullRequest ? ` (${applied.pullRequest.location})` : ''}`, exitCode: 0 };
      }
    }
  };
  switch (result.kind) {
    case 'failed':
      return { json: { ...edge, changed: false, failed: result.message }, line: `failed: ${result.message}`, exitCode: result.exitCode };
    case 'planned': {
      const outcome = result.outcome;
      if (outcome.kind === 'plan') return { json: { ...edge, dryRun: true, plan: planToJson(outcome.plan) }, line: `would promote: ${outcome.plan.summary}`, exitCode: 0 };
      if (outcome.kind === 'nothing') return { json: { ...edge, changed: false, message: outcome.message }, line: outcome.message, exitCode: 0 };
      return { json: { ...edge, changed: false, refused: outcome.message }, line: `refused: ${outcome.message}`, exitCode: outcome.exitCode };
    }
    case 'run':
      return outcomeOf(result.run);
  }
}

/** `promote --auto` with neither --from nor --to: every edge with promotion.auto. */
async function promoteEveryAutoEdge(options: Record<string, unknown>, context: CommandContext): Promise<ExitCode> {
  const { io } = context;
  if (options['force'] || options['reason'] !== undefined) throw new UserError('--auto never forces: give --force with a manual promotion (--from and --to)');
  if (options['bodyFile'] !== undefined) throw new UserError('--body-file names one file, and --auto without --from/--to may promote several environments: each body goes to its default file');
  const dryRun = Boolean(options['dryRun']);
  const session = await openRepository(options, context);
  if (options['pr'] !== false && !dryRun) session.scm = requireGithub(session, PULL_REQUEST_NEED);
  const base = options['base'] === undefined ? undefined : String(optionText(options, 'base'));
  const { edges, results } = await runAutoPromotions(session, { dryRun, ...(base === undefined ? {} : { base }) }, (edge) => io.stderr(`${edge.from} → ${edge.to} (soak ${edge.soak}):\n`), progress(context));
  let exitCode: ExitCode = 0;
  const described = results.map((result) => {
    const one = describeAutoResult(result);
    io.stderr(`  ${one.line}\n`);
    // The worst outcome decides: an external failure (3) over bad input (2) over a refusal (1).
    if (one.exitCode > exitCode) exitCode = one.exitCode;
    return one.json;
  });
  if (edges.length === 0) io.stderr('no environment declares promotion.auto: nothing to promote automatically\n');
  if (context.common.json) io.stdout(JSON.stringify({ auto: true, dryRun, promotions: described }, null, 2) + '\n');
  if (dryRun) io.stderr('dry run: nothing was changed\n');
  return exitCode;
}

async function promote(options: Record<string, unknown>, context: CommandContext): Promise<0 | 1 | 2 | 3> {
  const { io } = context;
  if (options['auto'] && options['from'] === undefined && options['to'] === undefined) return promoteEveryAutoEdge(options, context);
  if (options['auto'] && (options['from'] === undefined) !== (options['to'] === undefined)) {
    throw new UserError('--auto takes both --from and --to (one edge) or neither (every edge with promotion.auto)');
  }
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
    "Copy the bundle the source environment pins, byte for byte, into the next environment's pin, as one commit on the branch offerops/promote-<to>, pushed under a lease; with --no-pr the pull request body is written to a file (docs/gitops.md#promote, docs/gitops.md#without-github). `--auto` without --from and --to runs every promotion an environment file declares with promotion.auto (docs/gitops.md#automatic-promotions). Exit 1 when refused: a freeze window, a pause, no passing check of the digest, a missing signature (with --auto, waiting for those is exit 0).",
  examples: [
    { why: "push offerops/promote-production with staging's bundle, and write the pull request body to a file", command: 'offerops promote --from staging --to production --no-pr' },
    { why: 'through a freeze window or a pause: the reason goes into the pull request and the record', command: 'offerops promote --from staging --to production --no-pr --force --reason "hotfix for INC-123"' },
    { why: 'from a scheduled job: only once promotion.auto allows it (soak time, passing check, no freeze or pause)', command: 'offerops promote --from staging --to production --no-pr --auto' },
    { why: 'every edge an environment file declares with promotion.auto, each on its own branch (what promote.yml runs every hour)', command: 'offerops promote --auto --no-pr' },
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
      .option('--auto', 'promote only when promotion.auto allows it (soak time, passing check, no freeze or pause); otherwise say why and exit 0. Without --from and --to: every edge declared with promotion.auto', false);
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) => withGitopsErrors(options, context, () => promote(options, context)),
};
