// `offerops status [--env NAME] [--check] [--history]` (docs/gitops.md#status): pins,
// what each target runs (drift), pending promotions and rollbacks, freeze and pause,
// the last deployment and check; --check exits 1 on drift (3 when a target cannot be
// read); --history lists the records.
import { describeTarget, type Environment, environmentStatus, type GitopsRecord, type GitopsSession, loadEnvironments, type PendingBranch, pinInText, promotionBranch, renderHistory, renderStatus, requireEnvironment, rollbackBranch, short, targetOf, type TargetReading, targetTypes } from '../../gitops/index.js';
import type { CommandDefinition } from '../context.js';
import { openRepository, repoOption, TARGET_TIMEOUT_MS, withGitopsErrors } from '../gitops.js';
import { optionText } from '../options.js';

async function readings(session: GitopsSession, environment: Environment): Promise<TargetReading[]> {
  const context = { root: session.root, env: session.env, timeoutMs: TARGET_TIMEOUT_MS };
  return Promise.all(
    environment.targets.map(async (target) => {
      try {
        return { target: describeTarget(target), digest: await targetOf(targetTypes, target).current(target, context), error: null };
      } catch (error) {
        return { target: describeTarget(target), digest: null, error: (error as Error).message };
      }
    }),
  );
}

async function pendingBranches(session: GitopsSession, environment: Environment, base: string | null): Promise<PendingBranch[]> {
  if (session.remote === null) return [];
  const out: PendingBranch[] = [];
  for (const [kind, name] of [['promotion', promotionBranch(environment.name)], ['rollback', rollbackBranch(environment.name)]] as const) {
    const tip = await session.git.resolve(`refs/remotes/${session.remote}/${name}`);
    if (!tip || (base !== null && (await session.git.isAncestor(tip, base)))) continue;
    out.push({ kind, branch: name, digest: pinInText(await session.git.readFile(tip, environment.file))?.digest ?? null });
  }
  return out;
}

export const statusCommand: CommandDefinition = {
  name: 'status',
  summary: 'pins, what every target runs (drift), pending promotions, freezes, pauses and the last checks',
  description:
    'Show, per environment, the pinned digest and its source, what each target runs (anything else is drift), pending promotion and rollback branches, freezes, a pause, the last deployment and check (docs/gitops.md#status). Changes nothing; with --check, exit 1 on drift and 3 when a target cannot be read.',
  examples: [
    { why: 'every environment: pin, what each target runs, pending branches, freezes, pauses, last deployment and check', command: 'offerops status' },
    { why: 'a drift alarm for a scheduled job: exit 1 when a production target does not run its pin', command: 'offerops status --env production --check' },
    { why: 'the recorded releases, promotions, deployments, checks and rollbacks, newest first', command: 'offerops status --history' },
  ],
  configure: (command) => {
    command
      .option('--env <name>', 'one environment only')
      .option('--check', 'exit 1 when a target does not run its pinned bundle (3 when one cannot be read)', false)
      .option('--history', 'list the recorded releases, promotions, deployments, checks and rollbacks instead', false);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const { io } = context;
      const session = await openRepository(options, context);
      if (session.remote !== null) {
        try {
          await session.git.fetch(session.remote);
        } catch (error) {
          io.stderr(`warning: ${(error as Error).message}; showing what this clone last fetched\n`);
        }
      }
      const records: GitopsRecord[] = await session.records.read();
      const only = options['env'] === undefined ? null : String(optionText(options, 'env'));
      if (options['history']) {
        const chosen = records.filter((r) => only === null || r.environment === only);
        if (context.common.json) io.stdout(JSON.stringify({ records: chosen.sort((a, b) => (a.at < b.at ? 1 : -1)) }, null, 2) + '\n');
        else io.stdout(renderHistory(records, only));
        return 0;
      }
      const set = await loadEnvironments(session.root);
      const environments = only === null ? [...set.environments.values()] : [requireEnvironment(set, only, '')];
      for (const problem of set.problems) io.stderr(`warning: ${problem.file}:${problem.line}:${problem.column}: ${problem.message}\n`);
      const branch = await session.git.currentBranch();
      const base = session.remote !== null && branch !== null ? await session.git.resolve(`refs/remotes/${session.remote}/${branch}`) : null;
      const statuses = [];
      for (const environment of environments) {
        statuses.push(environmentStatus({ environment, readings: await readings(session, environment), pending: await pendingBranches(session, environment, base), records, now: session.now }));
      }
      if (context.common.json) io.stdout(JSON.stringify({ environments: statuses }, null, 2) + '\n');
      else io.stdout(renderStatus(statuses));
      if (!options['check']) return 0;
      if (statuses.some((s) => s.unreachable)) {
        io.stderr('offerops: a target could not be read (see above)\n');
        return 3;
      }
      const drifted = statuses.flatMap((s) => s.targets.filter((t) => t.drift).map((t) => `${s.environment}: ${t.target} runs ${short(t.digest)}, pinned ${short(s.pin?.digest)}`));
      if (drifted.length > 0) {
        io.stderr(`drift:\n  ${drifted.join('\n  ')}\n`);
        return 1;
      }
      io.stderr('no drift: every target runs its pinned bundle\n');
      return 0;
    }),
};
