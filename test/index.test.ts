// The package's public surface (src/index.ts, the `main` of package.json) is enough to
// validate, compile, write and re-read a bundle without reaching into internals.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine/engine.js';
import { compileDirectory, compileSources, formatBundle, formatEvidenceMarker, isCurrentEvidence, parseBundle, parseEvidenceMarker, simulateAudience, BundleError, hasErrors } from '../src/index.js';

const repo = path.resolve(import.meta.dirname, '..');

describe('the library entry point', () => {
  it('compiles a config and round-trips its bundle', async () => {
    const result = await compileDirectory('test/fixtures/configs/spec-snippets', { root: repo });
    expect(hasErrors(result.problems)).toBe(false);
    const text = formatBundle(result.bundle!);
    expect(parseBundle(text, 'bundle.json').digest).toBe(result.bundle!.digest);
    expect(() => parseBundle(text.replace('"Gold card upgrade"', '"Gold card"'), 'bundle.json')).toThrow(BundleError);
  });
});

describe('the library entry point: simulation and evidence', () => {
  it('simulates an audience and reads an evidence marker back', () => {
    const yaml = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;
    const result = compileSources(
      new Map([
        ['config/c.yaml', yaml('Channel', 'web', '  audienceLevels: [{ name: customer, idField: customerId, attributes: {} }]\n  zones: [{ name: home, interactionPoints: [{ name: hero }] }]\n')],
        ['config/o.yaml', yaml('Offer', 'isa', '  displayName: ISA\n') + '---\n' + yaml('Strategy', 's', '  channel: web\n  rules: [{ name: r, zone: home, offer: isa, score: 50 }]\n')],
      ]),
    );
    const metrics = simulateAudience(createEngine(result.bundle!), [{ index: 0, line: 0, id: 'c1', profile: {} }], {
      at: '2026-01-01',
      points: [{ channel: 'web', point: 'hero' }],
      count: null,
      explainStride: 1,
      fairness: null,
      examplesPerPoint: 5,
    });
    expect(metrics.points[0]).toMatchObject({ members: 1, filled: 1, offers: [{ offer: 'isa', impressions: 1 }] });
    const digest = result.bundle!.digest;
    const parsed = parseEvidenceMarker(formatEvidenceMarker({ base: digest, head: digest, audience: digest, version: '1.0.0' }));
    expect('marker' in parsed && isCurrentEvidence(parsed.marker, { base: digest, head: digest, audience: digest })).toBe(true);
  });
});
