// The schemas compile under strict ajv, every example in SPEC.md validates, and common
// mistakes are refused.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

/** Every field of every schema has a title and a description (editor help). */
function missingHelp(node: unknown, where: string, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const properties = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    if (typeof property['$ref'] === 'string' && String(property['$ref']).includes('#/$defs/') && !property['title']) {
      // a bare reference carries the definition's own title and description
    } else if (!property['title'] || !property['description']) out.push(`${where}.${name}`);
    missingHelp(property, `${where}.${name}`, out);
  }
  for (const key of ['items', 'additionalProperties', '$defs', 'then', 'else']) {
    const child = schema[key];
    if (key === '$defs' && child && typeof child === 'object') for (const [n, d] of Object.entries(child)) missingHelp(d, `${where}#${n}`, out);
    else missingHelp(child, `${where}/${key}`, out);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) for (const branch of (schema[key] as unknown[] | undefined) ?? []) missingHelp(branch, `${where}/${key}`, out);
}

describe('schema/v1', () => {
  it('compiles every schema in strict mode', () => {
    for (const file of files) expect(ajv.getSchema(file), file).toBeTypeOf('function');
    expect(files).toEqual(
      ['bundle', 'channel', 'common', 'document', 'environment', 'offer-list', 'offer', 'optimization-policy', 'segment', 'strategy'].map((f) => `${f}.schema.json`).sort(),
    );
  });

  it('gives every field a title and a description', () => {
    const missing: string[] = [];
    for (const file of files) missingHelp(JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')), file, missing);
    expect(missing).toEqual([]);
  });

  it('accepts every example document of SPEC.md', () => {
    const spec = readFileSync(path.resolve(import.meta.dirname, '../../../shared/SPEC.md'), 'utf8');
    const blocks = [...spec.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const documents = blocks.filter((b) => /^kind: (?!Channel \|)/m.test(b));
    expect(documents.length).toBeGreaterThanOrEqual(6);
    const kinds = new Set<string>();
    for (const block of documents) {
      // The SPEC elides digests and commit ids with '…'; fill them in.
      const value = parse(block.replace('sha256:…', 'sha256:' + '0'.repeat(64)).replace('1a2b3c…', '1a2b3c4')) as Record<string, unknown>;
      value['apiVersion'] ??= 'offerops/v1';
      kinds.add(String(value['kind']));
      const validateDocument = ajv.getSchema('document.schema.json')!;
      const ok = validateDocument(value);
      expect(ok, `${block}\n${JSON.stringify(validateDocument.errors, null, 1)}`).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['Channel', 'Environment', 'Offer', 'OptimizationPolicy', 'Segment', 'Strategy']);
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
  });
});
