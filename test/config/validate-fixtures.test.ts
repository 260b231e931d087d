// One fixture folder per problem class (test/fixtures/validate/<class>/): its YAML files
// are added to a small valid base config, and every problem must come out exactly at the
// file, line and column listed in expected.json — no more, no fewer. An entry may also
// give `messageContains`, a part of the message (for hints a user relies on).
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDirectory } from '../../src/compile/compile-directory.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/validate');
const temps: string[] = [];

async function configWith(fixture: string | null): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'offerops-validate-'));
  temps.push(root);
  await cp(path.join(fixtures, '_base'), path.join(root, 'config'), { recursive: true });
  if (fixture) {
    for (const file of await readdir(path.join(fixtures, fixture))) {
      if (file !== 'expected.json') await cp(path.join(fixtures, fixture, file), path.join(root, 'config', file));
    }
  }
  return root;
}

afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

interface Expected {
  file: string;
  line: number;
  column: number;
  code: string;
  severity?: string;
  messageContains?: string;
}

const classes = (await readdir(fixtures)).filter((name) => !name.startsWith('_')).sort();

describe('validation fixtures', () => {
  it('has a clean base config', async () => {
    const root = await configWith(null);
    const result = await compileDirectory('config', { root });
    expect(result.problems).toEqual([]);
    expect(result.bundle).not.toBeNull();
  });

  it.each(classes)('reports every %s problem at its node', async (fixture) => {
    const expected = JSON.parse(await readFile(path.join(fixtures, fixture, 'expected.json'), 'utf8')) as Expected[];
    const root = await configWith(fixture);
    const result = await compileDirectory('config', { root });
    const actual = result.problems.map((p) => ({
      file: p.file,
      line: p.line,
      column: p.column,
      code: p.code,
      ...(expected.some((e) => e.severity) ? { severity: p.severity } : {}),
    }));
    const messages = result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`).join('\n');
    expect(actual, messages).toEqual(expected.map((x) => {
      const e = { ...x };
      delete e.messageContains;
      return expected.some((y) => y.severity) ? { severity: 'error', ...e } : e;
    }));
    expected.forEach((e, i) => {
      if (e.messageContains !== undefined) expect(result.problems[i]!.message).toContain(e.messageContains);
    });
    if (expected.some((e) => (e.severity ?? 'error') === 'error')) expect(result.bundle).toBeNull();
  });
});
