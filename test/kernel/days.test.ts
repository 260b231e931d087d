// Calendar days (src/days.ts): one reading of `YYYY-MM-DD` for every stage, including
// the years below 100 that Date.UTC would move to 19xx.
import { describe, expect, it } from 'vitest';
import { boundDay, dayNumber, isoDay, parseIsoDate } from '../../src/days.js';

describe('day numbers', () => {
  it('counts whole UTC days from 1970-01-01', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('1969-12-31')).toBe(-1);
    expect(dayNumber('2026-03-01') - dayNumber('2026-02-28')).toBe(1);
  });

  it('keeps years below 100 in their own century', () => {
    // 0024 is 1900 years (693,960 days) before 1924, not the same day.
    expect(dayNumber('0024-03-01')).toBe(dayNumber('1924-03-01') - 693_960);
    expect(dayNumber('0100-01-01') - dayNumber('0099-12-31')).toBe(1);
    expect(dayNumber('0000-01-01')).toBe(-719_528);
    expect(isoDay(dayNumber('0024-03-01'))).toBe('0024-03-01');
    expect(isoDay(dayNumber('0099-12-31'))).toBe('0099-12-31');
    expect(parseIsoDate('0024-02-29')?.getUTCFullYear()).toBe(24);
  });

  it('formats the days of years 0 to 9999 as Date does, and the days just outside through Date', () => {
    const viaDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);
    const first = dayNumber('0000-01-01');
    const last = dayNumber('9999-12-31');
    expect([first, last]).toEqual([-719_528, 2_932_896]);
    // Every day of the first and last four years and of 1600–2400 (leap centuries), and every 97th day between.
    const days: number[] = [];
    for (let day = first - 1; day <= first + 4 * 366; day++) days.push(day);
    for (let day = dayNumber('1600-01-01'); day <= dayNumber('2400-12-31'); day++) days.push(day);
    for (let day = last - 4 * 366; day <= last + 1; day++) days.push(day);
    for (let day = first; day <= last; day += 97) days.push(day);
    for (const day of days) {
      const iso = isoDay(day);
      if (iso !== viaDate(day)) expect([day, iso]).toEqual([day, viaDate(day)]);
    }
    expect([isoDay(first - 1), isoDay(first), isoDay(last), isoDay(last + 1)]).toEqual(['-000001-12-31'.slice(0, 10), '0000-01-01', '9999-12-31', '+010000-01-01'.slice(0, 10)]);
    expect(isoDay(0.5)).toBe('1970-01-01');
  });

  it('names days that share a memo slot each by its own text, asked in any order', () => {
    const viaDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);
    // The memo holds 1,024 days by day number modulo 1,024: these share slots, negative days too.
    const base = dayNumber('2026-03-01');
    const days = [base, base + 1024, base - 1024, base, base + 1023, base + 1025, base + 1, -1, 1023, -1025, 0, -1, 1023, -0];
    for (let round = 0; round < 3; round++) for (const day of days) expect([day, isoDay(day)]).toEqual([day, viaDate(day)]);
  });

  it('round-trips through isoDay', () => {
    for (const iso of ['1970-01-01', '2000-02-29', '2026-12-31', '9999-12-31', '0001-01-01']) expect(isoDay(dayNumber(iso))).toBe(iso);
  });

  it('is NaN for text that is not a real calendar day', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-01-32', '2026-1-01', '2026/01/01', '', '2026-01-01T00:00:00Z', '20x6-01-01']) {
      expect(dayNumber(bad), bad).toBeNaN();
      expect(parseIsoDate(bad), bad).toBeNull();
    }
  });

  it('gives the fallback for an absent bound', () => {
    expect(boundDay(null, -Infinity)).toBe(-Infinity);
    expect(boundDay('1970-01-03', 0)).toBe(2);
  });
});
