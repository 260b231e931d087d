// The package's public surface (src/index.ts, the `main` of package.json) is enough to
// validate, compile, write and re-read a bundle without reaching into internals.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDirectory, formatBundle, parseBundle, BundleError, hasErrors } from '../src/index.js';

const repo = path.resolve(import.meta.dirname, '..');

describe('the library entry point', () => {
  it('compiles a config and round-trips its bundle', async () => {
    const result = await compileDirectory('test/fixtures/configs/spec-snippets', { root: repo });
    expect(hasErrors(result.problems)).toBe(false);
    const text = formatBundle(result.bundle!);
    expect(parseBundle(text, 'bundle.json').digest).toBe(result.bundle!.digest);
    expect(() => parseBundle(text.replace('"Gold card upgrade"', '"Gold card"'), 'bundle.json')).toThrow(BundleError);
  });
});
