// Canonical JSON and the digest (docs/bundle-format.md): keys sorted by code unit at every
// depth whatever order they arrive in, no white space, numbers in their shortest form; the
// digest is sha256 over those bytes. The expected texts are written out by hand, so the
// check does not pass merely because both sides call the same function.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBundle, digestOf, parseBundle } from '../../src/bundle/bundle.js';
import { CanonicalText, canonicalJson } from '../../src/bundle/canonical.js';
import type { BundleBody } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';

describe('canonical JSON', () => {
  it('sorts the keys of objects that arrive unsorted, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
  });

  it('sorts by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":4,"b":1,"é":3}');
  });

  it('writes numbers in their shortest form, -0 as 0, and leaves out undefined', () => {
    expect(canonicalJson({ n: 1.5e-7, m: 100, z: -0, u: undefined, t: true, f: null })).toBe('{"f":null,"m":100,"n":1.5e-7,"t":true,"z":0}');
  });

  it('writes booleans, null, strings and arrays as JSON does', () => {
    expect(canonicalJson([true, false, null, 'a"b', [], {}])).toBe('[true,false,null,"a\\"b",[],{}]');
  });

  it('writes a part written already (CanonicalText) as it is, the same bytes as the part itself', () => {
    const part = { z: [1, { y: 'é', x: null }], a: -0 };
    const text = '{"a":0,"z":[1,{"x":null,"y":"é"}]}';
    const written = new CanonicalText(canonicalJson(part));
    expect(written.text).toBe(text);
    expect(canonicalJson({ b: [written, written], a: written })).toBe(`{"a":${text},"b":[${text},${text}]}`);
    expect(canonicalJson({ b: [part, part], a: part })).toBe(`{"a":${text},"b":[${text},${text}]}`);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(new TypeError('canonical JSON cannot hold NaN'));
    expect(() => canonicalJson({ x: 1n })).toThrow(new TypeError('canonical JSON cannot hold a bigint'));
  });

  it('digests the canonical bytes of the body: the same digest for the same body, whatever its key order', () => {
    const body = { apiVersion: 'offerops/v1', offers: [], channels: [] } as unknown as BundleBody;
    const reordered = { channels: [], apiVersion: 'offerops/v1', offers: [] } as unknown as BundleBody;
    const expected = 'sha256:' + createHash('sha256').update('{"apiVersion":"offerops/v1","channels":[],"offers":[]}').digest('hex');
    expect(digestOf(body)).toBe(expected);
    expect(digestOf(reordered)).toBe(expected);
  });

  it('verifies a bundle file whose keys were written in another order', async () => {
    const result = await compileDirectory(path.resolve(import.meta.dirname, '../fixtures/configs/spec-snippets'), { root: path.resolve(import.meta.dirname, '../..') });
    const bundle = result.bundle!;
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reverseKeys) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) : value;
    const text = JSON.stringify(reverseKeys(bundle));
    expect(text).not.toBe(canonicalJson(bundle));
    expect(parseBundle(text, 'b.json').digest).toBe(bundle.digest);
    expect(createBundle((JSON.parse(text) as { body: BundleBody }).body).digest).toBe(bundle.digest);
  });
});
