// Compiling a config held in memory (file name → text), as `offerops diff` does for a git
// ref: the same files, problems and bundle as compiling the same files from a directory.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { compileSources } from '../../src/compile/compile-sources.js';

const repo = path.resolve(import.meta.dirname, '../..');

function readTree(dir: string, prefix: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (absolute: string, relative: string): void => {
    for (const name of readdirSync(absolute)) {
      const full = path.join(absolute, name);
      const rel = `${relative}/${name}`;
      if (statSync(full).isDirectory()) walk(full, rel);
      else out.set(rel, readFileSync(full));
    }
  };
  walk(dir, prefix);
  return out;
}

const header = (kind: string, name: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\n`;
const channel = `${header('Channel', 'web')}spec:\n  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int } } }]\n  zones: [{ name: home, interactionPoints: [{ name: home-hero }] }]\n`;
const offer = `${header('Offer', 'cash-isa')}spec: { displayName: Cash ISA }\n`;
const strategy = (score: number | string): string => `${header('Strategy', 'web-home')}spec:\n  channel: web\n  rules:\n    - { name: tiles, zone: home, offer: cash-isa, score: ${score} }\n`;

describe('compileSources', () => {
  it('gives the example config the same bundle as compileDirectory', async () => {
    const fromDirectory = await compileDirectory(path.join(repo, 'config'), { root: repo });
    const fromMemory = compileSources(readTree(path.join(repo, 'config'), 'config'));
    expect(fromMemory.bundle?.digest).toBe(fromDirectory.bundle?.digest);
    expect(fromMemory.files).toEqual(fromDirectory.files);
    expect(fromMemory.problems).toEqual(fromDirectory.problems);
  });

  it('reads the files in the order the directory loader walks them, whatever order they are given in', () => {
    const files = new Map<string, string>([
      ['config/z.yaml', offer],
      ['config/a-b.yaml', strategy(40)],
      ['config/a/c.yml', channel],
    ]);
    const result = compileSources(files);
    expect(result.files).toEqual(['config/a/c.yml', 'config/a-b.yaml', 'config/z.yaml']);
    expect(result.bundle).not.toBeNull();
  });

  it('skips what the directory loader skips: hidden files and folders, node_modules, other extensions', () => {
    const files = new Map<string, string>([
      ['config/web.yaml', channel + '---\n' + offer + '---\n' + strategy(40)],
      ['config/.hidden.yaml', 'not: [valid'],
      ['config/.drafts/x.yaml', 'not: [valid'],
      ['config/node_modules/x.yaml', 'not: [valid'],
      ['config/README.md', '# notes'],
    ]);
    const result = compileSources(files);
    expect(result.files).toEqual(['config/web.yaml']);
    expect(result.problems).toEqual([]);
  });

  it('reports problems at file:line:column of the in-memory file, and gives no bundle', () => {
    const files = new Map<string, string>([
      ['config/web.yaml', channel + '---\n' + offer],
      ['config/strategies.yaml', strategy('"high"')],
    ]);
    const result = compileSources(files);
    expect(result.bundle).toBeNull();
    const problem = result.problems.find((p) => p.file === 'config/strategies.yaml');
    expect(problem).toMatchObject({ file: 'config/strategies.yaml', line: 7, severity: 'error' });
  });

  it('refuses hostile bytes as the directory loader does (invalid UTF-8, duplicate keys)', () => {
    const files = new Map<string, Uint8Array | string>([
      ['config/web.yaml', channel],
      ['config/bad.yaml', new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0x0a])],
      ['config/dup.yaml', 'a: 1\na: 2\n'],
    ]);
    const result = compileSources(files);
    expect(result.bundle).toBeNull();
    expect(result.problems.map((p) => [p.file, p.code])).toEqual(
      expect.arrayContaining([
        ['config/bad.yaml', expect.stringMatching(/^OO/)],
        ['config/dup.yaml', expect.stringMatching(/^OO/)],
      ]),
    );
    expect(result.problems.find((p) => p.file === 'config/bad.yaml')?.message).toMatch(/UTF-8/);
    expect(result.problems.find((p) => p.file === 'config/dup.yaml')?.message).toMatch(/duplicate key/);
  });

  it('applies the size limit to each file', () => {
    const files = new Map<string, string>([['config/web.yaml', channel]]);
    const bytes = Buffer.byteLength(channel);
    const tooLarge = (max: number): boolean => compileSources(files, { maxFileBytes: max }).problems.some((p) => /at most/.test(p.message));
    expect(tooLarge(bytes + 1)).toBe(false);
    expect(tooLarge(bytes)).toBe(false);
    expect(tooLarge(bytes - 1)).toBe(true);
  });
});
