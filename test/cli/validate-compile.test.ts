// docs/cli.md: validate/compile/inspect through the CLI — exit codes, formats,
// atomic output, and a failed compile that leaves the previous bundle in place.
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const base = path.resolve(import.meta.dirname, '../fixtures/validate/_base');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'offerops-cli-'));
  await mkdir(path.join(root, '.git'));
  await cp(base, path.join(root, 'config'), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function breakConfig(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offerops-cli-bad-'));
  await mkdir(path.join(dir, '.git'));
  await cp(base, path.join(dir, 'config'), { recursive: true });
  await writeFile(
    path.join(dir, 'config', 'bad.yaml'),
    'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: bad }\nspec:\n  channel: web\n  rules:\n    - { name: r, offer: nope, score: 165 }\n    - { name: s, offer: gold-kard, score: 1 }\n',
  );
  return dir;
}

describe('offerops validate', () => {
  it('exits 0 on a clean config and 1 with every problem listed', async () => {
    expect((await runCli(['validate'], { cwd: root })).code).toBe(0);
    const dir = await breakConfig();
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('config/bad.yaml:7:38: error OO101 score must be at most 100, got 165');
    expect(result.stderr).toContain("config/bad.yaml:8:25: error OO201 offer 'gold-kard' is not defined; did you mean 'gold-card'?");
    expect(result.stderr).toContain("config/bad.yaml:7:25: error OO201 offer 'nope' is not defined");
    expect(result.stderr).toMatch(/> 8 \| {5}- \{ name: s, offer: gold-kard, score: 1 \}\n {4}\| {25}\^{9}\n/);
    expect(result.stderr).toContain('3 errors, 0 warnings');
    await rm(dir, { recursive: true, force: true });
  });

  it('writes json, github and sarif on stdout', async () => {
    const dir = await breakConfig();
    const json = JSON.parse((await runCli(['validate', '--format', 'json'], { cwd: dir })).stdout) as { file: string; line: number; code: string; path: string }[];
    expect(json.map((p) => [p.file, p.line, p.code, p.path])).toEqual([
      ['config/bad.yaml', 7, 'OO201', '/spec/rules/0/offer'],
      ['config/bad.yaml', 7, 'OO101', '/spec/rules/0/score'],
      ['config/bad.yaml', 8, 'OO201', '/spec/rules/1/offer'],
    ]);
    const github = await runCli(['validate', '--format', 'github'], { cwd: dir });
    expect(github.code).toBe(1);
    expect(github.stdout.split('\n')[1]).toBe('::error file=config/bad.yaml,line=7,col=38,endLine=7,endColumn=41,title=OO101 schema::score must be at most 100, got 165');
    const sarif = JSON.parse((await runCli(['validate', '--format', 'sarif'], { cwd: dir })).stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['OO201', 7],
      ['OO101', 7],
      ['OO201', 8],
    ]);
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 for usage errors', async () => {
    expect((await runCli(['validate', '--format', 'xml'], { cwd: root })).code).toBe(2);
    expect((await runCli(['validate', '--no-such-flag'], { cwd: root })).code).toBe(2);
    expect((await runCli(['no-such-command'], { cwd: root })).code).toBe(2);
    const missing = await runCli(['validate', '--config', 'nowhere'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config directory nowhere does not exist');
  });

  it('prints help for every command with exit 0', async () => {
    const help = await runCli(['--help'], { cwd: root });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate');
    expect((await runCli(['compile', '--help'], { cwd: root })).stdout).toContain('--out <file>');
  });
});

describe('offerops compile', () => {
  it('writes the bundle and reports its digest', async () => {
    const result = await runCli(['compile', '--out', 'build/bundle.json', '--json'], { cwd: root });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { digest: string; out: string; counts: { offers: number } };
    expect(summary.out).toBe('build/bundle.json');
    expect(summary.counts.offers).toBe(2);
    const bundle = JSON.parse(await readFile(path.join(root, 'build/bundle.json'), 'utf8')) as { digest: string };
    expect(bundle.digest).toBe(summary.digest);
    expect(result.stderr).toContain(summary.digest);
  });

  it('names an --out outside the repository by its absolute path, not ../…', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'offerops-cli-out-'));
    try {
      const file = path.join(outside, 'new-folder/northgate.json');
      const result = await runCli(['compile', '--out', file, '--json'], { cwd: root });
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { out: string }).out).toBe(file);
      expect(result.stderr).toContain(`  ${file}`);
      expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('formatVersion', 1);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('writes nothing and keeps the previous bundle when the config has errors', async () => {
    const dir = await breakConfig();
    await mkdir(path.join(dir, 'build'));
    await writeFile(path.join(dir, 'build/bundle.json'), 'previous');
    const result = await runCli(['compile', '--out', 'build/bundle.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no bundle written');
    expect(await readFile(path.join(dir, 'build/bundle.json'), 'utf8')).toBe('previous');
    await rm(dir, { recursive: true, force: true });
  });
});

describe('offerops inspect', () => {
  it('verifies a bundle and refuses a tampered one', async () => {
    await runCli(['compile', '--out', 'build/b.json'], { cwd: root });
    const ok = await runCli(['inspect', 'build/b.json', '--json'], { cwd: root });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, formatVersion: 1 });
    const text = await readFile(path.join(root, 'build/b.json'), 'utf8');
    await writeFile(path.join(root, 'build/tampered.json'), text.replace('"cost": 2.5', '"cost": 0.5'));
    const bad = await runCli(['inspect', 'build/tampered.json'], { cwd: root });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('digest mismatch');
    await writeFile(path.join(root, 'build/future.json'), text.replace('"formatVersion": 1', '"formatVersion": 99'));
    expect((await runCli(['inspect', 'build/future.json'], { cwd: root })).stderr).toContain('unknown bundle formatVersion 99');
    expect((await runCli(['inspect', 'build/missing.json'], { cwd: root })).code).toBe(2);
  });

  it('says a JSON file without formatVersion is not a bundle', async () => {
    await mkdir(path.join(root, 'build'), { recursive: true });
    await writeFile(path.join(root, 'build/empty.json'), '{}');
    const empty = await runCli(['inspect', 'build/empty.json'], { cwd: root });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('build/empty.json: not a bundle: it has no formatVersion (a bundle is {formatVersion, digest, body}, as offerops compile writes it; this JSON has no keys)');
    expect(empty.stderr).not.toContain('undefined');
    await writeFile(path.join(root, 'build/other.json'), '{"name": "x", "version": "1.0.0"}');
    expect((await runCli(['inspect', 'build/other.json'], { cwd: root })).stderr).toContain('this JSON has keys name, version');
  });
});
