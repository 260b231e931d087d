// `offerops deploy --env NAME [--dry-run]` (docs/gitops.md#deploy): the pinned bundle on
// every target of the environment, confirmed, all or none; recorded.
import { applyPlan, optionalGithub, planDeploy, startDeployment, targetTypes, workflowRunUrl } from '../../gitops/index.js';
import { UserError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';
import { dryRunOption, openPinnedEnvironment, progress, reportOutcome, repoOption, TARGET_TIMEOUT_MS, withGitopsErrors } from '../gitops.js';

export const deployCommand: CommandDefinition = {
  name: 'deploy',
  summary: "put an environment's pinned bundle on every one of its targets, all or none",
  description:
    "Put the bundle an environment pins on every one of its targets and confirm each runs it; if one fails, the targets already switched are put back (docs/gitops.md#deploy). http targets read their admin token from the variable they name (tokenEnv, default OFFEROPS_ADMIN_TOKEN). The deployment is recorded, failed or not; with GitHub configured (GITHUB_TOKEN) it is also a GitHub Deployment with its statuses (docs/github.md#deployments-and-checks). Exit 1 when the pin and its file disagree or a required signature is missing, 3 when a target fails.",
  examples: [
    { why: "put staging's pinned bundle on each of its targets, confirmed, all or none", command: 'offerops deploy --env staging' },
    { why: 'print the plan (the bundle and the targets it goes to) and change nothing', command: 'offerops deploy --env production --dry-run' },
  ],
  configure: (command) => {
    command.option('--env <name>', 'the environment to deploy');
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const { session, environments, environment, pinnedText } = await openPinnedEnvironment(options, context);
      const targetContext = { root: session.root, env: session.env, timeoutMs: TARGET_TIMEOUT_MS };
      const commit = (await session.git.resolve('HEAD')) ?? '';
      const outcome = planDeploy({ environment, pinnedText, commit }, targetTypes, targetContext);
      const plan = reportOutcome(outcome, context, Boolean(options['dryRun']));
      if (typeof plan === 'number') return plan;
      const all = [...environments.environments.values()];
      const github = optionalGithub(session);
      const logUrl = workflowRunUrl(session.env);
      // Opened before the targets are touched: a GitHub that fails stops the deploy with nothing changed.
      const mirrored = github && environment.spec.bundle ? await startDeployment(github, { environment, all, commit, digest: environment.spec.bundle.digest, logUrl }) : null;
      const result = await applyPlan(plan, { session, targets: targetTypes, environments: all, timeoutMs: TARGET_TIMEOUT_MS, onEvent: progress(context) });
      if (mirrored) {
        try {
          await mirrored.finish(result.deployment?.ok ?? result.exitCode === 0, result.message);
          context.io.stderr(`GitHub deployment ${mirrored.id} of ${environment.name}: ${result.exitCode === 0 ? 'success' : 'failure'}\n`);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          context.io.stderr(`offerops: ${result.message}\n`);
          throw new UserError(`${error.message} (the deploy itself ${result.exitCode === 0 ? 'succeeded' : 'failed'} and is recorded in git)`, 3, { cause: error });
        }
      }
      if (context.common.json) context.io.stdout(JSON.stringify({ changed: result.deployment?.ok ?? false, deployment: result.deployment ?? null, record: result.recordPath ?? null, message: result.message }, null, 2) + '\n');
      context.io.stderr(result.exitCode === 0 ? `${result.message}\n` : `offerops: ${result.message}\n`);
      return result.exitCode;
    }),
};
