// The example organisation in config/ (docs/example-organisation.md) is what newcomers learn from: it must
// validate cleanly, compile, and show every feature of the language. Counts and features
// are read from the compiled bundle, so they hold for what runtimes actually load.
// environments/*.yaml must match the Environment schema (docs/config-language.md#environment).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Bundle, BundleTreatmentRule, PolicyRuleType } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import type { Problem } from '../../src/config/problem.js';
import type { EnvironmentDocument } from '../../src/config/types.generated.js';
import { runCli } from '../cli/run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Warnings the example deliberately has (docs/example-organisation.md explains each). */
const EXPECTED_WARNINGS = 0;

let bundle: Bundle;
let problems: Problem[];
let files: string[];

beforeAll(async () => {
  const result = await compileDirectory(path.join(repo, 'config'), { root: repo });
  problems = result.problems;
  files = result.files;
  expect(result.bundle, JSON.stringify(problems, null, 2)).not.toBeNull();
  bundle = result.bundle!;
});

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

const rules = (): BundleTreatmentRule[] => bundle.body.rules;
const enabledRules = (): BundleTreatmentRule[] => rules().filter((r) => r.enabled);

describe('the example organisation (config/)', () => {
  it('validates with no errors and exactly the expected warnings', () => {
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.filter((p) => p.severity === 'warning')).toHaveLength(EXPECTED_WARNINGS);
  });

  it('is split into several files by kind, as a team would keep it', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const folder of ['channels', 'offers', 'offer-lists', 'segments', 'strategies', 'policies', 'tests']) {
      expect(files.some((f) => f.startsWith(`config/${folder}/`)), folder).toBe(true);
    }
  });

  it('passes `offerops validate` and `offerops start` through the CLI with exit 0', async () => {
    const validate = await runCli(['validate'], { cwd: repo });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toContain('0 errors, 0 warnings');
    const start = await runCli(['start'], { cwd: repo });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(/bundle sha256:[0-9a-f]{64}/);
    expect(start.stderr).toMatch(/\d+ cases in \d+ tests: \d+ passed, 0 failed/);
  });

  it('has at least two channels, each with zones, a typed profile, session attributes and all four event actions', () => {
    const { channels } = bundle.body;
    expect(channels.length).toBeGreaterThanOrEqual(2);
    for (const channel of channels) {
      expect(channel.zones.length, channel.name).toBeGreaterThanOrEqual(2);
      expect(Object.keys(channel.sessionAttributes).length, channel.name).toBeGreaterThan(0);
      expect(channel.audienceLevels[0]!.name).toBe('customer');
      const actions = new Set(channel.events.flatMap((e) => e.actions));
      expect([...actions].sort(), channel.name).toEqual(['logAccept', 'logContact', 'logReject', 'resegment']);
      expect(channel.events.every((e) => e.category === null || channel.categories.includes(e.category))).toBe(true);
    }
  });

  it('declares every attribute type, with enums, on the web customer profile', () => {
    const web = bundle.body.channels.find((c) => c.name === 'web')!;
    const attributes = Object.values(web.audienceLevels[0]!.attributes);
    expect(new Set(attributes.map((a) => a.type))).toEqual(new Set(['int', 'double', 'string', 'bool', 'date', 'list', 'map']));
    expect(attributes.some((a) => a.type !== 'list' && a.enum !== null)).toBe(true);
  });

  it('has 25+ offers, some dated, most with suppression of every kind', () => {
    const { offers } = bundle.body;
    expect(offers.length).toBeGreaterThanOrEqual(25);
    expect(offers.some((o) => o.effective !== null)).toBe(true);
    expect(offers.some((o) => o.expires !== null)).toBe(true);
    expect(offers.some((o) => o.suppression.afterAccept)).toBe(true);
    expect(offers.some((o) => o.suppression.maxRejects !== null)).toBe(true);
    expect(offers.some((o) => o.suppression.maxContacts !== null)).toBe(true);
    const suppressed = offers.filter((o) => o.suppression.afterAccept || o.suppression.maxRejects !== null || o.suppression.maxContacts !== null);
    expect(suppressed.length).toBeGreaterThan(offers.length / 2);
    expect(offers.some((o) => o.cost > 0)).toBe(true);
    expect(offers.every((o) => Object.keys(o.labels).includes('category'))).toBe(true);
  });

  it('keeps nearly every offer live through the simulation month (November 2026)', () => {
    const live = (day: string) => bundle.body.offers.filter((o) => (o.effective ?? '0000') <= day && day <= (o.expires ?? '9999'));
    // Dated on purpose: black-friday-cashback (20-30 Nov), winter-bonus-saver (from 1 Dec), legacy-bond-2025 (withdrawn).
    expect(live('2026-11-02').length).toBe(bundle.body.offers.length - 3);
    expect(live('2026-11-25').map((o) => o.name)).toContain('black-friday-cashback');
  });

  it('has static and smart offer lists, none of them empty', () => {
    const lists = bundle.body.offerLists;
    expect(lists.some((l) => l.where === null)).toBe(true);
    expect(lists.some((l) => l.where !== null)).toBe(true);
    expect(lists.some((l) => l.where !== null && l.where.includes('offer.cost'))).toBe(true);
    for (const list of lists) expect(list.offers.length, list.name).toBeGreaterThan(0);
  });

  it('has 12+ segments, at least two built on other segments with inSegment', () => {
    const { segments } = bundle.body;
    expect(segments.length).toBeGreaterThanOrEqual(12);
    expect(segments.filter((s) => s.dependsOn.length > 0).length).toBeGreaterThanOrEqual(2);
    // a chain of at least two levels: students → young-adults → adults
    const byName = new Map(segments.map((s) => [s.name, s]));
    const depth = (name: string): number => 1 + Math.max(0, ...byName.get(name)!.dependsOn.map(depth));
    expect(Math.max(...segments.map((s) => depth(s.name)))).toBeGreaterThanOrEqual(3);
    expect(segments.some((s) => s.expression.includes('now'))).toBe(true);
    expect(segments.some((s) => / in profile\./.test(s.expression))).toBe(true);
    expect(segments.some((s) => s.expression.includes('session.'))).toBe(true);
  });

  it('has 40+ treatment rules in several strategies per channel', () => {
    expect(rules().length).toBeGreaterThanOrEqual(40);
    expect(bundle.body.strategies.length).toBeGreaterThanOrEqual(2);
    const channelsWithRules = new Set(rules().map((r) => r.channel));
    expect(channelsWithRules.size).toBe(bundle.body.channels.length);
  });

  it.each<[string, (r: BundleTreatmentRule) => boolean]>([
    ['a segment', (r) => r.segment !== null],
    ['no segment', (r) => r.segment === null],
    ['a zone', (r) => r.zone !== null],
    ['no zone', (r) => r.zone === null],
    ['an offer', (r) => r.offer !== null],
    ['an offer list', (r) => r.offerList !== null],
    ['a score alone', (r) => r.scoreExpression === null],
    ['a scoreExpression', (r) => r.scoreExpression !== null],
    ['a scoreExpression reading the offer', (r) => r.scoreExpression?.includes('offer.') === true],
    ['an eligibility', (r) => r.eligibility !== null],
    ['an eligibility reading the offer', (r) => r.eligibility?.includes('offer.') === true],
    ['an effective date', (r) => r.effective !== null],
    ['an expiry date', (r) => r.expires !== null],
    ['enabled: false', (r) => !r.enabled],
    ['a control group', (r) => r.controlGroupPercent > 0],
    ['a list pick', (r) => r.pick !== undefined && r.offerList !== null],
  ])('shows a treatment rule with %s', (_feature, has) => {
    expect(rules().some(has)).toBe(true);
  });

  it('reaches every interaction point with an enabled rule', () => {
    for (const channel of bundle.body.channels) {
      for (const zone of channel.zones) {
        const reaching = enabledRules().filter((r) => r.channel === channel.name && (r.zone === null || r.zone === zone.name));
        expect(reaching.length, `${channel.name}/${zone.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('uses all ten optimization rule types, batch and real time, with every scope', () => {
    const { policies } = bundle.body;
    const all = policies.flatMap((p) => p.rules);
    const types: PolicyRuleType[] = [
      'customersIn', 'interactionsWhere', 'offerCapacity', 'customCapacity', 'customerOfferCount',
      'maxPackages', 'maxDuplicateOffers', 'neverAWithB', 'neverAFollowedByB', 'bOnlyWithA',
    ];
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(types));
    expect(new Set(policies.map((p) => p.realtime))).toEqual(new Set([false, true]));
    // the batch policy alone shows all ten, so a reader finds them in one file
    const batch = policies.filter((p) => !p.realtime).flatMap((p) => p.rules);
    expect(new Set(batch.map((r) => r.type))).toEqual(new Set(types));
    expect(all.some((r) => r.segment !== null)).toBe(true);
    expect(all.some((r) => r.channel !== null)).toBe(true);
    expect(all.some((r) => r.periodDays !== null)).toBe(true);
    expect(all.some((r) => r.type === 'offerCapacity' && r.exceptions.length > 0)).toBe(true);
    expect(all.some((r) => r.type === 'customCapacity' && r.field === 'riskScore' && r.aggregate === 'avg')).toBe(true);
    expect(new Set(all.filter((r) => r.type === 'customersIn' || r.type === 'interactionsWhere').map((r) => r.mode))).toEqual(new Set(['include', 'exclude']));
  });

  it('is refused when a copy of it gains an inSegment cycle (the checks above are not vacuous)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-example-'));
    temps.push(dir);
    await mkdir(path.join(dir, '.git'));
    await cp(path.join(repo, 'config'), path.join(dir, 'config'), { recursive: true });
    const file = path.join(dir, 'config/segments/web.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace("expression: 'profile.age >= 18'", "expression: 'profile.age >= 18 && !inSegment(\"students\")'"));
    const result = await compileDirectory(path.join(dir, 'config'), { root: dir });
    expect(result.bundle).toBeNull();
    expect(result.problems.map((p) => p.rule)).toContain('segment-cycle');
  });
});

// The example's behaviour tests (config/tests/, docs/behaviour-tests.md) pin the tour:
// they pass, reach every strategy, and a rule change that breaks one fails.
describe('the example behaviour tests', () => {
  interface Coverage { strategies: { name: string; reached: number }[]; segments: { cases: number }[]; passingWithExpressionErrors: unknown[] }
  interface Run { summary: { cases: number; passed: number; failed: number; errors: number }; coverage: Coverage }
  let run: Run;
  beforeAll(async () => {
    const result = await runCli(['test', '--coverage', '--json'], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    run = JSON.parse(result.stdout) as Run;
  });

  it('all pass', () => {
    expect(run.summary.cases).toBeGreaterThanOrEqual(30);
    expect(run.summary).toMatchObject({ failed: 0, errors: 0 });
    expect(run.summary.passed).toBe(run.summary.cases);
  });

  it('reach every strategy, and pass with no run-time expression failure', () => {
    expect(run.coverage.strategies.map((s) => s.name).sort()).toEqual(bundle.body.strategies.map((s) => s.name).sort());
    for (const strategy of run.coverage.strategies) expect(strategy.reached, strategy.name).toBeGreaterThan(0);
    expect(run.coverage.passingWithExpressionErrors).toEqual([]);
  });

  it('pin a suppression, a control group, a date-limited offer, a realtime policy and a default string', async () => {
    const text = (await Promise.all(files.filter((f) => f.startsWith('config/tests/')).map((f) => readFile(path.join(repo, f), 'utf8')))).join('\n');
    expect(text).toMatch(/event: reject/); // suppression after a rejection
    expect(text).toMatch(/controlGroups: \[[a-z]/); // a member held out
    expect(text).toMatch(/at: 2026-12-01/); // the day a dated offer starts
    expect(text).toMatch(/realtime policy/i);
    expect(text).toMatch(/defaultString: /);
  });

  it('fail at the pinned line when a rule change breaks the tour', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-example-'));
    temps.push(dir);
    await mkdir(path.join(dir, '.git'));
    await cp(path.join(repo, 'config'), path.join(dir, 'config'), { recursive: true });
    const file = path.join(dir, 'config/strategies/web-home.yaml');
    const text = await readFile(file, 'utf8');
    // Black Friday's hero rule drops below the first-home mortgage (85).
    await writeFile(file, text.replace(/(offer: black-friday-cashback\n\s+score: )95/, '$180'));
    expect(await readFile(file, 'utf8')).not.toBe(text);
    const result = await runCli(['test'], { cwd: dir });
    expect(result.code).toBe(1);
    const tests = await readFile(path.join(dir, 'config/tests/web-home.yaml'), 'utf8');
    const line = tests.split('\n').findIndex((l) => l.includes('offers: [black-friday-cashback, first-time-buyer-mortgage, balance-transfer-card]')) + 1;
    expect(result.stderr).toContain(`config/tests/web-home.yaml:${line}:9: expect.offers: expected offers`);
    expect(result.stderr).toContain('expected offers [black-friday-cashback, first-time-buyer-mortgage, balance-transfer-card], got [first-time-buyer-mortgage, black-friday-cashback, balance-transfer-card]');
  });
});

// The worked example of docs/example-organisation.md ("A decision, step by step"),
// decided by the engine, so the tour never drifts from what the runtime does.
describe('the decision tour of the guide', () => {
  const priya = {
    customerId: 'C-100231', age: 31, income: 62000, tier: 'plus', creditScore: 735, riskScore: 0.12, employment: 'employed',
    region: 'england', dependants: 0, savingsBalance: 18000, hasMortgage: false, customerSince: '2019-04-12', lastLogin: '2026-11-20',
    products: ['current-account', 'savings'], marketingConsent: true, vulnerable: false,
  };
  let engine: Engine;
  beforeAll(() => {
    engine = createEngine(bundle);
  });
  const decide = (request: Partial<DecisionRequest> & Pick<DecisionRequest, 'interactionPoint'>, profile: Record<string, unknown> = priya) =>
    engine.decide({ audience: { id: String(profile['customerId']), profile }, session: { device: 'desktop' }, at: '2026-11-25', count: 3, ...request });
  const picks = (d: ReturnType<Engine['decide']>) => d.offers.map((o) => [o.offer, o.score, o.rule]);

  it('gives Priya the Black Friday card, the first-home mortgage and the first 55-point card on home-tiles', () => {
    const decision = decide({ interactionPoint: 'home-tiles' });
    expect(decision.errors ?? []).toEqual([]);
    expect(decision.controlGroups).toEqual([]);
    expect(picks(decision)).toEqual([
      ['black-friday-cashback', 95, 'hero-black-friday'],
      ['first-time-buyer-mortgage', 85, 'hero-first-home'],
      ['balance-transfer-card', 55, 'tiles-credit-cards'],
    ]);
  });

  it('gives one offer on home-hero (maxOffers 1) whatever the count asked', () => {
    expect(picks(decide({ interactionPoint: 'home-hero', count: 5 }))).toEqual([['black-friday-cashback', 95, 'hero-black-friday']]);
  });

  it('replaces the Black Friday card with the winter saver on 1 December', () => {
    const offers = picks(decide({ interactionPoint: 'home-tiles', at: '2026-12-01' }));
    expect(offers).toContainEqual(['winter-bonus-saver', 65, 'tiles-winter-saver']);
    expect(offers.map((o) => o[0])).not.toContain('black-friday-cashback');
  });

  it('suppresses the Black Friday card after one rejection (maxRejects: 1)', () => {
    const history = [{ customerId: 'C-100231', offer: 'black-friday-cashback', channel: 'web', date: '2026-11-24', event: 'reject' as const }];
    const decision = decide({ interactionPoint: 'home-hero', history, explain: true });
    expect(picks(decision)).toEqual([['first-time-buyer-mortgage', 85, 'hero-first-home']]);
    expect(decision.explain?.some((e) => e.offer === 'black-friday-cashback' && e.outcome === 'suppressed')).toBe(true);
  });

  it('never shows a lending offer to a vulnerable customer on any web point, and offers money guidance', () => {
    const vulnerable = { ...priya, customerId: 'C-100232', vulnerable: true };
    const lending = new Set(bundle.body.offerLists.find((l) => l.name === 'lending')!.offers);
    const web = bundle.body.channels.find((c) => c.name === 'web')!;
    for (const point of Object.keys(web.interactionPoints)) {
      const decision = decide({ interactionPoint: point, explain: true }, vulnerable);
      expect(decision.offers.filter((o) => lending.has(o.offer)), point).toEqual([]);
    }
    const tiles = decide({ interactionPoint: 'home-tiles', explain: true }, vulnerable);
    expect(tiles.explain?.find((e) => e.offer === 'first-time-buyer-mortgage')?.policyRule).toBe('no-lending-to-vulnerable-live');
    expect(picks(decide({ interactionPoint: 'accounts-banner' }, vulnerable))).toEqual([['debt-advice', 10, 'accounts-money-guidance']]);
  });
});

describe('environments/', () => {
  const schemaDir = path.join(repo, 'schema/v1');
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as object, file);
  }
  const validateEnvironment = ajv.getSchema('environment.schema.json')!;
  const read = (name: string): EnvironmentDocument => parse(readFileSync(path.join(repo, 'environments', `${name}.yaml`), 'utf8')) as EnvironmentDocument;

  it.each(['staging', 'production'])('%s.yaml is valid against the Environment schema', (name) => {
    const document = read(name);
    const valid = validateEnvironment(document);
    expect(validateEnvironment.errors ?? [], name).toEqual([]);
    expect(valid).toBe(true);
    expect(document.metadata.name).toBe(name);
  });

  it('refuses an environment with a bad target (the schema check is not vacuous)', () => {
    const document = read('production');
    document.spec.targets!.push({ type: 'http', path: '/tmp/x' } as never);
    expect(validateEnvironment(document)).toBe(false);
  });

  it('promotes production from staging, and staging from nowhere', () => {
    expect(read('staging').spec.promotion).toBeUndefined();
    expect(read('production').spec.promotion).toEqual({ from: 'staging' });
  });

  it.each(['staging', 'production'])('%s deploys to a directory and an http runtime whose token comes from the environment', (name) => {
    const targets = (read(name).spec.targets ?? []) as { type: string; path?: string; tokenEnv?: string }[];
    expect(targets.find((t) => t.type === 'directory')?.path).toBe(`/var/lib/offerops/${name}`);
    expect(targets.find((t) => t.type === 'http')?.tokenEnv).toMatch(/^[A-Z_][A-Z0-9_]*$/);
  });

  it('gives both environments the same simulation data, and production a freeze window', () => {
    expect(read('staging').spec.simulation).toEqual(read('production').spec.simulation);
    expect(read('production').spec.freeze?.length).toBeGreaterThan(0);
  });
});

describe('docs/example-organisation.md', () => {
  const doc = readFileSync(path.join(repo, 'docs/example-organisation.md'), 'utf8');

  it('names every file of the example', () => {
    for (const file of files) expect(doc, file).toContain(file.replace(/^config\//, ''));
  });

  it('names every optimization rule type', () => {
    for (const type of new Set(bundle.body.policies.flatMap((p) => p.rules.map((r) => r.type)))) expect(doc, type).toContain(type);
  });
});
