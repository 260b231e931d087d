// The rotate tie keys (docs/decisions.md#ties-and-top-priority) are kept while the member
// and the day stay the same: whatever order members and days come in, every key is the
// one the documented hash gives for that member, offer and day.
import { describe, expect, it } from 'vitest';
import { rotateHash, TieOrder } from '../../src/engine/tie-order.js';

const offers = ['cash-isa', 'gold-card', 'life-insurance', 'savings-plus'];
const INDEX_SPACE = 2 ** 21;

describe('tie keys kept for a member and day', () => {
  it('gives every offer the key of the member and day at hand, as members and days change and come back', () => {
    const ties = new TieOrder(offers);
    const visits: [string, string][] = [
      ['c1', '2026-11-02'],
      ['c1', '2026-11-02'],
      ['c1', '2026-11-03'],
      ['c2', '2026-11-03'],
      ['c1', '2026-11-03'],
      ['c1', '2026-11-02'],
      ['', '2026-11-02'],
    ];
    for (const [audienceId, day] of visits) {
      ties.begin(audienceId, day);
      // Some offers only, then all: a key computed for an earlier visit must not survive a change.
      for (const offer of [1, 3]) expect(ties.key(offer)).toBe(rotateHash(audienceId, offers[offer]!, day) * INDEX_SPACE + offer);
      for (let offer = 0; offer < offers.length; offer++) expect(ties.key(offer)).toBe(rotateHash(audienceId, offers[offer]!, day) * INDEX_SPACE + offer);
    }
  });

  it('computes the keys on the first visit also for an empty member id and day, the values a new TieOrder starts from', () => {
    const ties = new TieOrder(offers);
    ties.begin('', '');
    for (let offer = 0; offer < offers.length; offer++) expect(ties.key(offer)).toBe(rotateHash('', offers[offer]!, '') * INDEX_SPACE + offer);
  });
});
