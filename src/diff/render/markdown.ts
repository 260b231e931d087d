// The Markdown evidence for a pull request (docs/simulation-and-diff.md#markdown): the
// verdict first, then tables sorted by impact, a Mermaid chart of the largest offer
// shifts, details collapsed, and the hidden evidence marker. Three size tiers — full,
// summary, summary with a link to the full report — keep it within GitHub's 65,536
// characters for a comment, whatever the size of the change.
import { formatEvidenceMarker } from '../evidence.js';
import type { BehaviourPoint } from '../behaviour-diff.js';
import { priceText, shadowPriceNotes, shownShadowPrices, type DiffReport } from '../diff-report.js';
import { funnelSteps } from '../../simulate/index.js';

/** GitHub refuses comments (and job summaries) longer than this. */
export const MARKDOWN_LIMIT = 65_536;

export type MarkdownTier = 'full' | 'summary' | 'link';

export interface MarkdownOptions {
  /** Where the full report is (a CI artifact, the HTML report); linked from the smaller tiers. */
  reportUrl?: string | null;
  /** The size limit (default MARKDOWN_LIMIT). */
  limit?: number;
}

interface Caps {
  points: number;
  shifts: number;
  reasons: number;
  entities: number;
  fieldsPerEntity: number;
  breaking: number;
  details: boolean;
  examples: 'full' | 'why' | 'none';
}

const CAPS: Record<MarkdownTier, Caps> = {
  full: { points: Infinity, shifts: 40, reasons: 30, entities: Infinity, fieldsPerEntity: Infinity, breaking: Infinity, details: true, examples: 'full' },
  summary: { points: 25, shifts: 15, reasons: 10, entities: 40, fieldsPerEntity: 6, breaking: 50, details: false, examples: 'why' },
  link: { points: 10, shifts: 8, reasons: 5, entities: 0, fieldsPerEntity: 0, breaking: 20, details: false, examples: 'none' },
};

const number = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (n: number): string => (n > 0 ? `+${number(n)}` : n < 0 ? `−${number(-n)}` : '0');
const pp = (a: number, b: number): string => {
  const d = (b - a) * 100;
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(1)}pp`;
};

/** Text for a table cell: no line breaks, pipes escaped, HTML neutralised. */
function cell(text: string): string {
  // `>` alone opens nothing inside a line; `<` could open an HTML tag.
  return text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
}

/** A value as inline code in a cell (JSON for non-strings), shortened. */
function code(value: unknown, max = 100): string {
  let text = value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length > max) text = text.slice(0, max - 1) + '…';
  if (text === '—') return text;
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')}${fence === '``' ? ' ' : ''}${fence}`;
}

/** Backticked names in engine sentences become code; the rest is escaped. */
function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length >= 2 ? part.replace(/\|/g, '\\|') : cell(part)))
    .join('');
}

/** Columns of counts and rates, right-aligned. */
const NUMERIC_COLUMNS = /^(members|one more unit buys \(base\)|one more unit buys \(head\)|changed|changed %|fill rate|no offer|score Δ|p99 µs|base|head|Δ|Δ %|largest gap \(base\)|largest gap \(head\))$/;

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const align = header.map((h, i) => (i > 0 && NUMERIC_COLUMNS.test(h) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n';
}

function more(total: number, shown: number, what: string): string {
  return total > shown ? `\n_…and ${number(total - shown)} more ${what}._\n` : '';
}

const pointName = (p: Pick<BehaviourPoint, 'channel' | 'point'>): string => `${p.channel}/${p.point}`;

function guardrailSection(report: DiffReport): string {
  if (report.guardrails.length === 0) return '';
  const rows = [...report.guardrails]
    .sort((a, b) => Number(a.ok) - Number(b.ok))
    .map((g) => [code(g.expr), g.ok ? '✅ pass' : '❌ **fail**', cell(g.value), g.at ? code(g.at) : '']);
  return `### Guardrails\n\n${table(['guardrail', 'result', 'value', 'at'], rows)}\n`;
}

function breakingSection(report: DiffReport, caps: Caps): string {
  const breaking = report.config.breaking;
  if (breaking.length === 0) return '';
  const shown = breaking.slice(0, caps.breaking);
  return `### ⚠️ Breaking changes for touchpoints\n\n${shown.map((b) => `- channel ${code(b.name)}: ${prose(b.what.replace(/'([^']+)'/g, '`$1`'))}`).join('\n')}\n${more(breaking.length, shown.length, 'breaking changes')}\n`;
}

function pointsSection(report: DiffReport, caps: Caps): string {
  const points = [...report.behaviour.points].sort((a, b) => b.changed - a.changed || Math.abs(b.fillRate.head - b.fillRate.base) - Math.abs(a.fillRate.head - a.fillRate.base) || pointName(a).localeCompare(pointName(b)));
  const shown = points.slice(0, caps.points);
  const rows = shown.map((p) => [
    code(pointName(p)) + (p.present.base ? '' : ' (new)') + (p.present.head ? '' : ' (removed)'),
    number(p.members),
    number(p.changed),
    pct(p.changedShare),
    `${pct(p.fillRate.base)} → ${pct(p.fillRate.head)} (${pp(p.fillRate.base, p.fillRate.head)})`,
    `${number(p.noOffer.base.members)} → ${number(p.noOffer.head.members)}`,
    signed(Math.round(p.score.head - p.score.base)),
    `${p.latencyUs.base.p99 ?? '—'} → ${p.latencyUs.head.p99 ?? '—'}`,
  ]);
  return `### Decisions per interaction point\n\n${table(['point', 'members', 'changed', 'changed %', 'fill rate', 'no offer', 'score Δ', 'p99 µs'], rows)}${more(points.length, shown.length, 'points')}\n`;
}

interface Shift {
  point: BehaviourPoint;
  offer: string;
  base: number;
  head: number;
  delta: number;
}

function shiftsOf(report: DiffReport): Shift[] {
  return report.behaviour.points
    .flatMap((point) => point.impressions.filter((i) => i.delta !== 0).map((i) => ({ point, ...i })))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || Math.max(b.base, b.head) - Math.max(a.base, a.head) || pointName(a.point).localeCompare(pointName(b.point)) || a.offer.localeCompare(b.offer));
}

function mermaidChart(shifts: readonly Shift[]): string {
  const top = shifts.slice(0, 8);
  if (top.length === 0) return '';
  const label = (s: Shift): string => JSON.stringify(`${s.point.point}: ${s.offer}`);
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Largest offer shifts (members shown the offer: bars head, line base)"',
    `  x-axis [${top.map(label).join(', ')}]`,
    '  y-axis "members"',
    `  bar [${top.map((s) => s.head).join(', ')}]`,
    `  line [${top.map((s) => s.base).join(', ')}]`,
    '```',
    '',
  ].join('\n');
}

function shiftsSection(report: DiffReport, caps: Caps): string {
  const shifts = shiftsOf(report);
  if (shifts.length === 0) return '';
  const shown = shifts.slice(0, caps.shifts);
  const relative = (s: Shift): string => {
    if (s.base === 0) return 'new';
    const change = (s.delta * 100) / s.base;
    return `${change > 0 ? '+' : change < 0 ? '−' : ''}${Math.abs(change).toFixed(1)}%`;
  };
  const rows = shown.map((s) => [code(pointName(s.point)), code(s.offer), number(s.base), number(s.head), signed(s.delta), relative(s)]);
  return `### Largest offer shifts\n\n${mermaidChart(shifts)}\n${table(['point', 'offer', 'base', 'head', 'Δ', 'Δ %'], rows)}${more(shifts.length, shown.length, 'offer shifts')}\n`;
}

function reasonsSection(report: DiffReport, caps: Caps): string {
  const reasons = report.behaviour.points.flatMap((p) => p.reasons.map((r) => ({ point: p, ...r }))).sort((a, b) => b.members - a.members || a.why.localeCompare(b.why));
  if (reasons.length === 0) return '';
  const shown = reasons.slice(0, caps.reasons);
  const stride = report.behaviour.explained.stride;
  const note = stride > 1 ? `\n_Counted over the explained members (1 in ${number(stride)}); see docs/simulation-and-diff.md#explained-members._\n` : '';
  return `### Why decisions changed\n\nThe first step where the two decisions part, for the members whose decision changed.\n\n${table(['point', 'step', 'why', 'members'], shown.map((r) => [code(pointName(r.point)), r.step, prose(r.why), number(r.members)]))}${more(reasons.length, shown.length, 'reasons')}${note}\n`;
}

function noOfferSection(report: DiffReport, caps: Caps): string {
  const points = report.behaviour.points.filter((p) => p.noOffer.base.members !== p.noOffer.head.members || p.noOffer.head.members > 0);
  if (points.length === 0) return '';
  const sorted = [...points].sort((a, b) => Math.abs(b.noOffer.head.members - b.noOffer.base.members) - Math.abs(a.noOffer.head.members - a.noOffer.base.members) || pointName(a).localeCompare(pointName(b)));
  const shown = sorted.slice(0, caps.points);
  const steps = (s: Partial<Record<string, number>>): string =>
    Object.entries(s)
      .slice(0, 3)
      .map(([step, n]) => `${step} ${number(n ?? 0)}`)
      .join(', ') || '—';
  const rows = shown.map((p) => [code(pointName(p)), number(p.noOffer.base.members), number(p.noOffer.head.members), signed(p.noOffer.head.members - p.noOffer.base.members), steps(p.noOffer.head.steps)]);
  return `<details><summary>Members left with no offer (${number(points.length)} points)</summary>\n\n${table(['point', 'base', 'head', 'Δ', 'emptied by (head, explained members)'], rows)}${more(sorted.length, shown.length, 'points')}\n</details>\n\n`;
}

function funnelSection(report: DiffReport, caps: Caps): string {
  const rows: string[][] = [];
  const total = (side: 'base' | 'head', key: (typeof funnelSteps)[number] | 'candidates' | 'chosen'): number =>
    report.behaviour.points.reduce((sum, p) => sum + (key === 'candidates' ? p.funnel[side].candidates : key === 'chosen' ? p.funnel[side].chosen : p.funnel[side].removed[key]), 0);
  rows.push(['candidates (rule, offer)', number(total('base', 'candidates')), number(total('head', 'candidates')), signed(total('head', 'candidates') - total('base', 'candidates'))]);
  for (const step of funnelSteps) {
    const a = total('base', step);
    const b = total('head', step);
    if (a === 0 && b === 0) continue;
    rows.push([`removed by ${step}`, number(a), number(b), signed(b - a)]);
  }
  rows.push(['chosen', number(total('base', 'chosen')), number(total('head', 'chosen')), signed(total('head', 'chosen') - total('base', 'chosen'))]);
  let perPoint = '';
  if (caps.details) {
    for (const p of report.behaviour.points) {
      const r: string[][] = [];
      for (const step of funnelSteps) {
        const a = p.funnel.base.removed[step];
        const b = p.funnel.head.removed[step];
        if (a !== 0 || b !== 0) r.push([step, number(a), number(b), signed(b - a)]);
      }
      r.push(['chosen', number(p.funnel.base.chosen), number(p.funnel.head.chosen), signed(p.funnel.head.chosen - p.funnel.base.chosen)]);
      perPoint += `\n**${cell(pointName(p))}** (${number(p.explained)} explained members)\n\n${table(['step', 'base', 'head', 'Δ'], r)}`;
    }
  }
  return `<details><summary>Decision funnel: candidates each step removed</summary>\n\nAll points, over the explained members.\n\n${table(['step', 'base', 'head', 'Δ'], rows)}${perPoint}\n</details>\n\n`;
}

function fairnessSection(report: DiffReport, caps: Caps): string {
  const points = report.behaviour.points.filter((p) => p.fairness);
  if (points.length === 0) return '';
  const attribute = points[0]!.fairness!.head.attribute;
  const gap = (g: { offer: string; gapPp: number; high: string; low: string } | null): string =>
    g === null ? '—' : g.gapPp === 0 ? 'none' : `${g.gapPp.toFixed(1)}pp ${code(g.offer)} (${cell(g.high)} vs ${cell(g.low)})`;
  const rows = [...points]
    .sort((a, b) => (b.fairness!.head.largestGap?.gapPp ?? 0) - (a.fairness!.head.largestGap?.gapPp ?? 0) || pointName(a).localeCompare(pointName(b)))
    .slice(0, caps.points)
    .map((p) => [code(pointName(p)), gap(p.fairness!.base.largestGap), gap(p.fairness!.head.largestGap)]);
  let bands = '';
  if (caps.details) {
    for (const p of points) {
      const head = p.fairness!.head;
      const base = p.fairness!.base;
      const offers = [...new Set(head.bands.flatMap((b) => b.offers.slice(0, 3).map((o) => o.offer)))].slice(0, 4);
      if (offers.length === 0) continue;
      const r = head.bands.map((band) => {
        const before = base.bands.find((b) => b.band === band.band);
        return [
          cell(band.band),
          number(band.members),
          ...offers.map((offer) => {
            const h = band.offers.find((o) => o.offer === offer)?.share ?? 0;
            const b = before?.offers.find((o) => o.offer === offer)?.share ?? 0;
            return `${pct(b)} → ${pct(h)}`;
          }),
        ];
      });
      bands += `\n**${cell(pointName(p))}**: share of each band shown the offer (base → head)\n\n${table(['band', 'members', ...offers.map((o) => code(o))], r)}`;
    }
  }
  return `<details><summary>Fairness by ${cell(attribute)}: the largest gap in an offer's share between two bands</summary>\n\n${table(['point', 'largest gap (base)', 'largest gap (head)'], rows)}${bands}\n</details>\n\n`;
}

function configSection(report: DiffReport, caps: Caps): string {
  const changes = report.config.changes;
  if (changes.length === 0) return '';
  const byKind = new Map<string, number>();
  for (const c of changes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  const counts = [...byKind].map(([kind, n]) => `${number(n)} ${kind}`).join(', ');
  if (caps.entities === 0) return `### Config changes\n\n${counts}.\n\n`;
  const lines: string[] = [];
  const shown = changes.slice(0, caps.entities);
  for (const c of shown) {
    const title = c.change === 'renamed' ? `${c.kind} ${code(c.from)} renamed to ${code(c.name)}` : `${c.kind} ${code(c.name)} ${c.change}`;
    lines.push(`- ${title}`);
    const fields = c.fields.slice(0, caps.fieldsPerEntity);
    for (const f of fields) lines.push(`  - ${code(f.path)}: ${code(f.base)} → ${code(f.head)}`);
    if (c.fields.length > fields.length) lines.push(`  - _…and ${number(c.fields.length - fields.length)} more fields_`);
  }
  return `<details><summary>Config changes: ${counts}</summary>\n\n${lines.join('\n')}\n${more(changes.length, shown.length, 'changed entities')}\n</details>\n\n`;
}

function decisionLine(d: { offers: { offer: string; rule: string }[]; defaultString?: string; controlGroups: string[] }): string {
  const offers = d.offers.map((o) => `${code(o.offer)} (rule ${code(o.rule)})`).join(', ');
  const rest = d.offers.length === 0 ? (d.defaultString !== undefined ? `no offer (default string ${code(d.defaultString)})` : 'no offer') : offers;
  return rest + (d.controlGroups.length > 0 ? `; control group of ${d.controlGroups.map((r) => code(r)).join(', ')}` : '');
}

function examplesSection(report: DiffReport, caps: Caps): string {
  const examples = report.behaviour.examples;
  if (examples.length === 0 || caps.examples === 'none') return '';
  const parts = examples.map((e) => {
    const head = `**${cell(e.audienceId)}** at ${code(`${e.channel}/${e.point}`)}: ${prose(e.why)}`;
    if (caps.examples === 'why') return `- ${head}`;
    const explain = (side: typeof e.base): string =>
      side.explain.length === 0 ? '_the point is not in this bundle_\n' : table(['offer', 'rule', 'outcome', 'why'], side.explain.slice(0, 40).map((x) => [code(x.offer), code(x.rule), x.outcome, cell(x.reason)]));
    return `- ${head}\n  - base: ${decisionLine(e.base)}\n  - head: ${decisionLine(e.head)}\n\n<details><summary>Both explanations for ${cell(e.audienceId)}</summary>\n\n**base**\n\n${explain(e.base)}\n**head**\n\n${explain(e.head)}\n</details>\n`;
  });
  return `### Examples\n\n${parts.join('\n')}\n`;
}

function optimizationSection(report: DiffReport, caps: Caps): string {
  const o = report.optimization;
  if (!o) return '';
  const rows = o.chosen.slice(0, caps.shifts).map((c) => [code(c.offer), number(c.base), number(c.head), signed(c.delta)]);
  const binding = (rules: string[]): string => (rules.length === 0 ? 'none' : rules.map((r) => code(r)).join(', '));
  return `### Contact optimization (policy ${code(o.policy)})\n\nObjective ${number(Math.round(o.objective.base))} → ${number(Math.round(o.objective.head))} (upper bound ${number(Math.round(o.upperBound.base))} → ${number(Math.round(o.upperBound.head))}); unmet minimums ${o.unmetMinimums.base} → ${o.unmetMinimums.head}.\n\nBinding rules: base ${binding(o.binding.base)}; head ${binding(o.binding.head)}.\n\n${table(['offer', 'base', 'head', 'Δ'], rows)}${more(o.chosen.length, rows.length, 'offers')}\n${shadowPriceTable(o, caps)}`;
}

/** Which caps bind hardest and what one more unit buys, base against head, largest change first. */
function shadowPriceTable(o: NonNullable<DiffReport['optimization']>, caps: Caps): string {
  const shown = shownShadowPrices(o.shadowPrices);
  if (shown.length === 0) return o.shadowPrices.length === 0 ? '' : `No capacity rule binds on either side.\n\n`;
  const rows = shown.slice(0, caps.shifts).map((d) => {
    const hardest = d.head?.hardestWindow ?? d.base?.hardestWindow ?? null;
    return [
      code(d.rule),
      d.unit,
      priceText(d.base?.price),
      priceText(d.head?.price),
      d.delta > 0 ? `+${priceText(d.delta)}` : d.delta < 0 ? `−${priceText(-d.delta)}` : '0',
      hardest ? (hardest.from === hardest.to ? hardest.from : `${hardest.from}..${hardest.to}`) : '—',
      cell(shadowPriceNotes(d).join('; ')),
    ];
  });
  return `Shadow prices — what one more unit of each cap buys (objective per unit), largest change first:\n\n${table(['rule', 'per', 'one more unit buys (base)', 'one more unit buys (head)', 'Δ', 'binds hardest in', 'note'], rows)}${more(shown.length, rows.length, 'capacity rules')}\n`;
}

function footer(report: DiffReport, tier: MarkdownTier, options: MarkdownOptions): string {
  const a = report.audience;
  const side = (s: DiffReport['base']): string => `${code(s.ref)} ${code(s.digest.slice(0, 19))}${s.commit ? ` (commit ${code(s.commit.slice(0, 12))})` : ''}`;
  const lines = [
    `Base ${side(report.base)} → head ${side(report.head)}.`,
    `Audience ${code(a.source)} (${number(a.members)} members, ${code(a.digest.slice(0, 19))}), decided on ${a.at}; offerops ${report.version}.`,
  ];
  if (tier !== 'full') {
    lines.push(options.reportUrl ? `This is a ${tier === 'link' ? 'short ' : ''}summary: [the full report](${options.reportUrl}).` : `This is a ${tier === 'link' ? 'short ' : ''}summary: \`offerops diff --format html\` writes the full report.`);
  }
  return `---\n<sub>${lines.join(' ')}</sub>\n`;
}

function render(report: DiffReport, tier: MarkdownTier, options: MarkdownOptions): string {
  const caps = CAPS[tier];
  const marker = formatEvidenceMarker({ base: report.base.digest, head: report.head.digest, audience: report.audience.digest, version: report.version });
  const verdictMark = report.guardrails.some((g) => !g.ok) ? '❌' : report.config.breaking.length > 0 ? '⚠️' : report.behaviour.changed > 0 ? '🔀' : '✅';
  return [
    `**${verdictMark} ${prose(report.verdict)}**\n`,
    `${marker}\n\n`,
    `## offerops diff: ${code(report.base.ref)} → ${code(report.head.ref)}\n\n`,
    `${number(report.behaviour.changed)} of ${number(report.behaviour.members)} members (${report.behaviour.members === 0 ? '0.0' : ((report.behaviour.changed * 100) / report.behaviour.members).toFixed(1)}%) see different offers at one point or more.\n\n`,
    guardrailSection(report),
    breakingSection(report, caps),
    pointsSection(report, caps),
    shiftsSection(report, caps),
    reasonsSection(report, caps),
    optimizationSection(report, caps),
    tier === 'link' ? configSection(report, caps) : '',
    tier !== 'link' ? noOfferSection(report, caps) : '',
    tier !== 'link' ? funnelSection(report, caps) : '',
    tier !== 'link' ? fairnessSection(report, caps) : '',
    tier !== 'link' ? configSection(report, caps) : '',
    examplesSection(report, caps),
    footer(report, tier, options),
  ].join('');
}

/** The Markdown evidence, in the largest tier that fits the limit. */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): { markdown: string; tier: MarkdownTier } {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  for (const tier of ['full', 'summary', 'link'] as const) {
    const markdown = render(report, tier, options);
    if (markdown.length <= limit) return { markdown, tier };
  }
  // Only an absurd report gets here (thousands of breaking changes with long names): cut
  // at a line, keeping the verdict and marker at the top and saying so.
  const text = render(report, 'link', options);
  const note = '\n\n_…cut to fit the comment size limit: see the full report._\n';
  const cut = text.lastIndexOf('\n', limit - note.length);
  return { markdown: text.slice(0, Math.max(0, cut)) + note, tier: 'link' };
}
