// The inputs `offerops simulate` and `offerops diff` share (docs/simulation-and-diff.md):
// the audience (`--audience FILE` or `--sample N --seed S`), the decision day, the points,
// the count, the history, the explained members, the fairness attribute, the optimizer's
// policy and proposed contacts, and the worker threads — each from its flag, else from
// the environment's `simulation` block, else its default.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { AttributeDeclaration, BundleBody } from '../bundle/index.js';
import type { Simulation } from '../config/index.js';
import type { HistoryRow } from '../engine/index.js';
import { UserError } from '../errors.js';
import { parseIsoDate } from '../days.js';
import { readHistory, tableFormatOf, type TableHandle } from '../io/index.js';
import type { AudienceMember as OptimizerAudienceMember } from '../optimize/index.js';
import { openAudienceFile, type AudienceDeclarations } from '../simulate/index.js';
import { openAudienceSample, sampleMembers, sampleShape, type SampleDefinition } from '../simulate/index.js';
import { parseFairness } from '../simulate/index.js';
import { resolvePoints } from '../simulate/index.js';
import { workersBuiltIn } from '../simulate/index.js';
import type { HistoryByMember } from '../simulate/index.js';
import type { AudienceSource, SimulationOptions } from '../simulate/index.js';
import type { OptimizationInput } from '../diff/index.js';
import type { CliIO } from './context.js';
import { optionText } from './options.js';

/** Members explained (for the funnel, segment sizes, no-offer steps and reasons) when --explain-members is not given. */
export const DEFAULT_EXPLAINED_MEMBERS = 500;
/** Below this many members the decisions run on the command's own thread (starting workers costs more). */
export const WORKERS_FROM_MEMBERS = 2_000;
export const EXAMPLES_PER_POINT = 5;

export function addSimulationFlags(command: Command): void {
  command
    .option('--audience <file>', 'audience members, NDJSON or CSV (the id field and declared attributes; optional session)')
    .option('--sample <n>', 'simulate a seeded synthetic audience of N members instead of a file')
    .option('--seed <s>', 'seed of --sample', '1')
    .option('--at <day>', "decision day YYYY-MM-DD (default: the environment's simulation.at, else today, UTC)")
    .option('--ip <names...>', 'interaction points to decide at (NAME or CHANNEL/NAME; default: every point)')
    .option('--count <n>', "offers asked for at each point (default: the point's maxOffers, else 1)")
    .option('--history <file>', 'contact/response history, CSV or NDJSON')
    .option('--policy <name>', 'also run this optimization policy on --proposed')
    .option('--proposed <file>', 'proposed contacts for --policy, CSV or NDJSON')
    .option('--fairness <attribute>', 'the attribute of the fairness view, ATTR or ATTR:cut,cut,… (default: age when declared; none to leave it out)')
    .option('--explain-members <n>', `members whose decisions are explained, a deterministic sample (default ${DEFAULT_EXPLAINED_MEMBERS}; all = every member)`)
    .option('--workers <n>', `worker threads (default: the CPU count from ${WORKERS_FROM_MEMBERS} members up; 0 = this thread only)`);
}

function wholeNumber(flag: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UserError(`${flag} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got '${text}'`);
  return n;
}

export interface SimulationInput {
  source: AudienceSource;
  options: SimulationOptions;
  history: HistoryByMember | null;
  historyRows: HistoryRow[];
  workers: number;
  /** The optimizer's inputs, with the audience in memory (only with a policy). */
  optimization: OptimizationInput | null;
}

interface Channels {
  idField: string;
  attributes: Record<string, AttributeDeclaration>;
  sessionAttributes: Record<string, AttributeDeclaration>;
}

/** The simulated channels' first audience level and session declarations, merged (earlier bodies win). */
function declarations(bodies: readonly BundleBody[], channels: readonly string[]): Channels {
  let idField: string | null = null;
  const attributes: Record<string, AttributeDeclaration> = {};
  const sessionAttributes: Record<string, AttributeDeclaration> = {};
  for (const body of bodies) {
    for (const name of channels) {
      const channel = body.channels.find((c) => c.name === name);
      const level = channel?.audienceLevels[0];
      if (!channel || !level) continue;
      idField ??= level.idField;
      for (const [k, v] of Object.entries(level.attributes)) if (!Object.hasOwn(attributes, k)) attributes[k] = v;
      for (const [k, v] of Object.entries(channel.sessionAttributes)) if (!Object.hasOwn(sessionAttributes, k)) sessionAttributes[k] = v;
    }
  }
  return { idField: idField ?? 'customerId', attributes, sessionAttributes };
}

function handle(file: string, base: string, root: string): TableHandle {
  const absolute = path.resolve(base, file);
  return { file: absolute, displayName: path.relative(root, absolute).split(path.sep).join('/') || file, format: tableFormatOf(absolute) };
}

/**
 * Everything a simulation needs besides the bundles. `bodies` are the bundles decided
 * (the head first in a diff: its declarations win where the two differ); `simulation`
 * is the environment's block, whose file paths are relative to the repository root.
 */
export async function prepareSimulation(
  flags: Record<string, unknown>,
  io: Pick<CliIO, 'cwd'>,
  root: string,
  bodies: readonly BundleBody[],
  simulation: Simulation | null,
  today: string,
): Promise<SimulationInput> {
  const at = flags['at'] !== undefined ? String(optionText(flags, 'at')) : (simulation?.at ?? today);
  if (!parseIsoDate(at)) throw new UserError(`--at must be a day YYYY-MM-DD, got '${at}'`);
  const count = flags['count'] === undefined ? null : wholeNumber('--count', flags['count'], 1, 1000);
  const named = Array.isArray(flags['ip']) ? (flags['ip'] as string[]) : null;
  const points = resolvePoints(bodies, named);
  const channels = [...new Set(points.map((p) => p.channel))];
  const declared = declarations(bodies, channels);

  // The audience: flags first, then the environment; a file and a sample exclude each other.
  const fileFlag = flags['audience'] !== undefined ? String(optionText(flags, 'audience')) : null;
  const sampleFlag = flags['sample'] !== undefined ? wholeNumber('--sample', flags['sample'], 1, 100_000_000) : null;
  if (fileFlag !== null && sampleFlag !== null) throw new UserError('give --audience FILE or --sample N, not both');
  let source: AudienceSource;
  let sample: SampleDefinition | null = null;
  let audienceFile: TableHandle | null = null;
  if (fileFlag !== null) audienceFile = handle(fileFlag, io.cwd, root);
  else if (sampleFlag !== null) sample = { customers: sampleFlag, seed: wholeNumber('--seed', flags['seed'] ?? '1', Number.MIN_SAFE_INTEGER), at };
  else if (simulation?.audience) audienceFile = handle(simulation.audience, root, root);
  else if (simulation?.sample) sample = { customers: simulation.sample.customers, seed: simulation.sample.seed, at };
  else throw new UserError('no audience: give --audience FILE or --sample N [--seed S] (or an environment whose simulation names one)');
  const shape = sample ? sampleShape(bodies, channels) : null;
  if (audienceFile) source = await openAudienceFile(audienceFile, declared satisfies AudienceDeclarations);
  else source = openAudienceSample(shape!, sample!);

  let fairnessText = flags['fairness'] !== undefined ? String(optionText(flags, 'fairness')) : null;
  if (fairnessText === null && Object.hasOwn(declared.attributes, 'age') && ['int', 'double'].includes(declared.attributes['age']!.type)) fairnessText = 'age';
  const fairness = fairnessText === null || fairnessText === 'none' ? null : parseFairness(fairnessText, Object.hasOwn(declared.attributes, fairnessText.split(':')[0]!) ? declared.attributes[fairnessText.split(':')[0]!] : undefined);

  const explainText = flags['explainMembers'] === undefined ? String(DEFAULT_EXPLAINED_MEMBERS) : String(optionText(flags, 'explainMembers'));
  const budget = explainText === 'all' ? Infinity : wholeNumber('--explain-members', explainText, 1);
  const explainStride = budget === Infinity ? 1 : Math.max(1, Math.ceil(source.approxMembers / budget));

  // By default: one worker per core for audiences worth it (not from the TypeScript sources, where workers would need a build).
  const workers =
    flags['workers'] !== undefined
      ? wholeNumber('--workers', flags['workers'], 0, 256)
      : source.approxMembers < WORKERS_FROM_MEMBERS || !workersBuiltIn()
        ? 0
        : Math.min(8, availableParallelism());

  const historyFile = flags['history'] !== undefined ? handle(String(optionText(flags, 'history')), io.cwd, root) : simulation?.history ? handle(simulation.history, root, root) : null;
  const historyRows = historyFile ? await readHistory(historyFile) : [];
  let history: Map<string, HistoryRow[]> | null = null;
  if (historyRows.length > 0) {
    history = new Map();
    for (const row of historyRows) {
      const list = history.get(row.customerId);
      if (list) list.push(row);
      else history.set(row.customerId, [row]);
    }
  }

  const policy = flags['policy'] !== undefined ? String(optionText(flags, 'policy')) : (simulation?.policy ?? null);
  const proposedFile = flags['proposed'] !== undefined ? handle(String(optionText(flags, 'proposed')), io.cwd, root) : simulation?.proposed ? handle(simulation.proposed, root, root) : null;
  let optimization: OptimizationInput | null = null;
  if ((policy === null) !== (proposedFile === null)) throw new UserError('--policy and --proposed go together: give both, or neither');
  if (policy !== null && proposedFile !== null) {
    // The optimizer's readers, loaded only when a policy is given.
    const { readAudience, readProposed } = await import('../optimize/index.js');
    const offers = new Set(bodies.flatMap((b) => b.offers.map((o) => o.name)));
    const proposed = (await readProposed(proposedFile, offers)).rows;
    let audience: OptimizerAudienceMember[];
    if (audienceFile) audience = await readAudience(audienceFile, declared.attributes, declared.idField);
    else audience = [...sampleMembers(shape!, sample!)].map((m) => ({ customerId: m.id, profile: m.profile }));
    optimization = { policy, proposed, history: historyRows, audience };
  }

  return {
    source,
    options: { at, points, count, explainStride, fairness, examplesPerPoint: EXAMPLES_PER_POINT },
    history,
    historyRows,
    workers,
    optimization,
  };
}

/** Progress on a terminal: members done, rewritten in place about once a second. */
export function progressReporter(io: CliIO, total: number, label: string): { update: (done: number) => void; done: () => void } {
  if (!io.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update: (done) => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      io.stderr(`\r${label}: ${done.toLocaleString('en-US')} of ~${total.toLocaleString('en-US')} members`);
    },
    done: () => {
      if (last > 0) io.stderr('\n');
    },
  };
}
