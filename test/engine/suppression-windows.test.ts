// docs/decisions.md#suppression: suppression windows (afterReject, afterAccept {days})
// and offer families (related), each at its boundaries, derived by hand from
// docs/config-language.md#offer; and a bounded history window (what a store reads)
// decides as every row does.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { createRandom } from '../../src/seeded-random.js';
import { engineFor, offersOf, request, strategy } from './engine-fixture.js';
import { windowOf } from './window-of.js';

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T00:00:00Z') / DAY;
/** Day k counted from 2026-01-01 (day 0). */
const day = (k: number): string => new Date((BASE + k) * DAY).toISOString().slice(0, 10);

const offers = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: tablet }
spec:
  attributes: { family: devices }
  suppression: { afterReject: { count: 2, days: 30 }, related: { attribute: family } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: phone }
spec:
  attributes: { family: devices }
  suppression: { afterReject: { count: 2, days: 30 }, related: { attribute: family } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: loan }
spec:
  attributes: { family: credit }
  suppression: { afterReject: { count: 2, days: 30 } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: mortgage }
spec:
  suppression: { afterAccept: { days: 90 } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: watch }
spec:
  attributes: { family: devices }
  suppression: { maxRejects: 2, maxContacts: { count: 3, periodDays: 7 }, related: { attribute: family } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: loner }
spec:
  suppression: { afterAccept: true, related: { attribute: family } }
---
`;

const rules = strategy('s', [
  '{ name: r-tablet, offer: tablet, score: 60 }',
  '{ name: r-phone, offer: phone, score: 50 }',
  '{ name: r-loan, offer: loan, score: 40 }',
  '{ name: r-mortgage, offer: mortgage, score: 30 }',
  '{ name: r-watch, offer: watch, score: 20 }',
  '{ name: r-loner, offer: loner, score: 10 }',
]);

const row = (offer: string, k: number, event: HistoryRow['event']): HistoryRow => ({ customerId: 'c1', offer, channel: 'web', date: day(k), event });

describe('suppression windows', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(offers + rules);
  });
  const offersOn = (k: number, history: HistoryRow[]): string[] => offersOf(engine.decide(request({ at: day(k), history, count: 10 })));

  describe('afterReject {count: 2, days: 30}', () => {
    it('needs count rejections: 1 keeps the offer, 2 and 3 suppress it', () => {
      expect(offersOn(10, [row('loan', 5, 'reject')])).toContain('loan');
      expect(offersOn(10, [row('loan', 5, 'reject'), row('loan', 10, 'reject')])).not.toContain('loan');
      expect(offersOn(10, [row('loan', 1, 'reject'), row('loan', 5, 'reject'), row('loan', 10, 'reject')])).not.toContain('loan');
      // Two on the same day are two rejections.
      expect(offersOn(10, [row('loan', 10, 'reject'), row('loan', 10, 'reject')])).not.toContain('loan');
    });

    it('counts rejections within 30 consecutive days (29 days apart), not 30 days apart', () => {
      expect(offersOn(29, [row('loan', 0, 'reject'), row('loan', 29, 'reject')])).not.toContain('loan');
      expect(offersOn(30, [row('loan', 0, 'reject'), row('loan', 30, 'reject')])).toContain('loan');
    });

    it('rests from the latest rejection: suppressed on last and last + 29, given again on last + 30', () => {
      const history = [row('loan', 0, 'reject'), row('loan', 10, 'reject')];
      expect(offersOn(9, history)).toContain('loan'); // one rejection so far
      expect(offersOn(10, history)).not.toContain('loan');
      expect(offersOn(39, history)).not.toContain('loan');
      expect(offersOn(40, history)).toContain('loan');
    });

    it('takes the latest group: a later pair extends the rest', () => {
      const history = [row('loan', 0, 'reject'), row('loan', 1, 'reject'), row('loan', 25, 'reject')];
      // Pairs (0,1) end on 1 and (1,25) ends on 25: resting until 25 + 29 = 54.
      expect(offersOn(54, history)).not.toContain('loan');
      expect(offersOn(55, history)).toContain('loan');
    });

    it('ignores rejections after the decision day', () => {
      expect(offersOn(10, [row('loan', 5, 'reject'), row('loan', 11, 'reject')])).toContain('loan');
    });

    it('explains the rest with its days', () => {
      const decision = engine.decide(request({ at: day(20), history: [row('loan', 3, 'reject'), row('loan', 10, 'reject')], explain: true, count: 10 }));
      expect(decision.explain).toContainEqual(
        expect.objectContaining({ offer: 'loan', outcome: 'suppressed', reason: 'suppressed: rejected 2 times from 2026-01-04 to 2026-01-11, resting until 2026-02-09 (afterReject 2 in 30 days)' }),
      );
    });
  });

  describe('afterAccept {days: 90}', () => {
    it('suppresses on the accept day and the 89 days after, not on the 90th', () => {
      const history = [row('mortgage', 0, 'accept')];
      expect(offersOn(0, history)).not.toContain('mortgage');
      expect(offersOn(89, history)).not.toContain('mortgage');
      expect(offersOn(90, history)).toContain('mortgage');
    });

    it('rests from the latest accept', () => {
      const history = [row('mortgage', 0, 'accept'), row('mortgage', 50, 'accept')];
      expect(offersOn(139, history)).not.toContain('mortgage');
      expect(offersOn(140, history)).toContain('mortgage');
    });

    it('is not started by a contact or a rejection, nor by an accept after the decision day', () => {
      expect(offersOn(10, [row('mortgage', 5, 'contact'), row('mortgage', 5, 'reject')])).toContain('mortgage');
      expect(offersOn(10, [row('mortgage', 11, 'accept')])).toContain('mortgage');
    });

    it('explains the rest', () => {
      const decision = engine.decide(request({ at: day(30), history: [row('mortgage', 0, 'accept')], explain: true, count: 10 }));
      expect(decision.explain).toContainEqual(
        expect.objectContaining({ offer: 'mortgage', outcome: 'suppressed', reason: 'suppressed: accepted on 2026-01-01, resting 90 days until 2026-03-31 (afterAccept 90 days)' }),
      );
    });
  });

  describe('related {attribute: family}', () => {
    it('counts the family\'s rejections: one of the tablet and one of the phone suppress both', () => {
      const history = [row('tablet', 0, 'reject'), row('phone', 5, 'reject')];
      expect(offersOn(5, history)).toEqual(expect.not.arrayContaining(['tablet', 'phone']));
      expect(offersOn(5, history)).toContain('loan');
      // One rejection of the family is not enough.
      expect(offersOn(5, [row('phone', 5, 'reject')])).toEqual(expect.arrayContaining(['tablet', 'phone']));
    });

    it('explains the family', () => {
      const decision = engine.decide(request({ at: day(5), history: [row('tablet', 0, 'reject'), row('phone', 5, 'reject')], explain: true, count: 10 }));
      expect(decision.explain).toContainEqual(
        expect.objectContaining({
          offer: 'tablet',
          outcome: 'suppressed',
          reason: 'suppressed: rejected 2 times from 2026-01-01 to 2026-01-06, resting until 2026-02-04 (afterReject 2 in 30 days) (counting the offers of family "devices")',
        }),
      );
    });

    it('counts only for offers that declare related: the loan (another family, no related) and a phone rejection do not mix', () => {
      // loan declares no related: a phone's rejections are not its own.
      expect(offersOn(5, [row('loan', 0, 'reject'), row('phone', 5, 'reject')])).toContain('loan');
      // The tablet does not count the loan's rejections (another family).
      expect(offersOn(5, [row('loan', 0, 'reject'), row('tablet', 5, 'reject')])).toContain('tablet');
    });

    it('counts family rejections for maxRejects and family contacts for maxContacts at their limits', () => {
      // maxRejects 2: one watch + one tablet rejection (any time) suppresses the watch.
      expect(offersOn(100, [row('tablet', 0, 'reject')])).toContain('watch');
      expect(offersOn(100, [row('tablet', 0, 'reject'), row('watch', 1, 'reject')])).not.toContain('watch');
      // maxContacts 3 per 7 days over the family: 2 contacts keep it, 3 suppress it.
      const two = [row('tablet', 98, 'contact'), row('phone', 100, 'contact')];
      expect(offersOn(100, two)).toContain('watch');
      expect(offersOn(100, [...two, row('watch', 94, 'contact')])).not.toContain('watch');
      expect(offersOn(100, [...two, row('watch', 93, 'contact')])).toContain('watch'); // outside the 7 days
    });

    it('leaves an offer without the attribute to its own history', () => {
      expect(offersOn(10, [row('tablet', 1, 'accept')])).toContain('loner');
      expect(offersOn(10, [row('loner', 1, 'accept')])).not.toContain('loner');
      // Nor does it make a family of the offers that lack the attribute: the mortgage's accept is not the loner's.
      expect(offersOn(10, [row('mortgage', 1, 'accept')])).toContain('loner');
    });
  });

  it('asks a history store for the days of accepts and rejects in the windows\' reach', () => {
    // afterAccept 90 days needs 90; afterReject 30 days needs 2·30 − 1 = 59.
    expect(engine.historyNeeds).toEqual({ windows: [1, 7, 90], packages: false, totals: ['accept', 'reject'], contactOffers: [], responseDays: 90 });
  });

  it('asks for no all-time accept total for an offer that rests some days after an accept: the window holds those days', async () => {
    const mortgageOnly = offers.split('---\n').find((doc) => doc.includes('name: mortgage'))!;
    const resting = await engineFor(mortgageOnly + '---\n' + strategy('s', ['{ name: r-mortgage, offer: mortgage, score: 30 }']));
    expect(resting.historyNeeds).toEqual({ windows: [1, 90], packages: false, totals: [], contactOffers: [], responseDays: 90 });
  });

  it('decides from a bounded history window as from every row (300 random histories)', () => {
    const stream = createRandom(16);
    const random = (): number => stream.next();
    const names = ['tablet', 'phone', 'loan', 'mortgage', 'watch', 'loner', 'gone'];
    const events: HistoryRow['event'][] = ['contact', 'accept', 'reject', 'reject'];
    let suppressedSome = 0;
    for (let run = 0; run < 300; run++) {
      const at = 200;
      const rows: HistoryRow[] = [];
      const size = 1 + Math.floor(random() * 12);
      for (let i = 0; i < size; i++) rows.push(row(names[Math.floor(random() * names.length)]!, at - 150 + Math.floor(random() * 160), events[Math.floor(random() * events.length)]!));
      const base = request({ at: day(at), count: 10, explain: true });
      const withRows = engine.decide({ ...base, history: rows });
      const window = windowOf(rows, 'c1', day(at - engine.historyWindowDays + 1), { at: day(at), needs: engine.historyNeeds });
      const withWindow = engine.decide({ ...base, historyWindow: window });
      expect(withWindow.errors).toEqual([]);
      expect(withWindow.offers).toEqual(withRows.offers);
      expect(withWindow.explain).toEqual(withRows.explain);
      if (withRows.offers.length < 6) suppressedSome++;
    }
    expect(suppressedSome).toBeGreaterThan(100);
  });
});

// A bundle whose afterReject reaches back further (2·30 − 1 = 59 days) than its afterAccept
// window (3 days): the member's history then holds accepts older than that window.
describe('suppression windows shorter than the days the bundle keeps', () => {
  const short = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: brief }
spec: { suppression: { afterAccept: { days: 3 } } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: streak }
spec: { suppression: { afterReject: { count: 3, days: 30 } } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: single }
spec: { suppression: { maxRejects: 1 } }
---
`;
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(
      short + strategy('s', ['{ name: r-brief, offer: brief, score: 30 }', '{ name: r-streak, offer: streak, score: 20 }', '{ name: r-single, offer: single, score: 10 }']),
    );
  });
  const offersOn = (k: number, history: HistoryRow[]): string[] => offersOf(engine.decide(request({ at: day(k), history, count: 10 })));

  it('keeps response days for the longest window', () => {
    expect(engine.historyNeeds.responseDays).toBe(59);
  });

  it('afterAccept {days: 3}: suppressed on the accept day and the 2 after, given again on the 3rd', () => {
    const history = [row('brief', 10, 'accept')];
    expect(offersOn(9, history)).toContain('brief');
    expect(offersOn(10, history)).not.toContain('brief');
    expect(offersOn(12, history)).not.toContain('brief');
    expect(offersOn(13, history)).toContain('brief');
    expect(offersOn(14, history)).toContain('brief');
  });

  it('afterAccept {days: 3} rests from the latest accept whatever the order of the rows', () => {
    const history = [row('brief', 12, 'accept'), row('brief', 0, 'accept')];
    expect(offersOn(14, history)).not.toContain('brief');
    expect(offersOn(15, history)).toContain('brief');
    const decision = engine.decide(request({ at: day(14), history, explain: true, count: 10 }));
    expect(decision.explain).toContainEqual(
      expect.objectContaining({ offer: 'brief', outcome: 'suppressed', reason: 'suppressed: accepted on 2026-01-13, resting 3 days until 2026-01-15 (afterAccept 3 days)' }),
    );
  });

  it('afterReject {count: 3, days: 30}: three rejections 29 days apart suppress, 30 or more apart do not', () => {
    expect(offersOn(35, [row('streak', 6, 'reject'), row('streak', 20, 'reject'), row('streak', 35, 'reject')])).not.toContain('streak');
    expect(offersOn(35, [row('streak', 5, 'reject'), row('streak', 20, 'reject'), row('streak', 35, 'reject')])).toContain('streak');
    expect(offersOn(35, [row('streak', 0, 'reject'), row('streak', 20, 'reject'), row('streak', 35, 'reject')])).toContain('streak');
  });

  it('afterReject counts a group by the rejections inside its own 30 days only, not later ones', () => {
    // Two on day 0 and one on day 20 make a group ending on 20; the one on day 35 is after it.
    const history = [row('streak', 0, 'reject'), row('streak', 0, 'reject'), row('streak', 20, 'reject'), row('streak', 35, 'reject')];
    const decision = engine.decide(request({ at: day(35), history, explain: true, count: 10 }));
    expect(decision.explain).toContainEqual(
      expect.objectContaining({
        offer: 'streak',
        outcome: 'suppressed',
        reason: 'suppressed: rejected 3 times from 2026-01-01 to 2026-01-21, resting until 2026-02-19 (afterReject 3 in 30 days)',
      }),
    );
  });

  it('says one rejection in the singular', () => {
    const decision = engine.decide(request({ at: day(5), history: [row('single', 1, 'reject')], explain: true, count: 10 }));
    expect(offersOf(decision)).toEqual(['brief', 'streak']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'single', outcome: 'suppressed', reason: 'suppressed: rejected 1 time (maxRejects 1)' }));
  });
});

describe('suppression windows in the bundle', () => {
  it('are written only for offers that set them, so other offers compile as before', async () => {
    const { compileFixture } = await import('./engine-fixture.js');
    const bundle = await compileFixture(offers + rules);
    const byName = new Map(bundle.body.offers.map((offer) => [offer.name, offer.suppression]));
    expect(byName.get('tablet')).toEqual({ afterAccept: false, maxRejects: null, maxContacts: null, afterReject: { count: 2, days: 30 }, related: 'family' });
    expect(byName.get('mortgage')).toEqual({ afterAccept: true, maxRejects: null, maxContacts: null, afterAcceptDays: 90 });
    expect(byName.get('gold-card')).toEqual({ afterAccept: false, maxRejects: null, maxContacts: null });
  });
});
