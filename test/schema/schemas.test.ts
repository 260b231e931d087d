// The schemas compile under strict ajv, every config document the documentation shows
// validates, every property carries editor help, and common mistakes are refused.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { documentationPages, fencedBlocks } from '../docs/markdown-blocks.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schemaDir = path.resolve(import.meta.dirname, '../../schema/v1');
const files = readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort();

function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const file of files) ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as object, file);
  return ajv;
}

const ajv = strictAjv();
const validate = (file: string, value: unknown): boolean => ajv.getSchema(file)!(value) as boolean;

const schemas = Object.fromEntries(files.map((file) => [file, JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as Record<string, unknown>]));

/** The node a `$ref` points at (`common.schema.json#/$defs/name`, `#/$defs/rule`). */
function resolveRef(ref: string, file: string): { node: unknown; file: string } {
  const [target, pointer = ''] = ref.split('#');
  const targetFile = target || file;
  let node: unknown = schemas[targetFile];
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[part];
  return { node, file: targetFile };
}

/** A description of its own, or through its `$ref` (what editors show on hover). */
function hasDescription(node: unknown, file: string, seen = new Set<string>()): boolean {
  if (!node || typeof node !== 'object') return false;
  const schema = node as Record<string, unknown>;
  if (typeof schema['description'] === 'string' && schema['description'].trim() !== '') return true;
  const ref = schema['$ref'];
  if (typeof ref !== 'string' || seen.has(ref)) return false;
  seen.add(ref);
  const target = resolveRef(ref, file);
  return hasDescription(target.node, target.file, seen);
}

/**
 * Every property (under `properties` and `patternProperties`, at any depth, in `$defs`,
 * `items`, `allOf`/`anyOf`/`oneOf` branches and `then`/`else`) has a description, as
 * `file /json/pointer` lines. `if` schemas are conditions, not properties a document has,
 * so they are not walked.
 */
function propertiesWithoutDescription(node: unknown, file: string, pointer: string, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const key of ['properties', 'patternProperties']) {
    for (const [name, property] of Object.entries((schema[key] as Record<string, unknown> | undefined) ?? {})) {
      const where = `${pointer}/${key}/${name}`;
      if (!hasDescription(property, file)) out.push(`${file} ${where}`);
      propertiesWithoutDescription(property, file, where, out);
    }
  }
  for (const [name, definition] of Object.entries((schema['$defs'] as Record<string, unknown> | undefined) ?? {})) propertiesWithoutDescription(definition, file, `${pointer}/$defs/${name}`, out);
  for (const key of ['items', 'additionalProperties', 'then', 'else', 'not', 'contains']) propertiesWithoutDescription(schema[key], file, `${pointer}/${key}`, out);
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    ((schema[key] as unknown[] | undefined) ?? []).forEach((branch, i) => propertiesWithoutDescription(branch, file, `${pointer}/${key}/${i}`, out));
  }
}

/** Every YAML block of README.md and docs/*.md that holds config documents (apiVersion offerops/v1). */
function documentedExamples(): { where: string; value: Record<string, unknown> }[] {
  const examples: { where: string; value: Record<string, unknown> }[] = [];
  for (const page of documentationPages()) {
    for (const block of fencedBlocks(page)) {
      if (block.language !== 'yaml' || !/^apiVersion: offerops\/v1$/m.test(block.body)) continue;
      for (const [i, doc] of parseAllDocuments(block.body).entries()) {
        expect(doc.errors, `${page}:${block.line} document ${i + 1}`).toEqual([]);
        examples.push({ where: `${page}:${block.line} document ${i + 1}`, value: doc.toJS() as Record<string, unknown> });
      }
    }
  }
  return examples;
}

describe('schema/v1', () => {
  it('compiles every schema in strict mode', () => {
    for (const file of files) expect(ajv.getSchema(file), file).toBeTypeOf('function');
    expect(files).toEqual(
      ['bundle', 'channel', 'common', 'decision-test', 'document', 'environment', 'offer-list', 'offer', 'optimization-policy', 'segment', 'strategy'].map((f) => `${f}.schema.json`).sort(),
    );
  });

  it('gives every property of every schema a description (hover help in editors)', () => {
    const missing: string[] = [];
    for (const file of files) propertiesWithoutDescription(schemas[file], file, '', missing);
    expect(missing, 'properties without a description (file and JSON pointer):').toEqual([]);
  });

  it('finds a property without a description, so the check can fail', () => {
    const out: string[] = [];
    propertiesWithoutDescription({ properties: { a: { type: 'string', description: 'A.' }, b: { type: 'object', properties: { c: { type: 'int' } } } } }, 'x.schema.json', '', out);
    expect(out).toEqual(['x.schema.json /properties/b', 'x.schema.json /properties/b/properties/c']);
    const viaRef: string[] = [];
    propertiesWithoutDescription({ properties: { name: { $ref: 'common.schema.json#/$defs/name' } } }, 'x.schema.json', '', viaRef);
    expect(viaRef).toEqual([]);
  });

  it('accepts every config document the documentation shows, of every kind', () => {
    const examples = documentedExamples();
    const kinds = new Set<string>();
    for (const { where, value } of examples) {
      kinds.add(String(value['kind']));
      const validateDocument = ajv.getSchema(value['kind'] === 'Environment' ? 'environment.schema.json' : 'document.schema.json')!;
      const ok = validateDocument(value);
      expect(ok, `${where}\n${JSON.stringify(validateDocument.errors, null, 1)}`).toBe(true);
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Channel', 'DecisionTest', 'Environment', 'Offer', 'OfferList', 'OptimizationPolicy', 'Segment', 'Strategy']));
  });

  it.each([
    ['a score above 100', 'strategy.schema.json', { rules: [{ name: 'r', offer: 'o', score: 165 }] }],
    ['both offer and offerList', 'strategy.schema.json', { rules: [{ name: 'r', offer: 'o', offerList: 'l', score: 1 }] }],
    ['neither score nor scoreExpression', 'strategy.schema.json', { rules: [{ name: 'r', offer: 'o' }] }],
    ['an unknown rule field', 'strategy.schema.json', { rules: [{ name: 'r', offer: 'o', score: 1, scroe: 2 }] }],
    ['a name with capitals', 'strategy.schema.json', { rules: [{ name: 'Rule', offer: 'o', score: 1 }] }],
    ['a control group over 100%', 'strategy.schema.json', { rules: [{ name: 'r', offer: 'o', score: 1, controlGroup: { percent: 101 } }] }],
    ['an impossible date', 'offer.schema.json', { effective: '2026-02-30' }],
    ['a date in another format', 'offer.schema.json', { expires: '31/12/2026' }],
    ['a static and smart list at once', 'offer-list.schema.json', { offers: ['a'], where: 'true' }],
    ['an unknown policy rule type', 'optimization-policy.schema.json', { rules: [{ name: 'r', type: 'maxEverything', max: 1 }] }],
    ['a capacity rule without min or max', 'optimization-policy.schema.json', { rules: [{ name: 'r', type: 'offerCapacity' }] }],
    ['a field of another rule type', 'optimization-policy.schema.json', { rules: [{ name: 'r', type: 'maxPackages', max: 1, where: 'true' }] }],
    ['a sequence rule without b', 'optimization-policy.schema.json', { rules: [{ name: 'r', type: 'neverAWithB', a: { offer: 'x' } }] }],
    ['a scope with both offer and list', 'optimization-policy.schema.json', { rules: [{ name: 'r', type: 'maxDuplicateOffers', max: 1, offers: { offer: 'x', list: 'y' } }] }],
    ['a list attribute without items', 'channel.schema.json', { audienceLevels: [{ name: 'c', idField: 'id', attributes: { tags: { type: 'list' } } }], zones: [{ name: 'z', interactionPoints: [{ name: 'p' }] }] }],
  ])('refuses %s', (_what, file, spec) => {
    const kind = (JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as { title: string }).title;
    const base: Record<string, unknown> = { apiVersion: 'offerops/v1', kind, metadata: { name: 'x' } };
    const extra: Record<string, unknown> = kind === 'Strategy' || kind === 'OptimizationPolicy' ? { channel: 'web' } : {};
    expect(validate(file, { ...base, spec: { ...extra, ...spec } })).toBe(false);
    // and the same document without the mistake is fine where a fix is obvious
  });

  it('accepts the minimal documents', () => {
    const doc = (kind: string, spec: unknown): unknown => ({ apiVersion: 'offerops/v1', kind, metadata: { name: 'x' }, spec });
    expect(validate('offer.schema.json', doc('Offer', {}))).toBe(true);
    expect(validate('strategy.schema.json', doc('Strategy', { channel: 'web', rules: [{ name: 'r', offer: 'o', scoreExpression: '1.0' }] }))).toBe(true);
    expect(validate('optimization-policy.schema.json', doc('OptimizationPolicy', { channel: 'web', rules: [{ name: 'r', type: 'maxPackages', max: 1 }] }))).toBe(true);
    expect(validate('environment.schema.json', doc('Environment', {}))).toBe(true);
    expect(validate('decision-test.schema.json', doc('DecisionTest', { cases: [{ name: 'c', point: 'p', expect: { count: 0 } }] }))).toBe(true);
  });

  // The DecisionTest example of docs/behaviour-tests.md, as the language defines the kind.
  const decisionTestExample = `apiVersion: offerops/v1
kind: DecisionTest
metadata: { name: savers-see-isa }
spec:
  channel: web
  at: 2026-11-02
  cases:
    - name: mass-market saver gets the ISA first
      point: home-tiles
      count: 3
      profile: { customerId: c1, age: 40, segment: mass, balance: 12000 }
      session: {}
      history: []
      expect:
        offers: [cash-isa, easy-access-saver]
        includes: [cash-isa]
        excludes: [student-card]
        first: cash-isa
        count: 2
        defaultString: "none"
        controlGroups: [rule-name]
        rules: { cash-isa: tiles-savings }
`;

  it('accepts a DecisionTest using every field, also through document.schema.json', () => {
    const value = parse(decisionTestExample) as Record<string, unknown>;
    expect(validate('decision-test.schema.json', value)).toBe(true);
    expect(validate('document.schema.json', value)).toBe(true);
  });

  const decisionTestCase = (extra: Record<string, unknown>, expectations: Record<string, unknown> = { count: 1 }): unknown => ({
    apiVersion: 'offerops/v1',
    kind: 'DecisionTest',
    metadata: { name: 'x' },
    spec: { cases: [{ name: 'c', point: 'p', expect: expectations, ...extra }] },
  });
  it.each([
    ['a case without expectations', decisionTestCase({}, {})],
    ['an unknown expectation', decisionTestCase({}, { offer: 'x' })],
    ['a count of 0 offers asked', decisionTestCase({ count: 0 })],
    ['a count over 1000', decisionTestCase({ count: 1001 })],
    ['a history row with an impossible date', decisionTestCase({ history: [{ offer: 'o', date: '2026-02-30' }] })],
    ['a history row with an unknown event', decisionTestCase({ history: [{ offer: 'o', date: '2026-02-01', event: 'click' }] })],
    ['a history row without an offer', decisionTestCase({ history: [{ date: '2026-02-01' }] })],
    ['a profile value that is a mapping of mappings', decisionTestCase({ profile: { address: { city: { name: 'Leeds' } } } })],
    ['a profile value that is a list of mappings', decisionTestCase({ profile: { addresses: [{ city: 'Leeds' }] } })],
    ['an offer named twice in offers', decisionTestCase({}, { offers: ['a', 'a'] })],
    ['an empty includes', decisionTestCase({}, { includes: [] })],
    ['an expected count over 1000', decisionTestCase({}, { count: 1001 })],
    ['a negative expected count', decisionTestCase({}, { count: -1 })],
    ['more than 10,000 history rows', decisionTestCase({ history: Array.from({ length: 10001 }, () => ({ offer: 'o', date: '2026-02-01' })) })],
    ['a case name over 200 characters', { ...(decisionTestCase({}) as object), spec: { cases: [{ name: 'n'.repeat(201), point: 'p', expect: { count: 1 } }] } }],
  ])('refuses a DecisionTest with %s', (_what, value) => {
    expect(validate('decision-test.schema.json', value)).toBe(false);
  });

  it('accepts the boundaries of a DecisionTest: count 1 and 1000, expected count 0 and 1000, 10,000 history rows, a 200-character case name, offers: []', () => {
    expect(validate('decision-test.schema.json', decisionTestCase({ count: 1 }))).toBe(true);
    expect(validate('decision-test.schema.json', decisionTestCase({ count: 1000 }))).toBe(true);
    expect(validate('decision-test.schema.json', decisionTestCase({}, { count: 0 }))).toBe(true);
    expect(validate('decision-test.schema.json', decisionTestCase({}, { count: 1000 }))).toBe(true);
    expect(validate('decision-test.schema.json', decisionTestCase({ history: Array.from({ length: 10000 }, () => ({ offer: 'o', date: '2026-02-01' })) }))).toBe(true);
    expect(validate('decision-test.schema.json', { ...(decisionTestCase({}) as object), spec: { cases: [{ name: 'n'.repeat(200), point: 'p', expect: { offers: [] } }] } })).toBe(true);
  });
});
