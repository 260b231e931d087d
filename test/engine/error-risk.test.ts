// The rules a decision's error sweep evaluates (src/engine/error-risk.ts rulesAtRisk): found
// through per-attribute indexes, they must be exactly the rules the definition names —
// every rule that may fail whatever the member, and every rule reading an attribute or a
// map entry the member lacks or holds out of bounds — in precedence order. Checked
// against that definition, written out plainly here, on every zone and level of the
// generated large config with map-indexed scores (by offer name: checked per entry; by a
// computed key: may fail whatever the member) and on seeded members missing attributes
// and map entries. Then what the analysis (zoneRisk) finds for each kind of expression,
// and decisions reporting the failures of a rule the walk never reaches, as the
// exhaustive reference does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, writeLargeConfig } from '../../bench/generate/large-config.mjs';
import { createBundle } from '../../src/bundle/bundle.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import type { CompiledBundle, CompiledRule } from '../../src/engine/compiled-types.js';
import { inputsAreSafe, MAGNITUDE, rulesAtRisk, zoneRisk, type MapKey, type ZoneRisk } from '../../src/engine/error-risk.js';
import { createEngine } from '../../src/engine/engine.js';
import { channelYaml, compileFixture, offersOf, offersYaml, request, strategy } from './engine-fixture.js';
import { ReferenceEngine } from './reference-engine.js';

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

/** The definition: in precedence order, each rule that may fail whatever the member or reads an unsafe attribute. */
function unsafe(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && !(Math.abs(value) <= MAGNITUDE)) || (typeof value === 'bigint' && (value > BigInt(MAGNITUDE) || value < -BigInt(MAGNITUDE)));
}

function unsafeEntry(key: MapKey, profile: Record<string, unknown>, session: Record<string, unknown>): boolean {
  const map = (key.variable === 'profile' ? profile : session)[key.field];
  return typeof map !== 'object' || map === null || !Object.hasOwn(map, key.key) || unsafe((map as Record<string, unknown>)[key.key]);
}

function definition(risk: ZoneRisk, profile: Record<string, unknown>, session: Record<string, unknown>): CompiledRule[] {
  return risk.rules
    .filter((one) => one.always || one.profile.some((name) => unsafe(profile[name])) || one.session.some((name) => unsafe(session[name])) || one.keys.some((key) => unsafeEntry(key, profile, session)))
    .map((one) => one.rule);
}

/** A member's maps for the entries the zone reads: most present, some missing, some out of bounds, some at the bound. */
function withMaps(risk: ZoneRisk, profile: Record<string, unknown>, random: ReturnType<typeof seededRandom>, missing: number): void {
  for (const key of risk.keys) {
    if (key.variable !== 'profile') continue;
    if (!(key.field in profile) || typeof profile[key.field] !== 'object') {
      if (missing > 0 && random.chance(0.05)) continue; // no map at all
      profile[key.field] = {};
    }
    const map = profile[key.field] as Record<string, unknown>;
    const roll = random.next();
    if (roll < missing) continue;
    map[key.key] = roll < missing + 0.02 ? 2e15 : roll < missing + 0.04 ? MAGNITUDE : 0.5;
  }
}

function member(names: readonly string[], random: ReturnType<typeof seededRandom>, missing: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of names) {
    const roll = random.next();
    if (roll < missing) continue;
    if (roll < missing + 0.02) record[name] = null;
    else if (roll < missing + 0.04) record[name] = random.chance(0.5) ? 1e16 : -(10n ** 16n);
    else if (roll < missing + 0.05) record[name] = MAGNITUDE; // in bounds: the boundary itself
    else record[name] = random.chance(0.5) ? 7 : 'x';
  }
  return record;
}

describe('rulesAtRisk', () => {
  it('names exactly the rules of the definition, in precedence order, for members missing attributes or holding out-of-bounds values', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-error-risk-'));
    temporary.push(dir);
    await writeLargeConfig(dir, { seed: 20260101, scale: 0.1 });
    const compiled = await compileDirectory(dir, { root: dir });
    const body = structuredClone(compiled.bundle!.body);
    // A map attribute and every 7th single-offer rule scoring from it: those may fail whatever the member.
    for (const channel of body.channels) {
      const level = channel.audienceLevels[0]!;
      level.attributes = Object.fromEntries(Object.entries({ ...level.attributes, modelScores: { type: 'map' as const, values: 'double' as const, enum: null } }).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    body.rules.forEach((rule, i) => {
      if (i % 7 === 0) rule.scoreExpression = 'profile.modelScores[offer.name] * 100.0';
      else if (i % 13 === 0 && rule.offer !== null) rule.scoreExpression = 'profile.modelScores[offer.name + "-2"] * 100.0';
    });
    const engineBundle = compileBundle(createBundle(body));
    const random = seededRandom(16);
    let zones = 0;
    let nonEmpty = 0;
    let alwaysOnly = 0;
    let byEntry = 0;
    for (const channel of engineBundle.channels.values()) {
      const seen = new Set<string>();
      for (const point of channel.points.values()) {
        if (seen.has(point.zone)) continue;
        seen.add(point.zone);
        for (const level of channel.levels) {
          const risk = zoneRisk(engineBundle, channel, point.rules, level.name, new Set());
          zones++;
          const profileNames = [...Object.keys(level.attributes), ...risk.profile];
          const sessionNames = [...Object.keys(channel.sessionAttributes), ...risk.session];
          for (let i = 0; i < 40; i++) {
            // Complete members (no attribute missing) and members missing one in ten.
            const missing = i % 4 === 0 ? 0 : 0.1;
            const profile = member(profileNames.filter((name) => name !== 'modelScores'), random, missing);
            withMaps(risk, profile, random, missing);
            const session = member(sessionNames, random, missing);
            const expected = definition(risk, profile, session);
            const got = rulesAtRisk(risk, profile, session);
            expect(got.map((r) => r.precedence)).toEqual(expected.map((r) => r.precedence));
            // The zone is safe exactly when no rule is at risk.
            expect(inputsAreSafe(risk, profile, session)).toBe(expected.length === 0);
            if (risk.rules.some((one) => one.keys.length > 0 && unsafeEntry(one.keys[0]!, profile, session) && !one.profile.some((name) => unsafe(profile[name])))) byEntry++;
            if (expected.length > 0) nonEmpty++;
            if (expected.length > 0 && expected.length === risk.alwaysRules.length) alwaysOnly++;
          }
        }
      }
    }
    // The cases exercise both paths: members with rules at risk of their own, and members with only the always-rules.
    expect(zones).toBeGreaterThan(3);
    expect(nonEmpty).toBeGreaterThan(50);
    expect(alwaysOnly).toBeGreaterThan(10);
    // Members at risk through a map entry alone (the map present, the entry missing or out of bounds).
    expect(byEntry).toBeGreaterThan(10);
  }, 60000);

  it('returns only the rules that may fail whatever the member when every attribute is present and in bounds', () => {
    const rule = (precedence: number): CompiledRule => ({ precedence }) as unknown as CompiledRule;
    const [a, b, c] = [rule(0), rule(1), rule(2)];
    const risk: ZoneRisk = {
      always: true,
      profile: ['age'],
      session: ['device'],
      keys: [],
      rules: [
        { rule: a, always: false, profile: ['age'], session: [], keys: [] },
        { rule: b, always: true, profile: [], session: [], keys: [] },
        { rule: c, always: false, profile: [], session: ['device'], keys: [] },
      ],
      alwaysRules: [b],
      byProfile: new Map([['age', [0]]]),
      bySession: new Map([['device', [2]]]),
      byKey: [],
      alwaysAt: [1],
    };
    expect(rulesAtRisk(risk, { age: MAGNITUDE }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: -MAGNITUDE }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: MAGNITUDE - 1 }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: MAGNITUDE + 1 }, { device: 'app' })).toEqual([a, b]);
    // An int attribute arrives as a bigint: the same bounds.
    for (const age of [30n, BigInt(MAGNITUDE), -BigInt(MAGNITUDE)]) expect(rulesAtRisk(risk, { age }, { device: 'app' })).toEqual([b]);
    for (const age of [BigInt(MAGNITUDE) + 1n, -BigInt(MAGNITUDE) - 1n]) expect(rulesAtRisk(risk, { age }, { device: 'app' })).toEqual([a, b]);
    expect(rulesAtRisk(risk, { age: 30 }, {})).toEqual([b, c]);
    expect(rulesAtRisk(risk, {}, {})).toEqual([a, b, c]);
  });

  it('checks a map entry an expression indexes like an attribute: present, and within the bounds at N-1, N, N+1', () => {
    const scored = { precedence: 0 } as unknown as CompiledRule;
    const key: MapKey = { variable: 'profile', field: 'modelScores', key: 'isa' };
    const risk: ZoneRisk = {
      always: false,
      profile: [],
      session: [],
      keys: [key],
      rules: [{ rule: scored, always: false, profile: [], session: [], keys: [key] }],
      alwaysRules: [],
      byProfile: new Map(),
      bySession: new Map(),
      byKey: [[0]],
      alwaysAt: [],
    };
    for (const value of [0.5, MAGNITUDE - 1, MAGNITUDE, -MAGNITUDE]) {
      expect(inputsAreSafe(risk, { modelScores: { isa: value } }, {})).toBe(true);
      expect(rulesAtRisk(risk, { modelScores: { isa: value } }, {})).toEqual([]);
    }
    for (const profile of [{ modelScores: { isa: MAGNITUDE + 1 } }, { modelScores: { cash: 0.5 } }, { modelScores: JSON.parse('{"__proto__": 0.5}') as unknown }, {}]) {
      expect(inputsAreSafe(risk, profile, {})).toBe(false);
      expect(rulesAtRisk(risk, profile, {})).toEqual([scored]);
    }
    expect(inputsAreSafe(risk, { modelScores: null }, {})).toBe(false);
    // An entry of a session map is looked up in the session, not in a profile map of the same name.
    const sessionKey: MapKey = { variable: 'session', field: 'modelScores', key: 'isa' };
    const bySession: ZoneRisk = { ...risk, keys: [sessionKey], rules: [{ rule: scored, always: false, profile: [], session: [], keys: [sessionKey] }] };
    expect(inputsAreSafe(bySession, { modelScores: { isa: 0.5 } }, {})).toBe(false);
    expect(rulesAtRisk(bySession, { modelScores: { isa: 0.5 } }, {})).toEqual([scored]);
    expect(inputsAreSafe(bySession, {}, { modelScores: { isa: 0.5 } })).toBe(true);
  });
});

// What the analysis finds per rule (zoneRisk on a zone of that one rule): whether a decision
// may meet a failure whatever the member (`always`), and otherwise the attributes and map
// entries whose absence or out-of-bounds value makes one possible. A decision for a member
// holding all of those, within the bounds, skips the error sweep; each case below is an
// expression the analysis proves safe on such inputs, or one it must leave to the sweep.
const riskChannel = channelYaml
  .replace(
    '        joined: { type: date }\n',
    '        joined: { type: date }\n        modelScores: { type: map, values: double }\n        visits: { type: map, values: int }\n        notes: { type: map, values: string }\n',
  )
  .replace('    device: { type: string, enum: [desktop, mobile, app] }\n', '    device: { type: string, enum: [desktop, mobile, app] }\n    cart: { type: map, values: double }\n');

// Offers with attributes an offer-only part reads: age-card's minAge is small, big-card's is past what int arithmetic may add safely, open-card has none.
const attributeOffers = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: age-card, labels: { group: attr } }
spec: { displayName: Age card, attributes: { minAge: 30, creative: x } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: big-card }
spec: { displayName: Big card, attributes: { minAge: 8000000000000001 } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: open-card, labels: { group: attr } }
spec: { displayName: Open card, attributes: { creative: x } }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: attr-offers }
spec: { where: 'offer.labels.group == "attr"' }
`;

interface RiskCase {
  /** eligibility or scoreExpression */
  field: 'eligibility' | 'scoreExpression';
  source: string;
  /** offer: NAME or offerList: NAME (default offer: gold-card) */
  offers?: string;
  always: boolean;
  reads: string[];
}

const e = (source: string, always: boolean, reads: string[], offers?: string): RiskCase => ({ field: 'eligibility', source, offers, always, reads });
const s = (source: string, always: boolean, reads: string[], offers?: string): RiskCase => ({ field: 'scoreExpression', source, offers, always, reads });

const riskCases: [string, RiskCase][] = [
  ['an int comparison', e('profile.age >= 18', false, ['profile.age'])],
  ['a session attribute', e('session.device == "app"', false, ['session.device'])],
  ['the audience id field', e('profile.customerId == "c1"', false, ['profile.customerId'])],
  ['a negation', e('!(profile.age > 3)', false, ['profile.age'])],
  ['a double negated', e('-profile.income < 2.0', false, ['profile.income'])],
  ['an int negated (may overflow)', e('-profile.age < 2', true, ['profile.age'])],
  ['`in` a list of literals', e('profile.age in [1, 2]', false, ['profile.age'])],
  ['`in` a list holding an int division', e('profile.age in [1, 10 / profile.age]', true, ['profile.age'])],
  ['a conditional', e('(profile.age > 3 ? profile.income : 2.0) > 1.0', false, ['profile.age', 'profile.income'])],
  [
    'startsWith, endsWith and contains',
    e('profile.tier.startsWith("g") || profile.tier.endsWith(session.device) || profile.tier.contains("o")', false, ['profile.tier', 'session.device']),
  ],
  ['matches (a pattern may fail)', e('profile.tier.matches("^g")', true, ['profile.tier'])],
  ['a method on a list element', e('profile.tags[0].startsWith("a")', true, [])],
  ['a method with a failing argument', e('profile.tier.startsWith(string(10 / profile.age))', true, ['profile.age', 'profile.tier'])],
  ['has() of declared fields (reads nothing that must be there)', e('has(profile.age) && has(session.device)', false, [])],
  ['size() of a list', e('size(profile.tags) > 1', false, ['profile.tags'])],
  ['int * a small literal', e('profile.age * 2 > 0', false, ['profile.age'])],
  ['int - a literal', e('profile.age - 3 > 0', false, ['profile.age'])],
  ['int + a literal up to 9e15 in all', e('profile.age + 8000000000000000 > 0', false, ['profile.age'])],
  ['int + a literal past 9e15 in all', e('profile.age + 8000000000000001 > 0', true, ['profile.age'])],
  ['int * int (may overflow)', e('profile.age * profile.age > 0', true, ['profile.age'])],
  ['int / (may divide by zero)', e('profile.age / 2 > 0', true, ['profile.age'])],
  ['int % (may divide by zero)', e('profile.age % 2 == 0', true, ['profile.age'])],
  ['double / 0.0 in a condition (infinite, not a failure)', e('profile.income / 0.0 > 1.0', false, ['profile.income'])],
  ['now - a duration in hours', e('now - duration("2160h") > profile.joined', false, ['profile.joined'])],
  ['now + a duration of hours and minutes', e('now + duration("1h30m") > profile.joined', false, ['profile.joined'])],
  ['now - a fractional duration', e('now - duration("1.5h") > profile.joined', false, ['profile.joined'])],
  ['now - a duration of exactly 10^13 ms', e('now - duration("10000000000s") > profile.joined', false, ['profile.joined'])],
  ['now - a duration just past 10^13 ms', e('now - duration("10000000001s") > profile.joined', true, ['profile.joined'])],
  ['now - a duration of many hours', e('now - duration("100000000h") > profile.joined', true, ['profile.joined'])],
  ['now - a duration of thousands of hours with a fraction', e('now - duration("2777777.78h") > profile.joined', true, ['profile.joined'])],
  ['now - a duration with a unit cel-js does not know', e('now - duration("2d") > profile.joined', true, ['profile.joined'])],
  ['now - a duration read from the profile', e('now - duration(session.device) > profile.joined', true, ['profile.joined', 'session.device'])],
  ['a timestamp literal', e('profile.joined > timestamp("2020-01-01T00:00:00Z")', false, ['profile.joined'])],
  ['a timestamp literal with an offset', e('profile.joined > timestamp("2020-01-01T00:00:00.5+02:00")', false, ['profile.joined'])],
  ['a timestamp literal of month 13', e('profile.joined > timestamp("2020-13-01T00:00:00Z")', true, ['profile.joined'])],
  ['a timestamp without a zone', e('profile.joined > timestamp("2020-01-01T00:00:00")', true, ['profile.joined'])],
  ['a timestamp read from the session', e('profile.joined > timestamp(session.device)', true, ['profile.joined', 'session.device'])],
  ['inSegment() of a segment using another', e('inSegment("high-value")', false, ['profile.age', 'profile.income'])],
  ['inSegment() of a household segment (never evaluated for a customer)', e('inSegment("big-households") || profile.age > 1', false, ['profile.age'])],
  ['a double score', s('double(profile.age) * 2.0', false, ['profile.age'])],
  ['a score bounded below 10^300', s('profile.income * 1e284', false, ['profile.income'])],
  ['a score bounded only at 10^300', s('profile.income * 1e285', true, ['profile.income'])],
  ['a score divided by a literal', s('profile.income / 0.5', false, ['profile.income'])],
  ['a score divided by a tiny negative literal', s('profile.income / -1e-285', true, ['profile.income'])],
  ['a score divided by zero', s('profile.income / 0.0', true, ['profile.income'])],
  ['a score divided by an attribute', s('profile.income / profile.income', true, ['profile.income'])],
  ['a score minus a huge literal', s('profile.income - 1e300', true, ['profile.income'])],
  ['a score plus a large literal', s('profile.income + 9e299', false, ['profile.income'])],
  ['a conditional score, both sides bounded', s('profile.age > 3 ? 1.0 : 2.0', false, ['profile.age'])],
  ['a conditional score, the else side unbounded', s('profile.age > 3 ? 1.0 : profile.income * 1e290', true, ['profile.age', 'profile.income'])],
  ['a conditional score, the then side unbounded', s('profile.age > 3 ? profile.income * 1e290 : 1.0', true, ['profile.age', 'profile.income'])],
  ['the offer cost times an attribute', s('offer.cost * double(profile.age)', false, ['profile.age'])],
  ['the offer cost past the bound', s('offer.cost * profile.income * 1e270', true, ['profile.income'])],
  ['double() of a size', s('double(size(profile.tags)) * 1e280', false, ['profile.tags'])],
  ['double() of a large int literal', s('double(9000000000000000000) * profile.income * 1e269', true, ['profile.income'])],
  ['double() of a string', s('double(profile.tier)', true, ['profile.tier'])],
  ['double() of a string in a condition', e('double(profile.tier) > 1.0', true, [])],
  ['double() of an infinite double', s('offer.cost * double(profile.income / 0.0)', true, [])],
  ['int() of a double', e('int(profile.income) > 3', true, ['profile.income'])],
  [
    'a map entry by offer name',
    s('profile.modelScores[offer.name] * 2.0', false, ['profile.modelScores[gold-card]', 'profile.modelScores[platinum-card]'], 'offerList: credit-offers'),
  ],
  ['a map entry by a literal key', s('profile.modelScores["isa"] * 1e280', false, ['profile.modelScores[isa]'])],
  ['a map entry by a computed key', s('profile.modelScores[profile.tier] * 2.0', true, [])],
  ['an int map entry', e('profile.visits["home"] * 2 > 0', false, ['profile.visits[home]'])],
  ['a string map entry', e('profile.notes["x"] == "a"', false, ['profile.notes[x]'])],
  ['a session map entry by offer name', s('session.cart[offer.name] * double(profile.age)', false, ['profile.age', 'session.cart[gold-card]'])],
  ['a list element', e('profile.tags[0] == "a"', true, [])],
  ['an int offer attribute every offer has', e('profile.age >= int(offer.attributes.minAge)', false, ['profile.age'], 'offer: age-card')],
  ['an int offer attribute some offer lacks', e('profile.age >= int(offer.attributes.minAge)', true, ['profile.age'], 'offerList: attr-offers')],
  ['an int offer attribute that may overflow the sum', e('profile.age + int(offer.attributes.minAge) > 0', true, ['profile.age'], 'offer: big-card')],
  ['a small int offer attribute in a sum', e('profile.age + int(offer.attributes.minAge) > 0', false, ['profile.age'], 'offer: age-card')],
  ['a double offer attribute bounding a score', s('profile.income * double(offer.attributes.minAge) * 1e283', false, ['profile.income'], 'offer: age-card')],
  ['a large double offer attribute in a score', s('profile.income * double(offer.attributes.minAge) * 1e283', true, ['profile.income'], 'offer: big-card')],
  ['a label every offer has', e('offer.labels.category == profile.tier', false, ['profile.tier'], 'offerList: credit-offers')],
  ['a label some offer lacks', e('offer.labels.category == profile.tier', true, ['profile.tier'], 'offerList: attr-offers')],
  ['string() of an offer attribute', e('profile.tier == string(offer.attributes.creative)', false, ['profile.tier'], 'offerList: attr-offers')],
  ['has() of an offer attribute', e('has(offer.attributes.minAge) && profile.age > 1', false, ['profile.age'], 'offerList: attr-offers')],
  ['string() of an attribute', e('string(profile.age) == "3"', true, ['profile.age'])],
  ['the offer name and display name', e('offer.name == profile.tier || offer.displayName == profile.tier', false, ['profile.tier'])],
  ['an offer-only condition (evaluated at load)', e('offer.attributes.creative == "x"', false, [], 'offer: open-card')],
  ['string() of the offer name with a suffix', e('string(offer.name + "-x") == profile.tier', false, ['profile.tier'])],
  ['has() of an offer field', e('has(offer.displayName) && profile.age > 1', false, ['profile.age'])],
  ['int() of a conditional on has() falling back to the offer cost', e('int(has(profile.income) ? profile.income : offer.cost) > 3', true, [])],
  ['size() of a list element', e('size(profile.tags[0]) > 1', true, [])],
  ['double() of a double', s('double(profile.income) * 2.0', false, ['profile.income'])],
  ['a conditional whose condition may fail', e('(profile.age / 2 > 1 ? 1 : 2) > 0', true, [])],
  ['a conditional whose then side may fail', e('(profile.age > 1 ? profile.age / 2 : 2) > 0', true, [])],
  ['a conditional whose else side may fail', e('(profile.age > 1 ? 2 : profile.age / 2) > 0', true, [])],
  ['int arithmetic on int arithmetic, bounded', e('profile.age * 2 * 2 > 0', false, ['profile.age'])],
  ['now minus two durations', e('now - duration("1h") - duration("1h") > profile.joined', false, ['profile.joined'])],
  ['a score divided by a tiny literal', s('profile.income / 1e-286', true, [])],
  ['a list holding the offer', e('size([offer]) > 0 && profile.age > 1', false, ['profile.age'])],
  // A part reading the profile is not offer-only, even when it gives a value with an empty profile at load.
  ['int() of a conditional on has()', e('offer.cost >= 0.0 && int(has(profile.income) ? profile.income : 1.0) > 3', true, [])],
  ['a conditional on has() converting to int', e('offer.cost >= 0.0 && (has(profile.income) ? double(int(profile.income)) : 1.0) > 0.5', true, [])],
];

/** A zone that may fail whatever the member is swept for every member: what it reads does not matter then. */
function summary(risk: ZoneRisk): { always: true } | { always: false; reads: string[] } {
  if (risk.always) return { always: true };
  return {
    always: false,
    reads: [...risk.profile.map((n) => `profile.${n}`), ...risk.session.map((n) => `session.${n}`), ...risk.keys.map((k) => `${k.variable}.${k.field}[${k.key}]`)].sort(),
  };
}

describe('zoneRisk: when a decision may meet an expression failure', () => {
  let engineBundle: CompiledBundle;
  beforeAll(async () => {
    const rules = riskCases.map(([, c], i) => `{ name: r${i}, ${c.offers ?? 'offer: gold-card'}, score: 1, ${c.field}: '${c.source}' }`);
    const extra = [
      '{ name: by-segment, offer: gold-card, score: 1, segment: high-value }',
      "{ name: household, offer: gold-card, score: 1, segment: big-households, eligibility: 'profile.size > 2' }",
      "{ name: disabled, offer: gold-card, score: 1, enabled: false, eligibility: 'profile.age / 2 > 1' }",
      "{ name: both-offer-terms, offer: age-card, eligibility: 'profile.age >= int(offer.attributes.minAge)', scoreExpression: 'double(profile.age) + double(offer.attributes.minAge)' }",
    ];
    const bundle = await compileFixture(`${riskChannel}\n---\n${offersYaml}\n---\n${attributeOffers}\n---\n${strategy('s', [...rules, ...extra])}`, { base: false });
    engineBundle = compileBundle(bundle);
  });
  const riskOf = (name: string, level = 'customer'): ZoneRisk => {
    const channel = engineBundle.channels.get('web')!;
    const rule = channel.points.get('home-sidebar')!.rules.find((r) => r.name === name)!;
    return zoneRisk(engineBundle, channel, [rule], level, new Set());
  };

  it.each(riskCases.map(([label, c], i) => [label, c, i] as const))('%s', (_label, c, i) => {
    expect(summary(riskOf(`r${i}`))).toEqual(c.always ? { always: true } : { always: false, reads: [...c.reads].sort() });
  });

  it("reads the attributes of a rule's segment and of the segments it uses, for the segment's audience level only", () => {
    expect(summary(riskOf('by-segment'))).toEqual({ always: false, reads: ['profile.age', 'profile.income'] });
    // A household segment's rule never applies to a customer: nothing of it is read for one.
    expect(summary(riskOf('household'))).toEqual({ always: false, reads: [] });
    expect(summary(riskOf('household', 'household'))).toEqual({ always: false, reads: ['profile.size'] });
  });

  it('leaves out a disabled rule, and reads the offer-only parts of eligibility and score each from its own expression', () => {
    expect(summary(riskOf('disabled'))).toEqual({ always: false, reads: [] });
    expect(summary(riskOf('both-offer-terms'))).toEqual({ always: false, reads: ['profile.age'] });
  });

  it("gathers a zone's rules: those that may fail whatever the member, and per attribute and map entry the others reading it, in precedence order", () => {
    const channel = engineBundle.channels.get('web')!;
    const all = channel.points.get('home-sidebar')!.rules;
    const named = (label: string) => all.find((r) => r.name === `r${riskCases.findIndex(([l]) => l === label)}`)!;
    const rules = [
      named('an int comparison'),
      named('has() of declared fields (reads nothing that must be there)'),
      named('int / (may divide by zero)'),
      named('a session attribute'),
      named('a conditional'),
      named('a map entry by a literal key'),
      named('a map entry by offer name'),
    ];
    const risk = zoneRisk(engineBundle, channel, rules, 'customer', new Set());
    const names = (list: readonly CompiledRule[]) => list.map((r) => r.name);
    expect(risk.always).toBe(true);
    // The rule reading nothing that must be there cannot fail: it is not among the zone's rules at risk.
    expect(names(risk.rules.map((one) => one.rule))).toEqual(names([rules[0]!, rules[2]!, rules[3]!, rules[4]!, rules[5]!, rules[6]!]));
    expect(names(risk.alwaysRules)).toEqual(names([rules[2]!]));
    expect(risk.alwaysAt).toEqual([1]);
    expect(Object.fromEntries(risk.byProfile)).toEqual({ age: [0, 3], income: [3] });
    expect(Object.fromEntries(risk.bySession)).toEqual({ device: [2] });
    expect(risk.keys.map((k) => k.key)).toEqual(['isa', 'gold-card', 'platinum-card']);
    expect(risk.byKey).toEqual([[4], [5], [5]]);
    expect([...risk.profile].sort()).toEqual(['age', 'income']);
    expect(risk.session).toEqual(['device']);
    // A member missing the session attribute: the always-rule and the one reading it, in precedence order.
    expect(names(rulesAtRisk(risk, { age: 1, income: 1, modelScores: { isa: 1, 'gold-card': 1, 'platinum-card': 1 } }, {}))).toEqual(names([rules[2]!, rules[3]!]));
    // Without the always-rule the zone is safe for a member holding every attribute and entry.
    const safe = zoneRisk(
      engineBundle,
      channel,
      rules.filter((_, k) => k !== 2),
      'customer',
      new Set(),
    );
    expect(safe.always).toBe(false);
    expect(inputsAreSafe(safe, { age: 1, income: 1, modelScores: { isa: 1, 'gold-card': 1, 'platinum-card': 1 } }, { device: 'app' })).toBe(true);
  });

  it('takes every rule as one that may fail whatever the member when an offer-only part failed at load, or when an offer cost is past the bounds', () => {
    const channel = engineBundle.channels.get('web')!;
    const rule = channel.points.get('home-sidebar')!.rules.find((r) => r.name === 'r0')!;
    expect(zoneRisk(engineBundle, channel, [rule], 'customer', new Set([rule])).alwaysRules).toEqual([rule]);
    const reading = channel.points
      .get('home-sidebar')!
      .rules.find((r) => r.name === `r${riskCases.findIndex(([l]) => l === 'has() of declared fields (reads nothing that must be there)')}`)!;
    const bigCost = zoneRisk(engineBundle, channel, [rule, reading], 'customer', new Set(), true);
    expect(bigCost.always).toBe(true);
    expect(bigCost.alwaysRules).toEqual([rule, reading]);
  });
});

// The same analysis seen from decisions: each zone has a `priority: top` rule filling a
// response of one, so the walk never evaluates the rule below it; the decision must still
// report that rule's failures exactly as the exhaustive reference does, and add none for a
// member whose inputs cannot make it fail.
describe('decisions report the failures of a rule the walk never reaches', () => {
  const top = '{ name: top, offer: gold-card, score: 90, priority: top }';
  const decideBoth = async (yaml: string, profile: Record<string, unknown>) => {
    const bundle = await compileFixture(yaml, { base: false });
    const req = request({ count: 1 }, { customerId: 'c1', ...profile });
    const decision = createEngine(bundle).decide(req);
    expect(offersOf(decision)).toEqual(['gold-card']);
    expect({ offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors }).toEqual(new ReferenceEngine(bundle).decide(req));
    return decision.errors;
  };
  const failureOf = (place: string): unknown[] => [expect.objectContaining({ code: 'expression-error', place })];

  it('in a segment another segment uses, for a member missing the attribute only that one reads', async () => {
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${strategy('s', [top, '{ name: low, offer: savings-plus, score: 1, segment: high-value }'])}`;
    expect(await decideBoth(yaml, { age: 40, income: 90000 })).toEqual([]);
    expect(await decideBoth(yaml, { income: 90000 })).toEqual(failureOf("segment 'adults'"));
  });

  it('in a score from the offer cost when an offer costs more than the bounds the analysis assumes', async () => {
    const huge = '---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: huge }\nspec: { displayName: Huge, cost: 1e300 }\n';
    const yaml = `${channelYaml}\n---\n${offersYaml}\n${huge}---\n${strategy('s', [top, "{ name: low, offer: huge, scoreExpression: 'offer.cost * double(profile.age)' }"])}`;
    expect(await decideBoth(yaml, { age: 40 })).toEqual([]);
    expect(await decideBoth(yaml, { age: 1e10 })).toEqual(failureOf("strategy 's' rule 'low' scoreExpression"));
  });

  it('in a rule that may fail whatever the member and also reads a map entry the member lacks', async () => {
    const yaml = `${riskChannel}\n---\n${offersYaml}\n---\n${strategy('s', [top, '{ name: low, offer: savings-plus, score: 1, eligibility: \'profile.modelScores["isa"] > 1.0 && profile.age / 2 > 1\' }', "{ name: other, offer: platinum-card, score: 1, eligibility: 'profile.income > 1.0' }"])}`;
    expect(await decideBoth(yaml, { age: 40, income: 1, modelScores: { isa: 2 } })).toEqual([]);
    expect(await decideBoth(yaml, { age: 40, income: 1, modelScores: {} })).toEqual(failureOf("strategy 's' rule 'low' eligibility"));
    expect(await decideBoth(yaml, { age: 40, modelScores: {} })).toEqual([
      ...failureOf("strategy 's' rule 'low' eligibility"),
      ...failureOf("strategy 's' rule 'other' eligibility"),
    ]);
  });

  it('in a score from double() of an infinite double', async () => {
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${strategy('s', [top, "{ name: low, offer: savings-plus, scoreExpression: 'offer.cost * double(profile.income / 0.0) + 1.0' }"])}`;
    expect(await decideBoth(yaml, { income: 5 })).toEqual(failureOf("strategy 's' rule 'low' scoreExpression"));
  });

  it('in a session attribute the member did not send', async () => {
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${strategy('s', [top, '{ name: low, offer: savings-plus, score: 1, eligibility: \'session.device == "app"\' }'])}`;
    expect(await decideBoth(yaml, {})).toEqual(failureOf("strategy 's' rule 'low' eligibility"));
  });

  it('in a rule that may fail whatever the member, for a member missing the attributes only that rule reads', async () => {
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${strategy('s', [top, '{ name: low, offer: savings-plus, score: 1, eligibility: \'session.device != "desktop" && profile.age / 2 > 1\' }'])}`;
    expect(await decideBoth(yaml, {})).toEqual(failureOf("strategy 's' rule 'low' eligibility"));
  });

  it("in a rule's segment that may fail whatever the member", async () => {
    const firstTag = 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: first-tag }\nspec: { channel: web, expression: \'profile.tags[0] == "a"\' }\n';
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${firstTag}---\n${strategy('s', [top, '{ name: low, offer: savings-plus, score: 1, segment: first-tag }'])}`;
    expect(await decideBoth(yaml, { tags: ['a'] })).toEqual([]);
    expect(await decideBoth(yaml, { tags: [] })).toEqual(failureOf("segment 'first-tag'"));
  });

  it('in an offer-only condition that failed at load for one of the rule offers', async () => {
    const yaml = `${channelYaml}\n---\n${offersYaml}\n---\n${attributeOffers}\n---\n${strategy('s', [top, "{ name: low, offerList: attr-offers, score: 1, eligibility: 'int(offer.attributes.minAge) > 3' }"])}`;
    expect(await decideBoth(yaml, { age: 40 })).toEqual(failureOf("strategy 's' rule 'low' eligibility"));
  });
});
