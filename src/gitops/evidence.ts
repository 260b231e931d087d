// The simulation evidence of a promotion pull request (docs/gitops.md#the-promotion-pull-request):
// the Markdown diff of the target environment's current bundle against the candidate,
// simulated on that environment's audience. Every promotion and rollback body gets its
// evidence through this one function.
//
// This build has no simulation diff to call, so the section says so plainly, naming
// both digests and the audience it would have used — it never shows a made-up diff.
import type { Bundle } from '../bundle/index.js';
import type { Environment } from './environment.js';

export interface EvidenceSide {
  /** Where the bundle comes from: "env:production", "env:staging", a commit. */
  ref: string;
  digest: string | null;
  bundle: Bundle | null;
}

export interface EvidenceOptions {
  /** Repository root (audience and history files are relative to it). */
  root: string;
}

function audienceOf(environment: Environment): string {
  const simulation = environment.spec.simulation;
  if (simulation?.audience) return `the audience file ${simulation.audience}`;
  if (simulation?.sample) return `a sample of ${simulation.sample.customers} members (seed ${simulation.sample.seed})`;
  return 'no audience (the environment names no simulation audience)';
}

/** The evidence section (Markdown) for promoting `head` over `base` into `environment`. */
export async function renderPromotionEvidence(base: EvidenceSide, head: EvidenceSide, environment: Environment, options: EvidenceOptions): Promise<string> {
  void options;
  const at = environment.spec.simulation?.at ? ` on ${environment.spec.simulation.at}` : '';
  return [
    '## Simulation evidence',
    '',
    `**Simulation evidence is not available in this build of offerops.** The diff of ${base.ref} (${base.digest ?? 'no bundle yet'}) against ${head.ref} (${head.digest ?? 'none'}), simulated on ${audienceOf(environment)}${at}, is not part of this pull request: review the change with the check results and provenance below.`,
    '',
  ].join('\n');
}
