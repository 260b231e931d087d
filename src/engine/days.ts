// Whole UTC days as integers (days since 1970-01-01): decisions compare dates as day
// numbers, never as Date objects or strings (docs/cli.md#dates-and---at: dates are ISO YYYY-MM-DD, UTC).
import { parseIsoDate } from '../expr/environment.js';

const MS_PER_DAY = 86_400_000;

// Decisions and history rows repeat the same few days: a small memo saves the parse.
const MEMO_SIZE = 1024;
const memo = new Map<string, number>();

/** The day number of an ISO `YYYY-MM-DD` date, or NaN when it is not a real calendar day. */
export function dayNumber(iso: string): number {
  const known = memo.get(iso);
  if (known !== undefined) return known;
  const date = parseIsoDate(iso);
  const day = date === null ? Number.NaN : date.getTime() / MS_PER_DAY;
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(iso, day);
  return day;
}

/** A nullable ISO bound as a day number: `fallback` when absent. */
export function boundDay(iso: string | null, fallback: number): number {
  return iso === null ? fallback : dayNumber(iso);
}

