// `offerops diff` (docs/simulation-and-diff.md#diff): the evidence for a change. --base
// and --head are each a bundle file, a git ref (the config compiled at that commit, read
// from git without touching the work tree or the index) or env:NAME (an environment's
// pinned bundle); --head defaults to the working config. Both are decided for the same
// audience; the report (Markdown, JSON or HTML) holds the config changes, breaking
// changes for touchpoints, the behaviour diff and guardrails. Exit 1 when a guardrail fails.
import path from 'node:path';
import { formatText } from '../../config/index.js';
import type { Simulation } from '../../config/index.js';
import type { DiffReport } from '../../diff/index.js';
import { parseGuardrails } from '../../diff/index.js';
import { renderHtml } from '../../diff/index.js';
import { renderMarkdown } from '../../diff/index.js';
import { runDiff, type DiffTiming } from '../../diff/index.js';
import { resolveSide, SideCompileError, workingSide, type ResolvedSide, type SideContext } from '../../diff/index.js';
import { createEngine, EngineLoadError } from '../../engine/index.js';
import { UserError, type ExitCode } from '../../errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { addSimulationFlags, prepareSimulation, progressReporter } from '../simulation-input.js';
import { packageVersion } from '../version.js';
import { writeFileAtomic } from '../write-file.js';
import { colorStyle } from '../problem-output.js';
import { optionText } from '../options.js';

export type DiffFormat = 'markdown' | 'json' | 'html';

/** Resolves a side, printing a side's compile problems (with code frames) before failing with exit 1. */
export async function sideOrFail(resolve: () => Promise<ResolvedSide>, context: CommandContext): Promise<ResolvedSide> {
  try {
    const side = await resolve();
    createEngine(side.bundle);
    return side;
  } catch (error) {
    if (error instanceof SideCompileError) {
      context.io.stderr(formatText(error.problems, error.sources, colorStyle(context.color)));
      throw new UserError(`${error.message}: fix it, or compare other versions`, 1);
    }
    if (error instanceof EngineLoadError) throw new UserError(error.message);
    throw error;
  }
}

export interface DiffRun {
  report: DiffReport;
  timing: DiffTiming;
}

/** The diff of two resolved sides with the simulation flags: what `diff` and `start` share. */
export async function diffSides(
  base: ResolvedSide,
  head: ResolvedSide,
  flags: Record<string, unknown>,
  context: CommandContext,
  root: string,
  defaults: { simulation: Simulation | null; guardrails: readonly string[] },
): Promise<DiffRun> {
  const { io } = context;
  const failOn = Array.isArray(flags['failOn']) ? (flags['failOn'] as string[]) : null;
  const guardrails = parseGuardrails(failOn ?? defaults.guardrails);
  const input = await prepareSimulation(flags, io, root, [head.bundle.body, base.bundle.body], defaults.simulation, new Date().toISOString().slice(0, 10));
  const progress = progressReporter(io, input.source.approxMembers, 'diff');
  const run = await runDiff({
    base: { ref: base.ref, bundle: base.bundle, ...(base.commit ? { commit: base.commit } : {}) },
    head: { ref: head.ref, bundle: head.bundle, ...(head.commit ? { commit: head.commit } : {}) },
    source: input.source,
    options: input.options,
    history: input.history,
    workers: input.workers,
    guardrails,
    version: await packageVersion(),
    optimization: input.optimization,
    onProgress: progress.update,
  });
  progress.done();
  return run;
}

export function formatDiff(run: DiffRun, format: DiffFormat, reportUrl: string | null): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ ...run.report, timing: run.timing }, null, 2) + '\n';
    case 'html':
      return renderHtml(run.report);
    case 'markdown':
      return renderMarkdown(run.report, { reportUrl }).markdown;
  }
}

export const diffCommand: CommandDefinition = {
  name: 'diff',
  summary: 'what a config change does to decisions: config changes, breaking changes and the behaviour diff over an audience',
  description:
    'Compare two versions (a bundle file, a git ref, or env:NAME; --head defaults to the working config) decided for the same audience, and report the config changes, the breaking changes for touchpoints and the behaviour diff per interaction point, as Markdown (the pull request evidence), JSON or one HTML file (docs/simulation-and-diff.md#diff). Exit 1 when a guardrail holds (docs/simulation-and-diff.md#guardrails).',
  examples: [
    { why: 'the working config against HEAD: the pull request evidence in Markdown, exit 1 on a breaking change', command: 'offerops diff --base HEAD --sample 300 --seed 7 --at 2026-11-02 --ip home-hero --fail-on breaking' },
    { why: 'the full report as one self-contained HTML file, for a CI artifact', command: 'offerops diff --base HEAD --sample 200 --seed 7 --at 2026-11-02 --format html --out build/diff.html' },
    {
      why: "what promoting staging into production would change, on production's simulation sample and guardrails",
      command: 'offerops diff --base env:production --head env:staging --out evidence.md --report-url https://ci.example.com/diff.html',
    },
  ],
  configure: (command) => {
    command
      .requiredOption('--base <side>', 'what the change starts from: a bundle file, a git ref, or env:NAME')
      .option('--head <side>', 'the change: a bundle file, a git ref, or env:NAME (default: the working config, --config)');
    addSimulationFlags(command);
    command
      .option('--format <format>', 'markdown (the PR evidence), json or html (one self-contained file)', 'markdown')
      .option('--out <file>', 'write the report here instead of stdout')
      .option('--fail-on <guardrails...>', "exit 1 when one holds: breaking, changed>20%, fill<-5pp, p99>+50%, gap>10pp … (default: the environment's simulation.guardrails)")
      .option('--report-url <url>', 'where the full report is published, linked from a shortened Markdown report');
  },
  run: async (options, context): Promise<ExitCode> => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const format = (context.common.json ? 'json' : String(optionText(options, 'format'))) as DiffFormat;
    if (!['markdown', 'json', 'html'].includes(format)) throw new UserError(`--format must be markdown, json or html, got '${String(optionText(options, 'format'))}'`);
    // Guardrails are checked before the (long) run, so a typo fails at once.
    if (Array.isArray(options['failOn'])) parseGuardrails(options['failOn'] as string[]);
    const sideContext: SideContext = { root, cwd: io.cwd, configDir: context.common.config };
    const base = await sideOrFail(() => resolveSide(String(optionText(options, 'base')), sideContext), context);
    const head = await sideOrFail(() => (options['head'] === undefined ? workingSide(sideContext) : resolveSide(String(optionText(options, 'head')), sideContext)), context);
    const environment = base.environment ?? head.environment ?? null;
    const run = await diffSides(base, head, options, context, root, {
      simulation: environment?.simulation ?? null,
      guardrails: environment?.simulation?.guardrails ?? [],
    });
    const text = formatDiff(run, format, options['reportUrl'] === undefined ? null : String(optionText(options, 'reportUrl')));
    if (options['out'] !== undefined) {
      const out = path.resolve(io.cwd, String(optionText(options, 'out')));
      await writeFileAtomic(out, text);
      io.stderr(`${format} report → ${path.relative(root, out).split(path.sep).join('/')}\n`);
    } else io.stdout(text);
    const failed = run.report.guardrails.filter((g) => !g.ok);
    io.stderr(`${run.report.verdict}\n`);
    for (const g of failed) io.stderr(`guardrail failed: ${g.expr} (${g.value}${g.at ? ` at ${g.at}` : ''})\n`);
    return failed.length > 0 ? 1 : 0;
  },
};
