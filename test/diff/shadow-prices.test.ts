// The diff's shadow prices (docs/simulation-and-diff.md#shadow-prices): base against head per
// capacity rule — a cap that changed, a rule that binds only on head, one that no longer
// binds — sorted by impact, in the JSON and in the Markdown (inside the size tiers) and
// HTML tables.
import { describe, expect, it } from 'vitest';
import type { BundlePolicyRule } from '../../src/bundle/types.js';
import { shadowPriceDiff, type OptimizationDiff } from '../../src/diff/diff-report.js';
import { renderHtml } from '../../src/diff/render/html.js';
import { renderMarkdown } from '../../src/diff/render/markdown.js';
import type { ShadowPrice } from '../../src/optimize/types.js';
import { fixtureReport } from './report-fixture.js';

function price(rule: string, value: number, extra: Partial<ShadowPrice> = {}): ShadowPrice {
  return {
    rule,
    type: 'offerCapacity',
    unit: 'contact',
    method: 'resolve',
    price: value,
    bindingWindows: value > 0 ? 1 : 0,
    windows: 1,
    largestWindowPrice: value,
    sumOverWindows: value,
    hardestWindow: value > 0 ? { from: '2026-11-02', to: '2026-11-08' } : null,
    minimumPrice: null,
    unmeasuredWindows: 0,
    ...extra,
  };
}

const cap = (name: string, max: number): BundlePolicyRule =>
  ({ name, type: 'offerCapacity', segment: null, channel: null, periodDays: 7, offers: { offer: 'a', list: null, offers: ['a'] }, min: 0, max, exceptions: [] });

const base = [price('callbacks', 12), price('mailers', 3), price('budget', 0, { type: 'customCapacity', unit: 'sum' }), price('steady', 5), price('idle', 0)];
const head = [price('callbacks', 40), price('mailers', 0), price('budget', 0.5, { type: 'customCapacity', unit: 'sum', minimumPrice: 2 }), price('steady', 5), price('idle', 0), price('fresh', 1)];
const rules = {
  base: [cap('callbacks', 400), cap('mailers', 100), cap('budget', 1), cap('steady', 10), cap('idle', 99)],
  head: [cap('callbacks', 150), cap('mailers', 100), cap('budget', 1), cap('steady', 10), cap('idle', 99), cap('fresh', 3)],
};

describe('shadow prices in the diff', () => {
  const diff = shadowPriceDiff(base, head, rules);

  it('pairs every capacity rule base against head, largest change first', () => {
    expect(diff.map((d) => [d.rule, d.delta])).toEqual([
      ['callbacks', 28],
      ['mailers', -3],
      ['fresh', 1],
      ['budget', 0.5],
      ['steady', 0],
      ['idle', 0],
    ]);
    expect(diff[0]).toEqual({
      rule: 'callbacks',
      type: 'offerCapacity',
      unit: 'contact',
      base: { price: 12, minimumPrice: null, bindingWindows: 1, hardestWindow: { from: '2026-11-02', to: '2026-11-08' }, method: 'resolve' },
      head: { price: 40, minimumPrice: null, bindingWindows: 1, hardestWindow: { from: '2026-11-02', to: '2026-11-08' }, method: 'resolve' },
      delta: 28,
      binding: 'both',
      ruleChanged: true,
    });
  });

  it('says which rule changed, which binds only now and which no longer binds', () => {
    const by = (name: string) => diff.find((d) => d.rule === name)!;
    expect([by('callbacks').ruleChanged, by('steady').ruleChanged, by('mailers').ruleChanged]).toEqual([true, false, false]);
    expect(by('fresh')).toMatchObject({ base: null, binding: 'new', ruleChanged: true });
    expect(by('budget').binding).toBe('new');
    expect(by('mailers').binding).toBe('released');
    expect(by('idle').binding).toBe('neither');
  });

  it('without the rules, only a rule missing on one side counts as changed', () => {
    const plain = shadowPriceDiff(base, head, null);
    expect(plain.filter((d) => d.ruleChanged).map((d) => d.rule)).toEqual(['fresh']);
  });

  /** The rows of the Markdown shadow-price table. */
  function tableRows(markdown: string): string[] {
    const lines = markdown.slice(markdown.indexOf('Shadow prices')).split('\n');
    const start = lines.findIndex((l) => l.startsWith('| rule |'));
    const rows: string[] = [];
    for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
    return rows;
  }

  async function reportWith(prices: ReturnType<typeof shadowPriceDiff>) {
    const report = await fixtureReport();
    const optimization: OptimizationDiff = {
      policy: 'outbound',
      objective: { base: 100, head: 120 },
      upperBound: { base: 101, head: 121 },
      chosen: [{ offer: 'a', base: 10, head: 12, delta: 2 }],
      binding: { base: ['callbacks'], head: ['callbacks'] },
      unmetMinimums: { base: 0, head: 0 },
      shadowPrices: prices,
    };
    return { ...report, optimization };
  }

  it('renders a Markdown table sorted by impact, leaving out rules that bind nowhere and did not change', async () => {
    const { markdown, tier } = renderMarkdown(await reportWith(diff));
    expect(tier).toBe('full');
    const section = markdown.slice(markdown.indexOf('Shadow prices'));
    const lines = tableRows(markdown);
    expect(lines.map((l) => l.split(' | ')[0])).toEqual(['| `callbacks`', '| `mailers`', '| `fresh`', '| `budget`', '| `steady`']);
    expect(lines[0]).toBe('| `callbacks` | contact | 12 | 40 | +28 | 2026-11-02..2026-11-08 | rule changed |');
    expect(lines[1]).toContain('| −3 |');
    expect(lines[1]).toContain('no longer binds');
    expect(lines[2]).toBe('| `fresh` | contact | — | 1 | +1 | 2026-11-02..2026-11-08 | new rule; binds now |');
    expect(lines[3]).toContain('minimum −1 buys — → 2');
    expect(section.slice(0, section.indexOf('\n\n', section.indexOf('| rule |')))).not.toContain('`idle`');
  });

  it('keeps the table within the smaller tiers: the top rows, then a count of the rest', async () => {
    const many = shadowPriceDiff(
      Array.from({ length: 30 }, (_, i) => price(`cap-${String(i).padStart(2, '0')}`, i + 1)),
      Array.from({ length: 30 }, (_, i) => price(`cap-${String(i).padStart(2, '0')}`, 2 * (i + 1))),
      null,
    );
    // Force the small tiers with a tight limit.
    const report = await reportWith(many);
    const full = renderMarkdown(report);
    const summary = renderMarkdown(report, { limit: full.markdown.length - 1 });
    expect(summary.tier).not.toBe('full');
    const rows = tableRows;
    expect(rows(full.markdown)).toHaveLength(30);
    expect(rows(full.markdown)[0]).toContain('`cap-29`');
    expect(rows(summary.markdown).length).toBeLessThan(30);
    expect(summary.markdown).toMatch(/_…and \d+ more capacity rules\._/);
  });

  it('renders the HTML table, every rule, escaped', async () => {
    const html = renderHtml(await reportWith(shadowPriceDiff([price('<b>x</b>', 1)], [price('<b>x</b>', 2)], null)));
    expect(html).toContain('<h3>Shadow prices: what one more unit of each cap buys</h3>');
    expect(html).toContain('<code>&lt;b&gt;x&lt;/b&gt;</code>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toMatch(/<td[^>]*>\+1<\/td>/);
  });

  it('says so when no capacity rule binds on either side', async () => {
    const { markdown } = renderMarkdown(await reportWith(shadowPriceDiff([price('idle', 0)], [price('idle', 0)], null)));
    expect(markdown).toContain('No capacity rule binds on either side.');
  });
});
