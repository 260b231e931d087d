// docs/bundle-format.md: the same config gives a byte-identical bundle whatever the file layout, YAML
// style or document order; and the digest is the sha256 of the canonical body.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { formatBundle, parseBundle } from '../../src/bundle/bundle.js';
import { canonicalJson } from '../../src/bundle/canonical.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { loadConfigDirectory } from '../../src/config/load.js';

function bundleSchema(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const dir = path.join(repo, 'schema/v1');
  for (const file of ['common.schema.json', 'bundle.schema.json']) ajv.addSchema(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object, file);
  return ajv.getSchema('bundle.schema.json')!;
}

const repo = path.resolve(import.meta.dirname, '../..');
const configs = ['test/fixtures/validate/_base', 'config', 'test/fixtures/configs/spec-snippets', 'test/fixtures/configs/insurance'].filter((dir) =>
  existsSync(path.join(repo, dir)),
);
const temps: string[] = [];
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

/** A seeded shuffle, so a failure is reproducible. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Rewrites a config: every document in its own file (or all in one), shuffled, restyled. */
async function relayout(configDir: string, seed: number, style: 'one-file' | 'file-per-document'): Promise<string> {
  const loaded = await loadConfigDirectory(configDir, { root: repo });
  const documents = shuffle(
    loaded.documents.map((d) => d.value),
    seed,
  );
  const root = await mkdtemp(path.join(tmpdir(), 'offerops-layout-'));
  temps.push(root);
  const out = path.join(root, 'config');
  await mkdir(path.join(out, 'nested', 'deeper'), { recursive: true });
  const render = (value: unknown, i: number): string =>
    stringify(value, i % 2 === 0 ? { defaultStringType: 'QUOTE_DOUBLE', collectionStyle: 'flow', lineWidth: 0 } : { defaultStringType: 'PLAIN', collectionStyle: 'block', indent: 4 });
  if (style === 'one-file') {
    await writeFile(path.join(out, 'all.yml'), documents.map((d, i) => render(d, i)).join('---\n'));
  } else {
    await Promise.all(documents.map((d, i) => writeFile(path.join(out, i % 3 === 0 ? 'nested/deeper' : i % 3 === 1 ? 'nested' : '.', `doc-${seed}-${i}.yaml`), render(d, i))));
  }
  return root;
}

describe.each(configs)('compiling %s', (configDir) => {
  it('gives the same bytes on every run', async () => {
    const first = await compileDirectory(configDir, { root: repo });
    const second = await compileDirectory(configDir, { root: repo });
    expect(first.bundle).not.toBeNull();
    expect(formatBundle(second.bundle!)).toBe(formatBundle(first.bundle!));
  });

  it.each([
    [1, 'one-file'],
    [2, 'file-per-document'],
    [3, 'file-per-document'],
  ] as const)('gives the same bundle in another layout, style and order (seed %i, %s)', async (seed, style) => {
    const original = await compileDirectory(configDir, { root: repo });
    const root = await relayout(path.join(repo, configDir), seed, style);
    const moved = await compileDirectory('config', { root });
    expect(moved.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(formatBundle(moved.bundle!)).toBe(formatBundle(original.bundle!));
  });

  it('matches schema/v1/bundle.schema.json', async () => {
    const { bundle } = await compileDirectory(configDir, { root: repo });
    const validate = bundleSchema();
    const valid = validate(JSON.parse(formatBundle(bundle!)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a digest equal to the sha256 of the canonical body, verified on read', async () => {
    const { bundle } = await compileDirectory(configDir, { root: repo });
    const expected = 'sha256:' + createHash('sha256').update(canonicalJson(bundle!.body)).digest('hex');
    expect(bundle!.digest).toBe(expected);
    expect(parseBundle(formatBundle(bundle!), 'bundle.json')).toEqual(bundle);
  });
});

describe('a failed compile', () => {
  it('writes no bundle', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'offerops-fail-'));
    temps.push(root);
    await mkdir(path.join(root, 'config'));
    await writeFile(path.join(root, 'config', 'bad.yaml'), 'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: x }\nspec: { cost: "free" }\n');
    const result = await compileDirectory('config', { root });
    expect(result.bundle).toBeNull();
    expect(result.problems.map((p) => p.code)).toEqual(['OO101']);
    const docs = parseAllDocuments(await readFile(path.join(root, 'config', 'bad.yaml'), 'utf8'));
    expect(Array.isArray(docs) && docs.length).toBe(1);
  });
});
