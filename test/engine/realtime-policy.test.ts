// docs/decisions.md#realtime-policies: per-customer rules of realtime policies, against history plus
// the offers already chosen in this response, greedily in rank order.
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../src/engine/types.js';
import { adult, engineFor, offersOf, policy, request, smallChannel, strategy } from './engine-fixture.js';

// gold-card 90 > platinum-card 80 > savings-plus 70 > travel-insurance 60
const rules = strategy('s', [
  '{ name: r-gold, offer: gold-card, score: 90 }',
  '{ name: r-plat, offer: platinum-card, score: 80 }',
  '{ name: r-save, offer: savings-plus, score: 70 }',
  '{ name: r-travel, offer: travel-insurance, score: 60 }',
]);
const all = ['gold-card', 'platinum-card', 'savings-plus', 'travel-insurance'];

const contact = (offer: string, date: string, extra: Partial<HistoryRow> = {}): HistoryRow => ({ customerId: 'c1', offer, channel: 'web', date, event: 'contact', ...extra });

async function decideWith(policyRules: string[], history: HistoryRow[] = [], options: { realtime?: boolean; profile?: Record<string, unknown> } = {}) {
  const engine = await engineFor(rules + '---\n' + policy('rt', policyRules, options.realtime ?? true));
  const explained = engine.decide(request({ history, explain: true }, options.profile ?? adult));
  // the fast path (no explanation, stops at the count, memoised per session) must agree
  const cache = engine.newSegmentCache();
  for (let i = 0; i < 2; i++) expect(offersOf(engine.decide(request({ history }, options.profile ?? adult), cache))).toEqual(offersOf(explained));
  return explained;
}

describe('realtime policies', () => {
  it('ignores a policy without realtime: true', async () => {
    expect(offersOf(await decideWith(['{ name: none, type: customersIn, mode: exclude, segment: adults, offers: { list: credit-offers } }'], [], { realtime: false }))).toEqual(all);
  });

  it('customersIn exclude drops the scoped offers for members of the segment and says which rule', async () => {
    const decision = await decideWith(['{ name: no-credit-for-adults, type: customersIn, mode: exclude, segment: adults, offers: { list: credit-offers } }']);
    expect(offersOf(decision)).toEqual(['savings-plus', 'travel-insurance']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'policy', policy: 'rt', policyRule: 'no-credit-for-adults' }));
    expect(offersOf(await decideWith(['{ name: x, type: customersIn, mode: exclude, segment: adults, offers: { list: credit-offers } }'], [], { profile: { ...adult, age: 12 } }))).toEqual(all);
  });

  it('customersIn include allows the scoped offers only to members of the segment', async () => {
    const rule = ['{ name: credit-for-rich, type: customersIn, mode: include, segment: high-value, offers: { list: credit-offers } }'];
    expect(offersOf(await decideWith(rule))).toEqual(['savings-plus', 'travel-insurance']);
    expect(offersOf(await decideWith(rule, [], { profile: { ...adult, income: 100000 } }))).toEqual(all);
  });

  it('interactionsWhere exclude drops matching contacts; include keeps only matching ones among the scoped offers', async () => {
    expect(offersOf(await decideWith(["{ name: low-score, type: interactionsWhere, mode: exclude, where: 'contact.score < 75.0' }"]))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(await decideWith(["{ name: cheap-credit, type: interactionsWhere, mode: include, offers: { list: credit-offers }, where: 'contact.cost < 3.0' }"]))).toEqual(['gold-card', 'savings-plus', 'travel-insurance']);
    expect(offersOf(await decideWith(["{ name: web-only, type: interactionsWhere, mode: include, where: 'contact.channel == \"web\" && contact.date == \"2026-05-01\" && contact.customerId == \"c1\"' }"]))).toEqual(all);
  });

  it('counts an interactionsWhere expression that fails as false and reports it', async () => {
    const decision = await decideWith(["{ name: odd, type: interactionsWhere, mode: include, offers: { offer: gold-card }, where: 'contact.region == \"north\"' }"]);
    expect(offersOf(decision)).toEqual(['platinum-card', 'savings-plus', 'travel-insurance']);
    expect(decision.errors).toContainEqual(expect.objectContaining({ code: 'expression-error', place: "policy 'rt' rule 'odd' where" }));
  });

  it("reports a failing policy expression beside a rule's failing expression, each decision its own", async () => {
    const engine = await engineFor(
      strategy('s', ['{ name: r-gold, offer: gold-card, score: 90 }', "{ name: rich, offer: savings-plus, score: 70, eligibility: 'profile.income > 1000.0' }"]) +
        '---\n' +
        policy('rt', ["{ name: odd, type: interactionsWhere, mode: include, offers: { offer: gold-card }, where: 'contact.region == \"north\"' }"]),
    );
    const cache = engine.newSegmentCache();
    const noIncome = { customerId: 'c1', age: 40 };
    const places = (decision: { errors: { place?: string }[] }): (string | undefined)[] => decision.errors.map((e) => e.place);
    expect(places(engine.decide(request({}, noIncome), cache))).toEqual(["strategy 's' rule 'rich' eligibility", "policy 'rt' rule 'odd' where"]);
    // gold-card given earlier in the batch: the policy is not asked about it, and the session's next decision has no policy failure.
    expect(places(engine.decide(request({ givenEarlier: { 'gold-card': 'home-hero' } }, noIncome), cache))).toEqual(["strategy 's' rule 'rich' eligibility"]);
  });

  it('customerOfferCount max counts history in the window plus the offers already chosen', async () => {
    const rule = ['{ name: two-a-week, type: customerOfferCount, max: 2, periodDays: 7 }'];
    expect(offersOf(await decideWith(rule))).toEqual(['gold-card', 'platinum-card']);
    const decision = await decideWith(rule, [contact('savings-plus', '2026-04-28')]);
    expect(offersOf(decision)).toEqual(['gold-card']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'platinum-card', outcome: 'policy', policyRule: 'two-a-week' }));
    expect(offersOf(await decideWith(rule, [contact('savings-plus', '2026-04-24')]))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(await decideWith(rule, [contact('a', '2026-04-30'), contact('b', '2026-04-30'), contact('c', '2026-04-30')]))).toEqual([]);
  });

  it('customerOfferCount counts only contacts on its channel, and never applies to a decision on another channel', async () => {
    const rule = ['{ name: web-cap, type: customerOfferCount, channel: web, max: 1, periodDays: 7 }'];
    expect(offersOf(await decideWith(rule, [contact('x', '2026-04-30', { channel: 'email' })]))).toEqual(['gold-card']);
    expect(offersOf(await decideWith(rule, [contact('x', '2026-04-30')]))).toEqual([]);
    expect(offersOf(await decideWith(['{ name: email-cap, type: customerOfferCount, channel: email, max: 0, periodDays: 7 }']))).toEqual(all);
  });

  it('customerOfferCount without periodDays counts this response only', async () => {
    expect(offersOf(await decideWith(['{ name: per-response, type: customerOfferCount, max: 3 }'], [contact('x', '2026-04-30'), contact('y', '2026-04-30')]))).toHaveLength(3);
  });

  it('a rule with a segment applies only to members of the segment', async () => {
    const rule = ['{ name: rich-cap, type: customerOfferCount, segment: high-value, max: 1 }'];
    expect(offersOf(await decideWith(rule))).toEqual(all);
    expect(offersOf(await decideWith(rule, [], { profile: { ...adult, income: 100000 } }))).toEqual(['gold-card']);
  });

  it('maxDuplicateOffers drops an offer contacted max times in the window', async () => {
    const rule = ['{ name: no-repeat, type: maxDuplicateOffers, offers: { list: credit-offers }, max: 1, periodDays: 30 }'];
    const history = [contact('gold-card', '2026-04-10'), contact('savings-plus', '2026-04-10'), contact('platinum-card', '2026-03-01')];
    expect(offersOf(await decideWith(rule, history))).toEqual(['platinum-card', 'savings-plus', 'travel-insurance']);
  });

  it('maxDuplicateOffers names the offer and its contacts in the explanation', async () => {
    const rule = ['{ name: no-repeat, type: maxDuplicateOffers, offers: { list: credit-offers }, max: 1, periodDays: 30 }'];
    const decision = await decideWith(rule, [contact('gold-card', '2026-04-10')]);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'policy', policyRule: 'no-repeat', reason: "policy 'rt' rule 'no-repeat' (maxDuplicateOffers): 'gold-card' already contacted 1 time in 30 days, at most 1" }));
  });

  it('maxPackages treats all offers of one response as one package', async () => {
    const rule = ['{ name: one-interruption, type: maxPackages, max: 1, periodDays: 7 }'];
    expect(offersOf(await decideWith(rule))).toEqual(all);
    expect(offersOf(await decideWith(rule, [contact('x', '2026-04-29')]))).toEqual([]);
    // a contact logged earlier today without a package column is today's package: no new interruption
    expect(offersOf(await decideWith(rule, [contact('x', '2026-05-01')]))).toEqual(all);
    expect(offersOf(await decideWith(['{ name: two, type: maxPackages, max: 2, periodDays: 7 }'], [contact('x', '2026-04-29', { package: 'p1' }), contact('y', '2026-04-29', { package: 'p1' })]))).toEqual(all);
    expect(offersOf(await decideWith(['{ name: two, type: maxPackages, max: 2, periodDays: 7 }'], [contact('x', '2026-04-29', { package: 'p1' }), contact('y', '2026-04-30', { package: 'p2' })]))).toEqual([]);
  });

  it('maxPackages leaves no room when history alone is over max, even for the package of today', async () => {
    const rule = ['{ name: one-interruption, type: maxPackages, max: 1, periodDays: 7 }'];
    // today's package is already open (so joining it opens none), but another one is too: 2 > max 1
    expect(offersOf(await decideWith(rule, [contact('x', '2026-05-01'), contact('y', '2026-04-30', { package: 'p2' })]))).toEqual([]);
  });

  it('neverAWithB drops B when A is chosen or was contacted within the period, and A after B', async () => {
    const rule = ['{ name: no-cards-with-savings, type: neverAWithB, a: { list: credit-offers }, b: { offer: savings-plus }, periodDays: 30 }'];
    const decision = await decideWith(rule);
    expect(offersOf(decision)).toEqual(['gold-card', 'platinum-card', 'travel-insurance']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'savings-plus', outcome: 'policy', policyRule: 'no-cards-with-savings' }));
    expect(offersOf(await decideWith(rule, [contact('savings-plus', '2026-04-02')]))).toEqual(['savings-plus', 'travel-insurance']);
    expect(offersOf(await decideWith(rule, [contact('savings-plus', '2026-04-01')]))).toEqual(['gold-card', 'platinum-card', 'travel-insurance']);
  });

  it('neverAWithB without a period looks at all history', async () => {
    expect(offersOf(await decideWith(['{ name: never, type: neverAWithB, a: { offer: gold-card }, b: { offer: travel-insurance } }'], [contact('travel-insurance', '2020-01-01')]))).toEqual(['platinum-card', 'savings-plus', 'travel-insurance']);
  });

  it('neverAFollowedByB drops B within N-1 days after A, but not A after B', async () => {
    const rule = ['{ name: no-cards-after-travel, type: neverAFollowedByB, a: { offer: travel-insurance }, b: { list: credit-offers }, periodDays: 10 }'];
    expect(offersOf(await decideWith(rule, [contact('travel-insurance', '2026-04-22')]))).toEqual(['savings-plus', 'travel-insurance']);
    // outside the 10-day period; but gold-card (B) is chosen today, so travel-insurance (A) today would come with B the same day
    expect(offersOf(await decideWith(rule, [contact('travel-insurance', '2026-04-21')]))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
    expect(offersOf(await decideWith(rule))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
    // A after B (B yesterday) is allowed
    const aOnly = ['{ name: no-cards-after-travel, type: neverAFollowedByB, a: { offer: travel-insurance }, b: { offer: savings-plus }, periodDays: 10 }'];
    const engine = await engineFor(strategy('s', ['{ name: r-travel, offer: travel-insurance, score: 60 }']) + '---\n' + policy('rt', aOnly));
    expect(offersOf(engine.decide(request({ history: [contact('savings-plus', '2026-04-30')] })))).toEqual(['travel-insurance']);
    expect(offersOf(engine.decide(request({ history: [contact('savings-plus', '2026-05-01')] })))).toEqual([]);
  });

  it('bOnlyWithA allows B only when the member has an A contact that day or before, chosen now or in history', async () => {
    const rule = ['{ name: gold-needs-travel, type: bOnlyWithA, a: { offer: travel-insurance }, b: { offer: gold-card }, periodDays: 5 }'];
    // gold-card ranks above travel-insurance: it gets a second chance once travel-insurance is chosen
    expect(offersOf(await decideWith(rule))).toEqual(all);
    const noA = await engineFor(rules + '---\n' + policy('rt', rule));
    const winter = noA.decide(request({ at: '2026-12-01', explain: true }));
    expect(offersOf(winter)).toEqual(['platinum-card', 'savings-plus']);
    expect(winter.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'policy', policyRule: 'gold-needs-travel' }));
    expect(offersOf(noA.decide(request({ at: '2026-12-01', history: [contact('travel-insurance', '2026-11-27')] })))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
    expect(offersOf(noA.decide(request({ at: '2026-12-01', history: [contact('travel-insurance', '2026-11-26')] })))).toEqual(['platinum-card', 'savings-plus']);
  });

  it('bOnlyWithA puts a deferred B in as soon as its A is chosen, ahead of lower-ranked offers', async () => {
    // B = gold-card (90) needs A = platinum-card (80); with count 2 the answer is B and A, not A and savings-plus (70)
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: gold-needs-plat, type: bOnlyWithA, a: { offer: platinum-card }, b: { offer: gold-card } }']));
    expect(offersOf(engine.decide(request({ count: 2 })))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(engine.decide(request({ count: 2, explain: true })))).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(engine.decide(request({ count: 1 })))).toEqual(['platinum-card']);
  });

  it('bOnlyWithA lets in a B whose A is a deferred B itself, once that one is in', async () => {
    // gold-card needs platinum-card, which needs savings-plus: choosing savings-plus lets in platinum-card, and then gold-card, before travel-insurance.
    const chain = ['{ name: gold-needs-plat, type: bOnlyWithA, a: { offer: platinum-card }, b: { offer: gold-card } }', '{ name: plat-needs-save, type: bOnlyWithA, a: { offer: savings-plus }, b: { offer: platinum-card } }'];
    const engine = await engineFor(rules + '---\n' + policy('rt', chain));
    expect(offersOf(engine.decide(request({ count: 3 })))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
    expect(offersOf(engine.decide(request({ count: 3, explain: true })))).toEqual(['gold-card', 'platinum-card', 'savings-plus']);
  });

  it('explains a deferred B that the full response leaves out as ranked out, not as dropped by its policy', async () => {
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: gold-needs-plat, type: bOnlyWithA, a: { offer: platinum-card }, b: { offer: gold-card } }']));
    const decision = engine.decide(request({ count: 1, explain: true }));
    expect(offersOf(decision)).toEqual(['platinum-card']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', rule: 'r-gold', outcome: 'rank', score: 90, rank: 1 }));
    // Ranked 1st and still out: the reason says what held it back, beside the limit.
    const reason = "ranked 1st, held back for an A offer by policy 'rt' rule 'gold-needs-plat' (bOnlyWithA), and only 1 offer is returned";
    expect(decision.explain!.filter((e) => e.offer === 'gold-card').map((e) => e.reason)).toEqual([reason]);
    // The same when the response fills with other offers before its A offer comes.
    const late = await engineFor(rules + '---\n' + policy('rt', ['{ name: gold-needs-plat, type: bOnlyWithA, a: { offer: travel-insurance }, b: { offer: gold-card } }']));
    const filled = late.decide(request({ count: 2, explain: true }));
    expect(offersOf(filled)).toEqual(['platinum-card', 'savings-plus']);
    expect(filled.explain!.filter((e) => e.offer === 'gold-card').map((e) => [e.outcome, e.rank, e.reason])).toEqual([['rank', 1, reason.replace('only 1 offer is', 'only 2 offers are')]]);
  });

  it('explains a deferred B by the rule that keeps it out at the end: a cap filled while it waited for its A', async () => {
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: two, type: customerOfferCount, max: 2 }', '{ name: gold-needs-travel, type: bOnlyWithA, a: { offer: travel-insurance }, b: { offer: gold-card } }']));
    const decision = engine.decide(request({ explain: true }));
    expect(offersOf(decision)).toEqual(['platinum-card', 'savings-plus']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'policy', policyRule: 'two', rank: 1 }));
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'travel-insurance', outcome: 'policy', policyRule: 'two' }));
  });

  it('stops at a policy that leaves room for no more offers: a control group ranked below the stop is not listed', async () => {
    // hold (travel-insurance 65, everyone held out) ranks below savings-plus (70), above r-travel (60).
    const held = strategy('s', ['{ name: r-gold, offer: gold-card, score: 90 }', '{ name: r-plat, offer: platinum-card, score: 80 }', '{ name: r-save, offer: savings-plus, score: 70 }', '{ name: hold, offer: travel-insurance, score: 65, controlGroup: { percent: 100 } }', '{ name: r-travel, offer: travel-insurance, score: 60 }']);
    const decide = async (max: number) => (await engineFor(held + '---\n' + policy('rt', [`{ name: cap, type: customerOfferCount, max: ${max} }`]))).decide(request());
    const roomy = await decide(4);
    expect([offersOf(roomy), roomy.controlGroups]).toEqual([all, ['hold']]);
    const tight = await decide(1);
    expect([offersOf(tight), tight.controlGroups]).toEqual([['gold-card'], []]);
  });

  it('maxPackages takes the package of the response from the member, channel and day of each decision', async () => {
    // One engine deciding for several members and days in turn: a contact earlier today (no package column) is this response's package only for its own member and day.
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: one-interruption, type: maxPackages, max: 1, periodDays: 7 }']));
    const other = { ...adult, customerId: 'c2' };
    expect(offersOf(engine.decide(request({}, other)))).toEqual(all);
    expect(offersOf(engine.decide(request({ history: [contact('x', '2026-05-01')] })))).toEqual(all);
    expect(offersOf(engine.decide(request({ at: '2026-04-30' })))).toEqual(all);
    expect(offersOf(engine.decide(request({ history: [contact('x', '2026-05-01')] })))).toEqual(all);
    // The same contact on another day is another package.
    expect(offersOf(engine.decide(request({ at: '2026-05-02', history: [contact('x', '2026-05-01')] })))).toEqual([]);
  });

  it('maxPackages takes the package of the response from its own channel, after a decision of the member on another channel', async () => {
    const app = [
      smallChannel('app', 'main', 'app-home'),
      strategy('a', ['{ name: app-gold, offer: gold-card, score: 80 }'], 'app'),
      policy('app-rt', ['{ name: one-app-interruption, type: maxPackages, max: 1, periodDays: 7 }'], true, 'app'),
    ].join('---\n');
    const engine = await engineFor(app + '---\n' + rules + '---\n' + policy('rt', ['{ name: one-interruption, type: maxPackages, max: 1, periodDays: 7 }']));
    expect(offersOf(engine.decide(request()))).toEqual(all);
    // A contact on the app earlier today is the app's package of today: the app's response joins it.
    expect(offersOf(engine.decide(request({ interactionPoint: 'app-home', history: [contact('x', '2026-05-01', { channel: 'app' })] })))).toEqual(['gold-card']);
  });

  it('explains an offer a policy drops as dropped by the policy, also once the response is full', async () => {
    // Only bOnlyWithA gives a dropped offer a second chance: the customersIn drop of gold-card stays a policy drop.
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: no-gold, type: customersIn, mode: exclude, segment: adults, offers: { offer: gold-card } }']));
    const decision = engine.decide(request({ count: 1, explain: true }));
    expect(offersOf(decision)).toEqual(['platinum-card']);
    expect(decision.explain!.map((e) => [e.offer, e.outcome])).toEqual([
      ['gold-card', 'policy'],
      ['savings-plus', 'rank'],
      ['travel-insurance', 'rank'],
      ['platinum-card', 'chosen'],
    ]);
  });

  it('applies policies before the count, so a dropped offer makes room for the next one', async () => {
    const engine = await engineFor(rules + '---\n' + policy('rt', ['{ name: no-gold, type: customersIn, mode: exclude, segment: adults, offers: { offer: gold-card } }']));
    expect(offersOf(engine.decide(request({ count: 2 })))).toEqual(['platinum-card', 'savings-plus']);
  });

  it('ignores the batch-only capacity rules at run time', async () => {
    expect(offersOf(await decideWith(['{ name: cap, type: offerCapacity, max: 0, periodDays: 1 }', '{ name: cust, type: customCapacity, aggregate: sum, field: cost, max: 0 }']))).toEqual(all);
  });
});
