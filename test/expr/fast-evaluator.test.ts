// Differential test of the fast CEL subset evaluator (src/expr/fast-evaluator.ts) against
// cel-js: for every segment, eligibility and score expression of the generated large
// config (small scale), config/ and the fixture configs, and many seeded hostile
// contexts (missing attributes, wrong JS types, big ints, NaN, empty lists, a lookup
// that throws or is absent), the fast path's answer — or its delegation to cel-js — must
// equal cel-js's result, or its thrown message, exactly. Plus unit cases per operator.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom, writeLargeConfig } from '../../bench/generate/large-config.mjs';
import type { AttributeDeclaration, Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { activeSegmentLookup, createEnvironment, toCelOffer, toCelRecord, typedVariables, withSegmentLookup, type EnvironmentShape, type ExpressionKind } from '../../src/expr/environment.js';
import { buildFastEvaluator, UNSURE, withFastPath, type AstNode, type CelEvaluator, type FastEvaluator } from '../../src/expr/fast-evaluator.js';

type Random = ReturnType<typeof seededRandom>;
const root = path.resolve(import.meta.dirname, '../..');
const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

interface Compiled {
  source: string;
  cel: CelEvaluator;
  fast: FastEvaluator | null;
}

function compile(kind: ExpressionKind, source: string, shape: EnvironmentShape = {}): Compiled {
  const env = createEnvironment(kind, shape);
  const cel = env.parse(source) as unknown as CelEvaluator;
  const member = kind === 'segment' || kind === 'eligibility' || kind === 'scoreExpression';
  const variables = typedVariables(kind, shape);
  // As the expression compiler does: offer-only parts compiled from their source range.
  const offerPart = (node: AstNode): CelEvaluator => env.parse(source.slice(node.start, node.end));
  const fast = buildFastEvaluator(cel.ast, {
    ...(variables['offer'] !== undefined ? { offerPart } : {}),
    variables,
    dynamicMaps: kind === 'contactWhere' ? ['contact'] : [],
    hasNow: member,
    hasInSegment: member,
    segmentLookup: activeSegmentLookup,
    constant: (node: AstNode) => (env.parse(source.slice(node.start, node.end)) as unknown as CelEvaluator)({}),
  });
  return { source, cel, fast };
}

type Outcome = { value: unknown } | { error: string };
function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}

/** Evaluates both ways; returns whether the fast closure answered by itself. */
function compare(expression: Compiled, context: Record<string, unknown>, lookup: ((name: string) => boolean) | null): boolean {
  const inLookup = <T>(run: () => T): T => (lookup === null ? run() : withSegmentLookup(lookup, run));
  const expected = outcome(() => inLookup(() => expression.cel(context)));
  if (expression.fast === null) return false;
  const fastAnswer = inLookup(() => expression.fast!(context));
  const wrapped = outcome(() => inLookup(() => withFastPath(expression.cel, expression.fast!)(context)));
  const label = `${expression.source} with ${show(context)}`;
  expect(wrapped, label).toEqual(expected);
  if (fastAnswer !== UNSURE) {
    expect({ value: fastAnswer }, label).toEqual(expected);
    return true;
  }
  return false;
}

function show(context: Record<string, unknown>): string {
  try {
    return JSON.stringify(context, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? 'Map' : v));
  } catch {
    return '(context)';
  }
}

async function compileAt(dir: string): Promise<Bundle> {
  const result = await compileDirectory(dir, { root: dir });
  if (!result.bundle) throw new Error(`${dir} does not compile`);
  return result.bundle;
}

const WORDS = ['vip', 'gold', 'silver', 'bronze', 'platinum', 'north', 'south', 'mobile', 'desktop', 'app', 'checking', 'savings', 'premier', 'service', '', '1'];

function hostileScalar(type: string, random: Random): unknown {
  switch (random.int(0, 9)) {
    case 0:
      return random.pick([null, undefined, NaN, -0, 2n ** 70n, -(2n ** 63n), 'true', new Date(Number.NaN), {}, [], 3, 3.5, -7n]);
    default:
      break;
  }
  switch (type) {
    case 'int':
      return random.pick([BigInt(random.int(-5, 900)), 0n, -1n, BigInt(random.int(10, 250) * 1000)]);
    case 'double':
      return random.pick([random.next() * 300000 - 1000, 0, -0.5, 80000, Infinity]);
    case 'string':
      return random.pick(WORDS);
    case 'bool':
      return random.chance(0.5);
    case 'date':
      return new Date(Date.UTC(random.int(2000, 2030), random.int(0, 11), random.int(1, 28)));
    default:
      return null;
  }
}

/** Keys of the map attributes in the contexts: the offer names of the bundle under test (map scores are keyed by offer), and one no offer has. */
let mapKeys: string[] = ['none'];

function hostileMap(values: string, random: Random): unknown {
  if (random.chance(0.1)) return random.pick([null, 'gold', [], new Map([[mapKeys[0]!, 0.5]]), Object.assign(Object.create(null) as object, { [mapKeys[0]!]: 0.5 }), 0.5]);
  const map: Record<string, unknown> = {};
  for (const key of mapKeys) if (random.chance(0.5)) map[key] = hostileScalar(values, random);
  return map;
}

function hostileValue(declaration: AttributeDeclaration, random: Random): unknown {
  if (declaration.type === 'map') return hostileMap(declaration.values, random);
  if (declaration.type !== 'list') return hostileScalar(declaration.type, random);
  if (random.chance(0.1)) return random.pick([new Set(['vip']), 'vip', null]);
  const list: unknown[] = [];
  const n = random.int(0, 3);
  for (let i = 0; i < n; i++) list.push(hostileScalar(declaration.items, random));
  return list;
}

function randomRecord(attributes: Record<string, AttributeDeclaration>, random: Random, idField?: string): unknown {
  if (random.chance(0.03)) return random.pick([new Map(), null, 'profile', Object.create({ age: 30n }), Object.assign(Object.create(null), { age: 30n })]);
  const raw: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(attributes)) {
    if (random.chance(0.12)) continue;
    raw[name] = hostileValue(declaration, random);
  }
  if (idField !== undefined) raw[idField] = random.chance(0.9) ? 'c1' : 7;
  if (random.chance(0.5)) {
    // A well-formed record now and then, as the engine converts it.
    const plain: Record<string, unknown> = {};
    for (const [name, declaration] of Object.entries(attributes)) {
      if (random.chance(0.1)) continue;
      if (declaration.type === 'map') {
        const map: Record<string, unknown> = {};
        for (const key of mapKeys) if (random.chance(0.6)) map[key] = declaration.values === 'double' ? random.next() : declaration.values === 'int' ? random.int(-5, 5) : declaration.values === 'bool' ? random.chance(0.5) : random.pick(WORDS);
        plain[name] = map;
        continue;
      }
      const v = hostileScalar(declaration.type === 'list' ? declaration.items : declaration.type, random);
      plain[name] = declaration.type === 'list' ? (random.chance(0.5) ? [] : [random.pick(WORDS)]) : typeof v === 'bigint' ? Number(v) : v instanceof Date ? (Number.isNaN(v.getTime()) ? "not-a-date" : v.toISOString().slice(0, 10)) : v;
    }
    return toCelRecord(attributes, plain, idField).value;
  }
  return raw;
}

interface Case {
  expression: Compiled;
  shape: EnvironmentShape;
}

function casesOf(bundle: Bundle): Case[] {
  const cases: Case[] = [];
  const shapeOf = (channelName: string, levelName?: string): EnvironmentShape => {
    const channel = bundle.body.channels.find((c) => c.name === channelName)!;
    const level = channel.audienceLevels.find((l) => l.name === levelName) ?? channel.audienceLevels[0];
    return { profile: level ? { idField: level.idField, attributes: level.attributes } : undefined, session: channel.sessionAttributes };
  };
  const levelOf = new Map(bundle.body.segments.map((s) => [s.name, s.audienceLevel]));
  for (const segment of bundle.body.segments) {
    const shape = shapeOf(segment.channel, segment.audienceLevel);
    cases.push({ expression: compile('segment', segment.expression, shape), shape });
  }
  for (const rule of bundle.body.rules) {
    const shape = shapeOf(rule.channel, rule.segment === null ? undefined : levelOf.get(rule.segment));
    if (rule.eligibility !== null) cases.push({ expression: compile('eligibility', rule.eligibility, shape), shape });
    if (rule.scoreExpression !== null) cases.push({ expression: compile('scoreExpression', rule.scoreExpression, shape), shape });
  }
  for (const policy of bundle.body.policies) {
    for (const rule of policy.rules) {
      const where = (rule as { where?: unknown }).where;
      if (typeof where === 'string') cases.push({ expression: compile('contactWhere', where), shape: {} });
    }
  }
  return cases;
}

function randomContact(random: Random): unknown {
  if (random.chance(0.03)) return random.pick([new Map([['score', 1]]), null, 'contact']);
  const contact: Record<string, unknown> = { customerId: 'c1', offer: 'o1', channel: 'web', date: '2026-07-15', package: 1 };
  const number = (): unknown => random.pick([random.next() * 40 - 10, 0, -0, NaN, 3n, -2n, 2n ** 70n, '5', true, null, undefined, Infinity]);
  for (const field of ['score', 'cost', 'riskScore']) if (!random.chance(0.15)) contact[field] = random.chance(0.6) ? random.next() * 40 - 10 : number();
  return contact;
}

function randomContext(bundle: Bundle, shape: EnvironmentShape, random: Random): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  if (random.chance(0.9)) context['contact'] = randomContact(random);
  if (!random.chance(0.02)) context['profile'] = randomRecord(shape.profile?.attributes ?? {}, random, shape.profile?.idField);
  if (!random.chance(0.02)) context['session'] = randomRecord(shape.session ?? {}, random);
  if (!random.chance(0.02)) context['now'] = random.chance(0.95) ? new Date(Date.UTC(2026, 6, 15)) : '2026-07-15';
  const offers = bundle.body.offers;
  if (offers.length > 0 && !random.chance(0.03)) {
    const offer = toCelOffer(random.pick(offers));
    if (random.chance(0.05)) offer['labels'] = random.pick([{ category: 7 }, null, new Map([['category', 'loan']])]);
    if (random.chance(0.05)) offer['cost'] = random.pick([5n, '5', NaN]);
    context['offer'] = offer;
  }
  return context;
}

function randomLookup(random: Random): ((name: string) => boolean) | null {
  const mode = random.int(0, 19);
  if (mode === 0) return null;
  if (mode === 1) return (name) => {
    throw new Error(`lookup of ${name} failed`);
  };
  const salt = random.int(0, 1000);
  return (name) => (name.length + salt) % 3 !== 0;
}

async function bundles(): Promise<[string, Bundle][]> {
  const out: [string, Bundle][] = [];
  const dir = await mkdtemp(path.join(tmpdir(), 'offerops-fast-eval-'));
  temporary.push(dir);
  await writeLargeConfig(dir, { seed: 20260101, scale: 0.05 });
  out.push(['large config (0.05)', await compileAt(dir)]);
  out.push(['config/', await compileAt(path.join(root, 'config'))]);
  for (const name of ['insurance']) out.push([`fixture ${name}`, await compileAt(path.join(root, 'test/fixtures/configs', name))]);
  return out;
}

describe('fast CEL evaluator, differential against cel-js', () => {
  it('agrees with cel-js (value or thrown message) on every expression of the generated and example configs for hostile seeded contexts', async () => {
    const random = seededRandom(77);
    let answered = 0;
    let delegated = 0;
    let covered = 0;
    let total = 0;
    for (const [, bundle] of await bundles()) {
      mapKeys = [...bundle.body.offers.map((o) => o.name), 'no-such-offer'];
      const cases = casesOf(bundle);
      for (const { expression, shape } of cases) {
        total++;
        if (expression.fast !== null) covered++;
        for (let i = 0; i < 25; i++) {
          if (compare(expression, randomContext(bundle, shape, random), randomLookup(random))) answered++;
          else delegated++;
        }
      }
    }
    // The subset covers most expressions of these configs, and the fast path answers often.
    expect(covered / total).toBeGreaterThan(0.8);
    expect(answered).toBeGreaterThan(delegated / 4);
  }, 60000);
});

const customer: EnvironmentShape = {
  profile: {
    idField: 'id',
    attributes: {
      age: { type: 'int', enum: null },
      income: { type: 'double', enum: null },
      tier: { type: 'string', enum: null },
      optIn: { type: 'bool', enum: null },
      joined: { type: 'date', enum: null },
      tags: { type: 'list', items: 'string' },
      scores: { type: 'list', items: 'int' },
      modelScores: { type: 'map', values: 'double', enum: null },
      visits: { type: 'map', values: 'int', enum: null },
    } as unknown as Record<string, AttributeDeclaration>,
  },
  session: { device: { type: 'string', enum: null } } as unknown as Record<string, AttributeDeclaration>,
};

function both(kind: ExpressionKind, source: string, context: Record<string, unknown>, lookup: ((name: string) => boolean) | null = null): { fast: unknown; cel: Outcome } {
  const expression = compile(kind, source, customer);
  expect(expression.fast, `${source} is in the subset`).not.toBeNull();
  const run = <T>(f: () => T): T => (lookup === null ? f() : withSegmentLookup(lookup, f));
  const fast = run(() => expression.fast!(context));
  const cel = outcome(() => run(() => expression.cel(context)));
  expect(outcome(() => run(() => withFastPath(expression.cel, expression.fast!)(context)))).toEqual(cel);
  if (fast !== UNSURE) expect({ value: fast }).toEqual(cel);
  return { fast, cel };
}

const member = { profile: { id: 'c1', age: 40n, income: 50000, tier: 'gold', optIn: true, joined: new Date(Date.UTC(2020, 0, 1)), tags: ['vip'], scores: [1n, 2n], modelScores: { 'gold-card': 0.8, isa: 0.25 }, visits: { web: 3n } }, session: { device: 'mobile' }, now: new Date(Date.UTC(2026, 6, 15)) };

describe('fast CEL evaluator, operators', () => {
  it('compares ints, doubles, mixed int/double, strings and timestamps as cel-js does', () => {
    expect(both('segment', 'profile.age >= 40', member).fast).toBe(true);
    expect(both('segment', 'profile.age > 40', member).fast).toBe(false);
    expect(both('segment', 'profile.income < 50000.5', member).fast).toBe(true);
    expect(both('segment', 'profile.age < 40.5', member).fast).toBe(true);
    expect(both('segment', 'profile.income >= 50000', member).fast).toBe(true);
    expect(both('segment', 'profile.tier < "silver"', member).fast).toBe(true);
    expect(both('segment', 'profile.joined < timestamp("2021-01-01T00:00:00Z")', member).fast).toBe(true);
    expect(both('segment', 'profile.joined <= now', member).fast).toBe(true);
    expect(both('segment', 'profile.age >= -5', member).fast).toBe(true);
  });

  it('evaluates == and != on strings, bools and ints', () => {
    expect(both('segment', 'profile.tier == "gold" && session.device != "app"', member).fast).toBe(true);
    expect(both('segment', 'profile.optIn == false', member).fast).toBe(false);
    expect(both('segment', 'profile.age != 40', member).fast).toBe(false);
  });

  it('evaluates in over literal lists and declared lists, size(), double(), arithmetic, ?: and string methods', () => {
    expect(both('segment', 'profile.tier in ["gold", "platinum"]', member).fast).toBe(true);
    expect(both('segment', '"vip" in profile.tags', member).fast).toBe(true);
    expect(both('segment', '3 in profile.scores', member).fast).toBe(false);
    expect(both('segment', 'size(profile.tags) >= 1', member).fast).toBe(true);
    expect(both('scoreExpression', 'double(profile.age) / 2.0 + profile.income * 0.001', member).fast).toBe(70);
    expect(both('scoreExpression', 'profile.income >= 150000.0 ? 90.0 : 75.0', member).fast).toBe(75);
    expect(both('segment', 'profile.tier.startsWith("go") && profile.tier.endsWith("d") && profile.tier.contains("ol")', member).fast).toBe(true);
  });

  it('reads offer fields and labels, and delegates a missing label to cel-js', () => {
    const offer = toCelOffer({ name: 'o1', displayName: 'O', cost: 4, labels: { category: 'loan' }, attributes: {} });
    expect(both('eligibility', 'offer.labels.category == "loan" && offer.cost < 5.0', { ...member, offer }).fast).toBe(true);
    const missing = both('eligibility', 'offer.labels.tier == "premium"', { ...member, offer });
    expect(missing.fast).toBe(UNSURE);
    expect(missing.cel).toEqual({ error: expect.stringContaining('No such key: tier') });
  });

  it('adds and subtracts a duration literal to a timestamp as cel-js does', () => {
    expect(both('segment', 'profile.joined < now - duration("24h")', member).fast).toBe(true);
    expect(both('segment', 'profile.joined > now + duration("-60000h")', member).fast).toBe(true);
    expect(both('segment', 'profile.joined >= now - duration("1.5h30m") && profile.joined <= now + duration("90s")', member).fast).toBe(false);
    // The arithmetic itself, compared through ==-free ordering on both sides of the exact result.
    expect(both('segment', 'now - duration("24h") >= timestamp("2026-07-14T00:00:00Z") && now - duration("24h") <= timestamp("2026-07-14T00:00:00Z")', member).fast).toBe(true);
    const noJoined = { ...member, profile: { ...member.profile, joined: undefined } };
    delete (noJoined.profile as Record<string, unknown>)['joined'];
    const missing = both('segment', 'profile.joined < now - duration("24h")', noJoined);
    expect(missing.fast).toBe(UNSURE);
    expect(missing.cel).toEqual({ error: expect.stringContaining('No such key: joined') });
  });

  it('converts an offer-only part once per offer, and delegates one that fails or has the wrong type', () => {
    const offer = (attributes: Record<string, unknown>): Record<string, unknown> => toCelOffer({ name: 'o1', displayName: 'O', cost: 4, labels: { tier: 'premium' }, attributes } as never);
    const withMin = { ...member, offer: offer({ minAge: 30, minIncome: 60000.5, code: 7 }) };
    expect(both('eligibility', 'profile.age >= int(offer.attributes.minAge)', withMin).fast).toBe(true);
    expect(both('eligibility', 'profile.income >= double(offer.attributes.minIncome)', withMin).fast).toBe(false);
    expect(both('eligibility', 'string(offer.attributes.code) == "7"', withMin).fast).toBe(true);
    // The same offer object again: the remembered value, the same answer.
    expect(both('eligibility', 'profile.age >= int(offer.attributes.minAge)', withMin).fast).toBe(true);
    // int("30") is 30 in cel-js; int("thirty") fails: cel-js evaluates and throws its own error.
    expect(both('eligibility', 'profile.age >= int(offer.attributes.minAge)', { ...member, offer: offer({ minAge: '30' }) }).fast).toBe(true);
    const bad = both('eligibility', 'profile.age >= int(offer.attributes.minAge)', { ...member, offer: offer({ minAge: 'thirty' }) });
    expect(bad.fast).toBe(UNSURE);
    expect(bad.cel).toEqual({ error: expect.any(String) });
    const absent = both('eligibility', 'profile.age >= int(offer.attributes.minAge)', { ...member, offer: offer({}) });
    expect(absent.fast).toBe(UNSURE);
    expect(absent.cel).toEqual({ error: expect.stringContaining('minAge') });
    // A part that reads the member too is not offer-only: the whole expression goes to cel-js.
    expect(compile('eligibility', 'int(offer.attributes.minAge + profile.age) > 3', customer).fast).toBeNull();
  });

  it('short-circuits && and || left to right like cel-js, and delegates error absorption', () => {
    const noAge = { ...member, profile: { ...member.profile, age: undefined } };
    delete (noAge.profile as Record<string, unknown>)['age'];
    // false && error = false, true || error = true: decided by the left operand.
    expect(both('segment', 'profile.optIn == false && profile.age > 3', noAge).fast).toBe(false);
    expect(both('segment', 'profile.optIn || profile.age > 3', noAge).fast).toBe(true);
    // error && false = false, error || true = true: delegated, cel-js absorbs the error.
    const absorbed = both('segment', 'profile.age > 3 && profile.optIn == false', noAge);
    expect(absorbed.fast).toBe(UNSURE);
    expect(absorbed.cel).toEqual({ value: false });
    expect(both('segment', 'profile.age > 3 || profile.optIn', noAge).cel).toEqual({ value: true });
    // error && true: cel-js's error, message included.
    expect(both('segment', 'profile.age > 3 && profile.optIn', noAge).cel).toEqual({ error: expect.stringContaining('No such key: age') });
  });

  it('delegates values of the wrong JS type, big ints, non-plain objects and a missing variable', () => {
    for (const profile of [{ ...member.profile, age: 40 }, { ...member.profile, age: 2n ** 70n }, new Map(), Object.create({ age: 40n }) as object]) {
      const result = both('segment', 'profile.age >= 40', { ...member, profile });
      if (!(typeof profile === 'object' && 'age' in profile && profile.age === 2n ** 70n)) expect(result.fast).toBe(UNSURE);
    }
    expect(both('segment', 'profile.age >= 40', { session: member.session }).fast).toBe(UNSURE);
    expect(both('segment', '"vip" in profile.tags', { ...member, profile: { ...member.profile, tags: ['vip', 3] } }).cel).toEqual({ value: true });
  });

  it('calls the inSegment lookup of the evaluation in progress, and delegates outside one', () => {
    expect(both('segment', 'inSegment("a") && profile.optIn', member, (name) => name === 'a').fast).toBe(true);
    expect(both('segment', '!inSegment("a")', member, () => false).fast).toBe(true);
    const outside = both('segment', 'inSegment("a")', member, null);
    expect(outside.fast).toBe(UNSURE);
    expect(outside.cel).toEqual({ error: expect.stringContaining('used outside a decision') });
    const failing = both('segment', 'inSegment("a")', member, () => {
      throw new Error('boom');
    });
    expect(failing.fast).toBe(UNSURE);
  });

  it('orders a dynamic contact field by its run-time type, and delegates what cel-js would refuse', () => {
    const where = (source: string, contact: unknown): { fast: unknown; cel: Outcome } => {
      const expression = compile('contactWhere', source);
      expect(expression.fast, source).not.toBeNull();
      const fast = expression.fast!({ contact });
      const cel = outcome(() => expression.cel({ contact }));
      expect(outcome(() => withFastPath(expression.cel, expression.fast!)({ contact }))).toEqual(cel);
      if (fast !== UNSURE) expect({ value: fast }).toEqual(cel);
      return { fast, cel };
    };
    expect(where('contact.score <= 0.0', { score: -1 }).fast).toBe(true);
    expect(where('contact.score <= 0.0', { score: 3n }).fast).toBe(false);
    expect(where('contact.cost > 8.0 && contact.score < 20.0', { cost: 9, score: 5 }).fast).toBe(true);
    const text = where('contact.score <= 0.0', { score: 'low' });
    expect(text.fast).toBe(UNSURE);
    expect(text.cel).toHaveProperty('error');
    expect(where('contact.riskScore > 0.8', { score: 1 }).cel).toEqual({ error: expect.stringContaining('No such key: riskScore') });
    expect(compile('contactWhere', 'contact.channel == "web"').fast).toBeNull();
  });

  it('indexes a declared map and looks keys up in it, and delegates a missing key or a value of the wrong type', () => {
    const offer = (name: string): Record<string, unknown> => toCelOffer({ name, displayName: name, cost: 4, labels: {}, attributes: {} });
    expect(both('scoreExpression', 'profile.modelScores[offer.name] * 100.0', { ...member, offer: offer('gold-card') }).fast).toBe(80);
    expect(both('scoreExpression', 'profile.modelScores["isa"] + 1.0', member).fast).toBe(1.25);
    expect(both('segment', 'profile.visits["web"] >= 3', member).fast).toBe(true);
    const missing = both('scoreExpression', 'profile.modelScores[offer.name] * 100.0', { ...member, offer: offer('mortgage') });
    expect(missing.fast).toBe(UNSURE);
    expect(missing.cel).toEqual({ error: expect.stringContaining('No such key: mortgage') });
    const wrongType = both('scoreExpression', 'profile.modelScores["isa"] * 2.0', { ...member, profile: { ...member.profile, modelScores: { isa: '0.5' } } });
    expect(wrongType.fast).toBe(UNSURE);
    expect(wrongType.cel).toHaveProperty('error');
    // `key in map`: an own key with a value; not a key the object inherits.
    expect(both('eligibility', 'offer.name in profile.modelScores', { ...member, offer: offer('isa') }).fast).toBe(true);
    expect(both('eligibility', 'offer.name in profile.modelScores', { ...member, offer: offer('mortgage') }).fast).toBe(false);
    expect(both('eligibility', 'offer.name in profile.modelScores', { ...member, offer: offer('toString') }).fast).toBe(false);
    expect(both('eligibility', 'offer.name in profile.modelScores', { ...member, offer: offer('isa'), profile: { ...member.profile, modelScores: { isa: undefined } } }).fast).toBe(false);
    // A map that is not a plain object (a Map, no prototype) goes to cel-js.
    for (const modelScores of [new Map([['isa', 0.25]]), Object.assign(Object.create(null) as object, { isa: 0.25 })]) {
      expect(both('eligibility', '"isa" in profile.modelScores', { ...member, profile: { ...member.profile, modelScores } }).fast).toBe(UNSURE);
    }
    // The map itself is never compared or returned by the fast path.
    expect(compile('segment', 'profile.modelScores == profile.modelScores', customer).fast).toBeNull();
  });

  it('answers has() of a declared field: false when absent, true when of its type, cel-js otherwise', () => {
    const without = (field: string): typeof member => {
      const profile: Record<string, unknown> = { ...member.profile };
      delete profile[field];
      return { ...member, profile } as typeof member;
    };
    expect(both('segment', 'has(profile.modelScores) && "isa" in profile.modelScores', member).fast).toBe(true);
    expect(both('segment', 'has(profile.modelScores) && "isa" in profile.modelScores', without('modelScores')).fast).toBe(false);
    expect(both('segment', 'has(profile.age)', member).fast).toBe(true);
    expect(both('segment', '!has(profile.age)', without('age')).fast).toBe(true);
    expect(both('segment', 'has(session.device)', { ...member, session: {} }).fast).toBe(false);
    expect(both('segment', 'has(profile.tags)', member).fast).toBe(true);
    // A value of another type: cel-js refuses it, with its own message.
    const wrong = both('segment', 'has(profile.age)', { ...member, profile: { ...member.profile, age: 40 } });
    expect(wrong.fast).toBe(UNSURE);
    expect(wrong.cel).toHaveProperty('error');
    expect(both('segment', 'has(profile.age)', { ...member, profile: Object.create({ age: 40n }) as object }).fast).toBe(UNSURE);
  });

  it('answers has() of an offer-only field once per offer', () => {
    const offer = (attributes: Record<string, unknown>): Record<string, unknown> => toCelOffer({ name: 'o1', displayName: 'O', cost: 4, labels: {}, attributes } as never);
    const plain = { ...member, offer: offer({}) };
    expect(both('eligibility', '!has(offer.attributes.appOnly) && profile.optIn', plain).fast).toBe(true);
    expect(both('eligibility', '!has(offer.attributes.appOnly) && profile.optIn', plain).fast).toBe(true);
    expect(both('eligibility', '!has(offer.attributes.appOnly) && profile.optIn', { ...member, offer: offer({ appOnly: true }) }).fast).toBe(false);
  });

  it('adds, subtracts and multiplies ints up to the int64 limit, and delegates an overflow', () => {
    const one = { ...member, profile: { ...member.profile, age: 1n } };
    expect(both('scoreExpression', '40.0 + double(profile.age - 700) / 10.0', one).fast).toBe(40 - 69.9);
    expect(both('segment', 'profile.age * 3 + 1 == 4', one).fast).toBe(true);
    // 9223372036854775807 is the largest int64: one below it, it, and one past it.
    expect(both('segment', 'profile.age + 9223372036854775805 > 0', one).fast).toBe(true);
    expect(both('segment', 'profile.age + 9223372036854775806 > 0', one).fast).toBe(true);
    const past = both('segment', 'profile.age + 9223372036854775807 > 0', one);
    expect(past.fast).toBe(UNSURE);
    expect(past.cel).toEqual({ error: expect.stringContaining('overflow') });
    const below = both('segment', 'profile.age - 9223372036854775807 - 3 < 0', { ...member, profile: { ...member.profile, age: 0n } });
    expect(below.fast).toBe(UNSURE);
    expect(below.cel).toEqual({ error: expect.stringContaining('overflow') });
    expect(both('segment', 'profile.age - 9223372036854775807 - 1 < 0', { ...member, profile: { ...member.profile, age: 0n } }).fast).toBe(true);
  });

  it('leaves expressions outside the subset to cel-js', () => {
    for (const source of ['profile.age / 2 > 3', 'profile.age % 2 == 0', 'profile.tags.exists(t, t == "vip")', 'profile.joined < now - duration(session.device)', 'has(profile.modelScores.isa)', 'size(profile.tier) > 3', '[] == []']) {
      expect(compile('segment', source, customer).fast, source).toBeNull();
    }
  });
});
