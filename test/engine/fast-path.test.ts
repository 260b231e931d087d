// Differential test of the decision engine's fast path (pair-plan.ts, ranked-walk.ts,
// error-risk.ts) against the exhaustive reference (reference-engine.ts): on generated and
// example configs, seeded random members (profiles with missing attributes now and then,
// sessions, histories), several days and every interaction point, the decisions must be
// identical — offers, scores, rules, treatment codes, defaultString, controlGroups and
// errors — and identical again with explain on and with a reused session cache.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLargeConfig, seededRandom } from '../../bench/generate/large-config.mjs';
import type { AttributeDeclaration, Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { expressionReads, splitScore } from '../../src/engine/expression-reads.js';
import type { Decision, DecisionRequest, HistoryRow } from '../../src/engine/types.js';
import { bundleShapes, ExpressionCompiler, type Evaluator } from '../../src/expr/index.js';
import { ReferenceEngine, type ReferenceDecision } from './reference-engine.js';
import { compileFixture, strategy, policy } from './engine-fixture.js';

type Random = ReturnType<typeof seededRandom>;

const root = path.resolve(import.meta.dirname, '../..');
const DAYS = ['2026-01-15', '2026-03-01', '2026-05-01', '2026-07-15', '2026-09-30', '2026-12-24'];

async function compileAt(dir: string): Promise<Bundle> {
  const result = await compileDirectory(dir, { root: dir });
  if (!result.bundle) throw new Error(`${dir} does not compile: ${result.problems.find((p) => p.severity === 'error')?.message}`);
  return result.bundle;
}

/** String literals of the bundle's expressions: values a random profile should sometimes hit. */
function vocabulary(bundle: Bundle): string[] {
  const words = new Set<string>(['vip', 'student', 'checking', 'savings', ...bundle.body.offers.slice(0, 8).map((o) => o.name)]);
  const sources = [...bundle.body.segments.map((s) => s.expression), ...bundle.body.rules.flatMap((r) => [r.eligibility ?? '', r.scoreExpression ?? ''])];
  for (const source of sources) for (const match of source.matchAll(/"([^"]*)"/g)) words.add(match[1]!);
  return [...words];
}

function randomValue(declaration: AttributeDeclaration, random: Random, words: string[], offers: readonly string[]): unknown {
  const scalar = (type: string, values?: readonly unknown[]): unknown => {
    if (values && values.length > 0) return random.pick([...values]);
    switch (type) {
      case 'int':
        return random.pick([random.int(0, 100), random.int(300, 850), random.int(0, 400), random.int(1, 6)]);
      case 'double':
        return random.pick([random.round(random.next() * 300000), random.round(random.next() * 50000), random.round(random.next(), 3)]);
      case 'bool':
        return random.chance(0.5);
      case 'date':
        return `20${String(random.int(0, 26)).padStart(2, '0')}-0${random.int(1, 9)}-1${random.int(0, 9)}`;
      default:
        return random.chance(0.7) ? random.pick(words) : `x${random.int(0, 9)}`;
    }
  };
  if (declaration.type === 'map') {
    // Model scores keyed by offer name: some offers scored, others not (a key the map lacks fails at run time).
    const out: Record<string, unknown> = {};
    for (const offer of offers) if (random.chance(0.6)) out[offer] = declaration.values === 'double' ? random.round(random.next(), 3) : scalar(declaration.values);
    return out;
  }
  if (declaration.type === 'list') {
    const out: unknown[] = [];
    for (let i = random.int(0, 3); i > 0; i--) out.push(scalar(declaration.items, declaration.enum ?? undefined));
    return out;
  }
  return scalar(declaration.type, declaration.enum ?? undefined);
}

interface Scenario {
  name: string;
  bundle: Bundle;
}

function requestsFor(bundle: Bundle, seed: number, members: number): { request: DecisionRequest; member: string }[] {
  const random = seededRandom(seed);
  const words = vocabulary(bundle);
  const offers = bundle.body.offers.map((o) => o.name);
  const out: { request: DecisionRequest; member: string }[] = [];
  for (let m = 0; m < members; m++) {
    const channel = random.pick(bundle.body.channels);
    const level = random.pick(channel.audienceLevels);
    const id = `m${m}`;
    const profile: Record<string, unknown> = { [level.idField]: id };
    for (const [name, declaration] of Object.entries(level.attributes)) {
      // Now and then an attribute is missing: expressions reading it fail at run time.
      if (random.chance(0.04)) continue;
      profile[name] = randomValue(declaration, random, words, offers);
    }
    const session: Record<string, unknown> = {};
    for (const [name, declaration] of Object.entries(channel.sessionAttributes)) if (!random.chance(0.05)) session[name] = randomValue(declaration, random, words, offers);
    const at = random.pick(DAYS);
    const history: HistoryRow[] = [];
    for (let k = random.int(0, 8); k > 0; k--) {
      const day = random.int(1, 28);
      history.push({
        customerId: random.chance(0.9) ? id : 'someone-else',
        offer: random.pick(offers),
        channel: random.pick([channel.name, 'email', 'sms']),
        date: `2026-${String(random.int(1, 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        event: random.pick(['contact', 'contact', 'contact', 'accept', 'reject'] as const),
      });
    }
    const points = Object.keys(channel.interactionPoints);
    // Every point of the channel, for members on it: the same member and day for each (a session).
    for (const point of points) {
      out.push({
        member: id,
        request: { channel: channel.name, interactionPoint: point, audience: { level: level.name, id, profile }, session, history, at, count: random.int(1, 6) },
      });
    }
  }
  return out;
}

function core(decision: Decision | ReferenceDecision): ReferenceDecision {
  const out: ReferenceDecision = { offers: decision.offers, controlGroups: decision.controlGroups, errors: decision.errors };
  if (decision.defaultString !== undefined) out.defaultString = decision.defaultString;
  return out;
}

const scenarios: Scenario[] = [];
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'offerops-fast-path-'));
  const large = path.join(scratch, 'large');
  for (const [name, text] of generateLargeConfig({ seed: 7, scale: 0.05 }).files) {
    await mkdir(path.dirname(path.join(large, name)), { recursive: true });
    await writeFile(path.join(large, name), text);
  }
  scenarios.push({ name: 'generated large config at 1/20 scale', bundle: await compileAt(large) });
  scenarios.push({ name: 'the example config/', bundle: await compileAt(path.join(root, 'config')) });
  for (const fixture of ['insurance', 'spec-snippets']) scenarios.push({ name: `fixture ${fixture}`, bundle: await compileAt(path.join(root, 'test/fixtures/configs', fixture)) });
  // Hand-made: ties, held-out rules with several offers, split/member/eager scores, failing expressions, policies.
  scenarios.push({
    name: 'hand-made ties, holdouts, score kinds and failures',
    bundle: await compileFixture(
      strategy('a', [
        '{ name: tie-1, offerList: credit-offers, score: 50 }',
        '{ name: tie-2, offer: gold-card, score: 50, controlGroup: { percent: 50 } }',
        "{ name: held, offerList: credit-offers, scoreExpression: 'offer.cost * 10.0 + double(profile.age) / 2.0', controlGroup: { percent: 40 } }",
        "{ name: by-income, offer: savings-plus, scoreExpression: 'profile.income / 1000.0', eligibility: 'profile.tier != \"bronze\"' }",
        "{ name: by-age, offer: travel-insurance, scoreExpression: 'double(profile.age) * 1.5 - offer.cost' }",
        "{ name: eager, offerList: credit-offers, scoreExpression: 'profile.age > 30 ? offer.cost * 20.0 : 1.0', segment: high-value }",
        "{ name: int-score, offer: savings-plus, scoreExpression: 'double(profile.age / 2)', segment: adults }",
        "{ name: per-pair, offerList: credit-offers, score: 49, eligibility: 'offer.cost < 3.0 && \"a\" in profile.tags' }",
        "{ name: offer-only, offerList: credit-offers, score: 45, eligibility: 'offer.cost > 3.0' }",
        '{ name: dated, offer: platinum-card, score: 95, effective: 2026-03-01, expires: 2026-05-31 }',
      ]) +
        '---\n' +
        policy('guard', ['{ name: only-adults, type: customersIn, mode: include, segment: adults, offers: { offer: platinum-card } }', '{ name: one-package, type: maxPackages, max: 1, periodDays: 7 }']),
    ),
  });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the fast path decides exactly as the exhaustive reference', () => {
  it('on every scenario, for random members at every interaction point, with and without explain and cache', () => {
    expect(scenarios.length).toBe(5);
    let compared = 0;
    let withOffers = 0;
    let withControl = 0;
    let withErrors = 0;
    for (const [index, scenario] of scenarios.entries()) {
      const engine: Engine = createEngine(scenario.bundle);
      const reference = new ReferenceEngine(scenario.bundle);
      const members = index === 0 ? 120 : 80;
      let cache = engine.newSegmentCache();
      let cacheMember = '';
      for (const { request, member } of requestsFor(scenario.bundle, 1000 + index, members)) {
        const fast = engine.decide(request);
        const expected = reference.decide(request);
        const context = `${scenario.name}: ${request.audience.id} at ${request.channel}/${request.interactionPoint} on ${request.at}`;
        expect(core(fast), context).toEqual(expected);
        expect(core(engine.decide({ ...request, explain: true })), `${context} (explain)`).toEqual(expected);
        if (member !== cacheMember) {
          cache = engine.newSegmentCache();
          cacheMember = member;
        }
        // The same session twice: the memo must not change the decision.
        expect(core(engine.decide(request, cache)), `${context} (cache)`).toEqual(expected);
        expect(core(engine.decide(request, cache)), `${context} (cache, again)`).toEqual(expected);
        compared++;
        if (fast.offers.length > 0) withOffers++;
        if (fast.controlGroups.length > 0) withControl++;
        if (fast.errors.length > 0) withErrors++;
      }
    }
    // The data must exercise what is compared.
    expect(compared).toBeGreaterThan(1000);
    expect(withOffers).toBeGreaterThan(compared / 3);
    expect(withControl).toBeGreaterThan(20);
    expect(withErrors).toBeGreaterThan(20);
  });
});

describe('what the fast path must keep from the exhaustive definition', () => {
  it('reports a held-out rule only when its offer is reached before the response is full', async () => {
    const engine = createEngine(
      await compileFixture(strategy('s', ['{ name: top, offer: gold-card, score: 90 }', '{ name: low-holdout, offer: savings-plus, score: 10, controlGroup: { percent: 100 } }', '{ name: mid, offer: platinum-card, score: 50 }'])),
    );
    const base: DecisionRequest = { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40 } }, at: '2026-05-01', count: 2 };
    expect(engine.decide(base).controlGroups).toEqual([]);
    expect(engine.decide({ ...base, count: 3 }).controlGroups).toEqual(['low-holdout']);
  });

  it('judges the inputs again when a session cache gets another profile: errors come and go with the attribute', async () => {
    const engine = createEngine(await compileFixture(strategy('s', ['{ name: top, offer: gold-card, score: 90 }', "{ name: low, offer: savings-plus, score: 1, eligibility: 'profile.income > 10.0' }"])));
    const request = (profile: Record<string, unknown>): DecisionRequest => ({ interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40, ...profile } }, at: '2026-05-01', count: 1 });
    const cache = engine.newSegmentCache();
    const failure = [expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'low' eligibility" })];
    // The same inputs twice (memoised), then new ones: each answer is the one without a cache.
    // With count 1 the failing rule is never reached by the walk: only the judgement of the
    // inputs sends the decision to look for its errors.
    for (const profile of [{ income: 50 }, { income: 50 }, {}, {}, { income: 5 }, {}]) {
      const alone = engine.decide(request(profile));
      expect(alone.errors, JSON.stringify(profile)).toEqual('income' in profile ? [] : failure);
      const cached = engine.decide(request(profile), cache);
      expect({ offers: cached.offers, errors: cached.errors }, JSON.stringify(profile)).toEqual({ offers: alone.offers, errors: alone.errors });
    }
  });

  it('reports the run-time failures of every rule of the zone, also of rules ranked below the response', async () => {
    const engine = createEngine(await compileFixture(strategy('s', ['{ name: top, offer: gold-card, score: 90 }', "{ name: low, offer: savings-plus, score: 1, eligibility: 'profile.income > 10.0' }"])));
    const decision = engine.decide({ interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40 } }, at: '2026-05-01', count: 1 });
    expect(decision.offers.map((o) => o.offer)).toEqual(['gold-card']);
    expect(decision.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'low' eligibility" })]);
  });

  // The error analysis (error-risk.ts) lets a decision skip the error pass, or pass over only
  // the rules that may fail for the member; these are the cases it reasons about, each
  // decided also by the exhaustive reference, with the rule that may fail ranked below the response.
  const attributeOffers =
    "---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: age-card, labels: { group: attr } }\nspec: { displayName: Age card, attributes: { minAge: 30 } }\n" +
    "---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: open-card, labels: { group: attr } }\nspec: { displayName: Open card, attributes: { creative: x } }\n" +
    "---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: attr-offers }\nspec: { where: 'offer.labels.group == \"attr\"' }\n";
  const decideBoth = (bundle: Bundle, request: DecisionRequest): { fast: ReferenceDecision; expected: ReferenceDecision } => {
    const fast = core(createEngine(bundle).decide(request));
    const expected = new ReferenceEngine(bundle).decide(request);
    expect(fast).toEqual(expected);
    return { fast, expected };
  };

  it.each([8, 9, 10])('ranks a zone of %i member-score streams (one per expression), the last stream holding the best score', async (streams) => {
    const offers = ['gold-card', 'platinum-card', 'savings-plus', 'travel-insurance'];
    const rules = Array.from({ length: streams }, (_, k) => `{ name: r${k}, offer: ${offers[k % 4]}, scoreExpression: 'double(profile.age) + ${k}.0' }`);
    const bundle = await compileFixture(strategy('s', rules));
    const { fast } = decideBoth(bundle, { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40 } }, at: '2026-05-01', count: 4 });
    // Each offer with the score of its last rule: streams - 4 .. streams - 1.
    const best = Array.from({ length: 4 }, (_, i) => streams - 1 - i);
    expect(fast.offers.map((o) => [o.offer, o.score, o.rule])).toEqual(best.map((k) => [offers[k % 4], 40 + k, `r${k}`]));
  });

  it('reports an offer-only part that fails for one of the rule offers, from a rule below the response', async () => {
    const bundle = await compileFixture(
      strategy('s', ['{ name: top, offer: gold-card, score: 90 }', "{ name: low, offerList: attr-offers, score: 1, eligibility: 'profile.age >= int(offer.attributes.minAge)' }"]) + attributeOffers,
    );
    const { fast } = decideBoth(bundle, { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40 } }, at: '2026-05-01', count: 1 });
    expect(fast.offers.map((o) => o.offer)).toEqual(['gold-card']);
    expect(fast.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'low' eligibility" })]);
    // Every offer has the attribute: nothing can fail for a member with an age.
    const total = await compileFixture(strategy('s', ['{ name: top, offer: gold-card, score: 90 }', "{ name: low, offer: age-card, score: 1, eligibility: 'profile.age >= int(offer.attributes.minAge)' }"]) + attributeOffers);
    expect(decideBoth(total, { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age: 40 } }, at: '2026-05-01', count: 1 }).fast.errors).toEqual([]);
    expect(decideBoth(total, { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1' } }, at: '2026-05-01', count: 1 }).fast.errors).toEqual([
      expect.objectContaining({ code: 'expression-error', place: "strategy 's' rule 'low' eligibility" }),
    ]);
  });

  it.each([
    ['just inside the bound the analysis assumes', 999_999_999_999_999, 0],
    ['at the bound', 1_000_000_000_000_000, 0],
    ['just past it', 1_000_000_000_000_001, 0],
    ['far past it, where the product overflows int64', 5_000_000_000_000_000_000, 1],
  ])('reports int arithmetic that overflows, from a rule below the response: an int attribute %s', async (_label, age, errors) => {
    const bundle = await compileFixture(strategy('s', ['{ name: top, offer: gold-card, score: 90 }', "{ name: low, offer: savings-plus, score: 1, eligibility: 'profile.age * 2 > 0' }"]));
    const { fast } = decideBoth(bundle, { interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', age } }, at: '2026-05-01', count: 1 });
    expect(fast.errors).toHaveLength(errors);
  });

  it('reports a segment with now - duration("…") that fails for a missing date, from a rule below the response', async () => {
    const bundle = await compileFixture(
      strategy('s', ['{ name: top, offer: gold-card, score: 90 }', '{ name: low, offer: savings-plus, score: 1, segment: recent }']) +
        "---\napiVersion: offerops/v1\nkind: Segment\nmetadata: { name: recent }\nspec: { channel: web, expression: 'profile.joined > now - duration(\"2160h\")' }\n",
    );
    const request = (profile: Record<string, unknown>): DecisionRequest => ({ interactionPoint: 'home-sidebar', audience: { id: 'c1', profile: { customerId: 'c1', ...profile } }, at: '2026-05-01', count: 1 });
    expect(decideBoth(bundle, request({ joined: '2026-04-01' })).fast.errors).toEqual([]);
    expect(decideBoth(bundle, request({})).fast.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "segment 'recent'" })]);
  });
});

describe('what an expression reads, and the halves of a split score (the parts the fast path computes at load)', () => {
  let compiler: ExpressionCompiler;
  beforeAll(async () => {
    const bundle = await compileFixture(strategy('s', ['{ name: r, offer: gold-card, score: 1 }']));
    compiler = new ExpressionCompiler(bundleShapes(bundle.body.channels));
  });

  it.each([
    ['offer.cost > 1.0', { offer: true, member: false }],
    ['profile.age > 30', { offer: false, member: true }],
    ['session.device == "app"', { offer: false, member: true }],
    ['now > timestamp("2026-01-01T00:00:00Z")', { offer: false, member: true }],
    ['inSegment("adults")', { offer: false, member: true }],
    ['true', { offer: false, member: false }],
    ['size(offer.labels) > 0', { offer: true, member: false }],
    ['offer.labels.category.startsWith("c")', { offer: true, member: false }],
    ['[1, 2].exists(x, x > 1)', { offer: false, member: false }],
    ['offer.cost > 1.0 && inSegment("adults")', { offer: true, member: true }],
  ])('%s reads %j', (source, reads) => {
    expect(expressionReads(compiler.compile('eligibility', source, 'p', 'web', 'customer'))).toEqual(reads);
  });

  it.each([
    ['offer.cost * 10.0 + double(profile.age)', { offerSource: 'offer.cost * 10.0', memberSource: 'double(profile.age)', offerSign: 1, memberSign: 1 }],
    ['offer.cost * 10.0 - double(profile.age)', { offerSource: 'offer.cost * 10.0', memberSource: 'double(profile.age)', offerSign: 1, memberSign: -1 }],
    ['double(profile.age) - offer.cost', { offerSource: 'offer.cost', memberSource: 'double(profile.age)', offerSign: -1, memberSign: 1 }],
    ['double(profile.age) + offer.cost', { offerSource: 'offer.cost', memberSource: 'double(profile.age)', offerSign: 1, memberSign: 1 }],
    ['(offer.cost) + (double(profile.age))', { offerSource: 'offer.cost', memberSource: 'double(profile.age)', offerSign: 1, memberSign: 1 }],
    ['offer.cost - 1.0 + double(profile.age)', { offerSource: 'offer.cost - 1.0', memberSource: 'double(profile.age)', offerSign: 1, memberSign: 1 }],
    ['offer.cost * double(profile.age)', null],
    ['offer.cost + double(profile.age) * offer.cost', null],
    ['double(profile.age) * offer.cost - offer.cost', null],
  ])('splits %s into %j', (source, split) => {
    expect(splitScore(compiler.compile('scoreExpression', source, 'p', 'web', 'customer'), source)).toEqual(split);
  });

  it('takes an evaluator without a syntax tree as reading everything, and splits none', () => {
    const opaque = {} as unknown as Evaluator;
    expect(expressionReads(opaque)).toEqual({ offer: true, member: true });
    expect(splitScore(opaque, 'offer.cost + double(profile.age)')).toBeNull();
  });
});
