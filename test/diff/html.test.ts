// The HTML report: one self-contained file (no script, no external asset, a CSP that
// forbids the network), matching its golden file, and rendered in a real headless
// Chromium with no console errors, its charts drawn, and a screenshot kept as a test
// artifact (test-artifacts/diff-report.png). .ci/chromium.sh installs the browser; under
// CI its absence fails the suite, locally the browser test is skipped with a message.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/diff/evidence.js';
import { renderHtml } from '../../src/diff/render/html.js';
import { fixtureReport } from './report-fixture.js';

const repo = path.resolve(import.meta.dirname, '../..');
const inCi = process.env['CI'] === 'true';
const browserPath = process.env['OFFEROPS_TEST_CHROMIUM'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('HTML report', () => {
  it('renders the fixture diff as the golden file', async () => {
    await expect(renderHtml(await fixtureReport())).toMatchFileSnapshot('golden/diff.html');
  });

  it('is self-contained: no script, no external asset, a CSP that forbids the network', async () => {
    const html = renderHtml(await fixtureReport());
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|@import|url\(/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(parseEvidenceMarker(html)).toHaveProperty('marker');
  });

  it('escapes names and sentences', async () => {
    const report = await fixtureReport();
    report.behaviour.points[0]!.reasons = [{ step: 'segment', why: 'x <img src=x onerror=alert(1)> `<b>`', members: 1 }];
    report.head.ref = '<script>alert(1)</script>';
    const html = renderHtml(report);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('x &lt;img src=x onerror=alert(1)&gt; <code>&lt;b&gt;</code>');
  });

  it.runIf(inCi)('has a browser under CI (OFFEROPS_TEST_CHROMIUM from .ci/chromium.sh)', () => {
    expect(browserPath, 'no Chromium: .ci/run must eval "$(.ci/chromium.sh)"').toBeTruthy();
  });

  it.skipIf(!browserPath)('renders in headless Chromium with no console errors and its charts drawn', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-html-'));
    const browser = await chromium.launch({ executablePath: browserPath!, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const file = path.join(dir, 'report.html');
      await writeFile(file, renderHtml(await fixtureReport()));
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
      const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => ({ bars: svg.querySelectorAll('rect.bar').length, width: svg.getBoundingClientRect().width, title: svg.querySelector('title')?.textContent ?? '' })));
      expect(charts.length).toBeGreaterThanOrEqual(4);
      for (const chart of charts) {
        expect(chart.bars, chart.title).toBeGreaterThan(0);
        expect(chart.width, chart.title).toBeGreaterThan(200);
      }
      expect(await page.textContent('.verdict')).toMatch(/see different offers/);
      // The collapsed details open, and hold their tables.
      await page.click('details summary');
      expect(await page.locator('details[open] table').count()).toBeGreaterThan(0);
      const artifacts = path.join(repo, 'test-artifacts');
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'diff-report.png'), fullPage: true });
      expect(existsSync(path.join(artifacts, 'diff-report.png'))).toBe(true);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(Boolean(browserPath) || inCi)('skips the browser test here: no Chromium found (run .ci/chromium.sh)', () => {
    expect(browserPath).toBeUndefined();
  });
});
