// The evidence section of a promotion body (docs/gitops.md#the-promotion-pull-request):
// the renderer's diff when both bundles are there, and otherwise a plain statement of
// why there is none — never a made-up diff.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/index.js';
import { renderPromotionEvidence, EVIDENCE_LIMIT, type EvidenceRenderer } from '../../src/gitops/evidence.js';
import { fixtureBundle, variantBundle } from '../server/harness.js';
import { environment } from './environment-files.js';

describe('promotion evidence', () => {
  const production = environment('production', '  promotion: { from: staging }\n  targets: [{ type: directory, path: t/production }]\n  simulation: { sample: { customers: 300, seed: 3 }, at: 2026-01-01 }', {
    staging: 'apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: staging }\nspec:\n  targets: [{ type: directory, path: t/staging }]\n',
  });
  let current: Bundle;
  let candidate: Bundle;
  let base: { ref: string; digest: string; bundle: Bundle };
  let head: { ref: string; digest: string; bundle: Bundle };
  beforeAll(async () => {
    current = await fixtureBundle();
    candidate = await variantBundle();
    base = { ref: 'env:production', digest: current.digest, bundle: current };
    head = { ref: 'env:staging', digest: candidate.digest, bundle: candidate };
  });

  it('shows the renderer\'s diff, given both bundles, the environment and the room left in the body', async () => {
    const calls: unknown[][] = [];
    const render: EvidenceRenderer = (b, h, env, limit) => {
      calls.push([b.bundle.digest, h.bundle.digest, env.name, limit]);
      return Promise.resolve('**✅ no decision changed**\n');
    };
    const text = await renderPromotionEvidence(base, head, production, { root: '/repo', render });
    expect(text).toBe('## Simulation evidence\n\n**✅ no decision changed**\n');
    expect(calls).toEqual([[current.digest, candidate.digest, 'production', EVIDENCE_LIMIT]]);
  });

  it('says why there is no diff: no current bundle, no renderer, or a failed simulation', async () => {
    const never: EvidenceRenderer = () => Promise.reject(new Error('not to be called'));
    expect(await renderPromotionEvidence({ ...base, digest: null, bundle: null }, head, production, { root: '/repo', render: never })).toContain('production has no bundle yet');
    expect(await renderPromotionEvidence(base, { ...head, bundle: null }, production, { root: '/repo', render: never })).toContain('the candidate bundle could not be read');
    const without = await renderPromotionEvidence(base, head, production, { root: '/repo' });
    expect(without).toContain('was not computed');
    expect(without).toContain('a sample of 300 members (seed 3) on 2026-01-01');
    const failed = await renderPromotionEvidence(base, head, production, { root: '/repo', render: () => Promise.reject(new Error('audience.ndjson:3:1: bad row')) });
    expect(failed).toContain('**The simulation failed:** audience.ndjson:3:1: bad row.');
    expect(failed).toContain('offerops diff --base env:production --head env:staging');
    for (const text of [without, failed]) expect(text).not.toContain('<!-- offerops:evidence');
  });
});
