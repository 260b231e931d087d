// docs/decisions.md#suppression: offer suppression against the member's history.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { describeSuppression } from '../../src/engine/suppression.js';
import { engineFor, offersOf, request, strategy, suppressedOffers } from './engine-fixture.js';

const offers = suppressedOffers(2, { count: 2, periodDays: 7 });

const row = (offer: string, date: string, event: HistoryRow['event'], customerId = 'c1'): HistoryRow => ({ customerId, offer, channel: 'web', date, event });

describe('offer suppression', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(offers + strategy('s', ['{ name: a, offer: once, score: 10 }', '{ name: b, offer: pushy, score: 20 }', '{ name: c, offer: capped, score: 30 }']));
  });

  it('drops an offer accepted before when afterAccept is set', () => {
    const decision = engine.decide(request({ history: [row('once', '2025-01-01', 'accept')], explain: true }));
    expect(offersOf(decision)).toEqual(['capped', 'pushy']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'once', outcome: 'suppressed', reason: expect.stringContaining('afterAccept') }));
  });

  it('keeps an offer accepted before when afterAccept is not set', () => {
    expect(offersOf(engine.decide(request({ history: [row('pushy', '2026-04-01', 'accept'), row('capped', '2026-04-01', 'accept')] })))).toEqual(['capped', 'pushy', 'once']);
  });

  it('drops an offer once rejected maxRejects times, not before', () => {
    expect(offersOf(engine.decide(request({ history: [row('pushy', '2026-01-01', 'reject')] })))).toContain('pushy');
    const decision = engine.decide(request({ history: [row('pushy', '2026-01-01', 'reject'), row('pushy', '2026-02-01', 'reject')], explain: true }));
    expect(offersOf(decision)).not.toContain('pushy');
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'pushy', outcome: 'suppressed', reason: 'suppressed: rejected 2 times (maxRejects 2)' }));
  });

  it('explains a suppressed offer with its rule and score, outside the ranks', () => {
    const decision = engine.decide(request({ history: [row('pushy', '2026-01-01', 'reject'), row('pushy', '2026-02-01', 'reject')], explain: true }));
    expect(decision.explain).toContainEqual({ offer: 'pushy', rule: 'b', outcome: 'suppressed', reason: 'suppressed: rejected 2 times (maxRejects 2)', score: 20 });
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'once', outcome: 'chosen', rank: 2 }));
  });

  it('drops an offer contacted maxContacts times in the window ending on the decision day', () => {
    // at 2026-05-01 the 7-day window is 2026-04-25..2026-05-01
    const inside = [row('capped', '2026-04-25', 'contact'), row('capped', '2026-05-01', 'contact')];
    expect(offersOf(engine.decide(request({ history: inside })))).not.toContain('capped');
    const oneOutside = [row('capped', '2026-04-24', 'contact'), row('capped', '2026-05-01', 'contact')];
    expect(offersOf(engine.decide(request({ history: oneOutside })))).toContain('capped');
  });

  it('explains maxContacts with the contacts counted and the window', () => {
    const decision = engine.decide(request({ history: [row('capped', '2026-04-25', 'contact'), row('capped', '2026-05-01', 'contact')], explain: true }));
    expect(decision.explain).toContainEqual(
      expect.objectContaining({ offer: 'capped', outcome: 'suppressed', reason: 'suppressed: contacted 2 times in the last 7 days (maxContacts 2 per 7 days)' }),
    );
  });

  it.each([
    [1, 'suppressed: contacted 1 time in the last 1 day (maxContacts 1 per 1 day)'],
    [2, 'suppressed: contacted 1 time in the last 2 days (maxContacts 1 per 2 days)'],
  ])('says a maxContacts window of %i day(s) in the singular or the plural', (periodDays, reason) => {
    expect(describeSuppression({ kind: 'maxContacts', contacts: 1, max: 1, periodDays, family: null })).toBe(reason);
  });

  it('counts accepts and rejects as responses, not contacts', () => {
    const responses = [row('capped', '2026-04-30', 'accept'), row('capped', '2026-04-30', 'reject'), row('capped', '2026-04-30', 'reject')];
    expect(offersOf(engine.decide(request({ history: responses })))).toContain('capped');
  });

  it("ignores other members' rows and rows after the decision day", () => {
    const history = [row('once', '2025-01-01', 'accept', 'c2'), row('once', '2026-05-02', 'accept')];
    expect(offersOf(engine.decide(request({ history })))).toContain('once');
  });

  it('re-applies suppression on every decision of a session as the history grows', () => {
    const cache = engine.newSegmentCache();
    expect(offersOf(engine.decide(request(), cache))).toContain('once');
    expect(offersOf(engine.decide(request({ history: [row('once', '2026-05-01', 'accept')] }), cache))).not.toContain('once');
    expect(offersOf(engine.decide(request({ count: 1, history: [row('capped', '2026-05-01', 'contact'), row('capped', '2026-04-30', 'contact')] }), cache))).toEqual(['pushy']);
  });

  it('ignores history rows of offers the bundle does not know', () => {
    expect(offersOf(engine.decide(request({ history: [row('retired-offer', '2026-01-01', 'accept')] })))).toHaveLength(3);
  });
});
