// `offerops simulate` (docs/simulation-and-diff.md#simulate): one bundle — a file, an
// environment's pinned bundle, or the config compiled in memory — decided for every member
// of an audience at every interaction point (or those named) on a fixed day, with history;
// prints the metrics JSON. The same inputs give byte-identical metrics apart from `timing`.
import path from 'node:path';
import type { Bundle } from '../../bundle/index.js';
import type { Simulation } from '../../config/index.js';
import { readEnvironmentSide } from '../../diff/index.js';
import { createEngine, EngineLoadError } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { runOptimization, type OptimizationSummary, type OptimizationTiming } from '../../simulate/index.js';
import { resultOf } from '../../simulate/index.js';
import { tallySource } from '../../simulate/index.js';
import type { AudienceInfo, PointLatency, PointMetrics } from '../../simulate/index.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { addSimulationFlags, prepareSimulation, progressReporter } from '../simulation-input.js';
import { readBundleInput } from '../bundle-input.js';
import { writeFileAtomic } from '../write-file.js';
import { optionText } from '../options.js';

export interface SimulationReport {
  bundle: { source: string; digest: string };
  audience: AudienceInfo;
  count: number | null;
  /** Members explained for the funnel, segment sizes and no-offer steps: those whose position in the audience is a multiple of `stride`. */
  explained: { stride: number };
  points: PointMetrics[];
  optimization: OptimizationSummary | null;
  /** What changes from run to run: wall time, workers, decision latency, the optimizer's time and memory. */
  timing: { elapsedMs: number; workers: number; decisions: number; decisionsPerSecond: number; points: PointLatency[]; optimization?: OptimizationTiming };
}

/** The bundle to simulate (an environment's pin, else the bundle input every command shares) and the environment's simulation block. */
async function loadBundle(options: Record<string, unknown>, context: CommandContext, root: string): Promise<{ bundle: Bundle; source: string; simulation: Simulation | null }> {
  if (options['bundle'] !== undefined && options['env'] !== undefined) throw new UserError('give --bundle FILE or --env NAME, not both');
  if (options['env'] !== undefined) {
    const environment = await readEnvironmentSide(root, String(optionText(options, 'env')));
    if (!environment.pinned) throw new UserError(`environment '${environment.name}' has no pinned bundle yet (${environment.file} has no spec.bundle)`);
    return { bundle: environment.pinned.bundle, source: `env:${environment.name}`, simulation: environment.simulation };
  }
  const input = await readBundleInput(options, context);
  return { ...input, simulation: null };
}

function describe(report: SimulationReport): string {
  const lines = [
    `simulated ${report.audience.members.toLocaleString('en-US')} members of ${report.audience.source} on ${report.audience.at} with ${report.bundle.source} (${report.bundle.digest.slice(0, 19)}…): ${report.timing.decisions.toLocaleString('en-US')} decisions in ${(report.timing.elapsedMs / 1000).toFixed(1)} s`,
  ];
  for (const p of report.points) {
    const top = p.offers
      .slice(0, 3)
      .map((o) => `${o.offer} ${(o.share * 100).toFixed(1)}%`)
      .join(', ');
    lines.push(`  ${p.channel}/${p.point}: fill ${(p.fillRate * 100).toFixed(1)}%${top ? `; ${top}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

export const simulateCommand: CommandDefinition = {
  name: 'simulate',
  summary: 'decide every member of an audience at every interaction point and print the metrics',
  description:
    'Decide one bundle (a file, an environment\'s pinned bundle, or the config compiled in memory) for every member of an audience (a file, or a seeded sample) at every interaction point, or those named, on one day, and print the metrics JSON: fill rate, offer shares, rules, control groups, segments, the decision funnel, fairness (docs/simulation-and-diff.md#simulate). The same inputs give the same metrics, apart from timing.',
  examples: [
    { why: 'the config, compiled in memory, over a seeded sample of 300 members at two web points', command: 'offerops simulate --sample 300 --seed 7 --at 2026-11-02 --ip home-hero,home-tiles' },
    {
      why: 'a compiled bundle over an audience made with offerops sample, with contact history; the metrics to a file',
      command: 'offerops simulate --bundle build/bundle.json --audience data/audience.csv --history history.csv --at 2026-11-02 --ip web/home-hero,web/home-tiles --out build/metrics.json',
    },
    { why: 'also run an optimization policy on proposed contacts for the same audience', command: 'offerops simulate --audience data/audience.csv --at 2026-11-02 --policy outbound-campaigns --proposed data/proposed.csv --out build/metrics.json' },
  ],
  configure: (command) => {
    command.option('--bundle <file>', 'the bundle to simulate (default: compile --config in memory)').option('--env <name>', "the environment's pinned bundle, with its simulation settings as defaults");
    addSimulationFlags(command);
    command.option('--out <file>', 'write the metrics JSON here instead of stdout');
  },
  run: async (options, context) => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const started = performance.now();
    const { bundle, source: bundleSource, simulation } = await loadBundle(options, context, root);
    try {
      createEngine(bundle);
    } catch (error) {
      if (error instanceof EngineLoadError) throw new UserError(error.message);
      throw error;
    }
    const input = await prepareSimulation(options, io, root, [bundle.body], simulation, new Date().toISOString().slice(0, 10));
    const progress = progressReporter(io, input.source.approxMembers, 'simulating');
    const tally = await tallySource([bundle], input.source, input.options, {
      workers: input.workers,
      history: input.history,
      onProgress: progress.update,
    });
    progress.done();
    const result = resultOf(tally, bundle.body, input.options);
    let optimization: SimulationReport['optimization'] = null;
    let optimizationTiming: OptimizationTiming | undefined;
    if (input.optimization) {
      const o = input.optimization;
      const run = await runOptimization(bundle.body, o.policy, o.proposed, o.history, o.audience, input.options.at);
      optimization = run.summary;
      optimizationTiming = run.timing;
    }
    const elapsedMs = Math.round(performance.now() - started);
    const decisions = result.points.reduce((sum, p) => sum + p.members, 0);
    const report: SimulationReport = {
      bundle: { source: bundleSource, digest: bundle.digest },
      audience: { source: input.source.source, digest: input.source.digest, members: tally.members, at: input.options.at },
      count: input.options.count,
      explained: { stride: input.options.explainStride },
      points: result.points,
      optimization,
      timing: {
        elapsedMs,
        workers: input.workers,
        decisions,
        decisionsPerSecond: Math.round(decisions / Math.max(0.001, elapsedMs / 1000)),
        points: result.latency,
        ...(optimizationTiming ? { optimization: optimizationTiming } : {}),
      },
    };
    const text = JSON.stringify(report, null, 2) + '\n';
    if (options['out'] !== undefined) {
      const out = path.resolve(io.cwd, String(optionText(options, 'out')));
      await writeFileAtomic(out, text);
      io.stderr(`${describe(report)}metrics → ${path.relative(root, out).split(path.sep).join('/')}\n`);
    } else {
      io.stdout(text);
      if (!context.common.json) io.stderr(describe(report));
    }
    return 0;
  },
};
