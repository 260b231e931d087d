// The simulation evidence of a promotion pull request (docs/gitops.md#the-promotion-pull-request):
// the Markdown diff of the target environment's current bundle against the candidate,
// simulated on that environment's audience. Every promotion and rollback body gets its
// evidence through this one function.
//
// The diff itself is computed by the caller's renderer (the CLI runs `offerops diff`'s
// simulation): the GitOps stage plans and records, it does not simulate. Without a
// renderer, without a current bundle, or when the simulation fails, the section says so
// plainly, naming both digests and the audience — it never shows a made-up diff.
import type { Bundle } from '../bundle/index.js';
import type { Environment } from './environment.js';

export interface EvidenceSide {
  /** Where the bundle comes from: "env:production", "env:staging", a commit. */
  ref: string;
  digest: string | null;
  bundle: Bundle | null;
}

/** Both sides with their bundles: what a renderer is given. */
export interface ComparedSide {
  ref: string;
  bundle: Bundle;
}

/** Renders the diff of `base` → `head`, simulated on `environment`'s audience, as Markdown of at most `limit` characters. */
export type EvidenceRenderer = (base: ComparedSide, head: ComparedSide, environment: Environment, limit: number) => Promise<string>;

export interface EvidenceOptions {
  /** Repository root (audience and history files are relative to it). */
  root: string;
  /** The simulation diff; absent in a library call that does not simulate. */
  render?: EvidenceRenderer | undefined;
}

/**
 * The room the evidence may take in a pull request body: GitHub refuses a body over
 * 65,536 characters, and the check results, provenance and checklist follow it.
 */
export const EVIDENCE_LIMIT = 56_000;

export const EVIDENCE_HEADING = '## Simulation evidence';

function audienceOf(environment: Environment): string {
  const simulation = environment.spec.simulation;
  if (simulation?.audience) return `the audience file ${simulation.audience}`;
  if (simulation?.sample) return `a sample of ${simulation.sample.customers} members (seed ${simulation.sample.seed})`;
  return 'no audience (the environment names no simulation audience)';
}

function section(paragraph: string): string {
  return [EVIDENCE_HEADING, '', paragraph, ''].join('\n');
}

/** The evidence section (Markdown) for promoting `head` over `base` into `environment`. */
export async function renderPromotionEvidence(base: EvidenceSide, head: EvidenceSide, environment: Environment, options: EvidenceOptions): Promise<string> {
  const at = environment.spec.simulation?.at ? ` on ${environment.spec.simulation.at}` : '';
  const what = `${base.ref} (${base.digest ?? 'no bundle yet'}) against ${head.ref} (${head.digest ?? 'none'}), simulated on ${audienceOf(environment)}${at}`;
  if (head.bundle === null) return section(`**No simulation evidence:** the candidate bundle could not be read. The diff of ${what} is not part of this pull request.`);
  if (base.bundle === null) {
    return section(`**No simulation evidence:** ${environment.name} has no bundle yet, so there is nothing to compare the candidate with. Review the candidate itself (\`offerops inspect\`) with the check results and provenance below.`);
  }
  if (!options.render) return section(`**Simulation evidence was not computed.** The diff of ${what} is not part of this pull request: review the change with the check results and provenance below.`);
  try {
    const markdown = await options.render({ ref: base.ref, bundle: base.bundle }, { ref: head.ref, bundle: head.bundle }, environment, EVIDENCE_LIMIT);
    return [EVIDENCE_HEADING, '', markdown.trimEnd(), ''].join('\n');
  } catch (error) {
    return section(`**The simulation failed:** ${(error as Error).message}. The diff of ${what} is not part of this pull request; run \`offerops diff --base ${base.ref} --head ${head.ref}\` to see why.`);
  }
}
