// A bundle file is untrusted input: one nested deeper than any compiled bundle is refused
// with a clear error before its digest is computed (the canonical JSON is recursive).
import { describe, expect, it } from 'vitest';
import { BundleError, MAX_BUNDLE_DEPTH, nestingDepth, parseBundle } from '../../src/bundle/bundle.js';

/** A bundle envelope whose body holds `levels` nested arrays (the body itself is 1 more, the envelope 1 more). */
function deepBundle(levels: number): string {
  return `{"formatVersion":1,"digest":"sha256:${'0'.repeat(64)}","body":{"x":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
}

describe('parseBundle on deeply nested input', () => {
  it('measures depth without recursion', () => {
    expect(nestingDepth(1, 10)).toBe(0);
    expect(nestingDepth({ a: [1, { b: [] }] }, 10)).toBe(4);
    expect(nestingDepth(JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)), 10)).toBe(11);
    // The deepest branch is walked before a shallower one: the depth is the maximum, not the last seen.
    expect(nestingDepth([[], [[]]], 10)).toBe(3);
    expect(nestingDepth({ deep: { a: { b: 1 } }, shallow: 1, flat: [] }, 10)).toBe(3);
  });

  it('refuses a value nested one level beyond the limit, and checks the digest of one at the limit', () => {
    // Envelope (1) + body (1) + arrays: the limit is reached with MAX - 2 arrays.
    const atLimit = () => parseBundle(deepBundle(MAX_BUNDLE_DEPTH - 2), 'at-limit.json');
    expect(atLimit).toThrow(BundleError);
    expect(atLimit).toThrow(/digest mismatch/);
    const below = () => parseBundle(deepBundle(MAX_BUNDLE_DEPTH - 3), 'below.json');
    expect(below).toThrow(/digest mismatch/);
    const over = () => parseBundle(deepBundle(MAX_BUNDLE_DEPTH - 1), 'over.json');
    expect(over).toThrow(`over.json: values are nested more than ${MAX_BUNDLE_DEPTH} levels deep; a compiled bundle never is`);
  });

  it('refuses two hundred thousand nested arrays with the same clear error', () => {
    expect(() => parseBundle(deepBundle(200_000), 'deep.json')).toThrow(/nested more than 100 levels deep/);
  });
});
