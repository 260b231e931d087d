// docs/decisions.md#session-rules: in a simulation a member's points are one visit, so a
// channel's session maxOffers caps the offers across them, counted in point order; the
// offers the cap keeps out count in the funnel's rank step. The config is the one of
// simulate.test.ts (hand-config.ts) with `session: { maxOffers: 2 }` on its channel.
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compile/compile-sources.js';
import { createEngine } from '../../src/engine/engine.js';
import { simulateAudience } from '../../src/simulate/simulate.js';
import { history, members, options, yaml as plainYaml } from './hand-config.js';

// The fixture with a session cap of two offers per visit.
const yaml = plainYaml.replace('  zones:\n', '  session: { maxOffers: 2 }\n  zones:\n');
const compiled = compileSources(new Map([['config/all.yaml', yaml]]));
const engine = createEngine(compiled.bundle!);

describe('simulateAudience with session maxOffers', () => {
  const capped = simulateAudience(engine, members, options(), history);
  const plain = simulateAudience(createEngine(compileSources(new Map([['config/all.yaml', plainYaml]])).bundle!), members, options(), history);

  it('compiles the fixture, with the cap in it', () => {
    expect(yaml).toContain('session: { maxOffers: 2 }');
    expect(compiled.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('leaves the first point as it was: the hero gives one offer, within the cap of 2', () => {
    expect(capped.points[0]!.offers).toEqual(plain.points[0]!.offers);
  });

  it('gives the tiles only the one offer each member has left: m1 loses its second tile', () => {
    // Without the cap the tiles give isa to all 4 and loan to m1 (5 offers); with it, each member one.
    expect(plain.points[1]!.offers).toEqual([
      { offer: 'isa', impressions: 4, share: 1, byRank: [3, 1] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
    expect(capped.points[1]!.offers).toEqual([
      { offer: 'isa', impressions: 3, share: 0.75, byRank: [3] },
      { offer: 'loan', impressions: 1, share: 0.25, byRank: [1] },
    ]);
    expect(capped.points[1]!.funnel.chosen).toBe(plain.points[1]!.funnel.chosen - 1);
    expect(capped.points[1]!.funnel.removed.rank).toBe(plain.points[1]!.funnel.removed.rank + 1);
  });
});
