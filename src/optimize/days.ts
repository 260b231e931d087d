// Days as integers (docs/optimization-semantics.md#windows): ISO `YYYY-MM-DD` ↔ whole UTC days since
// 1970-01-01, so windows are integer ranges and typed arrays can hold them.
const MS_PER_DAY = 86_400_000;

/** Days since the epoch, or NaN when `iso` is not a real calendar day. */
export function dayNumber(iso: string): number {
  if (iso.length !== 10 || iso[4] !== '-' || iso[7] !== '-') return NaN;
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== m - 1) return NaN;
  return Math.round(ms / MS_PER_DAY);
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}
