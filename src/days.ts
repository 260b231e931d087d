// Calendar days, the one reading every stage shares (docs/config-language.md#types-and-expressions:
// dates are ISO `YYYY-MM-DD`, decision time is UTC). A day is an integer: days since 1970-01-01,
// so windows are integer ranges, typed arrays can hold them and the engine and the
// optimizer cannot disagree about which day a date is.

const MS_PER_DAY = 86_400_000;

/** The number of `length` ASCII digits at `start`, or -1. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** An ISO `YYYY-MM-DD` day as a UTC Date, or null when it is not a real calendar day.
 *  (On every profile conversion of a decision: parsed by hand, no regex or string round trip.) */
export function parseIsoDate(text: string): Date | null {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear puts them back.
  if (year < 100) date.setUTCFullYear(year);
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : null;
}

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

/** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
const DAYS_TO_EPOCH_FROM_MARCH_0 = 719_468;
const DAYS_PER_400_YEARS = 146_097;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

// The last text of each day number modulo the size (a day number is never NaN here, so a
// slot that was never written matches no day).
const ISO_MEMO_SIZE = 1024;
const isoMemoDay = new Float64Array(ISO_MEMO_SIZE).fill(Number.NaN);
const isoMemoText: string[] = new Array<string>(ISO_MEMO_SIZE).fill('');

/**
 * The ISO `YYYY-MM-DD` text of a day number (years 0 to 9999). Computed from the number
 * (the civil-from-days conversion, years counted from March so the leap day comes last)
 * rather than through a Date and its ISO string: a sampled audience formats a few dates
 * per member. Anything outside those years, or not a whole day, goes through Date as before.
 */
export function isoDay(day: number): string {
  if (!Number.isInteger(day) || day < -719_528 || day > 2_932_896) return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  // The optimizer names the date of each of millions of contacts, over a few weeks of days.
  const slot = day & (ISO_MEMO_SIZE - 1);
  if (isoMemoDay[slot] === day) return isoMemoText[slot]!;
  const text = civilText(day);
  isoMemoDay[slot] = day;
  isoMemoText[slot] = text;
  return text;
}

/** `isoDay` of a whole day number in years 0 to 9999, computed. */
function civilText(day: number): string {
  const z = day + DAYS_TO_EPOCH_FROM_MARCH_0;
  const era = Math.floor(z / DAYS_PER_400_YEARS);
  const dayOfEra = z - era * DAYS_PER_400_YEARS;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return String(year).padStart(4, '0') + '-' + pad2(month) + '-' + pad2(dayOfMonth);
}
