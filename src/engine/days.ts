// Whole UTC days as integers (days since 1970-01-01): decisions compare dates as day
// numbers, never as Date objects or strings (SPEC §5, §6: dates are ISO YYYY-MM-DD, UTC).
import { parseIsoDate } from '../expr/environment.js';

const MS_PER_DAY = 86_400_000;

/** The day number of an ISO `YYYY-MM-DD` date, or NaN when it is not a real calendar day. */
export function dayNumber(iso: string): number {
  const date = parseIsoDate(iso);
  return date === null ? Number.NaN : date.getTime() / MS_PER_DAY;
}

/** A nullable ISO bound as a day number: `fallback` when absent. */
export function boundDay(iso: string | null, fallback: number): number {
  return iso === null ? fallback : dayNumber(iso);
}

