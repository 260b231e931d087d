// The HTML report (docs/simulation-and-diff.md#html-report): the whole diff in one
// self-contained file for CI artifacts — inline CSS, charts as inline SVG, no script and a
// Content-Security-Policy that forbids any network access, so it opens anywhere offline.
import type { BehaviourPoint } from '../behaviour-diff.js';
import { priceText, shadowPriceNotes, shownShadowPrices, type DiffReport } from '../diff-report.js';
import { formatEvidenceMarker } from '../evidence.js';
import { funnelSteps } from '../../simulate/index.js';
import { escapeXml as esc, horizontalBars } from './svg-chart.js';

const number = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (n: number): string => (n > 0 ? `+${number(n)}` : n < 0 ? `−${number(-n)}` : '0');
const name = (p: Pick<BehaviourPoint, 'channel' | 'point'>): string => `${p.channel}/${p.point}`;
const c = (text: unknown): string => `<code>${esc(text === null || text === undefined ? '—' : typeof text === 'string' ? text : JSON.stringify(text))}</code>`;

/** Which caps bind hardest and what one more unit buys, base against head, largest change first (all of them: the HTML report has no size limit). */
function shadowPriceTable(o: NonNullable<DiffReport['optimization']>): string {
  const shown = shownShadowPrices(o.shadowPrices);
  if (shown.length === 0) return o.shadowPrices.length === 0 ? '' : '<p>No capacity rule binds on either side.</p>';
  const rows = shown.map((d) => {
    const hardest = d.head?.hardestWindow ?? d.base?.hardestWindow ?? null;
    return [
      c(d.rule),
      esc(d.unit),
      esc(priceText(d.base?.price)),
      esc(priceText(d.head?.price)),
      esc(d.delta > 0 ? `+${priceText(d.delta)}` : d.delta < 0 ? `−${priceText(-d.delta)}` : '0'),
      hardest ? esc(hardest.from === hardest.to ? hardest.from : `${hardest.from}..${hardest.to}`) : '—',
      esc(shadowPriceNotes(d).join('; ')),
    ];
  });
  return `<h3>Shadow prices: what one more unit of each cap buys</h3>${table(['rule', 'per', 'base', 'head', 'Δ', 'binds hardest in', 'note'], rows, [false, false, true, true, true, false, false])}`;
}

function table(header: string[], rows: string[][], numeric: boolean[] = []): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td${numeric[i] ? ' class="num"' : ''}>${v}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Engine sentences mark names with backticks. */
function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length >= 2 ? `<code>${esc(part.slice(1, -1))}</code>` : esc(part)))
    .join('');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}
.verdict{font-size:16px;font-weight:600;padding:10px 14px;border-radius:6px;background:#eef3fb;margin:12px 0}
.verdict.fail{background:#fdecec} .verdict.warn{background:#fff6e5} .verdict.same{background:#eaf7ee}
.meta{color:#5b6673;font-size:12.5px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px} th,td{border:1px solid #e3e6ea;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8} td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f5f8;padding:0 3px;border-radius:3px}
details{margin:8px 0} summary{cursor:pointer;font-weight:600}
.ok{color:#1c7c3c;font-weight:600} .fail{color:#b42318;font-weight:600}
svg.chart{display:block;margin:8px 0 16px;max-width:100%;height:auto} svg .chart-title{font-weight:600;font-size:13px} svg text{font-size:11.5px;fill:#1d232b}
.empty{color:#5b6673}
`;

function verdictClass(report: DiffReport): string {
  if (report.guardrails.some((g) => !g.ok)) return 'fail';
  if (report.config.breaking.length > 0) return 'warn';
  return report.behaviour.changed === 0 ? 'same' : '';
}

function pointsCharts(report: DiffReport): string {
  const points = [...report.behaviour.points].sort((a, b) => b.changed - a.changed || name(a).localeCompare(name(b)));
  const changed = horizontalBars({
    title: 'Members whose decision changed, per interaction point',
    series: ['changed %'],
    rows: points.slice(0, 20).map((p) => ({ label: name(p), values: [p.changedShare * 100] })),
    format: (v) => `${v.toFixed(1)}%`,
  });
  const fill = horizontalBars({
    title: 'Fill rate per interaction point',
    series: ['base', 'head'],
    rows: points.slice(0, 20).map((p) => ({ label: name(p), values: [p.fillRate.base * 100, p.fillRate.head * 100] })),
    format: (v) => `${v.toFixed(1)}%`,
  });
  return changed + fill;
}

function shiftsChart(report: DiffReport): string {
  const shifts = report.behaviour.points
    .flatMap((p) => p.impressions.filter((i) => i.delta !== 0).map((i) => ({ p, ...i })))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || name(a.p).localeCompare(name(b.p)) || a.offer.localeCompare(b.offer))
    .slice(0, 15);
  if (shifts.length === 0) return '<p class="empty">No offer is shown to a different number of members.</p>';
  return horizontalBars({ title: 'Largest offer shifts: members shown the offer', series: ['base', 'head'], rows: shifts.map((s) => ({ label: `${s.p.point}: ${s.offer}`, values: [s.base, s.head] })) });
}

function funnelChart(report: DiffReport): string {
  const total = (side: 'base' | 'head', step: (typeof funnelSteps)[number]): number => report.behaviour.points.reduce((sum, p) => sum + p.funnel[side].removed[step], 0);
  const rows = funnelSteps.map((step) => ({ label: `removed by ${step}`, values: [total('base', step), total('head', step)] })).filter((r) => r.values.some((v) => v !== 0));
  const chosen = (side: 'base' | 'head'): number => report.behaviour.points.reduce((sum, p) => sum + p.funnel[side].chosen, 0);
  rows.push({ label: 'chosen', values: [chosen('base'), chosen('head')] });
  return horizontalBars({ title: 'Decision funnel (explained members, all points): candidates each step removed', series: ['base', 'head'], rows });
}

function pointDetails(p: BehaviourPoint): string {
  const impressions = table(['offer', 'base', 'head', 'Δ'], p.impressions.map((i) => [c(i.offer), number(i.base), number(i.head), signed(i.delta)]), [false, true, true, true]);
  const rules = table(['rule', 'base', 'head'], p.rules.map((r) => [c(r.rule), number(r.base), number(r.head)]), [false, true, true]);
  const holdouts = table(['rule', 'base', 'head'], p.controlGroups.map((r) => [c(r.rule), number(r.base), number(r.head)]), [false, true, true]);
  const segments = table(
    ['segment', 'base', 'head'],
    p.segments.map((s) => [c(s.segment), s.base ? `${number(s.base.members)} of ${number(s.base.of)}` : '—', s.head ? `${number(s.head.members)} of ${number(s.head.of)}` : '—']),
    [false, true, true],
  );
  const funnel = table(
    ['step', 'base', 'head'],
    [
      ['candidates', number(p.funnel.base.candidates), number(p.funnel.head.candidates)],
      ...funnelSteps.map((s) => [`removed by ${s}`, number(p.funnel.base.removed[s]), number(p.funnel.head.removed[s])]),
      ['chosen', number(p.funnel.base.chosen), number(p.funnel.head.chosen)],
    ],
    [false, true, true],
  );
  const steps = (s: Partial<Record<string, number>>): string => Object.entries(s).map(([k, n]) => `${esc(k)} ${number(n ?? 0)}`).join(', ') || '—';
  let fairness = '';
  if (p.fairness) {
    const head = p.fairness.head;
    const offers = [...new Set(head.bands.flatMap((b) => b.offers.slice(0, 3).map((o) => o.offer)))].slice(0, 5);
    fairness = `<h4>Fairness by ${esc(head.attribute)}</h4>${table(
      ['band', 'members', ...offers],
      head.bands.map((band) => {
        const before = p.fairness!.base.bands.find((b) => b.band === band.band);
        return [esc(band.band), number(band.members), ...offers.map((o) => `${pct(before?.offers.find((x) => x.offer === o)?.share ?? 0)} → ${pct(band.offers.find((x) => x.offer === o)?.share ?? 0)}`)];
      }),
      [false, true, ...offers.map(() => true)],
    )}<p>Largest gap: base ${p.fairness.base.largestGap ? `${p.fairness.base.largestGap.gapPp}pp (${c(p.fairness.base.largestGap.offer)})` : '—'}, head ${p.fairness.head.largestGap ? `${p.fairness.head.largestGap.gapPp}pp (${c(p.fairness.head.largestGap.offer)})` : '—'}.</p>`;
  }
  return `<details><summary>${esc(name(p))}: ${number(p.changed)} of ${number(p.members)} changed</summary>
<p>Fill rate ${pct(p.fillRate.base)} → ${pct(p.fillRate.head)}; score ${number(Math.round(p.score.base))} → ${number(Math.round(p.score.head))}; latency p50 ${p.latencyUs.base.p50 ?? '—'} → ${p.latencyUs.head.p50 ?? '—'} µs, p99 ${p.latencyUs.base.p99 ?? '—'} → ${p.latencyUs.head.p99 ?? '—'} µs; no offer ${number(p.noOffer.base.members)} → ${number(p.noOffer.head.members)} (head, explained: ${steps(p.noOffer.head.steps)}).</p>
<h4>Impressions</h4>${impressions}<h4>Offers given per rule</h4>${rules}<h4>Control-group holdouts</h4>${holdouts}<h4>Segment sizes (explained members)</h4>${segments}<h4>Funnel</h4>${funnel}${fairness}
</details>`;
}

function examples(report: DiffReport): string {
  if (report.behaviour.examples.length === 0) return '<p class="empty">No member\'s decision changed.</p>';
  return report.behaviour.examples
    .map((e) => {
      const side = (label: string, d: (typeof e)['base']): string =>
        `<h4>${label}: ${d.offers.length === 0 ? `no offer${d.defaultString !== undefined ? ` (${c(d.defaultString)})` : ''}` : d.offers.map((o) => `${c(o.offer)} by ${c(o.rule)}`).join(', ')}</h4>${table(['offer', 'rule', 'outcome', 'why'], d.explain.map((x) => [c(x.offer), c(x.rule), esc(x.outcome), esc(x.reason)]))}`;
      return `<details><summary>${esc(e.audienceId)} at ${esc(`${e.channel}/${e.point}`)}: ${prose(e.why)}</summary>${side('base', e.base)}${side('head', e.head)}</details>`;
    })
    .join('\n');
}

export function renderHtml(report: DiffReport): string {
  const b = report.behaviour;
  const marker = formatEvidenceMarker({ base: report.base.digest, head: report.head.digest, audience: report.audience.digest, version: report.version });
  const points = [...b.points].sort((x, y) => y.changed - x.changed || name(x).localeCompare(name(y)));
  const guardrails = table(
    ['guardrail', 'result', 'value', 'at'],
    report.guardrails.map((g) => [c(g.expr), g.ok ? '<span class="ok">pass</span>' : '<span class="fail">fail</span>', esc(g.value), g.at ? c(g.at) : '']),
  );
  const breaking = report.config.breaking.length === 0 ? '<p class="empty">None.</p>' : `<ul>${report.config.breaking.map((x) => `<li>channel ${c(x.name)}: ${esc(x.what)}</li>`).join('')}</ul>`;
  const pointRows = points.map((p) => [
    c(name(p)),
    number(p.members),
    number(p.changed),
    pct(p.changedShare),
    `${pct(p.fillRate.base)} → ${pct(p.fillRate.head)}`,
    signed(Math.round(p.score.head - p.score.base)),
    `${p.latencyUs.base.p99 ?? '—'} → ${p.latencyUs.head.p99 ?? '—'}`,
  ]);
  const reasons = points.flatMap((p) => p.reasons.map((r) => ({ p, ...r }))).sort((x, y) => y.members - x.members || x.why.localeCompare(y.why));
  const config = report.config.changes
    .map((ch) => {
      const title = ch.change === 'renamed' ? `${esc(ch.kind)} ${c(ch.from)} renamed to ${c(ch.name)}` : `${esc(ch.kind)} ${c(ch.name)} ${esc(ch.change)}`;
      return `<li>${title}${ch.fields.length > 0 ? `<ul>${ch.fields.map((f) => `<li>${c(f.path)}: ${c(f.base)} → ${c(f.head)}</li>`).join('')}</ul>` : ''}</li>`;
    })
    .join('\n');
  const o = report.optimization;
  const optimization = o
    ? `<h2>Contact optimization: policy ${c(o.policy)}</h2><p>Objective ${number(Math.round(o.objective.base))} → ${number(Math.round(o.objective.head))}; binding rules: base ${o.binding.base.map(c).join(', ') || 'none'}, head ${o.binding.head.map(c).join(', ') || 'none'}.</p>${table(['offer', 'base', 'head', 'Δ'], o.chosen.map((x) => [c(x.offer), number(x.base), number(x.head), signed(x.delta)]), [false, true, true, true])}${shadowPriceTable(o)}`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>offerops diff: ${esc(report.base.ref)} → ${esc(report.head.ref)}</title>
<style>${STYLE}</style>
</head>
<body>
${marker}
<main>
<h1>offerops diff: ${c(report.base.ref)} → ${c(report.head.ref)}</h1>
<p class="meta">Base ${c(report.base.digest)}${report.base.commit ? ` (commit ${c(report.base.commit.slice(0, 12))})` : ''} → head ${c(report.head.digest)}${report.head.commit ? ` (commit ${c(report.head.commit.slice(0, 12))})` : ''}<br>Audience ${c(report.audience.source)}: ${number(report.audience.members)} members (${c(report.audience.digest)}), decided on ${esc(report.audience.at)}. offerops ${esc(report.version)}.</p>
<p class="verdict ${verdictClass(report)}">${prose(report.verdict)}</p>
<h2>Guardrails</h2>${guardrails}
<h2>Breaking changes for touchpoints</h2>${breaking}
<h2>Decisions per interaction point</h2>
${pointsCharts(report)}
${table(['point', 'members', 'changed', 'changed %', 'fill rate', 'score Δ', 'p99 µs'], pointRows, [false, true, true, true, true, true, true])}
<h2>Largest offer shifts</h2>${shiftsChart(report)}
<h2>Why decisions changed</h2>${table(['point', 'step', 'why', 'members'], reasons.slice(0, 50).map((r) => [c(name(r.p)), esc(r.step), prose(r.why), number(r.members)]), [false, false, false, true])}
<h2>Decision funnel</h2>${funnelChart(report)}
${optimization}
<h2>Per point</h2>
${points.map(pointDetails).join('\n')}
<h2>Config changes</h2>${config === '' ? '<p class="empty">None.</p>' : `<ul>${config}</ul>`}
<h2>Examples</h2>${examples(report)}
</main>
</body>
</html>
`;
}
