// The bounded history window of a member computed from all its rows, as a history store
// reads it (src/server/history-aggregates.ts): the reference the engine's and the stores'
// tests compare against. Plain: every row from `from` on, grouped per (date, offer,
// channel, package, event). Bucketed for a decision: contact rows dated at the first day
// of the narrowest window holding them, responses up to the decision day left out (the
// totals have them) except those of the last `needs.responseDays` days, with their day, packages listed on their own when the engine needs them.
import type { HistoryNeeds, HistoryRow, HistoryWindow } from '../../src/engine/types.js';

const DAY = 86_400_000;
const isoDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (iso: string): number => Date.parse(iso + 'T00:00:00Z') / DAY;

export function windowOf(rows: readonly HistoryRow[], audienceId: string, from: string, bucket?: { at: string; needs: HistoryNeeds }): HistoryWindow {
  const grouped = new Map<string, HistoryRow & { count: number }>();
  const totals = new Map<string, { offer: string; channel: string; event: HistoryRow['event']; count: number }>();
  const packages = new Map<string, { date: string; channel: string; package: string }>();
  const at = bucket ? dayOf(bucket.at) : Infinity;
  for (const row of rows) {
    if (row.customerId !== audienceId) continue;
    const event = row.event ?? 'contact';
    // Bucketed for a decision: only the totals the engine reads.
    const contactOffers = bucket?.needs.contactOffers ?? null;
    if (!bucket || (bucket.needs.totals.includes(event) && (event !== 'contact' || contactOffers === null || contactOffers.includes(row.offer)))) {
      const totalKey = [row.offer, row.channel, event].join('\0');
      const total = totals.get(totalKey) ?? { offer: row.offer, channel: row.channel, event, count: 0 };
      total.count++;
      totals.set(totalKey, total);
    }
    if (row.date < from) continue;
    let date = row.date;
    let rowPackage = row.package ?? null;
    const day = dayOf(row.date);
    if (bucket && day <= at && event !== 'contact') {
      // Responses of the suppression windows' reach keep their own day; others are in the totals.
      const responseDays = bucket.needs.responseDays ?? 0;
      if (day < at - responseDays + 1) continue;
    } else if (bucket && day <= at) {
      // Older than every window (a window starting earlier than it must): its own day.
      const narrowest = bucket.needs.windows.find((p) => day >= at - p + 1);
      if (narrowest !== undefined) date = isoDay(at - narrowest + 1);
      if (bucket.needs.packages) {
        const name = rowPackage ?? `${audienceId}|${row.channel}|${row.date}`;
        packages.set([date, row.channel, name].join('\0'), { date, channel: row.channel, package: name });
      }
      rowPackage = null;
    }
    const key = [date, row.offer, row.channel, rowPackage ?? '', event].join('\0');
    const group = grouped.get(key) ?? { customerId: audienceId, date, offer: row.offer, channel: row.channel, package: rowPackage, event, count: 0 };
    group.count++;
    grouped.set(key, group);
  }
  const window: HistoryWindow = { from, rows: [...grouped.values()], totals: [...totals.values()] };
  return bucket?.needs.packages ? { ...window, packages: [...packages.values()] } : window;
}
