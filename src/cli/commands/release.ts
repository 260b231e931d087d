// `offerops release --env NAME [--sign] [--allow-dirty] [--dry-run]` (docs/gitops.md#release):
// compile config/ at HEAD into the environment's bundle file and pin, commit, push.
import { parsePrivateKey } from '../../bundle/index.js';
import { applyPlan, compileConfigAt, loadEnvironments, planRelease, requireEnvironment, SIGNING_KEY_VARIABLE, targetTypes } from '../../gitops/index.js';
import { summaryLine } from '../../config/index.js';
import type { CommandDefinition } from '../context.js';
import { configDirectory, dryRunOption, openRepository, progress, reportOutcome, repoOption, requiredName, TARGET_TIMEOUT_MS, withGitopsErrors } from '../gitops.js';
import { printProblems } from '../problem-output.js';

export const releaseCommand: CommandDefinition = {
  name: 'release',
  summary: 'compile config/ at HEAD into an environment\'s bundle and pin; commit and push',
  description:
    "Compile config/ as HEAD has it (never the work tree) into the bundle file and the pin of an environment without promotion.from, in one commit on the checked-out branch, and push it (docs/gitops.md#release). Exit 1 when the config has errors, 2 when the release is refused (uncommitted changes, a branch behind its remote, a detached HEAD, a signature the environment requires).",
  examples: [
    { why: "compile config/ at HEAD into staging's bundle and pin, in one commit, and push it", command: 'offerops release --env staging' },
    { why: 'print the plan (the commit, the push, the record) and change nothing', command: 'offerops release --env staging --dry-run' },
    { why: 'sign the bundle with the private key in OFFEROPS_SIGNING_KEY (where the environment requires signatures)', command: 'offerops release --env staging --sign' },
  ],
  configure: (command) => {
    command
      .option('--env <name>', 'the environment to release into (one without promotion.from, e.g. staging)')
      .option('--sign', `sign the bundle (ed25519) with the private key in ${SIGNING_KEY_VARIABLE}`, false)
      .option('--allow-dirty', 'release HEAD even with uncommitted changes in config/ or environments/ (they are not released)', false);
    dryRunOption(command);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const name = requiredName(options, 'env', '--env');
      const session = await openRepository(options, context);
      const configDir = configDirectory(options, context, session);
      const environments = await loadEnvironments(session.root);
      const environment = requireEnvironment(environments, name, '');
      const commit = await session.git.resolve('HEAD');
      if (!commit) {
        context.io.stderr('offerops: the repository has no commit yet: commit config/ first\n');
        return 2;
      }
      const branch = await session.git.currentBranch();
      let remote = null;
      if (session.remote !== null && branch !== null) {
        await session.git.fetch(session.remote);
        const tip = await session.git.resolve(`refs/remotes/${session.remote}/${branch}`);
        remote = { name: session.remote, tip, headContainsTip: tip === null || (await session.git.isAncestor(tip, commit)) };
      }
      const compiled = await compileConfigAt(session.git, commit, configDir);
      if (compiled.problems.length > 0) await printProblems(compiled.problems, 'text', session.root, context);
      if (!compiled.bundle) context.io.stderr(`config/ at ${commit.slice(0, 12)}: ${summaryLine(compiled.problems)}\n`);
      const pinPath = environment.spec.bundle?.path;
      const keyText = options['sign'] ? context.io.env[SIGNING_KEY_VARIABLE] : undefined;
      const outcome = planRelease(
        {
          environment,
          head: { commit, branch },
          remote,
          dirty: await session.git.changedFiles([configDir, 'environments']),
          bundle: compiled.bundle,
          pinnedText: pinPath ? await session.git.readFile('HEAD', pinPath) : null,
          signingKey: keyText ? parsePrivateKey(keyText) : null,
          actor: session.actor,
          now: session.now,
        },
        { sign: Boolean(options['sign']), allowDirty: Boolean(options['allowDirty']) },
      );
      const plan = reportOutcome(outcome, context, Boolean(options['dryRun']));
      if (typeof plan === 'number') return plan;
      const result = await applyPlan(plan, { session, targets: targetTypes, environments: [...environments.environments.values()], timeoutMs: TARGET_TIMEOUT_MS, onEvent: progress(context) });
      if (context.common.json) context.io.stdout(JSON.stringify({ changed: result.exitCode === 0, command: 'release', environment: name, summary: plan.summary, commit: result.commit ?? null, record: result.recordPath ?? null, message: result.message }, null, 2) + '\n');
      context.io.stderr(result.exitCode === 0 ? `released ${name}: ${plan.summary}\n` : `offerops: ${result.message}; nothing was released\n`);
      return result.exitCode;
    }),
};
