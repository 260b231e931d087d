// The Markdown evidence: golden file, verdict first, the marker parsed back, and the size
// tiers — also on a change that touches every rule of the benchmark's large config.
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { compileSources } from '../../src/compile/compile-sources.js';
import { parseEvidenceMarker } from '../../src/diff/evidence.js';
import { parseGuardrails } from '../../src/diff/guardrails.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../../src/diff/render/markdown.js';
import { runDiff } from '../../src/diff/run-diff.js';
import { openAudienceSample, sampleShape } from '../../src/simulate/audience-sample.js';
import type { SimulationOptions } from '../../src/simulate/types.js';
import { generateLargeConfig } from '../../bench/generate/large-config.mjs';
import { fixtureReport } from './report-fixture.js';

describe('Markdown evidence', () => {
  it('renders the fixture diff as the golden file', async () => {
    const report = await fixtureReport();
    const { markdown, tier } = renderMarkdown(report);
    expect(tier).toBe('full');
    await expect(markdown).toMatchFileSnapshot('golden/diff.md');
  });

  it('starts with the verdict and carries the marker with both digests, the audience and the version', async () => {
    const report = await fixtureReport();
    const { markdown } = renderMarkdown(report);
    expect(markdown.split('\n')[0]).toBe(`**❌ ${report.verdict.replace(/</g, '&lt;')}**`);
    expect(parseEvidenceMarker(markdown)).toEqual({ marker: { base: report.base.digest, head: report.head.digest, audience: report.audience.digest, version: '0.0.0-test' } });
    expect(markdown).toContain('```mermaid\nxychart-beta');
    expect(markdown).toContain("interaction point `apply-confirmation` removed");
  });

  it('falls to the summary, then the link tier, as the limit shrinks, keeping verdict and marker', async () => {
    const report = await fixtureReport();
    const full = renderMarkdown(report).markdown;
    const summary = renderMarkdown(report, { limit: full.length - 1, reportUrl: 'https://ci.example/report.html' });
    expect(summary.tier).toBe('summary');
    expect(summary.markdown.length).toBeLessThan(full.length);
    expect(summary.markdown).toContain('[the full report](https://ci.example/report.html)');
    const link = renderMarkdown(report, { limit: summary.markdown.length - 1 });
    expect(link.tier).toBe('link');
    expect(link.markdown).toContain('`offerops diff --format html` writes the full report');
    // Exactly at the full size the full tier still fits.
    expect(renderMarkdown(report, { limit: full.length }).tier).toBe('full');
    const tiny = renderMarkdown(report, { limit: 1500 });
    expect(tiny.markdown.length).toBeLessThanOrEqual(1500);
    expect(tiny.markdown).toContain('cut to fit');
    for (const text of [summary.markdown, link.markdown, tiny.markdown]) expect(parseEvidenceMarker(text)).toHaveProperty('marker');
  });

  it('escapes what would break a table or inject HTML', async () => {
    const report = await fixtureReport();
    report.behaviour.points[0]!.reasons = [{ step: 'segment', why: 'a | b <script>alert(1)</script> `x|y`', members: 3 }];
    const { markdown } = renderMarkdown(report);
    expect(markdown).toContain('a \\| b &lt;script>alert(1)&lt;/script> `x\\|y`');
    expect(markdown).not.toContain('<script>');
  });

  it('stays under 65,536 characters on a change to every rule of the large benchmark config', { timeout: 240_000 }, async () => {
    const { files } = generateLargeConfig({ scale: 1 });
    const base = compileSources(new Map([...files].map(([name, text]) => [`config/${name}`, text]))).bundle!;
    const body = structuredClone(base.body);
    for (const rule of body.rules) rule.score = rule.score >= 50 ? rule.score - 7 : rule.score + 7;
    const head = createBundle(body);
    const points = [
      { channel: 'web', point: 'home-hero' },
      { channel: 'web', point: 'home-sidebar' },
      { channel: 'mobile-app', point: 'wallet-sidebar' },
    ];
    const options: SimulationOptions = { at: '2026-07-15', points, count: null, explainStride: 1, fairness: null, examplesPerPoint: 5 };
    const source = openAudienceSample(sampleShape([head.body, base.body], ['web', 'mobile-app']), { customers: 40, seed: 1, at: '2026-07-15' });
    const { report } = await runDiff({ base: { ref: 'main', bundle: base }, head: { ref: 'HEAD', bundle: head }, source, options, history: null, workers: 0, guardrails: parseGuardrails(['breaking']), version: '0.0.0-test' });
    const changedRules = report.config.changes.filter((c) => c.kind === 'Strategy').reduce((n, c) => n + c.fields.length, 0);
    expect(changedRules).toBe(20_000);
    const { markdown, tier } = renderMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(tier).not.toBe('full');
    expect(markdown.split('\n')[0]).toMatch(/^\*\*.+\*\*$/);
    expect(parseEvidenceMarker(markdown)).toEqual({ marker: { base: base.digest, head: head.digest, audience: report.audience.digest, version: '0.0.0-test' } });
    expect(markdown).toMatch(/and \d+ more changed entities|200 Strategy/);
  });
});
