// `offerops start` ends with the evidence a pull request would get (docs/simulation-and-diff.md#what-npm-start-shows):
// against the pinned bundle when there is one; before anything is pinned, against the
// config before the latest commit that changed the bundle (HEAD when the config has
// uncommitted changes); with no git history, it says so and still exits 0.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { parseEvidenceMarker } from '../../src/diff/evidence.js';
import { exampleProject, git } from './example-project.js';
import { runCli } from './run-cli.js';

let dir: string;
const temps: string[] = [];

/** The example with small samples, so each start takes seconds. */
async function smallSamples(root: string): Promise<void> {
  for (const env of ['staging', 'production']) {
    const file = path.join(root, 'environments', `${env}.yaml`);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/customers: \d+/, 'customers: 120'));
  }
}

/** Savings tiles from 40 to `score`: 50 keeps every behaviour test of the example passing, 90 fails some. */
async function raiseSavings(root: string, score = 50): Promise<void> {
  const file = path.join(root, 'config/strategies/web-home.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('      offerList: savings-products\n      score: 40', `      offerList: savings-products\n      score: ${score}`));
}

beforeEach(async () => {
  dir = await exampleProject({ git: false });
  await smallSamples(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'the example');
});
afterEach(async () => {
  await Promise.all([dir, ...temps.splice(0)].map((d) => rm(d, { recursive: true, force: true })));
});

const start = (cwd = dir, ...args: string[]) => runCli(['start', ...args], { cwd });

describe('offerops start: the evidence', () => {
  it('compares a clean checkout with the config before the latest commit that changed the bundle', async () => {
    await raiseSavings(dir);
    git(dir, 'commit', '-q', '-am', 'savings up front');
    await writeFile(path.join(dir, 'config/NOTES.md'), 'not config\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'notes only');
    const savings = git(dir, 'rev-parse', 'HEAD~1').trim();
    const result = await start();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`the config before "savings up front" (${savings.slice(0, 12)}), the latest commit that changed the bundle`);
    expect(result.stdout.split('\n')[0]).toMatch(/^\*\*.+\*\*$/);
    expect(result.stdout).toContain(`offerops diff: \`${savings.slice(0, 12)}^\` → \`config/\``);
    expect(result.stdout).toContain('`rules[tiles-savings].score`: `40` → `50`');
    const marker = parseEvidenceMarker(result.stdout);
    expect('marker' in marker && marker.marker.base !== marker.marker.head).toBe(true);
  });

  it('shows the evidence of a change that fails a behaviour test, and exits 1', async () => {
    await raiseSavings(dir, 90);
    const result = await start();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^FAIL priya-on-the-home-page \d+ of \d+ cases failed/m);
    expect(result.stdout).toContain('offerops diff: `HEAD` → `config/`');
    expect(result.stdout).toContain('`rules[tiles-savings].score`: `40` → `90`');
  });

  it('compares uncommitted changes with HEAD', async () => {
    await raiseSavings(dir);
    const result = await start();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('the uncommitted changes to the config, against HEAD');
    expect(result.stdout).toContain('offerops diff: `HEAD` → `config/`');
  });

  it('compares with the bundle pinned for the environment a change reaches first', async () => {
    const compiled = await compileDirectory(path.join(dir, 'config'), { root: dir });
    const bundle = createBundle(compiled.bundle!.body);
    await writeFile(path.join(dir, 'environments/staging-bundle.json'), formatBundle(bundle));
    const file = path.join(dir, 'environments/staging.yaml');
    await writeFile(file, (await readFile(file, 'utf8')) + `  bundle: { digest: "${bundle.digest}", path: environments/staging-bundle.json }\n`);
    await raiseSavings(dir);
    const result = await start(dir, '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { evidence: { base: { ref: string; digest: string }; config: { changes: unknown[] }; audience: { members: number } } };
    expect(json.evidence.base).toEqual({ ref: 'env:staging', digest: bundle.digest });
    expect(json.evidence.config.changes).toHaveLength(1);
    expect(json.evidence.audience.members).toBe(120);
  });

  it('says there is nothing to compare with in a copy without git history, and exits 0', async () => {
    const plain = await exampleProject({ git: false });
    temps.push(plain);
    await smallSamples(plain);
    const result = await start(plain);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('no evidence: staging pins no bundle and there is no git history to compare the config with');
    expect(result.stdout).toBe('');
  });

  it('says so in a clone too shallow to hold the earlier config', async () => {
    await raiseSavings(dir);
    git(dir, 'commit', '-q', '-am', 'savings up front');
    const shallow = await mkdtemp(path.join(os.tmpdir(), 'offerops-shallow-'));
    temps.push(shallow);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${dir}`, shallow]);
    const result = await start(shallow);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/no evidence: staging pins no bundle yet, and the commit before [0-9a-f]{12} is not in this clone/);
  });
});
