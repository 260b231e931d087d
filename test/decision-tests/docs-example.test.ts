// The DecisionTest example of docs/behaviour-tests.md runs as written against the
// example organisation, so a reader who copies it gets a passing test.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('docs/behaviour-tests.md', () => {
  it('has a DecisionTest example that passes on the example organisation', async () => {
    const doc = await readFile(path.join(repo, 'docs/behaviour-tests.md'), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes('kind: DecisionTest'));
    expect(blocks).toHaveLength(1);
    dir = await mkdtemp(path.join(tmpdir(), 'offerops-docs-'));
    await mkdir(path.join(dir, '.git'));
    await cp(path.join(repo, 'config'), path.join(dir, 'config'), { recursive: true });
    await writeFile(path.join(dir, 'config/tests/docs-example.yaml'), blocks[0]!);
    const result = await runCli(['test', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as { results: { test: string; status: string }[] };
    const own = run.results.filter((r) => r.test === 'savers-on-the-home-page');
    expect(own.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
  });
});
