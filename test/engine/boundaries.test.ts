// Every number in a decision rule at its boundary (N−1, N, N+1): the control-group
// threshold (docs/decisions.md#control-group-hash), a rule or offer live for exactly one
// day, afterAccept against a history with contacts but no accept, and the per-customer
// windows of realtime policies on their last day (docs/decisions.md#realtime-policies).
import { beforeAll, describe, expect, it } from 'vitest';
import { controlGroupBucket } from '../../src/engine/control-group.js';
import type { Engine } from '../../src/engine/engine.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { adult, engineFor, offersOf, policy, request, strategy } from './engine-fixture.js';

/** The first id (m0, m1, …) whose bucket for the rule is `bucket`. */
function idInBucket(rule: string, bucket: number): string {
  for (let i = 0; i < 50_000_000; i++) if (controlGroupBucket('web', rule, `m${i}`) === bucket) return `m${i}`;
  throw new Error(`no id in bucket ${bucket}`);
}

const member = (id: string) => ({ audience: { id, profile: { ...adult, customerId: id } } });

describe('the control group holds the buckets below percent × 100', () => {
  let engine: Engine;
  const ids = new Map<number, string>();
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: holdout, offer: gold-card, score: 80, controlGroup: { percent: 30 } }', '{ name: other, offer: savings-plus, score: 10 }']));
    for (const bucket of [2999, 3000, 3001]) ids.set(bucket, idInBucket('holdout', bucket));
  });

  it.each([
    [2999, true],
    [3000, false],
    [3001, false],
  ])('bucket %i: held out %s (the fast path and the explained decision agree)', (bucket, heldOut) => {
    const id = ids.get(bucket)!;
    expect(controlGroupBucket('web', 'holdout', id)).toBe(bucket);
    for (const explain of [false, true]) {
      const decision = engine.decide(request({ ...member(id), explain }));
      expect(decision.controlGroups).toEqual(heldOut ? ['holdout'] : []);
      expect(offersOf(decision)).toEqual(heldOut ? ['savings-plus'] : ['gold-card', 'savings-plus']);
      if (explain) {
        const outcome = decision.explain!.find((e) => e.offer === 'gold-card')!.outcome;
        expect(outcome).toBe(heldOut ? 'control-group' : 'chosen');
      }
    }
  });
});

describe('a rule or an offer live for exactly one day', () => {
  let engine: Engine;
  beforeAll(async () => {
    const oneDayOffer = 'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: flash-sale }\nspec: { displayName: Flash sale, effective: 2026-05-01, expires: 2026-05-01 }\n---\n';
    engine = await engineFor(
      oneDayOffer +
        strategy('s', [
          '{ name: one-day-rule, offer: gold-card, score: 80, effective: 2026-05-01, expires: 2026-05-01 }',
          '{ name: one-day-offer, offer: flash-sale, score: 70 }',
          '{ name: always, offer: savings-plus, score: 10 }',
        ]),
    );
  });

  it.each([
    ['2026-04-30', ['savings-plus']],
    ['2026-05-01', ['gold-card', 'flash-sale', 'savings-plus']],
    ['2026-05-02', ['savings-plus']],
  ])('on %s gives %j', (at, offers) => {
    expect(offersOf(engine.decide(request({ at })))).toEqual(offers);
    expect(offersOf(engine.decide(request({ at, explain: true })))).toEqual(offers);
  });
});

const row = (offer: string, date: string, event: HistoryRow['event'], extra: Partial<HistoryRow> = {}): HistoryRow => ({ customerId: 'c1', offer, channel: 'web', date, event, ...extra });

describe('afterAccept counts accepts only', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor('apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: once }\nspec: { suppression: { afterAccept: true } }\n---\n' + strategy('s', ['{ name: a, offer: once, score: 10 }']));
  });

  it('keeps the offer when history holds its contacts and a rejection but no accept', () => {
    const history = [row('once', '2026-04-01', 'contact'), row('once', '2026-04-02', 'contact'), row('once', '2026-04-03', 'reject')];
    expect(offersOf(engine.decide(request({ history })))).toEqual(['once']);
  });

  it('drops it after one accept', () => {
    expect(offersOf(engine.decide(request({ history: [row('once', '2026-04-01', 'contact'), row('once', '2026-04-01', 'accept')] })))).toEqual([]);
  });
});

describe('realtime per-customer windows end on the decision day', () => {
  // periodDays 3 on 2026-05-01: the window is 04-29..05-01.
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(
      strategy('s', ['{ name: a, offer: gold-card, score: 80 }', '{ name: b, offer: savings-plus, score: 10 }']) +
        '---\n' +
        policy('p', ['{ name: one-gold, type: maxDuplicateOffers, offers: { offer: gold-card }, max: 1, periodDays: 3 }', '{ name: one-package, type: maxPackages, max: 1, periodDays: 3 }']),
    );
  });

  it.each([
    ['2026-04-28', ['gold-card']], // N days before: outside the window, nothing counts
    ['2026-04-29', []], // N−1 days before: the first day of the window
    ['2026-05-01', []], // the decision day itself
  ])('a contact on %s leaves %j', (date, offers) => {
    const history = [row('gold-card', date, 'contact', { package: 'elsewhere' })];
    expect(offersOf(engine.decide(request({ history, count: 1 })))).toEqual(offers);
  });
});
