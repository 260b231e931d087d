// The precompiled schema validators (ajv standalone code written by `npm run build`) must
// report exactly what the validators compiled at start-up report, and must be used only
// when they were built from the schema files the process ships with.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileSchemaValidators,
  generateSchemaValidatorsModule,
  loadPrecompiledValidators,
  schemaDirectory,
  type SchemaValidators,
} from '../../src/config/schema-validators.js';
import { isConfigKind, type DocumentKind } from '../../src/config/kinds.js';
import { ensureFreshDist } from '../server/fresh-dist.js';

const root = path.resolve(import.meta.dirname, '../..');
let temp: string;
let generatedFile: URL;

beforeAll(async () => {
  // Inside the checkout: the generated code requires ajv's runtime from node_modules, as in dist/.
  await mkdir(path.join(root, 'test-artifacts'), { recursive: true });
  temp = await mkdtemp(path.join(root, 'test-artifacts', 'validators-'));
  generatedFile = pathToFileURL(path.join(temp, 'validators.cjs'));
  await writeFile(generatedFile, generateSchemaValidatorsModule());
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** Every document of the example config and of the test fixtures, with the kind it claims. */
function documentsToCheck(): { where: string; kind: DocumentKind; value: unknown }[] {
  const out: { where: string; kind: DocumentKind; value: unknown }[] = [];
  for (const dir of ['config', 'environments', 'test/fixtures']) {
    let files: string[];
    try {
      files = readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(path.join(root, dir, file), 'utf8');
      parseAllDocuments(text).forEach((doc, i) => {
        if (!('toJS' in doc) || doc.errors.length > 0) return;
        let value: unknown;
        try {
          value = doc.toJS({ maxAliasCount: 100 });
        } catch {
          return;
        }
        const kind = (value as { kind?: unknown } | null)?.kind;
        if (isConfigKind(kind) || kind === 'Environment') out.push({ where: `${dir}/${file}#${i}`, kind, value });
      });
    }
  }
  return out;
}

/** Hostile variations of a valid document, so the comparison also covers errors deep inside every kind. */
function variations(value: unknown): unknown[] {
  const base = value as { spec?: Record<string, unknown> };
  const spec = base.spec ?? {};
  const out: unknown[] = [{ ...base, spec: 42 }, { ...base, metadata: { name: 'Not A Name!' } }, { ...base, unknown: true }];
  for (const key of Object.keys(spec)) {
    out.push({ ...base, spec: { ...spec, [key]: { nested: [1, 'x', null] } } });
    out.push({ ...base, spec: { ...spec, [key]: -1e9 } });
    const field = spec[key];
    if (Array.isArray(field) && field.length > 0) out.push({ ...base, spec: { ...spec, [key]: [...field, 'not-an-item', { junk: 1 }] } });
  }
  return out;
}

function errorsOf(validators: SchemaValidators, kind: DocumentKind, value: unknown): unknown {
  const validate = validators.get(kind)!;
  return validate(structuredClone(value)) ? [] : structuredClone(validate.errors);
}

describe('precompiled schema validators', () => {
  it('report exactly the errors of the validators compiled at start-up, on every fixture document and hostile variations of it', () => {
    const precompiled = loadPrecompiledValidators(generatedFile);
    expect(precompiled).not.toBeNull();
    const compiled = compileSchemaValidators();
    let withErrors = 0;
    const documents = documentsToCheck();
    expect(documents.length).toBeGreaterThan(50);
    for (const document of documents) {
      for (const value of [document.value, ...variations(document.value)]) {
        const expected = errorsOf(compiled, document.kind, value);
        if ((expected as unknown[]).length > 0) withErrors++;
        expect(errorsOf(precompiled!, document.kind, value), document.where).toEqual(expected);
      }
    }
    // The comparison must have covered real failures, not only valid documents.
    expect(withErrors).toBeGreaterThan(500);
  });

  it('has a validator for every document kind', () => {
    const precompiled = loadPrecompiledValidators(generatedFile)!;
    expect([...precompiled.keys()].sort()).toEqual([...compileSchemaValidators().keys()].sort());
  });

  it('are not used when a schema file changed after they were built, nor when one was added', async () => {
    const schemas = path.join(temp, 'schema-copy');
    await cp(schemaDirectory, schemas, { recursive: true });
    const copy = pathToFileURL(`${schemas}/`);
    expect(loadPrecompiledValidators(generatedFile, copy)).not.toBeNull();
    const offer = path.join(schemas, 'offer.schema.json');
    const text = await readFile(offer, 'utf8');
    // One byte more (a trailing space) is already a different schema set.
    await writeFile(offer, `${text} `);
    expect(loadPrecompiledValidators(generatedFile, copy)).toBeNull();
    await writeFile(offer, text);
    expect(loadPrecompiledValidators(generatedFile, copy)).not.toBeNull();
    await writeFile(path.join(schemas, 'extra.schema.json'), '{}');
    expect(loadPrecompiledValidators(generatedFile, copy)).toBeNull();
  });

  it('are not used when the module is missing, or lacks a kind', async () => {
    expect(loadPrecompiledValidators(pathToFileURL(path.join(temp, 'absent.cjs')))).toBeNull();
    const partial = path.join(temp, 'partial.cjs');
    await writeFile(partial, `${generateSchemaValidatorsModule()}\ndelete exports.DecisionTest;\n`);
    expect(loadPrecompiledValidators(pathToFileURL(partial))).toBeNull();
  });

  it('are written by the build script, and load against the shipped schemas', async () => {
    ensureFreshDist();
    const output = path.join(temp, 'built.cjs');
    execFileSync(process.execPath, [path.join(root, 'scripts/build-validators.mjs'), output], { cwd: root, stdio: 'pipe' });
    expect(await readFile(output, 'utf8')).toBe(generateSchemaValidatorsModule());
    expect(loadPrecompiledValidators(pathToFileURL(output))).not.toBeNull();
  });
});
