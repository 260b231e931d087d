// Inline SVG bar charts for the HTML report: drawn here, no script, no external asset,
// so the report is one file that renders anywhere without network access.

export interface BarRow {
  label: string;
  /** One value per series. */
  values: number[];
}

export interface BarChart {
  title: string;
  series: string[];
  rows: BarRow[];
  /** Formats a value for its label. */
  format?: (value: number) => string;
}

const COLORS = ['#8c96a8', '#2f6fd6', '#d6802f'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Horizontal grouped bars: one group per row, one bar per series; negative values grow left of the axis. */
export function horizontalBars(chart: BarChart): string {
  const format = chart.format ?? ((v: number) => v.toLocaleString('en-US'));
  const labelWidth = 260;
  const plotWidth = 420;
  const valueWidth = 90;
  const barHeight = 12;
  const groupGap = 10;
  const groupHeight = chart.series.length * barHeight + groupGap;
  const top = 46;
  const height = top + chart.rows.length * groupHeight + 10;
  const width = labelWidth + plotWidth + valueWidth;
  const values = chart.rows.flatMap((r) => r.values);
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const x = (v: number): number => labelWidth + ((v - min) / span) * plotWidth;
  const parts: string[] = [];
  parts.push(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(chart.title)}">`);
  parts.push(`<title>${escapeXml(chart.title)}</title>`);
  parts.push(`<text x="0" y="16" class="chart-title">${escapeXml(chart.title)}</text>`);
  chart.series.forEach((name, s) => {
    const lx = labelWidth + s * 110;
    parts.push(`<rect x="${lx}" y="26" width="10" height="10" fill="${COLORS[s % COLORS.length]}"/><text x="${lx + 14}" y="35" class="legend">${escapeXml(name)}</text>`);
  });
  parts.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${height - 6}" stroke="#999" stroke-width="1"/>`);
  chart.rows.forEach((row, r) => {
    const y0 = top + r * groupHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y0 + (chart.series.length * barHeight) / 2 + 4}" text-anchor="end" class="label">${escapeXml(row.label)}</text>`);
    row.values.forEach((value, s) => {
      const a = x(Math.min(0, value));
      const b = x(Math.max(0, value));
      const y = y0 + s * barHeight;
      parts.push(`<rect class="bar" x="${a.toFixed(1)}" y="${y}" width="${Math.max(1, b - a).toFixed(1)}" height="${barHeight - 2}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(`${row.label} — ${chart.series[s]}: ${format(value)}`)}</title></rect>`);
      parts.push(`<text x="${labelWidth + plotWidth + 6}" y="${y + barHeight - 3}" class="value">${escapeXml(format(value))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
