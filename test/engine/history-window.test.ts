// A bounded history window (what a history store reads: the rows from the longest rule
// window's first day on, grouped with counts, plus all-time totals) gives the same
// decision as every row of the member (src/engine/member-history.ts,
// docs/decisions.md#history).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { DecisionRequest, HistoryRow, HistoryWindow } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { adult, engineFor, offersOf, policy, request, strategy, suppressedOffers } from './engine-fixture.js';
import { windowOf } from './window-of.js';

const DAY = 86_400_000;
const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (iso: string): number => Date.parse(iso + 'T00:00:00Z') / DAY;

const offersYaml = suppressedOffers(3, { count: 3, periodDays: 10 });

const rules = strategy('s', [
  '{ name: r-gold, offer: gold-card, score: 90 }',
  '{ name: r-plat, offer: platinum-card, score: 80 }',
  '{ name: r-save, offer: savings-plus, score: 70 }',
  '{ name: r-travel, offer: travel-insurance, score: 60 }',
  '{ name: r-once, offer: once, score: 55 }',
  '{ name: r-pushy, offer: pushy, score: 50 }',
  '{ name: r-capped, offer: capped, score: 45 }',
]);

// Every per-customer rule type, with and without periodDays, windows up to 21 days.
const policyRules = [
  '{ name: count-2w, type: customerOfferCount, max: 5, periodDays: 14 }',
  '{ name: dup-3w, type: maxDuplicateOffers, max: 2, periodDays: 21 }',
  '{ name: pkg-1w, type: maxPackages, max: 3, periodDays: 7 }',
  '{ name: a-with-b, type: neverAWithB, a: { offer: gold-card }, b: { offer: platinum-card }, periodDays: 5 }',
  '{ name: a-with-b-ever, type: neverAWithB, a: { offer: once }, b: { offer: capped } }',
  '{ name: a-then-b, type: neverAFollowedByB, a: { offer: savings-plus }, b: { offer: travel-insurance } }',
  '{ name: b-with-a, type: bOnlyWithA, a: { offer: pushy }, b: { offer: savings-plus } }',
  '{ name: b-with-a-2w, type: bOnlyWithA, a: { offer: capped }, b: { offer: once }, periodDays: 14 }',
];

const offerNames = ['gold-card', 'platinum-card', 'savings-plus', 'travel-insurance', 'once', 'pushy', 'capped', 'retired-offer'];
const events: HistoryRow['event'][] = ['contact', 'contact', 'contact', 'accept', 'reject', 'reject'];

function randomHistory(random: () => number, at: number, size: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let i = 0; i < size; i++) {
    // Mostly recent, some long ago, some after the decision day.
    const r = random();
    const day = r < 0.6 ? at - Math.floor(random() * 25) : r < 0.9 ? at - 25 - Math.floor(random() * 2000) : at + 1 + Math.floor(random() * 30);
    rows.push({
      customerId: random() < 0.9 ? 'c1' : 'someone-else',
      offer: offerNames[Math.floor(random() * offerNames.length)]!,
      channel: random() < 0.8 ? 'web' : 'email',
      date: isoDay(day),
      package: random() < 0.7 ? null : `p${Math.floor(random() * 4)}`,
      event: events[Math.floor(random() * events.length)]!,
    });
  }
  return rows;
}

function decisionsAgree(engine: Engine, base: DecisionRequest, rows: HistoryRow[], from: string): void {
  const withRows = engine.decide({ ...base, history: rows, explain: true });
  // As all rows grouped per day, and as a store reads them for this decision (bucketed).
  for (const window of [windowOf(rows, 'c1', from), windowOf(rows, 'c1', from, { at: base.at, needs: engine.historyNeeds })]) {
    const withWindow = engine.decide({ ...base, historyWindow: window, explain: true });
    expect(withWindow.errors).toEqual(withRows.errors);
    expect(withWindow.offers).toEqual(withRows.offers);
    expect(withWindow.explain).toEqual(withRows.explain);
  }
}

describe('bounded history windows', () => {
  it('know how far back the rules look: the longest maxContacts or realtime policy window, at least the decision day', async () => {
    const full = await engineFor(offersYaml + rules + '---\n' + policy('rt', policyRules));
    expect(full.historyWindowDays).toBe(21);
    expect(full.historyNeeds).toEqual({ windows: [1, 5, 7, 10, 14, 21], packages: true, totals: ['contact', 'accept', 'reject'], contactOffers: ['capped', 'once', 'pushy', 'savings-plus', 'travel-insurance'] });
    expect((await engineFor(offersYaml + rules)).historyNeeds).toEqual({ windows: [1, 10], packages: false, totals: ['accept', 'reject'], contactOffers: [] });
    expect((await engineFor(rules.replace(/.*r-(once|pushy|capped).*\n/g, ''))).historyNeeds).toEqual({ windows: [1], packages: false, totals: [], contactOffers: [] });
    expect((await engineFor(offersYaml + rules)).historyWindowDays).toBe(10);
    expect((await engineFor(rules.replace(/.*r-(once|pushy|capped).*\n/g, ''))).historyWindowDays).toBe(1);
    // A policy that is not realtime is not enforced at run time: its windows do not count.
    expect((await engineFor(offersYaml + rules + '---\n' + policy('batch', ['{ name: long, type: customerOfferCount, max: 5, periodDays: 90 }'], false))).historyWindowDays).toBe(10);
    // Nor is a realtime rule that counts another contact channel's contacts: it never applies to this channel's decisions.
    const otherChannel = policy('rt', ['{ name: email-cap, type: customerOfferCount, channel: email, max: 1, periodDays: 90 }']);
    expect((await engineFor(offersYaml + rules + '---\n' + otherChannel)).historyWindowDays).toBe(10);
  });

  it('ask for packages only for maxPackages with periodDays, and for contact totals only for sequence rules over all time', async () => {
    const needs = async (rulesOfPolicy: string[]) => (await engineFor(rules.replace(/.*r-(once|pushy|capped).*\n/g, '') + '---\n' + policy('rt', rulesOfPolicy))).historyNeeds;
    // Without periodDays these count this response only: no window, no packages, no totals.
    const perResponse = ['{ name: count, type: customerOfferCount, max: 3 }', '{ name: dup, type: maxDuplicateOffers, max: 1 }', '{ name: pkg, type: maxPackages, max: 2 }'];
    expect(await needs(perResponse)).toEqual({ windows: [1], packages: false, totals: [], contactOffers: [] });
    expect(await needs(['{ name: count-2w, type: customerOfferCount, max: 5, periodDays: 14 }', '{ name: dup-3w, type: maxDuplicateOffers, max: 2, periodDays: 21 }'])).toEqual({
      windows: [1, 14, 21],
      packages: false,
      totals: [],
      contactOffers: [],
    });
    expect(await needs(['{ name: ever, type: neverAWithB, a: { offer: gold-card }, b: { list: credit-offers } }', ...perResponse])).toEqual({
      windows: [1],
      packages: false,
      totals: ['contact'],
      contactOffers: ['gold-card', 'platinum-card'],
    });
  });

  it('decide as all the rows do, for 300 random histories with rows long before the window and after the decision day', async () => {
    const engine = await engineFor(offersYaml + rules + '---\n' + policy('rt', policyRules));
    const stream = createRandom(20261130);
    const random = (): number => stream.next();
    const at = '2026-05-01';
    const from = isoDay(dayOf(at) - engine.historyWindowDays + 1);
    let differentFromEmpty = 0;
    for (let run = 0; run < 300; run++) {
      const rows = randomHistory(random, dayOf(at), 1 + Math.floor(random() * 60));
      const base = request({ at, count: 7 });
      decisionsAgree(engine, base, rows, from);
      // Also when the window starts earlier than it must.
      decisionsAgree(engine, base, rows, isoDay(dayOf(from) - 3));
      if (offersOf(engine.decide({ ...base, history: rows })).join() !== offersOf(engine.decide(base)).join()) differentFromEmpty++;
    }
    // The histories do change decisions (the comparison is not between empty answers).
    expect(differentFromEmpty).toBeGreaterThan(200);
  });

  it('refuses a window that starts after the first day the rules look at, naming historyWindow.from', async () => {
    const engine = await engineFor(offersYaml + rules + '---\n' + policy('rt', policyRules));
    const at = '2026-05-01';
    const needed = dayOf(at) - 21 + 1;
    const decide = (from: number) => engine.decide({ ...request({ at }), historyWindow: { from: isoDay(from), rows: [], totals: [] } });
    expect(decide(needed - 1).errors).toEqual([]);
    expect(decide(needed).errors).toEqual([]);
    const late = decide(needed + 1);
    expect(late.offers).toEqual([]);
    expect(late.errors).toEqual([expect.objectContaining({ code: 'input', field: 'historyWindow.from' })]);
  });

  it('counts maxContacts in its window from grouped rows: count − 1 contacts leave the offer, count suppress it, older ones do not count', async () => {
    const engine = await engineFor(offersYaml + strategy('s', ['{ name: r-capped, offer: capped, score: 45 }']));
    const at = '2026-05-01';
    const from = isoDay(dayOf(at) - 9);
    const grouped = (count: number, date: string): HistoryWindow => ({
      from,
      rows: [{ customerId: 'c1', offer: 'capped', channel: 'web', date, package: null, event: 'contact', count }],
      totals: [{ offer: 'capped', channel: 'web', event: 'contact', count: count + 40 }],
    });
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: grouped(2, at) }))).toEqual(['capped']);
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: grouped(3, at) }))).toEqual([]);
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: grouped(3, from) }))).toEqual([]);
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: grouped(100_000, from) }))).toEqual([]);
  });

  it('takes accepts after the decision day off the all-time totals (a simulation at a past date never sees the future)', async () => {
    const engine = await engineFor(offersYaml + strategy('s', ['{ name: r-once, offer: once, score: 55 }']));
    const at = '2026-05-01';
    const from = isoDay(dayOf(at) - engine.historyWindowDays + 1);
    const window = (date: string): HistoryWindow => ({
      from,
      rows: date >= from ? [{ customerId: 'c1', offer: 'once', channel: 'web', date, package: null, event: 'accept', count: 1 }] : [],
      totals: [{ offer: 'once', channel: 'web', event: 'accept', count: 1 }],
    });
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: window('2026-05-02') }))).toEqual(['once']);
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: window(at) }))).toEqual([]);
    expect(offersOf(engine.decide({ ...request({ at }), historyWindow: window('2019-01-01') }))).toEqual([]);
  });

  it('names malformed window rows and totals as input errors', async () => {
    const engine = await engineFor(offersYaml + rules);
    const at = '2026-05-01';
    const bad = engine.decide({
      ...request({ at }, adult),
      historyWindow: {
        from: '2026-01-01',
        rows: [{ customerId: 'c1', offer: 'once', channel: 'web', date: '2026-13-01', package: null, event: 'contact', count: 1 }],
        totals: [{ offer: 'once', channel: 'web', event: 'accept', count: -1 }],
      },
    });
    expect(bad.offers).toEqual([]);
    expect(bad.errors.map((e) => e.field)).toEqual(['historyWindow.totals[0].count', 'historyWindow.rows[0].date']);
  });
});
