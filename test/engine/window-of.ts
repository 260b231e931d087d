// The bounded history window of a member computed from all its rows, as a history store
// reads it (src/server/history-aggregates.ts): the reference the engine's and the stores'
// tests compare against.
import type { HistoryRow, HistoryWindow } from '../../src/engine/types.js';

/** The window a store reads for a member: rows from `from` on grouped, totals over every row. */
export function windowOf(rows: readonly HistoryRow[], audienceId: string, from: string): HistoryWindow {
  const grouped = new Map<string, HistoryRow & { count: number }>();
  const totals = new Map<string, { offer: string; channel: string; event: HistoryRow['event']; count: number }>();
  for (const row of rows) {
    if (row.customerId !== audienceId) continue;
    const event = row.event ?? 'contact';
    const totalKey = [row.offer, row.channel, event].join('\0');
    const total = totals.get(totalKey) ?? { offer: row.offer, channel: row.channel, event, count: 0 };
    total.count++;
    totals.set(totalKey, total);
    if (row.date < from) continue;
    const key = [row.date, row.offer, row.channel, row.package ?? '', event].join('\0');
    const group = grouped.get(key) ?? { customerId: audienceId, date: row.date, offer: row.offer, channel: row.channel, package: row.package ?? null, event, count: 0 };
    group.count++;
    grouped.set(key, group);
  }
  return { from, rows: [...grouped.values()], totals: [...totals.values()] };
}
