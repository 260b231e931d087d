// `offerops diff` through the CLI, in a real git repository holding the example: a git
// ref against the working config, an environment's pinned bundle with its default
// guardrails, guardrails that trip exactly when they should (exit 1, named), breaking
// changes, a side whose config does not compile (exit 1, located), and the formats.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import type { DiffReport } from '../../src/diff/diff-report.js';
import { parseEvidenceMarker } from '../../src/diff/evidence.js';
import { exampleProject, git } from './example-project.js';
import { runCli } from './run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await exampleProject();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const audience = ['--sample', '150', '--seed', '7', '--at', '2026-11-02', '--workers', '0'];
const diff = (...args: string[]) => runCli(['diff', ...args], { cwd: dir });

async function edit(file: string, from: string, to: string): Promise<void> {
  const absolute = path.join(dir, file);
  const text = await readFile(absolute, 'utf8');
  expect(text).toContain(from);
  await writeFile(absolute, text.replace(from, to));
}

/** tiles-savings from 40 to 90: the savings products move up the home tiles. */
const raiseSavings = (): Promise<void> => edit('config/strategies/web-home.yaml', '      offerList: savings-products\n      score: 40', '      offerList: savings-products\n      score: 90');

describe('offerops diff', () => {
  it('shows no change between HEAD and an unchanged working config', async () => {
    const result = await diff('--base', 'HEAD', ...audience, '--ip', 'home-hero');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^\*\*✅ no decision changes for 150 members at 1 point \(the same bundle on both sides\)\*\*$/);
    const parsed = parseEvidenceMarker(result.stdout);
    expect('marker' in parsed && parsed.marker.base === parsed.marker.head).toBe(true);
  });

  it('reports a score change in config terms and the decisions it moves', async () => {
    await raiseSavings();
    const result = await diff('--base', 'HEAD', ...audience, '--ip', 'home-tiles,home-hero', '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as DiffReport & { timing: unknown };
    expect(report.base).toMatchObject({ ref: 'HEAD', commit: git(dir, 'rev-parse', 'HEAD').trim() });
    expect(report.head.ref).toBe('config/');
    expect(report.config.changes).toEqual([{ kind: 'Strategy', name: 'web-home', change: 'changed', fields: [{ path: 'rules[tiles-savings].score', base: 40, head: 90 }] }]);
    const tiles = report.behaviour.points.find((p) => p.point === 'home-tiles')!;
    expect(tiles.changed).toBeGreaterThan(0);
    expect(tiles.reasons[0]).toMatchObject({ step: 'score' });
    expect(tiles.reasons[0]!.why).toMatch(/rule `tiles-savings` now scores `[a-z-]+` 90 \(was 40\)/);
    expect(report.behaviour.examples.length).toBeGreaterThan(0);
    expect(report.behaviour.examples[0]!.base.explain.length).toBeGreaterThan(0);
    expect(report.verdict).toMatch(/see different offers at home-tiles/);
    expect(report.timing).toBeDefined();
  });

  it('trips --fail-on exactly when the condition holds, naming the guardrail', async () => {
    await raiseSavings();
    const json = JSON.parse((await diff('--base', 'HEAD', ...audience, '--ip', 'home-tiles', '--format', 'json')).stdout) as DiffReport;
    const changed = json.behaviour.points[0]!.changed;
    expect(changed).toBeGreaterThan(1);
    const below = await diff('--base', 'HEAD', ...audience, '--ip', 'home-tiles', '--fail-on', `changed>${changed - 1}`);
    expect(below.code).toBe(1);
    expect(below.stderr).toContain(`guardrail failed: changed>${changed - 1} (${changed} at web/home-tiles)`);
    expect(below.stdout).toContain('❌');
    const at = await diff('--base', 'HEAD', ...audience, '--ip', 'home-tiles', '--fail-on', `changed>${changed}`, 'breaking');
    expect(at.code, at.stderr).toBe(0);
    expect(at.stderr).not.toContain('guardrail failed');
  });

  it('lists a removed interaction point as breaking; --fail-on breaking exits 1', async () => {
    await edit('config/channels/web.yaml', '        - { name: apply-confirmation, maxOffers: 1, defaultString: "Thank you for your application" }\n', '');
    // Its behaviour test goes with it: a test of a point that no longer exists does not validate.
    await edit('config/tests/web-accounts-and-apply.yaml', '    - name: the confirmation page shows the single best cross-sell\n      point: apply-confirmation\n      count: 3\n      expect: { offers: [home-insurance] }\n\n', '');
    const result = await diff('--base', 'HEAD', ...audience, '--ip', 'home-hero', '--fail-on', 'breaking', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.config.breaking).toEqual([{ kind: 'Channel', name: 'web', what: "interaction point 'apply-confirmation' removed" }]);
    expect(report.guardrails).toEqual([{ expr: 'breaking', ok: false, value: '1 breaking change' }]);
    expect(result.stderr).toContain('guardrail failed: breaking (1 breaking change)');
  });

  it("compares with an environment's pinned bundle, on its sample and with its guardrails", async () => {
    const compiled = await compileDirectory(path.join(dir, 'config'), { root: dir });
    const bundle = createBundle(compiled.bundle!.body);
    await writeFile(path.join(dir, 'environments/pinned.json'), formatBundle(bundle));
    await writeFile(
      path.join(dir, 'environments/qa.yaml'),
      `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: qa }\nspec:\n  bundle: { digest: "${bundle.digest}", path: environments/pinned.json }\n  simulation: { sample: { customers: 60, seed: 9 }, at: 2026-11-02, guardrails: ["changed[home-tiles]>0"] }\n`,
    );
    await raiseSavings();
    const result = await diff('--base', 'env:qa', '--ip', 'home-tiles', '--format', 'json', '--workers', '0');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.base).toEqual({ ref: 'env:qa', digest: bundle.digest });
    expect(report.audience).toMatchObject({ source: 'sample:60:9', members: 60, at: '2026-11-02' });
    expect(report.guardrails[0]).toMatchObject({ expr: 'changed[home-tiles]>0', ok: false });
    // --fail-on replaces the environment's guardrails.
    expect((await diff('--base', 'env:qa', '--ip', 'home-tiles', '--fail-on', 'breaking', '--workers', '0')).code).toBe(0);
  });

  it('refuses an environment whose pin and bundle file disagree', async () => {
    const compiled = await compileDirectory(path.join(dir, 'config'), { root: dir });
    await writeFile(path.join(dir, 'environments/pinned.json'), formatBundle(compiled.bundle!));
    await writeFile(path.join(dir, 'environments/qa.yaml'), `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: qa }\nspec:\n  bundle: { digest: "sha256:${'0'.repeat(64)}", path: environments/pinned.json }\n`);
    const result = await diff('--base', 'env:qa', ...audience);
    expect(result.stderr).toMatch(/environments\/qa.yaml: pins sha256:0+ but environments\/pinned.json holds sha256:[0-9a-f]{64}/);
    expect(result.code).toBe(2);
  });

  it('names file:line:column of an environment that is not valid', async () => {
    await writeFile(path.join(dir, 'environments/qa.yaml'), 'apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: qa }\nspec:\n  simulation: { sample: { customers: 0, seed: 1 } }\n');
    const result = await diff('--base', 'env:qa', ...audience);
    expect(result.stderr).toMatch(/environments\/qa\.yaml:5:\d+: .*customers/);
    expect(result.code).toBe(2);
  });

  it('exits 1 with the located problems when a side does not compile', async () => {
    await edit('config/strategies/web-home.yaml', '      score: 40', '      score: 400');
    git(dir, 'commit', '-q', '-am', 'a broken score');
    await edit('config/strategies/web-home.yaml', '      score: 400', '      score: 40');
    const result = await diff('--base', 'HEAD', ...audience);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/config\/strategies\/web-home\.yaml:\d+:\d+: error OO101/);
    expect(result.stderr).toMatch(/the config at HEAD \(commit [0-9a-f]{12}\) does not compile/);
  });

  it('compares the optimizer on both sides when a policy is given', async () => {
    expect((await runCli(['sample', '--channel', 'web', '--customers', '40', '--seed', '2', '--out', 'aud.ndjson', '--proposed', 'proposed.csv', '--at', '2026-11-02'], { cwd: dir })).code).toBe(0);
    await edit('config/policies/outbound-campaigns.yaml', '      max: 400\n      periodDays: 7', '      max: 1\n      periodDays: 7');
    const result = await diff('--base', 'HEAD', '--audience', 'aud.ndjson', '--at', '2026-11-02', '--ip', 'home-hero', '--policy', 'outbound-campaigns', '--proposed', 'proposed.csv', '--format', 'json', '--workers', '0');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as DiffReport;
    expect(report.optimization).toMatchObject({ policy: 'outbound-campaigns' });
    expect(report.optimization!.objective.base).toBeGreaterThan(0);
    expect(report.optimization!.chosen.length).toBeGreaterThan(0);
    expect(Array.isArray(report.optimization!.binding.head)).toBe(true);
    expect(report.config.changes.map((c) => c.name)).toEqual(['outbound-campaigns']);
    // Shadow prices base against head: every capacity rule of the policy, the cap that changed flagged.
    const prices = report.optimization!.shadowPrices;
    expect(prices.map((p) => p.rule).sort()).toEqual(['adviser-callback-capacity', 'loan-risk-appetite', 'mail-budget', 'mortgage-mailing-volume']);
    const callbacks = prices.find((p) => p.rule === 'adviser-callback-capacity')!;
    expect(callbacks.ruleChanged).toBe(true);
    expect(prices.filter((p) => p.ruleChanged).map((p) => p.rule)).toEqual(['adviser-callback-capacity']);
    expect(callbacks.delta).toBe(callbacks.head!.price - callbacks.base!.price);
  });

  it('writes the HTML report to --out', async () => {
    const result = await diff('--base', 'HEAD', ...audience, '--ip', 'home-hero', '--format', 'html', '--out', 'report.html');
    expect(result.code, result.stderr).toBe(0);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(parseEvidenceMarker(html)).toHaveProperty('marker');
  });

  it.each([
    [['--fail-on', 'changed>lots'], /guardrail 'changed>lots' is not understood/],
    [['--format', 'pdf'], /--format must be markdown, json or html/],
    [['--head', 'no-such-ref'], /'no-such-ref' is neither a bundle file, nor a git ref/],
  ])('refuses %j with exit 2 before running', async (args, message) => {
    const result = await diff('--base', 'HEAD', ...audience, ...(args));
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });
});
