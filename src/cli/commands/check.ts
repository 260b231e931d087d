// `offerops check --env NAME [--dry-run]` (docs/gitops.md#check): replay members of the
// environment's simulation audience through every target; recorded for the digest.
import { applyPlan, optionalGithub, planCheck, reportCheckStatus, targetTypes, workflowRunUrl } from '../../gitops/index.js';
import type { CommandDefinition } from '../context.js';
import { dryRunOption, openPinnedEnvironment, progress, reportOutcome, repoOption, TARGET_TIMEOUT_MS, withGitopsErrors } from '../gitops.js';

export const checkCommand: CommandDefinition = {
  name: 'check',
  summary: "replay audience members through an environment's runtimes: same decisions as the local engine, within the latency and throughput limits",
  description:
    "Replay members of the environment's simulation audience through every target: each answer must equal the local engine's decision on the pinned bundle, within the environment's latency and throughput limits (docs/gitops.md#check). The result is recorded for the digest; promote reads it. With GitHub configured (GITHUB_TOKEN) it is also a commit status (offerops/check/<env>) on the commit the pinned bundle was compiled from (docs/github.md#deployments-and-checks). Exit 0 passed, 1 a decision differed or a limit was missed, 3 a target could not be reached.",
  examples: [
    { why: "replay staging's simulation members through its targets and record the result", command: 'offerops check --env staging' },
    { why: 'print the plan (members, targets, limits) and replay nothing', command: 'offerops check --env staging --dry-run' },
  ],
  configure: (command) => {
    command.option('--env <name>', 'the environment to check');
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const { session, environments, environment, pinnedText } = await openPinnedEnvironment(options, context);
      const plan = reportOutcome(planCheck({ environment, pinnedText }), context, Boolean(options['dryRun']));
      if (typeof plan === 'number') return plan;
      const result = await applyPlan(plan, { session, targets: targetTypes, environments: [...environments.environments.values()], timeoutMs: TARGET_TIMEOUT_MS, onEvent: progress(context) });
      const github = optionalGithub(session);
      if (github) {
        const passed = result.check ? result.check.passed : null;
        const commit = await reportCheckStatus(github, { environment, commit: (await session.git.resolve('HEAD')) ?? '', passed, message: result.message, targetUrl: workflowRunUrl(session.env) });
        context.io.stderr(`GitHub status ${'offerops/check/' + environment.name} on ${commit.slice(0, 12)}: ${passed === null ? 'error' : passed ? 'success' : 'failure'}\n`);
      }
      if (context.common.json) context.io.stdout(JSON.stringify({ passed: result.check?.passed ?? false, check: result.check ?? null, record: result.recordPath ?? null }, null, 2) + '\n');
      context.io.stderr(`${result.message}\n`);
      return result.exitCode;
    }),
};
