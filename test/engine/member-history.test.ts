// How a decision reads the member's history (src/engine/member-history.ts,
// docs/decisions.md#history), as rows or as a bounded window: which rows are the member's,
// the totals of a window added up per (offer, channel, event), and every malformed input
// refused with an input error naming its field.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { DecisionRequest, HistoryRow, HistoryWindow } from '../../src/engine/types.js';
import { engineFor, offersOf, policy, request, strategy, suppressedOffers } from './engine-fixture.js';

const AT = '2026-05-01';

const offers = suppressedOffers(3, { count: 1, periodDays: 10 });

let engine: Engine;
beforeAll(async () => {
  engine = await engineFor(
    offers +
      strategy('s', [
        '{ name: r-gold, offer: gold-card, score: 90 }',
        '{ name: r-once, offer: once, score: 55 }',
        '{ name: r-pushy, offer: pushy, score: 50 }',
        '{ name: r-capped, offer: capped, score: 45 }',
      ]),
  );
});

const decide = (extra: Partial<DecisionRequest>, id = 'c1'): ReturnType<Engine['decide']> => engine.decide(request({ at: AT, count: 5, ...extra }, { customerId: id, age: 40 }));
const row = (extra: Record<string, unknown>): HistoryRow => ({ customerId: 'c1', offer: 'once', channel: 'web', date: '2026-04-20', event: 'accept', ...extra });

/** gold-card alone, under maxPackages `max` in 7 days: the response's own package and max − 1 more fit. */
const packagesEngine = (max: number): Promise<Engine> =>
  engineFor(strategy('s', ['{ name: r-gold, offer: gold-card, score: 90 }']) + '---\n' + policy('rt', [`{ name: pkg, type: maxPackages, max: ${max}, periodDays: 7 }`]));
const decideAt = (target: Engine, extra: Partial<DecisionRequest>): ReturnType<Engine['decide']> => target.decide(request({ at: AT, ...extra }, { customerId: 'c1', age: 40 }));

describe('the member’s rows', () => {
  it('counts a row whose customerId is the number the member’s id spells, and not another number', () => {
    expect(offersOf(decide({ history: [row({ customerId: 42 })] }, '42'))).toEqual(['gold-card', 'pushy', 'capped']);
    expect(offersOf(decide({ history: [row({ customerId: 42 })] }, '420'))).toEqual(['gold-card', 'once', 'pushy', 'capped']);
    expect(offersOf(decide({ history: [row({ customerId: '42' })] }, '42'))).toEqual(['gold-card', 'pushy', 'capped']);
  });

  it('does not count a row whose customerId is a list holding the member’s id', () => {
    expect(offersOf(decide({ history: [row({ customerId: ['c1'] })] }))).toEqual(['gold-card', 'once', 'pushy', 'capped']);
  });

  it('takes a history of null as no history', () => {
    const decision = decide({ history: null as unknown as HistoryRow[] });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card', 'once', 'pushy', 'capped']);
  });

  it('takes a row without an event as a contact', () => {
    const contact = row({ offer: 'capped', event: undefined, date: '2026-04-25' });
    expect(decide({ history: [contact] }).errors).toEqual([]);
    expect(offersOf(decide({ history: [contact] }))).toEqual(['gold-card', 'once', 'pushy']);
  });

  it('leaves the rows of other members unchecked: a malformed row of someone else is no error', () => {
    const decision = decide({ history: [row({ customerId: 'c2', date: 'never', offer: '' })] });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card', 'once', 'pushy', 'capped']);
  });

  it.each([
    ['not a list', 'rows', 'history', 'history must be an array of rows'],
    ['a row that is not an object', [7], 'history[0]', 'history[0] must be an object'],
    ['a row that is null', [null], 'history[0]', 'history[0] must be an object'],
    ['a day that does not exist', [row({ date: '2026-02-30' })], 'history[0].date', 'history[0].date must be a YYYY-MM-DD day, got "2026-02-30"'],
    ['no day', [row({ date: undefined })], 'history[0].date', 'history[0].date must be a YYYY-MM-DD day, got undefined'],
    ['a day written as a number', [row({ date: 20260420 })], 'history[0].date', 'history[0].date must be a YYYY-MM-DD day, got 20260420'],
    ['an empty offer name', [row({ offer: '' })], 'history[0].offer', 'history[0].offer must be an offer name, got ""'],
    ['no offer', [row({ offer: undefined })], 'history[0].offer', 'history[0].offer must be an offer name, got undefined'],
    ['a channel that is not a name', [row({ channel: 7 })], 'history[0].channel', 'history[0].channel must be a channel name, got 7'],
    ['an empty channel', [row({ channel: '' })], 'history[0].channel', 'history[0].channel must be a channel name, got ""'],
    ['an unknown event', [row({ event: 'click' })], 'history[0].event', 'history[0].event must be contact, accept or reject, got "click"'],
    ['an event in a list', [row({ event: ['accept'] })], 'history[0].event', 'history[0].event must be contact, accept or reject, got ["accept"]'],
    ['an event named after an object property', [row({ event: 'toString' })], 'history[0].event', 'history[0].event must be contact, accept or reject, got "toString"'],
    ['the second row malformed', [row({}), row({ event: 5 })], 'history[1].event', 'history[1].event must be contact, accept or reject, got 5'],
  ])('refuses %s, naming its field', (_label, history, field, message) => {
    const decision = decide({ history: history as HistoryRow[] });
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([{ code: 'input', field, message }]);
  });
});

/** A window for a decision on AT: this engine's rules look back 10 days (capped's maxContacts), so from 2026-04-22 on, or from `from`. */
const window = (extra: Partial<Record<keyof HistoryWindow, unknown>>): HistoryWindow => ({ from: '2026-04-22', rows: [], totals: [], ...extra }) as HistoryWindow;
const total = (extra: Record<string, unknown>): Record<string, unknown> => ({ offer: 'pushy', channel: 'web', event: 'reject', count: 1, ...extra });
const windowRow = (extra: Record<string, unknown>): Record<string, unknown> => ({
  customerId: 'c1',
  offer: 'pushy',
  channel: 'web',
  date: AT,
  package: null,
  event: 'contact',
  count: 1,
  ...extra,
});

describe('a bounded history window', () => {
  it.each([
    [
      [2, 0],
      ['gold-card', 'once', 'pushy', 'capped'],
    ],
    [
      [2, 1],
      ['gold-card', 'once', 'capped'],
    ],
    [
      [1, 1, 1],
      ['gold-card', 'once', 'capped'],
    ],
  ])('adds up the totals given for one offer, channel and event: rejections %j', (counts, given) => {
    expect(offersOf(decide({ historyWindow: window({ totals: counts.map((count) => total({ count })) }) }))).toEqual(given);
  });

  it('takes counts at their least: a total of 0, a row of 1, rows and packages dated on the window’s first day', () => {
    const from = '2026-04-21';
    const decision = decide({
      historyWindow: window({
        from,
        totals: [total({ count: 0 })],
        rows: [windowRow({ count: 1, date: from })],
        packages: [{ date: from, channel: 'web', package: 'p1' }],
      }),
    });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card', 'once', 'pushy', 'capped']);
  });

  it.each([
    ['two, left out of the rows', 2, [], ['gold-card', 'once', 'pushy', 'capped']],
    ['two, one of them in the rows too', 2, [windowRow({ event: 'reject', date: '2026-04-25' })], ['gold-card', 'once', 'pushy', 'capped']],
    ['three, one of them in the rows too', 3, [windowRow({ event: 'reject', date: '2026-04-25' })], ['gold-card', 'once', 'capped']],
  ])('counts rejections once, from the totals: %s, against pushy’s maxRejects 3', (_label, count, rows, given) => {
    expect(offersOf(decide({ historyWindow: window({ rows, totals: [total({ count })] }) }))).toEqual(given);
  });

  it('keeps the totals of each offer and channel apart, even when their names run together: pushy on web, pushyw on eb', () => {
    expect(offersOf(decide({ historyWindow: window({ totals: [total({ count: 2 }), total({ offer: 'pushyw', channel: 'eb' })] }) }))).toEqual([
      'gold-card',
      'once',
      'pushy',
      'capped',
    ]);
  });

  it('counts a contact total of an offer the bundle does not know toward no offer’s rule', async () => {
    // neverAWithB over all time: savings-plus is never given to a member once contacted with a credit card.
    const ever = await engineFor(
      strategy('s', ['{ name: r-save, offer: savings-plus, score: 70 }']) +
        '---\n' +
        policy('rt', ['{ name: ever, type: neverAWithB, a: { list: credit-offers }, b: { offer: savings-plus } }']),
    );
    const contactedBefore = (offer: string): string[] => offersOf(decideAt(ever, { historyWindow: window({ totals: [{ offer, channel: 'web', event: 'contact', count: 1 }] }) }));
    expect(contactedBefore('gold-card')).toEqual([]);
    expect(contactedBefore('platinum-card')).toEqual([]);
    expect(contactedBefore('retired-offer')).toEqual(['savings-plus']);
  });

  it('suppresses the offer of an accept total, the bundle’s first offer by name as its last', async () => {
    const acceptedOnce = (name: string): string => `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name} }\nspec: { suppression: { afterAccept: true } }\n---\n`;
    const both = await engineFor(
      acceptedOnce('annual-fee-waiver') +
        acceptedOnce('zero-interest') +
        strategy('s', ['{ name: r-a, offer: annual-fee-waiver, score: 2 }', '{ name: r-z, offer: zero-interest, score: 1 }']),
    );
    const accepted = (offer: string): string[] => offersOf(decideAt(both, { historyWindow: window({ totals: [total({ offer, event: 'accept' })] }) }));
    expect(accepted('annual-fee-waiver')).toEqual(['zero-interest']);
    expect(accepted('zero-interest')).toEqual(['annual-fee-waiver']);
  });

  it('takes a total without an event as contacts, as it takes a row without one: the same decision as the rows', async () => {
    // A sequence rule over all time sees the contacts before the window through their totals only.
    const ever = await engineFor(
      strategy('s', ['{ name: r-gold, offer: gold-card, score: 90 }']) +
        '---\n' +
        policy('rt', ['{ name: ever, type: neverAWithB, a: { offer: savings-plus }, b: { offer: gold-card } }']),
    );
    const old = { customerId: 'c1', offer: 'savings-plus', channel: 'web', date: '2026-01-05' };
    const fromRows = ever.decide(request({ at: AT, history: [old as HistoryRow] }, { customerId: 'c1', age: 40 }));
    expect(offersOf(fromRows)).toEqual([]);
    for (const event of ['contact', undefined]) {
      const fromWindow = ever.decide(
        request({ at: AT, historyWindow: window({ totals: [{ offer: 'savings-plus', channel: 'web', event, count: 1 }] }) }, { customerId: 'c1', age: 40 }),
      );
      expect(fromWindow.errors).toEqual([]);
      expect(offersOf(fromWindow)).toEqual(offersOf(fromRows));
    }
  });

  it.each([
    ['not an object', 'window', 'historyWindow', 'historyWindow must be an object with from, rows and totals'],
    ['rows that are not a list', window({ rows: {} }), 'historyWindow', 'historyWindow must be an object with from, rows and totals'],
    ['totals that are not a list', window({ totals: null }), 'historyWindow', 'historyWindow must be an object with from, rows and totals'],
    ['a first day that is not a day', window({ from: 'soon' }), 'historyWindow.from', 'historyWindow.from must be a YYYY-MM-DD day, got "soon"'],
    [
      // capped's maxContacts looks back 10 days: from 2026-04-22 (day 20565) on.
      'a first day after the first day the rules look at',
      window({ from: '2026-04-23' }),
      'historyWindow.from',
      "historyWindow.from is 2026-04-23, but the bundle's rules look back 10 days from the decision day: the window must start on or before day 20565 (days since 1970-01-01)",
    ],
    ['no first day', window({ from: undefined }), 'historyWindow.from', 'historyWindow.from must be a YYYY-MM-DD day, got undefined'],
    ['a total that is not an object', window({ totals: [3] }), 'historyWindow.totals[0]', 'historyWindow.totals[0] must be an object'],
    [
      'a total with a negative count',
      window({ totals: [total({ count: -1 })] }),
      'historyWindow.totals[0].count',
      'historyWindow.totals[0].count must be a whole number ≥ 0, got -1',
    ],
    [
      'a total with a fractional count',
      window({ totals: [total({ count: 1.5 })] }),
      'historyWindow.totals[0].count',
      'historyWindow.totals[0].count must be a whole number ≥ 0, got 1.5',
    ],
    ['a total with an empty offer', window({ totals: [total({ offer: '' })] }), 'historyWindow.totals[0].offer', 'historyWindow.totals[0].offer must be an offer name, got ""'],
    [
      'a total with no channel',
      window({ totals: [total({ channel: undefined })] }),
      'historyWindow.totals[0].channel',
      'historyWindow.totals[0].channel must be a channel name, got undefined',
    ],
    [
      'a total with an offer that is not a name',
      window({ totals: [total({ offer: 7 })] }),
      'historyWindow.totals[0].offer',
      'historyWindow.totals[0].offer must be an offer name, got 7',
    ],
    [
      'a total with an empty channel',
      window({ totals: [total({ channel: '' })] }),
      'historyWindow.totals[0].channel',
      'historyWindow.totals[0].channel must be a channel name, got ""',
    ],
    [
      'a total with an event in a list',
      window({ totals: [total({ event: ['reject'] })] }),
      'historyWindow.totals[0].event',
      'historyWindow.totals[0].event must be contact, accept or reject, got ["reject"]',
    ],
    [
      'a total with an unknown event',
      window({ totals: [total({ event: 'click' })] }),
      'historyWindow.totals[0].event',
      'historyWindow.totals[0].event must be contact, accept or reject, got "click"',
    ],
    ['a row that is not an object', window({ rows: ['x'] }), 'historyWindow.rows[0]', 'historyWindow.rows[0] must be an object'],
    ['a row with a count of 0', window({ rows: [windowRow({ count: 0 })] }), 'historyWindow.rows[0].count', 'historyWindow.rows[0].count must be a whole number ≥ 1, got 0'],
    [
      'a row with a fractional count',
      window({ rows: [windowRow({ count: 1.5 })] }),
      'historyWindow.rows[0].count',
      'historyWindow.rows[0].count must be a whole number ≥ 1, got 1.5',
    ],
    [
      'a row with no count',
      window({ rows: [windowRow({ count: undefined })] }),
      'historyWindow.rows[0].count',
      'historyWindow.rows[0].count must be a whole number ≥ 1, got undefined',
    ],
    [
      'a row with an unknown event',
      window({ rows: [windowRow({ event: 'click' })] }),
      'historyWindow.rows[0].event',
      'historyWindow.rows[0].event must be contact, accept or reject, got "click"',
    ],
    [
      'a row dated the day before the window’s first day',
      window({ from: '2026-04-21', rows: [windowRow({ date: '2026-04-20' })] }),
      'historyWindow.rows[0].date',
      'historyWindow.rows[0].date "2026-04-20" is before the window\'s first day 2026-04-21',
    ],
    ['packages that are not a list', window({ packages: 'p1' }), 'historyWindow.packages', 'historyWindow.packages must be a list of {date, channel, package}'],
    ['a package that is not an object', window({ packages: [1] }), 'historyWindow.packages[0]', 'historyWindow.packages[0] must be an object'],
    [
      'a package dated the day before the window’s first day',
      window({ from: '2026-04-21', packages: [{ date: '2026-04-20', channel: 'web', package: 'p1' }] }),
      'historyWindow.packages[0].date',
      'historyWindow.packages[0].date must be a YYYY-MM-DD day in the window, got "2026-04-20"',
    ],
    [
      'a package with no day',
      window({ packages: [{ channel: 'web', package: 'p1' }] }),
      'historyWindow.packages[0].date',
      'historyWindow.packages[0].date must be a YYYY-MM-DD day in the window, got undefined',
    ],
    [
      'a package with an empty channel',
      window({ packages: [{ date: AT, channel: '', package: 'p1' }] }),
      'historyWindow.packages[0]',
      'historyWindow.packages[0] needs a channel and a package name',
    ],
    ['a package with no name', window({ packages: [{ date: AT, channel: 'web' }] }), 'historyWindow.packages[0]', 'historyWindow.packages[0] needs a channel and a package name'],
    ['a package with no channel', window({ packages: [{ date: AT, package: 'p1' }] }), 'historyWindow.packages[0]', 'historyWindow.packages[0] needs a channel and a package name'],
    [
      'a package with an empty name',
      window({ packages: [{ date: AT, channel: 'web', package: '' }] }),
      'historyWindow.packages[0]',
      'historyWindow.packages[0] needs a channel and a package name',
    ],
  ])('refuses %s, naming its field', (_label, historyWindow, field, message) => {
    const decision = decide({ historyWindow: historyWindow as HistoryWindow });
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([{ code: 'input', field, message }]);
  });
});

describe('the days of rejections an afterReject window can reach', () => {
  // afterReject {count: 2, days: 30}: two rejections at most 29 days apart rest the offer for 30 days
  // from the later one, so a decision looks back 2 × 30 − 1 = 59 days: to 2026-03-04 for one on 2026-05-01.
  const rested = `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: rested }\nspec: { suppression: { afterReject: { count: 2, days: 30 } } }\n---\n`;
  it.each([
    ['2026-03-04', '2026-04-02', []],
    ['2026-03-03', '2026-04-01', ['rested']],
  ])('counts a rejection on the first day they reach, not the day before: rejected on %s and %s gives %j', async (first, second, given) => {
    const rejecting = await engineFor(rested + strategy('s', ['{ name: r-rested, offer: rested, score: 10 }']));
    const history = [first, second].map((date) => row({ offer: 'rested', event: 'reject', date }));
    expect(offersOf(rejecting.decide(request({ at: AT, history }, { customerId: 'c1', age: 40 })))).toEqual(given);
  });
});

describe('the package of a history row', () => {
  // maxPackages 2 in 7 days: the response's own package and one more fit, two more do not.
  it.each([
    ['no package: one per day', null, []],
    ['an empty package name: one per day', '', []],
    ['a package that is not a name: one per day', 5, []],
    ['a package name: one package across days', 'p1', ['gold-card']],
  ])('is, for rows of two days with %s', async (_label, name, given) => {
    const history = ['2026-04-28', '2026-04-29'].map((date) => row({ offer: 'savings-plus', event: 'contact', date, package: name }));
    expect(offersOf(decideAt(await packagesEngine(2), { history }))).toEqual(given);
  });
});

describe('the default package of a history row', () => {
  // maxPackages 1 in 7 days: only the response's own package fits. A row without a package is in `customerId|channel|date`,
  // the response's package of that day: a row naming that package is the same interruption.
  it.each([
    ['no package', null, ['gold-card']],
    ['the day’s default package named', 'c1|web|2026-05-01', ['gold-card']],
    ['the default package of the day before', 'c1|web|2026-04-30', []],
    ['the default package of another channel', 'c1|email|2026-05-01', []],
    ['the default package of another member', 'c2|web|2026-05-01', []],
  ])('is the response’s package for a contact on the decision day with %s: %j → %j', async (_label, name, given) => {
    const history = [row({ offer: 'savings-plus', event: 'contact', date: AT, package: name })];
    expect(offersOf(decideAt(await packagesEngine(1), { history }))).toEqual(given);
  });
});

describe('the packages of a bounded history window', () => {
  // A contact of 2026-04-28 without a package: in its own package when read from the rows.
  const contactRows = [windowRow({ offer: 'savings-plus', date: '2026-04-28' })];
  it.each([
    ['no list: from the rows', undefined, []],
    ['an empty list', [], ['gold-card']],
    ['a list holding only the response’s package', [{ date: AT, channel: 'web', package: 'c1|web|2026-05-01' }], ['gold-card']],
  ])('come from the window’s own list when it has one, not from its rows (maxPackages 1 in 7 days): %s', async (_label, packages, given) => {
    expect(offersOf(decideAt(await packagesEngine(1), { historyWindow: window({ rows: contactRows, packages }) }))).toEqual(given);
  });

  it.each([
    ['before the decision day count', ['2026-04-29', '2026-04-30'], []],
    ['after the decision day do not', ['2026-05-02', '2026-05-03'], ['gold-card']],
  ])('dated %s (maxPackages 2 in 7 days, two other packages)', async (_label, dates, given) => {
    const packages = dates.map((date, i) => ({ date, channel: 'web', package: `p${i}` }));
    expect(offersOf(decideAt(await packagesEngine(2), { historyWindow: window({ packages }) }))).toEqual(given);
  });
});
