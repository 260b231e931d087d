// docs/bundle-format.md: the engine refuses a tampered bundle or an unknown format, and compiles every
// expression once when it loads (a bad one is refused, naming its place).
import { describe, expect, it } from 'vitest';
import { BundleError, createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { createEngine, decodeTreatmentCode, EngineLoadError, loadEngine, parseTreatmentCode } from '../../src/engine/engine.js';
import { compileSegments } from '../../src/engine/segments.js';
import { bundleShapes, ExpressionCompiler } from '../../src/expr/index.js';
import { compileFixture, engineFor, offersOf, policy, request, smallChannel, strategy } from './engine-fixture.js';

const config = strategy('s', ["{ name: hv, segment: adults, offer: gold-card, score: 80, eligibility: 'profile.income > 10.0' }"]);

/** Loading `body` fails, once, with an EngineLoadError whose message holds (or matches) `message`. */
function expectLoadError(body: Parameters<typeof createBundle>[0], message: string | RegExp): void {
  let thrown: unknown = null;
  try {
    createEngine(createBundle(body));
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(EngineLoadError);
  expect((thrown as Error).message).toMatch(message);
}

describe('loading a bundle', () => {
  it('loads a compiled bundle from its text', async () => {
    const bundle = await compileFixture(config);
    const engine = loadEngine(formatBundle(bundle), 'bundle.json');
    expect(engine.digest).toBe(bundle.digest);
    expect(engine.decide(request()).offers.map((o) => o.offer)).toEqual(['gold-card']);
  });

  it('refuses a bundle whose body was modified after compiling', async () => {
    const bundle = await compileFixture(config);
    const tampered = formatBundle(bundle).replace('"score": 80', '"score": 99');
    expect(() => loadEngine(tampered, 'bundle.json')).toThrow(BundleError);
    expect(() => loadEngine(tampered, 'bundle.json')).toThrow(/bundle\.json: digest mismatch/);
  });

  it('refuses an unknown format version', async () => {
    const bundle = await compileFixture(config);
    const text = formatBundle(bundle).replace('"formatVersion": 1', '"formatVersion": 2');
    expect(() => loadEngine(text, 'b.json')).toThrow(/unknown bundle formatVersion 2/);
    expect(() => loadEngine('not json', 'b.json')).toThrow(BundleError);
  });

  it('refuses, naming the place, a bundle with an expression that does not compile', async () => {
    const bundle = await compileFixture(config);
    const body = structuredClone(bundle.body);
    body.rules[0]!.eligibility = 'profile.income >';
    expectLoadError(body, /strategy 's' rule 'hv' eligibility: expression does not compile/);
    const score = structuredClone(bundle.body);
    score.rules[0]!.scoreExpression = 'profile.income *';
    expect(() => createEngine(createBundle(score))).toThrow(/strategy 's' rule 'hv' scoreExpression: expression does not compile/);
  });

  it('refuses, naming the segment, a bundle with a segment expression that does not compile or a segment on a channel it does not hold', async () => {
    const bundle = await compileFixture(config);
    const broken = structuredClone(bundle.body);
    broken.segments.find((segment) => segment.name === 'adults')!.expression = 'profile.age >=';
    expectLoadError(broken, /segment 'adults' expression: expression does not compile/);
    // The same refusal when the segments are compiled on their own, as the optimizer does.
    expect(() => compileSegments(broken, new ExpressionCompiler(bundleShapes(broken.channels)))).toThrow(EngineLoadError);
    const elsewhere = structuredClone(bundle.body);
    elsewhere.segments.find((segment) => segment.name === 'adults')!.channel = 'email';
    expectLoadError(elsewhere, "segment 'adults' expression: channel 'email' is not in the bundle");
  });

  it('refuses a bundle whose rule names an offer it does not hold', async () => {
    const bundle = await compileFixture(config);
    const body = structuredClone(bundle.body);
    body.rules[0]!.offers = ['ghost'];
    expect(() => createEngine(createBundle(body))).toThrow(/strategy 's' rule 'hv': offer 'ghost' is not in the bundle/);
  });

  it('refuses, naming the place, a bundle whose offer or rule date is not a day', async () => {
    const bundle = await compileFixture(config);
    const offerDate = structuredClone(bundle.body);
    offerDate.offers.find((offer) => offer.name === 'gold-card')!.expires = 'next spring';
    expectLoadError(offerDate, `cannot load bundle: offer 'gold-card': date "next spring" is not an ISO YYYY-MM-DD day`);
    const ruleDate = structuredClone(bundle.body);
    ruleDate.rules[0]!.effective = '01/05/2026';
    expect(() => createEngine(createBundle(ruleDate))).toThrow(`cannot load bundle: strategy 's' rule 'hv': date "01/05/2026" is not an ISO YYYY-MM-DD day`);
  });

  it('refuses a bundle whose rule names a segment it does not hold', async () => {
    const bundle = await compileFixture(config);
    const body = structuredClone(bundle.body);
    body.rules[0]!.segment = 'ghosts';
    expectLoadError(body, "cannot load bundle: strategy 's' rule 'hv': segment 'ghosts' is not in the bundle");
  });

  it('refuses, naming the attribute, a bundle whose rule sets an offer attribute with an expression that does not compile', async () => {
    const bundle = await compileFixture(config);
    const body = structuredClone(bundle.body);
    body.rules[0]!.attributes = { headline: '"Hello " +' };
    expectLoadError(body, /cannot load bundle: strategy 's' rule 'hv' attributes\.headline: expression does not compile/);
  });

  const withApp = config + '---\n' + smallChannel('app', 'checkout', 'app-hero') + '---\n' + strategy('a', ['{ name: app-rule, offer: gold-card, score: 10 }'], 'app');
  it("refuses a bundle whose zone index lists a rule that is not the channel's", async () => {
    const bundle = await compileFixture(withApp);
    const appRule = bundle.body.rules.findIndex((rule) => rule.name === 'app-rule');
    const foreign = structuredClone(bundle.body);
    foreign.indexes.rulesByChannelZone['web']!['checkout'] = [appRule];
    expectLoadError(foreign, `cannot load bundle: channel 'web' interaction point 'checkout-upsell': rule index ${appRule} of zone 'checkout' is not a rule of this channel`);
    const missing = structuredClone(bundle.body);
    missing.indexes.rulesByChannelZone['web']!['checkout'] = [99];
    expect(() => createEngine(createBundle(missing))).toThrow("channel 'web' interaction point 'checkout-upsell': rule index 99 of zone 'checkout' is not a rule of this channel");
  });

  it('loads a bundle whose index leaves out a zone or a channel: its points have no rules', async () => {
    const bundle = await compileFixture(withApp);
    const body = structuredClone(bundle.body);
    delete body.indexes.rulesByChannelZone['web']!['checkout'];
    delete body.indexes.rulesByChannelZone['app'];
    const engine = createEngine(createBundle(body));
    expect(offersOf(engine.decide(request({ interactionPoint: 'home-sidebar' })))).toEqual(['gold-card']);
    expect(engine.decide(request({ interactionPoint: 'checkout-upsell' })).offers).toEqual([]);
    expect(engine.decide(request({ interactionPoint: 'app-hero' })).offers).toEqual([]);
  });

  it('refuses a bundle whose realtime policy is on a channel it does not hold', async () => {
    const bundle = await compileFixture(config + '---\n' + policy('rt', ['{ name: two, type: customerOfferCount, max: 2 }']));
    const body = structuredClone(bundle.body);
    body.policies[0]!.channel = 'email';
    expectLoadError(body, "cannot load bundle: policy 'rt': channel 'email' is not in the bundle");
  });
});

describe('treatment codes', () => {
  it('parse back to the channel, point, rule and offer they were issued for', async () => {
    const engine = await engineFor(config);
    const [chosen] = engine.decide(request({ interactionPoint: 'home-hero' })).offers;
    expect(parseTreatmentCode(engine, chosen!.treatmentCode)).toEqual({ channel: 'web', interactionPoint: 'home-hero', rule: 'hv', offer: 'gold-card' });
  });

  it('are refused when malformed, made up, or issued by another bundle', async () => {
    const engine = await engineFor(config);
    const other = await engineFor(strategy('s', ['{ name: hv, offer: gold-card, score: 81 }']));
    const code = engine.decide(request()).offers[0]!.treatmentCode;
    expect(parseTreatmentCode(other, code)).toBeNull();
    for (const bad of ['', 'x', 42, null, code + '.x', code.replace('gold-card', 'platinum-card'), code.replace('hv', 'nope'), code.replace('home-sidebar', 'checkout-upsell').replace('web', 'email')]) {
      expect(parseTreatmentCode(engine, bad)).toBeNull();
    }
  });

  it("are refused for a point outside the rule's zone, or a point the channel does not declare", async () => {
    const engine = await engineFor(strategy('s', ['{ name: home-only, zone: home, offer: gold-card, score: 80 }', '{ name: anywhere, offer: platinum-card, score: 70 }']));
    const codes = engine.decide(request({ interactionPoint: 'home-hero' })).offers.map((o) => o.treatmentCode);
    const [homeOnly, anywhere] = codes as [string, string];
    expect(parseTreatmentCode(engine, homeOnly.replace('home-hero', 'home-sidebar'))).toEqual({
      channel: 'web',
      interactionPoint: 'home-sidebar',
      rule: 'home-only',
      offer: 'gold-card',
    });
    expect(parseTreatmentCode(engine, homeOnly.replace('home-hero', 'checkout-upsell'))).toBeNull();
    expect(parseTreatmentCode(engine, anywhere.replace('home-hero', 'checkout-upsell'))).toEqual({
      channel: 'web',
      interactionPoint: 'checkout-upsell',
      rule: 'anywhere',
      offer: 'platinum-card',
    });
    for (const point of ['constructor', 'tostring', 'no-such-point']) expect(parseTreatmentCode(engine, anywhere.replace('home-hero', point))).toBeNull();
  });

  it("resolve the point in the code's own channel, when two channels name a point alike", async () => {
    // Channel app's home-hero is in its zone checkout, web's in zone home.
    const app = smallChannel('app', 'checkout', 'home-hero') + '---\n' + strategy('a', ['{ name: app-checkout, zone: checkout, offer: gold-card, score: 80 }'], 'app');
    const engine = await engineFor(app + '---\n' + strategy('s', ['{ name: web-home, zone: home, offer: gold-card, score: 80 }']));
    const code = (channel: string): string => engine.decide(request({ channel, interactionPoint: 'home-hero' })).offers[0]!.treatmentCode;
    expect(parseTreatmentCode(engine, code('app'))).toEqual({ channel: 'app', interactionPoint: 'home-hero', rule: 'app-checkout', offer: 'gold-card' });
    expect(parseTreatmentCode(engine, code('web'))).toEqual({ channel: 'web', interactionPoint: 'home-hero', rule: 'web-home', offer: 'gold-card' });
  });

  const name63 = `a${'-'.repeat(61)}b`;
  it.each([
    [
      '3f9a1c0b7d2e.web.home-hero.hv-gold-upgrade.gold-card',
      { digestPrefix: '3f9a1c0b7d2e', channel: 'web', interactionPoint: 'home-hero', rule: 'hv-gold-upgrade', offer: 'gold-card' },
    ],
    [`0123456789ab.a.${name63}.${name63}.${name63}`, { digestPrefix: '0123456789ab', channel: 'a', interactionPoint: name63, rule: name63, offer: name63 }],
  ])('decodes %s into its digest prefix and four names', (code, parts) => {
    expect(decodeTreatmentCode(code)).toEqual(parts);
  });

  it.each([
    ['a prefix of 11 hex digits', '3f9a1c0b7d2.web.home-hero.hv.gold-card'],
    ['a prefix of 13 hex digits', '3f9a1c0b7d2e0.web.home-hero.hv.gold-card'],
    ['a prefix with capitals', '3F9A1C0B7D2E.web.home-hero.hv.gold-card'],
    ['a prefix with a non-hex letter', '3f9a1c0b7d2g.web.home-hero.hv.gold-card'],
    ['a prefix after other text', 'x3f9a1c0b7d2e.web.home-hero.hv.gold-card'],
    ['four parts', '3f9a1c0b7d2e.web.home-hero.gold-card'],
    ['six parts', '3f9a1c0b7d2e.web.home-hero.hv.gold-card.x'],
    ['an empty name', '3f9a1c0b7d2e.web..hv.gold-card'],
    ['a name with a capital', '3f9a1c0b7d2e.Web.home-hero.hv.gold-card'],
    ['a name starting with a hyphen', '3f9a1c0b7d2e.web.-home.hv.gold-card'],
    ['a name ending with a hyphen', '3f9a1c0b7d2e.web.home-hero.hv.gold-'],
    ['a name of 64 characters', `3f9a1c0b7d2e.web.home-hero.hv.${name63}c`],
    ['a name with an underscore', '3f9a1c0b7d2e.web.home_hero.hv.gold-card'],
    ['a number', 42],
  ])('decodes a code with %s as null', (_case, code) => {
    expect(decodeTreatmentCode(code)).toBeNull();
  });
});
