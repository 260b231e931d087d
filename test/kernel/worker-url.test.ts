// builtWorkerUrl: from the TypeScript sources (as here, in the test runner) a worker's
// module is the compiled one in dist/; a module that is nowhere gives null.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtWorkerUrl } from '../../src/worker-url.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('builtWorkerUrl', () => {
  it.each([
    ['simulate', 'worker.js'],
    ['optimize', 'solve-worker.js'],
    ['optimize/io', 'read-proposed-worker.js'],
  ])('finds the compiled %s/%s in dist/ from the sources', (folder, name) => {
    const from = pathToFileURL(path.join(root, 'src', folder, 'module.ts')).href;
    const url = builtWorkerUrl(from, folder, name);
    expect(url && fileURLToPath(url)).toBe(path.join(root, 'dist', folder, name));
    expect(existsSync(fileURLToPath(url!))).toBe(true);
  });

  it('finds a worker beside a compiled module first, and gives null when there is none', () => {
    const compiled = pathToFileURL(path.join(root, 'dist', 'optimize', 'module.js')).href;
    expect(fileURLToPath(builtWorkerUrl(compiled, 'optimize', 'solve-worker.js')!)).toBe(path.join(root, 'dist', 'optimize', 'solve-worker.js'));
    expect(builtWorkerUrl(pathToFileURL(path.join(root, 'src', 'optimize', 'module.ts')).href, 'optimize', 'no-such-worker.js')).toBeNull();
  });
});
