// `offerops optimize` (docs/optimization.md, docs/optimization-semantics.md): batch contact
// optimization. Reads the bundle (or
// compiles --config), the proposed contacts, history and audience; writes the chosen
// rows (same columns) and the report JSON. `--shard i/N` solves one customer-hash shard;
// `--merge DIR` optimizes the union of shard outputs (repairing capacity across shards).
// Exit 1 with --strict when a minimum is unmet.
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AttributeDeclaration, BundleBody } from '../../bundle/index.js';
import { UserError } from '../../errors.js';
import { readHistory, tableFormatOf, throwIssues, type TableHandle } from '../../io/index.js';
import {
  OptimizeInputError,
  optimizeContacts,
  parseShard,
  ProposedColumnsBuilder,
  readAudience,
  readProposedColumns,
  stageChosenRows,
  writeChosenRows,
  type ChosenRows,
  type CapacityPrices,
  type ColumnarOptimizeProblem,
  type OptimizeReport,
  type ProposedFile,
  type StagedRows,
} from '../../optimize/index.js';
import { readBundleInput } from '../bundle-input.js';
import { createProgress } from '../optimize-progress.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { displayPath, findRepositoryRoot } from '../repository-root.js';
import { fileErrorReason, writeFileAtomic } from '../write-file.js';
import { optionText } from '../options.js';

export const optimizeCommand: CommandDefinition = {
  name: 'optimize',
  summary: 'choose the proposed contacts that maximise the total score under a policy',
  description:
    'Choose, among proposed contacts, those that maximise the total score while every rule of an OptimizationPolicy holds (docs/optimization.md). Writes the chosen rows (the input\'s columns) and a report with the objective, an upper bound and what each rule removed.',
  examples: [
    {
      why: 'the weekly outbound batch of the example, on a sample made with offerops sample; keep the capacity prices',
      command: 'offerops optimize --policy outbound-campaigns --proposed data/proposed.csv --audience data/audience.csv --out data/chosen.csv --report data/report.json --write-prices data/prices.json',
    },
    { why: 'one shard of eight on one machine, with the prices of the run above', command: 'offerops optimize --bundle build/bundle.json --policy outbound-campaigns --proposed data/proposed.csv --audience data/audience.csv --shard 3/8 --prices data/prices.json --out shards/part-3.csv' },
  ],
  configure: (command) => {
    command
      .option('--bundle <file>', 'the bundle to read the policy from (default: compile --config)')
      .option('--policy <name>', 'the OptimizationPolicy (default: the only one in the bundle)')
      .option('--proposed <file>', 'proposed contacts, CSV or NDJSON (.ndjson/.jsonl); required unless --merge')
      .option('--history <file>', 'contact history, CSV or NDJSON')
      .option('--audience <file>', 'audience with profile attributes, CSV or NDJSON; needed when a rule names a segment')
      .option('--out <file>', 'write the chosen rows here (default: stdout); CSV unless it ends in .ndjson/.jsonl')
      .option('--report <file>', 'write the report JSON here')
      .option('--at <date>', 'the day YYYY-MM-DD segment expressions see as now (default: the earliest proposed date, the first day a contact can go out)')
      .option('--strict', 'exit 1 when a minimum is not met', false)
      .option('--shard <i/N>', 'solve only customer-hash shard i of N (0-based)')
      .option('--prices <file>', 'capacity prices to start from (with --shard: used as they are)')
      .option('--write-prices <file>', 'write the capacity prices the run ended with')
      .option('--merge <dir>', 'optimize the union of the shard outputs in DIR (instead of --proposed)')
      .option('--exact <mode>', 'auto: exact MIP on small inputs; never: always the scalable heuristic', 'auto')
      .option('--seed <n>', 'seed for the price sample', '1')
      .option('--progress <mode>', 'auto: a progress line on a terminal; json: JSON lines on stderr (for CI logs); none', 'auto');
  },
  run: async (options, context) => runOptimize(options, context),
};

function handle(file: string, cwd: string, root: string): TableHandle {
  const absolute = path.resolve(cwd, file);
  return { file: absolute, displayName: displayPath(root, absolute), format: tableFormatOf(absolute) };
}

function audienceAttributes(bundle: BundleBody, policyName: string): { attributes: Record<string, AttributeDeclaration>; idField: string } {
  const policy = bundle.policies.find((p) => p.name === policyName);
  const channel = bundle.channels.find((c) => c.name === policy?.channel);
  const attributes: Record<string, AttributeDeclaration> = {};
  for (const level of [...(channel?.audienceLevels ?? [])].reverse()) Object.assign(attributes, level.attributes);
  return { attributes, idField: channel?.audienceLevels[0]?.idField ?? 'customerId' };
}

async function runOptimize(options: Record<string, unknown>, context: CommandContext): Promise<0 | 1> {
  const { io } = context;
  const root = findRepositoryRoot(io.cwd);
  const started = performance.now();
  const bundle = (await readBundleInput(options, context)).bundle.body;
  let policy = typeof options['policy'] === 'string' ? options['policy'] : undefined;
  if (policy === undefined) {
    if (bundle.policies.length !== 1) {
      throw new UserError(`--policy is required: the bundle has ${bundle.policies.length} policies (${bundle.policies.map((p) => p.name).join(', ') || 'none'})`, 2);
    }
    policy = bundle.policies[0]!.name;
  }
  if (!bundle.policies.some((p) => p.name === policy)) {
    throw new UserError(`policy '${policy}' is not in the bundle (policies: ${bundle.policies.map((p) => p.name).join(', ') || 'none'})`, 2);
  }
  if (typeof options['audience'] !== 'string') {
    // Segment membership comes from the audience file: without it every customer is in no
    // segment, so an exclusion would remove nobody and an inclusion everybody, silently.
    const segmentRules = bundle.policies.find((p) => p.name === policy)!.rules.filter((r) => r.segment !== null);
    if (segmentRules.length > 0) {
      const names = segmentRules.map((r) => `'${r.name}' (segment '${r.segment}')`).join(', ');
      throw new UserError(
        `--audience FILE is required: policy '${policy}' has rules that apply to segment members, ${names}, and segment membership is read from the audience's profiles. ` +
          'Without it nobody would be in any segment. (To run with every segment empty on purpose, give a file holding only the customerId header.)',
        2,
      );
    }
  }
  const exact = String(options['exact']);
  if (exact !== 'auto' && exact !== 'never') throw new UserError(`--exact must be auto or never, got ${JSON.stringify(exact)}`, 2);
  const seed = Number(options['seed']);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, got ${JSON.stringify(options['seed'])}`, 2);
  const progressMode = String(options['progress']);
  if (progressMode !== 'auto' && progressMode !== 'json' && progressMode !== 'none') throw new UserError(`--progress must be auto, json or none, got ${JSON.stringify(progressMode)}`, 2);
  const progress = createProgress(progressMode, io.isTTY, io.stderr);
  const at = optionText(options, 'at');
  if (at !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(at)) throw new UserError(`--at must be a date YYYY-MM-DD, got ${JSON.stringify(options['at'])}`, 2);
  // Output places are checked before the (long) run, not found unwritable after it.
  for (const [flag, key] of [['--out', 'out'], ['--report', 'report'], ['--write-prices', 'writePrices']] as const) {
    if (typeof options[key] === 'string') await requireWritableDirectory(flag, path.resolve(io.cwd, options[key]));
  }

  // Proposed contacts: one file, or every shard output in --merge DIR.
  const proposedFiles: TableHandle[] = [];
  if (typeof options['merge'] === 'string') {
    if (options['proposed'] !== undefined) throw new UserError('give --proposed or --merge, not both', 2);
    const dir = path.resolve(io.cwd, options['merge']);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => /\.(csv|ndjson|jsonl)$/i.test(n)).sort();
    } catch {
      throw new UserError(`${options['merge']}: cannot read the directory`, 2);
    }
    if (names.length === 0) throw new UserError(`${options['merge']}: no shard outputs (.csv, .ndjson) to merge`, 2);
    for (const name of names) proposedFiles.push(handle(path.join(dir, name), io.cwd, root));
  } else if (typeof options['proposed'] === 'string') proposedFiles.push(handle(options['proposed'], io.cwd, root));
  else throw new UserError('--proposed FILE is required (or --merge DIR)', 2);

  const offers = new Set(bundle.offers.map((o) => o.name));
  // The rows are read into columns; the output is a second pass over the same files.
  const builder = new ProposedColumnsBuilder();
  const tables: ProposedFile[] = [];
  const { attributes, idField } = audienceAttributes(bundle, policy);
  // History and audience are read by this thread while a worker reads the second half of
  // a large proposed file (readProposedColumns' `meanwhile`). They live only in the
  // problem, which the optimizer empties once its model holds them (releaseInputs): on
  // large runs their rows are not kept to the end, so `others` lets go of them as soon as
  // the problem holds them.
  const historyFile = typeof options['history'] === 'string' ? handle(options['history'], io.cwd, root) : null;
  const audienceFile = typeof options['audience'] === 'string' ? handle(options['audience'], io.cwd, root) : null;
  const others: Pick<ColumnarOptimizeProblem, 'history' | 'audience'> = { history: [], audience: [] };
  const readOthers = async (): Promise<void> => {
    if (historyFile) others.history = await readHistory(historyFile);
    if (audienceFile) others.audience = await readAudience(audienceFile, attributes, idField);
  };
  let othersBytes = 0;
  for (const f of [historyFile, audienceFile]) if (f) othersBytes += await stat(f.file).then((s) => s.size, () => 0);
  progress.update('read', 0, 0, 0);
  for (const [i, file] of proposedFiles.entries()) {
    const last = i === proposedFiles.length - 1 ? { meanwhile: readOthers, meanwhileBytes: othersBytes } : {};
    tables.push(await readProposedColumns(file, offers, builder, (rows) => progress.update('read', rows, 0, rows), last));
  }
  const proposed = builder.finish();
  progress.update('read', proposed.length, 0, proposed.length);
  const problem: ColumnarOptimizeProblem = { bundle, policy, proposed, history: others.history, audience: others.audience, ...(at ? { at } : {}) };
  others.history = [];
  others.audience = [];

  let prices: CapacityPrices | undefined;
  if (typeof options['prices'] === 'string') {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path.resolve(io.cwd, options['prices']), 'utf8'));
    } catch (error) {
      throw new UserError(`${options['prices']}: cannot read the prices (${(error as Error).message})`, 2);
    }
    const problem = pricesProblem(value);
    if (problem !== null) throw new UserError(`${options['prices']}: not a prices file written by --write-prices: ${problem}`, 2);
    prices = value as CapacityPrices;
    if (prices.policy !== policy) throw new UserError(`${options['prices']}: the prices are for policy '${prices.policy}', not '${policy}'`, 2);
  }
  const shard = typeof options['shard'] === 'string' ? parseShard(options['shard']) : undefined;

  const out = typeof options['out'] === 'string' ? path.resolve(io.cwd, options['out']) : null;
  if (!out && context.common.json) throw new UserError('with --json the report goes to stdout: give --out FILE for the chosen rows', 2);
  const format = out ? tableFormatOf(out) : proposedFiles[0]!.format;
  // Rows out: per input file, the chosen data-row indexes.
  const chosenPerFile = (chosen: readonly number[]): ChosenRows[] => {
    const perFile: number[][] = tables.map(() => []);
    let t = 0;
    let offset = 0;
    for (const index of chosen) {
      while (index >= offset + tables[t]!.rows) offset += tables[t++]!.rows;
      perFile[t]!.push(index - offset);
    }
    return tables.map((table, i) => ({ table: proposedFiles[i]!, rows: perFile[i]!, columns: table.columns }));
  };
  // The writer's progress is shown once its phase has begun (the optimizer's phases go first).
  let writing = false;
  const onWritten = (rows: number): void => void (writing && progress.update('write', rows, proposed.length, proposed.length));
  // A file output is written on a second thread while the optimizer checks its selection
  // and builds the report; it is renamed into place only once the check has passed.
  let staged: StagedRows | null = null;
  const onChosen = out ? (chosen: readonly number[]): void => void (staged = stageChosenRows(chosenPerFile(chosen), format, out, onWritten)) : undefined;

  const onProgress = (done: number, total: number, phase: string): void => progress.update(phase, done, total, proposed.length);
  let result;
  try {
    result = await optimizeContacts(problem, { exact, seed, onProgress, onChosen, releaseInputs: true, ...(shard ? { shard } : {}), ...(prices ? { prices } : {}) });
  } catch (error) {
    await (staged as StagedRows | null)?.abandon();
    progress.finish();
    if (error instanceof OptimizeInputError && error.input === 'proposed' && error.rowIndex >= 0) {
      // Map the row back to its file and line.
      let index = error.rowIndex;
      let t = 0;
      while (t < tables.length - 1 && index >= tables[t]!.rows) index -= tables[t++]!.rows;
      await throwIssues(proposedFiles[t]!, [{ line: tables[t]!.lines[index]!, column: error.column, message: error.detail }], tables[t]!.columns);
    }
    throw error;
  }

  progress.update('write', 0, proposed.length, proposed.length);
  writing = true;
  const written = staged as StagedRows | null;
  if (written) await written.commit();
  else await writeChosenRows(chosenPerFile(result.chosen), format, out, io.stdout, io.stdoutReady, onWritten);
  progress.update('write', proposed.length, proposed.length, proposed.length);
  progress.finish();

  const report: OptimizeReport = { ...result.report, timeMs: Math.round(performance.now() - started) };
  const reportText = JSON.stringify(report, null, 2) + '\n';
  if (typeof options['report'] === 'string') await writeFileAtomic(path.resolve(io.cwd, options['report']), reportText);
  if (typeof options['writePrices'] === 'string') await writeFileAtomic(path.resolve(io.cwd, options['writePrices']), JSON.stringify(result.prices, null, 2) + '\n');
  if (context.common.json) io.stdout(reportText);
  io.stderr(summarize(report));
  const unmet = report.unmetMinimums.length > 0 || report.totalShortfall > 0;
  return options['strict'] && unmet ? 1 : 0;
}

function summarize(report: OptimizeReport): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `optimized ${report.rowsIn} proposed contacts for ${report.customers} customers: ${report.rowsOut} chosen`,
    `objective ${report.objective.toFixed(2)}, upper bound ${report.upperBound.toFixed(2)} (${report.boundMethod}), gap ${pct(report.gap)}, ${report.method}, ${report.timeMs} ms, peak ${report.peakMemoryMb} MB`,
    ...report.rules.map((r) => `  ${r.binds ? 'binds' : '     '}  ${r.name} (${r.type}): ${r.removed} removed`),
  ];
  if (report.totalShortfall > 0) lines.push(`unmet minimums: ${report.unmetMinimums.length} window(s), total shortfall ${report.totalShortfall}`);
  // The approver's first question: which caps bind hardest, and what one more unit buys.
  const priced = report.shadowPrices.filter((p) => p.price > 0);
  if (priced.length > 0) {
    const unit = (p: (typeof priced)[number]): string => (p.unit === 'contact' ? 'contact' : p.unit === 'sum' ? 'unit of the sum' : 'unit of the average');
    lines.push(`one more unit buys (${priced[0]!.method === 'resolve' ? 'measured' : 'estimated from the prices'}): ${priced.map((p) => `${p.rule} +${p.price} per ${unit(p)}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/** Creates the output's folder when missing (as compile and sample do) and checks it is writable. */
async function requireWritableDirectory(flag: string, file: string): Promise<void> {
  const dir = path.dirname(file);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UserError(`${flag} ${file}: the folder ${dir} cannot be created or written: ${fileErrorReason(error)}`, 2);
  }
}

/** Why a parsed --prices file is not a CapacityPrices, or null. */
function pricesProblem(value: unknown): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return 'expected a JSON object';
  if (typeof value['policy'] !== 'string') return 'policy must be a string';
  const horizon = value['horizon'];
  if (!isObject(horizon) || typeof horizon['from'] !== 'string' || typeof horizon['to'] !== 'string') return 'horizon must be {from, to}';
  if (!isObject(value['prices'])) return 'prices must be an object of rules';
  for (const [rule, windows] of Object.entries(value['prices'])) {
    if (!isObject(windows)) return `prices.${rule} must be an object of windows`;
    for (const [window, price] of Object.entries(windows)) {
      if (typeof price !== 'number' || !Number.isFinite(price)) return `prices.${rule}.${window} must be a finite number, got ${JSON.stringify(price)}`;
    }
  }
  return null;
}
