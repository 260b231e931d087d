// docs/decisions.md decision semantics, step by step, on small hand-written configs.
import { beforeAll, describe, expect, it } from 'vitest';
import { controlGroupBucket } from '../../src/engine/control-group.js';
import { parseTreatmentCode, type Engine } from '../../src/engine/engine.js';
import { ordinal } from '../../src/engine/explain.js';
import { adult, channelYaml, engineFor, offersOf, request, strategy, weightedList, weightedOffer } from './engine-fixture.js';

describe('step 1: the interaction point gives the zone', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: home-only, zone: home, offer: gold-card, score: 50 }', '{ name: checkout-only, zone: checkout, offer: savings-plus, score: 50 }', '{ name: anywhere, offer: platinum-card, score: 10 }']));
  });

  it('offers only rules of the point zone and rules without a zone', () => {
    const decision = engine.decide(request({ interactionPoint: 'home-sidebar' }));
    expect(decision.zone).toBe('home');
    expect(offersOf(decision)).toEqual(['gold-card', 'platinum-card']);
    expect(offersOf(engine.decide(request({ interactionPoint: 'checkout-upsell' })))).toEqual(['savings-plus', 'platinum-card']);
  });

  it('refuses an unknown interaction point with an input error naming it and a suggestion', () => {
    const decision = engine.decide(request({ interactionPoint: 'home-sidebr' }));
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([expect.objectContaining({ code: 'input', field: 'interactionPoint' })]);
    expect(decision.errors[0]!.message).toContain("did you mean 'home-sidebar'");
  });

  it('refuses an unknown channel', () => {
    const decision = engine.decide(request({ channel: 'mobile' }));
    expect(decision.errors[0]).toMatchObject({ code: 'input', field: 'channel' });
  });

  it('resolves points by name and answers null for unknown ones', () => {
    expect(engine.findInteractionPoint('checkout-upsell')).toEqual({ channel: 'web', zone: 'checkout' });
    expect(engine.findInteractionPoint('checkout-upsell', 'web')).toEqual({ channel: 'web', zone: 'checkout' });
    expect(engine.findInteractionPoint('nope')).toBeNull();
    expect(engine.findInteractionPoint('checkout-upsell', 'email')).toBeNull();
  });

  it('refuses an interaction point that is not a name, saying what it got', () => {
    for (const interactionPoint of ['', 42, undefined]) {
      expect(engine.decide(request({ interactionPoint } as never)).errors).toEqual([
        { code: 'input', field: 'interactionPoint', message: `interactionPoint must be a name, got ${JSON.stringify(interactionPoint)}` },
      ]);
    }
  });

  it('takes a null or empty channel as none named, and refuses a channel the bundle does not hold, naming it as given', () => {
    for (const channel of [null, '']) expect(offersOf(engine.decide(request({ channel } as never)))).toEqual(['gold-card', 'platinum-card']);
    expect(engine.decide(request({ channel: 'wev' })).errors).toEqual([{ code: 'input', field: 'channel', message: `channel "wev" is not in the bundle; did you mean 'web'?` }]);
    expect(engine.decide(request({ channel: 7 } as never)).errors).toEqual([{ code: 'input', field: 'channel', message: 'channel 7 is not in the bundle' }]);
  });

  it('refuses a point the named channel does not hold, naming the channel and a suggestion', () => {
    expect(engine.decide(request({ channel: 'web', interactionPoint: 'home-sidebr' })).errors).toEqual([
      { code: 'input', field: 'interactionPoint', message: "interaction point 'home-sidebr' is not defined on channel 'web'; did you mean 'home-sidebar'?" },
    ]);
    expect(engine.findInteractionPoint('home-sidebr', 'web')).toBeNull();
  });

  it('asks for the channel when two channels hold a point of that name, and resolves it once the channel is named', async () => {
    const twoChannels = await engineFor(channelYaml.replace('metadata: { name: web }', 'metadata: { name: app }') + '---\n' + strategy('s', ['{ name: anywhere, offer: platinum-card, score: 10 }']));
    const ambiguous = twoChannels.decide(request({ interactionPoint: 'home-hero' }));
    expect(ambiguous.offers).toEqual([]);
    expect(ambiguous.errors).toEqual([{ code: 'input', field: 'channel', message: "interaction point 'home-hero' is on channels 'app', 'web': name the channel" }]);
    expect(twoChannels.findInteractionPoint('home-hero')).toBeNull();
    expect(twoChannels.findInteractionPoint('home-hero', 'app')).toEqual({ channel: 'app', zone: 'home' });
    expect(offersOf(twoChannels.decide(request({ channel: 'web', interactionPoint: 'home-hero' })))).toEqual(['platinum-card']);
  });
});

describe('step 2: segment membership', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: hv, segment: high-value, offer: gold-card, score: 80 }', '{ name: all, offer: savings-plus, score: 10 }']));
  });

  it('offers a segment rule to members only (inSegment included)', () => {
    expect(offersOf(engine.decide(request({}, { ...adult, income: 90000 })))).toEqual(['gold-card', 'savings-plus']);
    expect(offersOf(engine.decide(request({}, { ...adult, income: 50000 })))).toEqual(['savings-plus']);
    expect(offersOf(engine.decide(request({}, { ...adult, income: 90000, age: 16 })))).toEqual(['savings-plus']);
  });

  it('counts a segment whose expression fails at run time (missing attribute) as false and explains it', () => {
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', age: 40 }));
    expect(offersOf(decision)).toEqual(['savings-plus']);
    expect(decision.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "segment 'high-value'" })]);
    expect(decision.errors[0]!.message).toContain('income');
    const entry = decision.explain!.find((e) => e.rule === 'hv');
    expect(entry).toMatchObject({ offer: 'gold-card', outcome: 'expression-error', segment: 'high-value' });
  });

  it('reports a failure two segments deep on every decision of the session that relies on the outer segment', async () => {
    // premium uses high-value, which uses adults; adults fails without an age.
    const premium = `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: premium }\nspec: { channel: web, expression: 'inSegment("high-value")' }\n---\n`;
    const zoned = await engineFor(premium + strategy('z', ['{ name: p-home, zone: home, segment: premium, offer: gold-card, score: 80 }', '{ name: p-checkout, zone: checkout, segment: premium, offer: platinum-card, score: 80 }', '{ name: all, offer: savings-plus, score: 10 }']));
    const cache = zoned.newSegmentCache();
    const profile = { customerId: 'c1', income: 90000 };
    const adultsFailed = expect.objectContaining({ code: 'expression-error', place: "segment 'adults'" });
    const home = zoned.decide(request({ interactionPoint: 'home-sidebar' }, profile), cache);
    expect(offersOf(home)).toEqual(['savings-plus']);
    expect(home.errors).toEqual([adultsFailed]);
    // The checkout's rule finds premium in the session's memo, and the memo reports the failure again.
    const checkout = zoned.decide(request({ interactionPoint: 'checkout-upsell' }, profile), cache);
    expect(offersOf(checkout)).toEqual(['savings-plus']);
    expect(checkout.errors).toEqual([adultsFailed]);
  });

  it('memoises membership per session until the caller drops the cache', () => {
    const cache = engine.newSegmentCache();
    const profile = { ...adult, income: 90000 };
    expect(offersOf(engine.decide(request({}, profile), cache))).toContain('gold-card');
    // the profile changes but the session keeps its segments until a resegment event
    const poorer = { ...adult, income: 10 };
    expect(offersOf(engine.decide(request({}, poorer), cache))).toContain('gold-card');
    expect(offersOf(engine.decide(request({}, poorer), engine.newSegmentCache()))).not.toContain('gold-card');
  });

  it('keeps segments but re-judges eligibility and scores when the profile changes within a session', async () => {
    const rich = await engineFor(strategy('s', ["{ name: rich, offer: gold-card, score: 90, eligibility: 'profile.income > 1000.0' }", '{ name: any, offer: savings-plus, score: 80 }']));
    const cache = rich.newSegmentCache();
    expect(offersOf(rich.decide(request({ count: 1 }, { ...adult, income: 5000 }), cache))).toEqual(['gold-card']);
    expect(offersOf(rich.decide(request({ count: 1 }, { ...adult, income: 10 }), cache))).toEqual(['savings-plus']);
  });

  it('re-judges eligibility when the session object changes within a session memo, and checks the new session', async () => {
    const mobile = await engineFor(strategy('s', ['{ name: app-only, offer: gold-card, score: 90, eligibility: \'session.device == "mobile"\' }', '{ name: any, offer: savings-plus, score: 80 }']));
    const cache = mobile.newSegmentCache();
    const profile = { ...adult };
    expect(offersOf(mobile.decide(request({ count: 1, session: { device: 'mobile' } }, profile), cache))).toEqual(['gold-card']);
    expect(offersOf(mobile.decide(request({ count: 1, session: { device: 'desktop' } }, profile), cache))).toEqual(['savings-plus']);
    expect(mobile.decide(request({ count: 1, session: { device: 'watch' } }, profile), cache).errors.map((e) => e.field)).toEqual(['session.device']);
  });

  it('judges a profile object changed between two decisions without a memo by its new values', async () => {
    const rich = await engineFor(strategy('s', ["{ name: rich, offer: gold-card, score: 90, eligibility: 'profile.income > 1000.0' }", '{ name: any, offer: savings-plus, score: 80 }']));
    const profile = { ...adult, income: 5000 };
    expect(offersOf(rich.decide(request({ count: 1 }, profile)))).toEqual(['gold-card']);
    profile.income = 10;
    expect(offersOf(rich.decide(request({ count: 1 }, profile)))).toEqual(['savings-plus']);
  });

  it('starts the memo afresh for another member, day or engine', () => {
    const cache = engine.newSegmentCache();
    engine.decide(request({}, { ...adult, income: 90000 }), cache);
    const other = { ...adult, customerId: 'c2', income: 10 };
    expect(offersOf(engine.decide(request({ audience: { id: 'c2', profile: other } }, other), cache))).not.toContain('gold-card');
  });

  it('treats a segment of another audience level as not a member', async () => {
    const households = await engineFor(strategy('s', ['{ name: big, segment: big-households, offer: gold-card, score: 80 }']));
    const decision = households.decide(request({ explain: true }, { ...adult, size: 9 }));
    expect(decision.offers).toEqual([]);
    expect(decision.explain![0]).toMatchObject({ outcome: 'not-in-segment', reason: expect.stringContaining("audience level 'household'") });
    const asHousehold = households.decide({ interactionPoint: 'home-sidebar', audience: { level: 'household', id: 'h1', profile: { size: 5 } }, at: '2026-05-01', count: 1 });
    expect(offersOf(asHousehold)).toEqual(['gold-card']);
  });
});

describe('step 3: candidate rules', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(
      strategy('s', [
        '{ name: off, offer: gold-card, score: 90, enabled: false }',
        '{ name: spring, offer: platinum-card, score: 70, effective: 2026-03-01, expires: 2026-05-31 }',
        "{ name: rich, offer: savings-plus, score: 60, eligibility: 'profile.income > 1000.0 && offer.cost < 1.0' }",
      ]),
    );
  });

  it('skips a disabled rule', () => {
    const decision = engine.decide(request({ explain: true }));
    expect(offersOf(decision)).not.toContain('gold-card');
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', rule: 'off', outcome: 'rule-disabled' }));
  });

  it('uses a rule only inside its effective..expires days, both inclusive', () => {
    expect(offersOf(engine.decide(request({ at: '2026-03-01' })))).toContain('platinum-card');
    expect(offersOf(engine.decide(request({ at: '2026-05-31' })))).toContain('platinum-card');
    const after = engine.decide(request({ at: '2026-06-01', explain: true }));
    expect(offersOf(after)).not.toContain('platinum-card');
    expect(after.explain).toContainEqual(expect.objectContaining({ rule: 'spring', outcome: 'rule-not-effective' }));
    expect(offersOf(engine.decide(request({ at: '2026-02-28' })))).not.toContain('platinum-card');
  });

  it('explains the same days: the rule gives its offer on its first and last day, and is not effective the day before or after', () => {
    const outcome = (at: string): string | undefined => engine.decide(request({ at, explain: true })).explain!.find((e) => e.rule === 'spring')?.outcome;
    expect(['2026-02-28', '2026-03-01', '2026-05-31', '2026-06-01'].map(outcome)).toEqual(['rule-not-effective', 'chosen', 'chosen', 'rule-not-effective']);
  });

  it('says in the reason which days the rule runs, an open end as (open)', async () => {
    const open = await engineFor(
      strategy('s', ['{ name: from-march, offer: gold-card, score: 50, effective: 2026-03-01 }', '{ name: until-may, offer: platinum-card, score: 50, expires: 2026-05-31 }']),
    );
    const reason = (rule: string, at: string): string | undefined => open.decide(request({ at, explain: true })).explain!.find((e) => e.rule === rule)?.reason;
    expect(engine.decide(request({ at: '2026-06-01', explain: true })).explain!.find((e) => e.rule === 'spring')?.reason).toBe(
      "rule 'spring' runs 2026-03-01..2026-05-31, not on 2026-06-01",
    );
    expect(reason('from-march', '2026-02-28')).toBe("rule 'from-march' runs 2026-03-01..(open), not on 2026-02-28");
    expect(reason('until-may', '2026-06-01')).toBe("rule 'until-may' runs (open)..2026-05-31, not on 2026-06-01");
  });

  it('applies eligibility, which sees the profile and the candidate offer', () => {
    expect(offersOf(engine.decide(request()))).toContain('savings-plus');
    const poor = engine.decide(request({ explain: true }, { ...adult, income: 10 }));
    expect(offersOf(poor)).not.toContain('savings-plus');
    expect(poor.explain).toContainEqual(expect.objectContaining({ rule: 'rich', outcome: 'not-eligible' }));
  });

  it('counts an eligibility that fails at run time as false, reports it and keeps deciding', () => {
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', age: 30 }));
    expect(offersOf(decision)).toEqual(['platinum-card']);
    expect(decision.errors).toContainEqual(expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'rich' eligibility" }));
    expect(decision.errors.find((e) => e.place === "strategy 's' rule 'rich' eligibility")!.message).toMatch(/^strategy 's' rule 'rich' eligibility: \S.*\S \(counted as false\)$/);
    expect(decision.explain).toContainEqual(expect.objectContaining({ rule: 'rich', outcome: 'expression-error' }));
  });
});

describe('step 5: offers, scores and one entry per offer', () => {
  it('expands offer lists and drops offers outside their own dates', async () => {
    const engine = await engineFor(strategy('s', ['{ name: credit, offerList: credit-offers, score: 50 }', '{ name: travel, offer: travel-insurance, score: 40 }']));
    expect(offersOf(engine.decide(request({ at: '2026-05-01' })))).toEqual(['gold-card', 'platinum-card', 'travel-insurance']);
    const winter = engine.decide(request({ at: '2026-12-01', explain: true }));
    expect(offersOf(winter)).toEqual(['gold-card', 'platinum-card']);
    expect(winter.explain).toContainEqual(
      expect.objectContaining({ offer: 'travel-insurance', outcome: 'offer-not-effective', reason: "offer 'travel-insurance' runs 2026-03-01..2026-09-30, not on 2026-12-01" }),
    );
  });

  it('scores with scoreExpression when given, else the rule score', async () => {
    const engine = await engineFor(strategy('s', ["{ name: by-income, offer: gold-card, score: 1, scoreExpression: 'profile.income / 1000.0' }", "{ name: by-cost, offer: platinum-card, scoreExpression: 'offer.cost * 10.0' }", '{ name: flat, offer: savings-plus, score: 45 }']));
    const decision = engine.decide(request({}, { ...adult, income: 42000 }));
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([
      ['savings-plus', 45],
      ['gold-card', 42],
      ['platinum-card', 40],
    ]);
  });

  it('takes an int scoreExpression as a number score, in the explanation too', async () => {
    const engine = await engineFor(strategy('s', ["{ name: by-age, offer: gold-card, scoreExpression: 'profile.age' }", "{ name: by-cost, offer: platinum-card, scoreExpression: 'offer.cost > 3.0 ? 30 : 20' }"]));
    const decision = engine.decide(request({ explain: true }));
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([
      ['gold-card', 40],
      ['platinum-card', 30],
    ]);
    expect(decision.errors).toEqual([]);
    expect(decision.explain!.map((e) => [e.offer, e.outcome, e.score])).toEqual([
      ['gold-card', 'chosen', 40],
      ['platinum-card', 'chosen', 30],
    ]);
  });

  it('explains a per-offer scoreExpression that fails for one offer of a list as failing for that offer only', async () => {
    // gold-card (cost 2.5) reads the missing income and fails; platinum-card (cost 4) scores 10.
    const engine = await engineFor(strategy('s', ["{ name: by-cost, offerList: credit-offers, scoreExpression: 'offer.cost < 3.0 ? profile.income / 1000.0 : 10.0' }"]));
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', age: 40 }));
    expect(offersOf(decision)).toEqual(['platinum-card']);
    expect(decision.explain!.map((e) => [e.offer, e.outcome])).toEqual([
      ['gold-card', 'expression-error'],
      ['platinum-card', 'chosen'],
    ]);
  });

  it('explains a scoreExpression that reads no offer and fails as failing for every offer of the list', async () => {
    const engine = await engineFor(strategy('s', ["{ name: by-income, offerList: credit-offers, scoreExpression: 'profile.income / 1000.0' }"]));
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1', age: 40 }));
    expect(decision.offers).toEqual([]);
    expect(decision.explain!.map((e) => [e.offer, e.outcome])).toEqual([
      ['gold-card', 'expression-error'],
      ['platinum-card', 'expression-error'],
    ]);
  });

  it('drops an offer whose scoreExpression fails at run time and reports it', async () => {
    const engine = await engineFor(strategy('s', ["{ name: by-income, offer: gold-card, scoreExpression: 'profile.income / 1000.0' }"]));
    const decision = engine.decide(request({ explain: true }, { customerId: 'c1' }));
    expect(decision.offers).toEqual([]);
    expect(decision.errors[0]).toMatchObject({ code: 'expression-error', place: "strategy 's' rule 'by-income' scoreExpression" });
    expect(decision.explain![0]).toMatchObject({ outcome: 'expression-error', rule: 'by-income' });
  });

  it('drops an offer whose scoreExpression gives a number past the largest double, and reports it', async () => {
    // 1.79e308 is finite, 1.8e308 is not: a member-only score (gold-card) and a per-pair one (platinum-card, cost 4).
    const engine = await engineFor(strategy('s', ["{ name: by-age, offer: gold-card, scoreExpression: 'double(profile.age) * 1e306' }", "{ name: by-cost, offer: platinum-card, scoreExpression: 'offer.cost * double(profile.age) * 1e306' }", '{ name: flat, offer: savings-plus, score: 45 }']));
    const decide = (age: number) => engine.decide(request({}, { ...adult, age }));
    const failed = (rule: string): unknown => expect.objectContaining({ code: 'expression-error', place: `strategy 's' rule '${rule}' scoreExpression`, message: expect.stringContaining('not a finite number') });
    expect(decide(44).offers.map((o) => [o.offer, o.score])).toEqual([
      ['platinum-card', 4 * 44 * 1e306],
      ['gold-card', 44 * 1e306],
      ['savings-plus', 45],
    ]);
    expect(decide(44).errors).toEqual([]);
    expect(offersOf(decide(45))).toEqual(['gold-card', 'savings-plus']);
    expect(decide(45).errors).toEqual([failed('by-cost')]);
    expect(decide(179).offers.map((o) => [o.offer, o.score])).toEqual([
      ['gold-card', 179 * 1e306],
      ['savings-plus', 45],
    ]);
    expect(offersOf(decide(180))).toEqual(['savings-plus']);
    expect(decide(180).errors).toEqual([failed('by-age'), failed('by-cost')]);
  });

  it('reports a scoreExpression that gives a value that is not a number with the value it gave: a string, a bool', async () => {
    const engine = await engineFor(
      strategy('s', ["{ name: by-weight, offerList: weighted, scoreExpression: 'offer.attributes.weight' }"]) +
        weightedOffer('text-weight', "'7'") +
        weightedOffer('flag-weight', 'true') +
        weightedOffer('number-weight', '3.5') +
        weightedList,
    );
    const decision = engine.decide(request());
    expect(decision.offers.map((o) => [o.offer, o.score])).toEqual([['number-weight', 3.5]]);
    expect(decision.errors.map((e) => e.message)).toEqual([
      "strategy 's' rule 'by-weight' scoreExpression: scoreExpression gave true, not a finite number (the rule gives this offer no score)",
      "strategy 's' rule 'by-weight' scoreExpression: scoreExpression gave 7, not a finite number (the rule gives this offer no score)",
    ]);
  });

  it('keeps the highest score of an offer reached through several rules', async () => {
    const engine = await engineFor(strategy('s', ['{ name: low, offer: gold-card, score: 30 }', '{ name: high, offer: gold-card, score: 70 }']));
    const decision = engine.decide(request({ explain: true }));
    expect(decision.offers).toEqual([expect.objectContaining({ offer: 'gold-card', score: 70, rule: 'high' })]);
    expect(decision.explain).toContainEqual(expect.objectContaining({ rule: 'low', outcome: 'lower-score-duplicate', reason: expect.stringContaining("rule 'high'") }));
  });

  it('keeps the highest score also when a lower one comes later, and explains the later rule as the duplicate', async () => {
    const engine = await engineFor(strategy('s', ['{ name: high, offer: gold-card, score: 70 }', '{ name: low, offer: gold-card, score: 30 }', '{ name: other, offer: savings-plus, score: 50 }']));
    const decision = engine.decide(request({ explain: true }));
    expect(decision.offers.map((o) => [o.offer, o.score, o.rule])).toEqual([
      ['gold-card', 70, 'high'],
      ['savings-plus', 50, 'other'],
    ]);
    expect(decision.explain!.map((e) => [e.offer, e.rule, e.outcome, e.score])).toEqual(
      expect.arrayContaining([
        ['gold-card', 'high', 'chosen', 70],
        ['gold-card', 'low', 'lower-score-duplicate', 30],
        ['savings-plus', 'other', 'chosen', 50],
      ]),
    );
    expect(decision.explain!.filter((e) => e.outcome === 'chosen')).toHaveLength(2);
  });

  it('breaks a score tie by the rule that comes first: strategies in name order, rules as written', async () => {
    const engine = await engineFor(
      strategy('zeta', ['{ name: z-first, offer: gold-card, score: 50 }']) +
        '---\n' +
        strategy('alpha', ['{ name: a-second, offer: gold-card, score: 50 }', '{ name: a-first-written, offer: platinum-card, score: 50 }', '{ name: a-later, offer: platinum-card, score: 50 }']),
    );
    const decision = engine.decide(request({ explain: true }));
    expect(decision.offers.find((o) => o.offer === 'gold-card')!.rule).toBe('a-second');
    expect(decision.offers.find((o) => o.offer === 'platinum-card')!.rule).toBe('a-first-written');
    // The explanation keeps the same rules, the later ones as duplicates.
    expect(decision.explain!.filter((e) => e.outcome === 'chosen').map((e) => [e.offer, e.rule])).toEqual([
      ['gold-card', 'a-second'],
      ['platinum-card', 'a-first-written'],
    ]);
    expect(decision.explain!.filter((e) => e.outcome === 'lower-score-duplicate').map((e) => e.rule).sort()).toEqual(['a-later', 'z-first']);
  });
});

describe('step 7: ranking, count, maxOffers and the default string', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: r1, offer: savings-plus, score: 50 }', '{ name: r2, offer: gold-card, score: 50 }', '{ name: r3, offer: platinum-card, score: 90 }']));
  });

  it('ranks by score descending, then offer name ascending', () => {
    expect(offersOf(engine.decide(request()))).toEqual(['platinum-card', 'gold-card', 'savings-plus']);
  });

  it('returns the top n', () => {
    const decision = engine.decide(request({ count: 2, explain: true }));
    expect(offersOf(decision)).toEqual(['platinum-card', 'gold-card']);
    expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'savings-plus', outcome: 'rank', rank: 3 }));
  });

  it("never returns more than the point's maxOffers", () => {
    expect(engine.decide(request({ interactionPoint: 'home-hero', count: 10 })).offers).toHaveLength(2);
  });

  it("returns the point's default string when no offer qualifies, and only then", async () => {
    expect(engine.decide(request({ interactionPoint: 'home-hero' })).defaultString).toBeUndefined();
    const empty = await engineFor(strategy('s', ['{ name: r, offer: gold-card, score: 5, enabled: false }']));
    const decision = empty.decide(request({ interactionPoint: 'home-hero' }));
    expect(decision.offers).toEqual([]);
    expect(decision.defaultString).toBe('Welcome back');
    expect(empty.decide(request({ interactionPoint: 'home-sidebar' })).defaultString).toBeUndefined();
  });

  it('gives each chosen offer a treatment code stable for (bundle, channel, point, rule, offer)', () => {
    const a = engine.decide(request());
    const b = engine.decide(request({ audience: { id: 'c9', profile: { ...adult, customerId: 'c9' } } }));
    expect(a.offers.map((o) => o.treatmentCode)).toEqual(b.offers.map((o) => o.treatmentCode));
    expect(new Set(a.offers.map((o) => o.treatmentCode)).size).toBe(3);
    expect(engine.decide(request({ interactionPoint: 'home-hero' })).offers[0]!.treatmentCode).not.toBe(a.offers[0]!.treatmentCode);
  });

  it('gives each (rule, offer) its own treatment code, also when another rule wins the offer in a later decision', async () => {
    // Young members get each offer from the first four rules, the others from the last four, which give them in another order.
    const rotated = await engineFor(
      strategy('codes', [
        "{ name: y-plat, offer: platinum-card, score: 90, eligibility: 'profile.age < 30' }",
        "{ name: y-save, offer: savings-plus, score: 90, eligibility: 'profile.age < 30' }",
        "{ name: y-travel, offer: travel-insurance, score: 90, eligibility: 'profile.age < 30' }",
        "{ name: y-gold, offer: gold-card, score: 90, eligibility: 'profile.age < 30' }",
        '{ name: o-gold, offer: gold-card, score: 50 }',
        '{ name: o-plat, offer: platinum-card, score: 50 }',
        '{ name: o-save, offer: savings-plus, score: 50 }',
        '{ name: o-travel, offer: travel-insurance, score: 50 }',
      ]),
    );
    for (const age of [20, 40]) {
      const decision = rotated.decide(request({}, { ...adult, age }));
      expect(decision.offers.map((o) => o.rule).sort()).toEqual(age < 30 ? ['y-gold', 'y-plat', 'y-save', 'y-travel'] : ['o-gold', 'o-plat', 'o-save', 'o-travel']);
      for (const o of decision.offers) expect(parseTreatmentCode(rotated, o.treatmentCode)).toEqual({ channel: 'web', interactionPoint: 'home-sidebar', rule: o.rule, offer: o.offer });
    }
  });

  it('is pure: the same request gives the same decision', () => {
    const r = request({ explain: true });
    expect(engine.decide(r)).toEqual(engine.decide(r));
  });
});

describe('the reasons an explanation gives, in words', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(
      strategy('s', [
        '{ name: off, offer: gold-card, score: 90, enabled: false }',
        '{ name: grown-ups, segment: adults, offer: platinum-card, score: 80 }',
        "{ name: rich, offer: savings-plus, score: 60, eligibility: 'profile.income > 1000.0' }",
        "{ name: by-income, offer: travel-insurance, scoreExpression: 'profile.income / 1000.0' }",
        '{ name: hold, offer: gold-card, score: 10, controlGroup: { percent: 100 } }',
      ]),
    );
  });
  const reasonsOf = (profile: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(engine.decide(request({ explain: true }, profile)).explain!.map((e) => [`${e.rule} ${e.offer} ${e.outcome}`, e.reason]));

  it('names the rule, the segment and the control bucket, and says what a failing expression counts as', () => {
    const bucket = controlGroupBucket('web', 'hold', 'c1');
    expect(reasonsOf({ customerId: 'c1', age: 10, income: 10 })).toEqual({
      'off gold-card rule-disabled': "rule 'off' is disabled",
      'grown-ups platinum-card not-in-segment': "not in segment 'adults'",
      'rich savings-plus not-eligible': "eligibility of rule 'rich' is false",
      'by-income travel-insurance chosen': 'ranked 1st with score 0.01',
      'hold gold-card control-group': `in the control group of rule 'hold' (bucket ${bucket} < 10000)`,
    });
    const failing = reasonsOf({ customerId: 'c1' });
    expect(failing['grown-ups platinum-card expression-error']).toMatch(/^segment 'adults' could not be evaluated \(.+\); counted as not a member$/);
    expect(failing['rich savings-plus expression-error']).toMatch(/^eligibility of rule 'rich' could not be evaluated \(.+\); counted as false$/);
    expect(failing['by-income travel-insurance expression-error']).toMatch(/^scoreExpression of rule 'by-income' could not be evaluated \(.+\); counted as no score$/);
  });

  it('names the rule that gives a duplicate offer a higher or the same score', async () => {
    const duplicates = await engineFor(
      strategy('s', ['{ name: high, offer: gold-card, score: 70 }', '{ name: low, offer: gold-card, score: 50 }', '{ name: same, offer: gold-card, score: 70 }']),
    );
    const explain = duplicates.decide(request({ explain: true })).explain!;
    const reasonOf = (rule: string): string | undefined => explain.find((e) => e.rule === rule)?.reason;
    expect(reasonOf('high')).toBe('ranked 1st with score 70');
    expect(reasonOf('low')).toBe("rule 'high' gives this offer a higher score (70 > 50)");
    expect(reasonOf('same')).toBe("rule 'high' gives this offer the same score (70) and comes first");
  });

  it('says how many offers are returned, one in the singular', async () => {
    const three = await engineFor(
      strategy('s', ['{ name: a, offer: gold-card, score: 30 }', '{ name: b, offer: platinum-card, score: 20 }', '{ name: c, offer: savings-plus, score: 10 }']),
    );
    const rankReasons = (count: number): (string | undefined)[] =>
      three
        .decide(request({ count, explain: true }))
        .explain!.filter((e) => e.outcome === 'rank')
        .map((e) => e.reason);
    expect(rankReasons(1)).toEqual(['ranked 2nd, but only 1 offer is returned', 'ranked 3rd, but only 1 offer is returned']);
    expect(rankReasons(2)).toEqual(['ranked 3rd, but only 2 offers are returned']);
  });
});

describe('ranks in the explanations', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [10, '10th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [14, '14th'],
    [21, '21st'],
    [22, '22nd'],
    [23, '23rd'],
    [101, '101st'],
    [111, '111th'],
    [112, '112th'],
    [113, '113th'],
    [121, '121st'],
  ])('writes rank %i as %s (11th to 13th of every hundred end in th)', (n, text) => {
    expect(ordinal(n)).toBe(text);
  });
});

describe('input errors', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: r, offer: gold-card, score: 5 }']));
  });

  it('refuses a declared profile field of the wrong type, naming the field', () => {
    const decision = engine.decide(request({}, { ...adult, age: 'forty' }));
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([expect.objectContaining({ code: 'input', field: 'profile.age' })]);
    expect(decision.errors[0]!.message).toMatch(/^profile\.age must be/);
  });

  it('refuses a session value outside its enum, naming the field', () => {
    const decision = engine.decide(request({ session: { device: 'watch' } }));
    expect(decision.errors).toEqual([expect.objectContaining({ field: 'session.device' })]);
  });

  it('ignores profile fields the level does not declare', () => {
    expect(offersOf(engine.decide(request({}, { ...adult, shoeSize: 'big', nested: { a: 1 } })))).toEqual(['gold-card']);
  });

  it.each([
    [{ at: '2026-02-30' }, 'at'],
    [{ at: 'yesterday' }, 'at'],
    [{ count: 0 }, 'count'],
    [{ count: 1.5 }, 'count'],
    [{ count: 1e9 }, 'count'],
    [{ audience: { level: 'nobody', id: 'c1', profile: {} } }, 'audienceLevel'],
    [{ audience: { id: '', profile: {} } }, 'audienceId'],
    [{ audience: { id: 'c1', profile: { customerId: 'c2' } } }, 'profile.customerId'],
    [{ audience: { id: 'c1', profile: [1, 2] } }, 'profile'],
    [{ session: { device: 5 } }, 'session.device'],
    [{ session: 'mobile' }, 'session'],
    [{ history: [{ customerId: 'c1', offer: 'gold-card', channel: 'web', date: '2026-13-01', event: 'contact' }] }, 'history[0].date'],
    [{ history: [{ customerId: 'c1', offer: 'gold-card', channel: 'web', date: '2026-01-01', event: 'click' }] }, 'history[0].event'],
  ] as const)('answers %j with an input error on %s and no offers', (overrides, field) => {
    const decision = engine.decide(request(overrides as never));
    expect(decision.offers).toEqual([]);
    expect(decision.errors.map((e) => e.field)).toContain(field);
  });

  it('says what it got for a wrong day or count; a count goes from 1 to 1000', () => {
    const errorsOf = (overrides: Record<string, unknown>): unknown[] => engine.decide(request(overrides)).errors;
    expect(errorsOf({ at: '2026-02-30' })).toEqual([{ code: 'input', field: 'at', message: 'at must be a YYYY-MM-DD day, got "2026-02-30"' }]);
    expect(errorsOf({ at: 20260501 })).toEqual([{ code: 'input', field: 'at', message: 'at must be a YYYY-MM-DD day, got 20260501' }]);
    expect(errorsOf({ at: undefined })).toEqual([{ code: 'input', field: 'at', message: 'at must be a YYYY-MM-DD day, got undefined' }]);
    for (const count of [0, 1001, '2']) {
      expect(errorsOf({ count })).toEqual([{ code: 'input', field: 'count', message: `count must be a whole number from 1 to 1000, got ${JSON.stringify(count)}` }]);
    }
    for (const count of [1, 1000]) expect(engine.decide(request({ count }))).toMatchObject({ offers: [expect.objectContaining({ offer: 'gold-card' })], errors: [] });
  });

  it('reports a wrong count or day together with the profile’s and the session’s problems, with the audience id known', () => {
    const decision = engine.decide(request({ count: 0 }, { ...adult, age: 'forty' }));
    expect(decision.offers).toEqual([]);
    expect(decision.errors.map((e) => e.field)).toEqual(['count', 'profile.age']);
    const all = engine.decide(request({ at: '2026-13-01', count: 1001, session: { device: 'watch' } }, { ...adult, age: 'forty' }));
    expect(all.errors.map((e) => e.field)).toEqual(['at', 'count', 'profile.age', 'session.device']);
    // The same request with a right day and count reports the profile and the session alone.
    expect(engine.decide(request({ session: { device: 'watch' } }, { ...adult, age: 'forty' })).errors.map((e) => e.field)).toEqual(['profile.age', 'session.device']);
  });

  it('refuses an audience that is not an object, with the other input problems', () => {
    expect(engine.decide(request({ audience: 'c1', count: 0 } as never)).errors).toEqual([
      expect.objectContaining({ field: 'count' }),
      { code: 'input', field: 'audience', message: 'audience must be an object with id and profile' },
    ]);
  });

  it('reports every input problem at once when the audience id is missing: the request’s, the id, the profile’s and the session’s', () => {
    const decision = engine.decide(request({ count: 0, session: { device: 'watch' }, audience: { id: '', profile: { age: 'forty' } } }));
    expect(decision.offers).toEqual([]);
    expect(decision.errors.map((e) => e.field)).toEqual(['count', 'audienceId', 'profile.age', 'session.device']);
  });

  it('never throws on hostile requests', () => {
    for (const bad of [null, 42, 'x', [], {}, { interactionPoint: 'home-hero' }, { interactionPoint: 'home-hero', audience: null }, { interactionPoint: 'home-hero', audience: { id: 'c', profile: { __proto__: { age: 'x' } } }, at: '2026-01-01', count: 1, history: 'no' }]) {
      const decision = engine.decide(bad as never);
      expect(decision.offers).toEqual([]);
      expect(decision.errors.length).toBeGreaterThan(0);
    }
  });

  it('answers a refused request with the channel, point and zone it names, as far as they resolve', () => {
    expect(engine.decide(request({ count: 0 }))).toEqual({
      channel: 'web',
      interactionPoint: 'home-sidebar',
      zone: 'home',
      offers: [],
      controlGroups: [],
      errors: [{ code: 'input', field: 'count', message: 'count must be a whole number from 1 to 1000, got 0' }],
    });
    // A point that does not resolve: the names as written, no zone.
    expect(engine.decide(request({ channel: 'web', interactionPoint: 'home-sidebr' }))).toMatchObject({ channel: 'web', interactionPoint: 'home-sidebr', zone: '', offers: [], controlGroups: [] });
    expect(engine.decide(request({ interactionPoint: 'nowhere' }))).toMatchObject({ channel: '', interactionPoint: 'nowhere', zone: '' });
    // Names that are not strings are not echoed.
    expect(engine.decide({ ...request(), channel: 5, interactionPoint: 7 } as never)).toMatchObject({ channel: '', interactionPoint: '', zone: '' });
  });

  it('takes the audience id from the profile id field when none is given', () => {
    const decision = engine.decide({ interactionPoint: 'home-sidebar', audience: { id: '', profile: adult }, at: '2026-05-01', count: 1 });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card']);
  });

  it('validates an audience for the server without deciding', () => {
    expect(engine.checkAudience('web', undefined, adult)).toEqual([]);
    expect(engine.checkAudience('web', 'customer', { age: 1.5 }, { device: 3 }).map((e) => e.field)).toEqual(['profile.age', 'session.device']);
    expect(engine.checkAudience('email', undefined, {})[0]).toMatchObject({ field: 'channel' });
    expect(engine.checkAudience('wbe', undefined, {})).toEqual([{ code: 'input', field: 'channel', message: "channel 'wbe' is not in the bundle; did you mean 'web'?" }]);
    expect(engine.checkAudience('web', 'robot', {})[0]).toMatchObject({ field: 'audienceLevel' });
  });
});
