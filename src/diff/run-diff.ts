// A whole diff, from two bundles and an audience to the report: the config diff, both
// bundles decided for every member (on worker threads), the behaviour diff, the optimizer
// on both sides when a policy is given, guardrails and the verdict.
import type { Bundle, BundlePolicyRule } from '../bundle/index.js';
import type { HistoryRow } from '../engine/index.js';
import type { AudienceMember as OptimizerAudienceMember, ProposedContact } from '../optimize/index.js';
import { runOptimization, type OptimizationTiming } from '../simulate/index.js';
import { tallySource } from '../simulate/index.js';
import type { HistoryByMember } from '../simulate/index.js';
import type { AudienceSource, SimulationOptions } from '../simulate/index.js';
import { behaviourDiff } from './behaviour-diff.js';
import { breakingChanges } from './breaking.js';
import { diffConfig } from './config-diff.js';
import { optimizationDiff, verdictOf, type DiffReport, type DiffSide, type OptimizationDiff } from './diff-report.js';
import { checkGuardrails, type Guardrail } from './guardrails.js';

export interface DiffSideInput extends Omit<DiffSide, 'digest'> {
  bundle: Bundle;
}

export interface OptimizationInput {
  policy: string;
  proposed: readonly ProposedContact[];
  history: readonly HistoryRow[];
  audience: readonly OptimizerAudienceMember[];
}

export interface DiffInputs {
  base: DiffSideInput;
  head: DiffSideInput;
  source: AudienceSource;
  options: SimulationOptions;
  history: HistoryByMember | null;
  workers: number;
  guardrails: readonly Guardrail[];
  version: string;
  optimization?: OptimizationInput | null;
  onProgress?: (members: number) => void;
}

export interface DiffTiming {
  elapsedMs: number;
  workers: number;
  decisions: number;
  optimization?: { base: OptimizationTiming; head: OptimizationTiming };
}

function side(input: DiffSideInput): DiffSide {
  const out: DiffSide = { ref: input.ref, digest: input.bundle.digest };
  if (input.commit !== undefined) out.commit = input.commit;
  return out;
}

export async function runDiff(inputs: DiffInputs): Promise<{ report: DiffReport; timing: DiffTiming }> {
  const started = performance.now();
  const baseBody = inputs.base.bundle.body;
  const headBody = inputs.head.bundle.body;
  const tally = await tallySource([inputs.base.bundle, inputs.head.bundle], inputs.source, inputs.options, {
    workers: inputs.workers,
    history: inputs.history,
    ...(inputs.onProgress ? { onProgress: inputs.onProgress } : {}),
  });
  const behaviour = behaviourDiff(tally, baseBody, headBody, inputs.options);
  const changes = diffConfig(baseBody, headBody);
  const breaking = breakingChanges(baseBody, headBody);
  let optimization: OptimizationDiff | null = null;
  const timing: DiffTiming = { elapsedMs: 0, workers: inputs.workers, decisions: 0 };
  if (inputs.optimization) {
    const o = inputs.optimization;
    const a = await runOptimization(baseBody, o.policy, o.proposed, o.history, o.audience, inputs.options.at);
    const b = await runOptimization(headBody, o.policy, o.proposed, o.history, o.audience, inputs.options.at);
    const rulesOf = (body: typeof baseBody): BundlePolicyRule[] => body.policies.find((p) => p.name === o.policy)?.rules ?? [];
    optimization = optimizationDiff(a.summary, b.summary, { base: rulesOf(baseBody), head: rulesOf(headBody) });
    timing.optimization = { base: a.timing, head: b.timing };
  }
  const guardrails = checkGuardrails(inputs.guardrails, behaviour, breaking);
  const withoutVerdict: Omit<DiffReport, 'verdict'> = {
    base: side(inputs.base),
    head: side(inputs.head),
    audience: { source: inputs.source.source, digest: inputs.source.digest, members: tally.members, at: inputs.options.at },
    config: { changes, breaking },
    behaviour,
    optimization,
    guardrails,
    version: inputs.version,
  };
  const report: DiffReport = { ...withoutVerdict, verdict: verdictOf(withoutVerdict) };
  // Key order of the JSON as documented: verdict beside the guardrails, version last.
  const ordered: DiffReport = {
    base: report.base,
    head: report.head,
    audience: report.audience,
    config: report.config,
    behaviour: report.behaviour,
    optimization: report.optimization,
    guardrails: report.guardrails,
    verdict: report.verdict,
    version: report.version,
  };
  timing.decisions = behaviour.points.reduce((sum, p) => sum + (p.present.base ? p.members : 0) + (p.present.head ? p.members : 0), 0);
  timing.elapsedMs = Math.round(performance.now() - started);
  return { report: ordered, timing };
}
