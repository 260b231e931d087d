// The optimization part of a simulation (`--policy NAME --proposed FILE`): the optimizer
// run on the proposed contacts with the audience and history of the simulation, its
// report kept apart from its timing (run time and memory change from run to run), and
// the chosen contacts counted per offer, so two bundles' runs can be compared.
import type { BundleBody } from '../bundle/index.js';
import type { HistoryRow } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { AudienceMember as OptimizerAudienceMember, OptimizeReport, ProposedContact } from '../optimize/index.js';

export interface OptimizationSummary {
  policy: string;
  /** The optimizer's report without its timing fields (timeMs, peakMemoryMb). */
  report: Omit<OptimizeReport, 'timeMs' | 'peakMemoryMb'>;
  /** Chosen contacts per offer, most first. */
  chosen: { offer: string; contacts: number }[];
  /** Proposed rows left out because their offer is not in this bundle. */
  unknownOffers: number;
}

export interface OptimizationTiming {
  timeMs: number;
  peakMemoryMb: number;
}

export async function runOptimization(
  body: BundleBody,
  policy: string,
  proposed: readonly ProposedContact[],
  history: readonly HistoryRow[],
  audience: readonly OptimizerAudienceMember[],
  at: string,
): Promise<{ summary: OptimizationSummary; timing: OptimizationTiming }> {
  if (!body.policies.some((p) => p.name === policy)) {
    throw new UserError(`policy '${policy}' is not in the bundle (policies: ${body.policies.map((p) => p.name).join(', ') || 'none'})`);
  }
  const offers = new Set(body.offers.map((o) => o.name));
  const rows = proposed.filter((row) => offers.has(row.offer));
  // Loaded here, not with the module: a simulation without a policy never needs the optimizer.
  const { optimizeContacts } = await import('../optimize/index.js');
  const result = await optimizeContacts({ bundle: body, policy, proposed: rows, history: [...history], audience: [...audience], at }, { seed: 1 });
  const perOffer = new Map<string, number>();
  for (const index of result.chosen) perOffer.set(rows[index]!.offer, (perOffer.get(rows[index]!.offer) ?? 0) + 1);
  const { timeMs, peakMemoryMb, ...report } = result.report;
  return {
    summary: {
      policy,
      report,
      chosen: [...perOffer].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([offer, contacts]) => ({ offer, contacts })),
      unknownOffers: proposed.length - rows.length,
    },
    timing: { timeMs, peakMemoryMb },
  };
}
