// The simulation evidence of a promotion or rollback pull request, computed the way
// `offerops diff --base env:TARGET --head CANDIDATE` computes it: the target
// environment's current bundle against the candidate, decided for the environment's
// simulation audience (docs/gitops.md#the-promotion-pull-request). The GitOps stage asks
// for it through its EvidenceRenderer; the simulation lives on this side.
import type { EvidenceRenderer } from '../gitops/index.js';
import { renderMarkdown } from '../diff/index.js';
import { diffSides } from './commands/diff.js';
import type { CommandContext } from './context.js';

/**
 * The audience when the environment names none: a seeded sample of the declared
 * attributes, as `npm start` uses, so the evidence is never missing for want of a file.
 */
export const FALLBACK_EVIDENCE_SAMPLE = { sample: '1000', seed: '1' };

export function promotionEvidence(context: CommandContext, root: string): EvidenceRenderer {
  return async (base, head, environment, limit) => {
    const simulation = environment.spec.simulation ?? null;
    const flags = simulation?.audience || simulation?.sample ? {} : FALLBACK_EVIDENCE_SAMPLE;
    context.io.stderr(`offerops: simulating ${base.ref} → ${head.ref} for the pull request's evidence\n`);
    try {
      const run = await diffSides({ ref: base.ref, kind: 'env', bundle: base.bundle }, { ref: head.ref, kind: 'bundle', bundle: head.bundle }, flags, context, root, {
        simulation,
        guardrails: simulation?.guardrails ?? [],
      });
      return renderMarkdown(run.report, { limit }).markdown;
    } catch (error) {
      context.io.stderr(`warning: no simulation evidence: ${(error as Error).message}\n`);
      throw error;
    }
  };
}
