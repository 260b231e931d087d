// Freeze windows hold promotions from the first instant of `from` (in the window's time
// zone) to the last of `to`, and recurring windows from each RRULE start for `duration`.
import { describe, expect, it } from 'vitest';
import { describeDuration, parseDuration } from '../../src/gitops/duration.js';
import { describeFreeze, formatInstant, freezeAt, nextFreeze } from '../../src/gitops/freeze.js';

const at = (iso: string) => new Date(iso);
const frozen = (windows: Parameters<typeof freezeAt>[0], iso: string) => freezeAt(windows, at(iso)) !== null;

describe('durations', () => {
  it.each([
    ['1m', 60_000],
    ['90m', 5_400_000],
    ['24h', 86_400_000],
    ['2d12h', 216_000_000],
    ['1w', 604_800_000],
    ['64h', 230_400_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '0m', '0h', '1h2d', '1.5h', '24', 'h', '-1h'])('refuses %j', (text) => expect(parseDuration(text)).toBeNull());

  it('says it in words', () => {
    expect(describeDuration(64 * 3_600_000)).toBe('64 hours');
    expect(describeDuration(90 * 60_000)).toBe('90 minutes');
    expect(describeDuration(3_600_000)).toBe('1 hour');
    expect(describeDuration(59_999)).toBe('less than a minute');
    expect(describeDuration(60_000)).toBe('1 minute');
    expect(describeDuration(119_999)).toBe('1 minute');
    expect(describeDuration(3_599_999)).toBe('59 minutes');
  });
});

describe('date windows', () => {
  const holiday = [{ from: '2026-12-20', to: '2027-01-02', reason: 'holiday freeze' }];

  it('holds from the first instant of from to the last of to, in UTC by default', () => {
    expect(frozen(holiday, '2026-12-19T23:59:59.999Z')).toBe(false);
    expect(frozen(holiday, '2026-12-20T00:00:00.000Z')).toBe(true);
    expect(frozen(holiday, '2026-12-20T00:00:00.001Z')).toBe(true);
    expect(frozen(holiday, '2027-01-02T23:59:59.999Z')).toBe(true);
    expect(frozen(holiday, '2027-01-03T00:00:00.000Z')).toBe(false);
  });

  it('reads the days in the window time zone', () => {
    const tokyo = [{ from: '2026-12-20', to: '2026-12-20', timezone: 'Asia/Tokyo' }]; // UTC+9, no DST
    expect(frozen(tokyo, '2026-12-19T14:59:59.999Z')).toBe(false);
    expect(frozen(tokyo, '2026-12-19T15:00:00.000Z')).toBe(true);
    expect(frozen(tokyo, '2026-12-20T14:59:59.999Z')).toBe(true);
    expect(frozen(tokyo, '2026-12-20T15:00:00.000Z')).toBe(false);
  });

  it('names the window and when it ends', () => {
    const state = freezeAt(holiday, at('2026-12-25T10:00:00Z'))!;
    expect(describeFreeze(state)).toBe('holiday freeze (2026-12-20 to 2027-01-02, UTC) until 2027-01-03 00:00 UTC');
  });
});

describe('recurring windows', () => {
  // Friday 16:00 Paris for 64 hours: to Monday 08:00 (CET, UTC+1 in November).
  const weekend = [{ rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16', duration: '64h', timezone: 'Europe/Paris', reason: 'weekend' }];

  it('holds from each start for its duration', () => {
    expect(frozen(weekend, '2026-11-27T14:59:59.999Z')).toBe(false);
    expect(frozen(weekend, '2026-11-27T15:00:00.000Z')).toBe(true);
    expect(frozen(weekend, '2026-11-30T06:59:59.999Z')).toBe(true);
    expect(frozen(weekend, '2026-11-30T07:00:00.000Z')).toBe(false);
    expect(frozen(weekend, '2026-12-02T12:00:00.000Z')).toBe(false);
  });

  it('names the rule, its time zone and the end in local and UTC time', () => {
    expect(describeFreeze(freezeAt(weekend, at('2026-11-28T12:00:00Z'))!)).toBe('weekend (FREQ=WEEKLY;BYDAY=FR;BYHOUR=16 for 64 hours, Europe/Paris) until 2026-11-30 08:00 Europe/Paris (07:00 UTC)');
  });

  it('follows the wall clock across a daylight-saving change: the start stays 16:00 local, the duration is elapsed time', () => {
    // 27 March 2026 is in CET (UTC+1); summer time starts on 29 March.
    expect(frozen(weekend, '2026-03-27T14:59:59Z')).toBe(false);
    expect(frozen(weekend, '2026-03-27T15:00:00Z')).toBe(true);
    const state = freezeAt(weekend, at('2026-03-28T00:00:00Z'))!;
    expect(state.until.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(formatInstant(state.until, 'Europe/Paris')).toBe('2026-03-30 09:00 Europe/Paris (07:00 UTC)');
    // In summer time the window starts at 14:00 UTC.
    expect(frozen(weekend, '2026-04-03T13:59:59Z')).toBe(false);
    expect(frozen(weekend, '2026-04-03T14:00:00Z')).toBe(true);
  });

  it('counts INTERVAL from the from day', () => {
    const fortnightly = [{ rrule: 'FREQ=WEEKLY;INTERVAL=2', duration: '1d', from: '2026-01-02' }];
    expect(frozen(fortnightly, '2026-01-16T10:00:00Z')).toBe(true);
    expect(frozen(fortnightly, '2026-01-09T10:00:00Z')).toBe(false);
    expect(frozen(fortnightly, '2027-01-08T10:00:00Z')).toBe(false);
    expect(frozen(fortnightly, '2027-01-15T10:00:00Z')).toBe(true);
  });

  it('ends with UNTIL and COUNT', () => {
    expect(frozen([{ rrule: 'FREQ=DAILY;COUNT=3', duration: '1h', from: '2026-05-01' }], '2026-05-03T00:30:00Z')).toBe(true);
    expect(frozen([{ rrule: 'FREQ=DAILY;COUNT=3', duration: '1h', from: '2026-05-01' }], '2026-05-04T00:30:00Z')).toBe(false);
    expect(frozen([{ rrule: 'FREQ=DAILY;UNTIL=20260503T000000Z', duration: '1h' }], '2026-05-03T00:30:00Z')).toBe(true);
    expect(frozen([{ rrule: 'FREQ=DAILY;UNTIL=20260503T000000Z', duration: '1h' }], '2026-05-04T00:30:00Z')).toBe(false);
  });

  it('answers far from its anchor quickly (an hourly rule decades after 2000)', () => {
    const hourly = [{ rrule: 'FREQ=HOURLY', duration: '30m' }];
    expect(frozen(hourly, '2046-06-01T10:29:59Z')).toBe(true);
    expect(frozen(hourly, '2046-06-01T10:30:00Z')).toBe(false);
  });

  it('follows windows that continue one another to the last end', () => {
    const windows = [...weekend, { from: '2026-12-20', to: '2027-01-02', reason: 'holiday' }];
    const state = freezeAt(windows, at('2026-12-19T20:00:00Z'))!;
    expect(state.until.toISOString()).toBe('2027-01-04T07:00:00.000Z');
    expect(state.windows.map((w) => w.reason)).toEqual(['weekend', 'holiday', 'weekend']);
  });

  it('finds the next window', () => {
    expect(nextFreeze(weekend, at('2026-11-30T07:00:00Z'))!.start.toISOString()).toBe('2026-12-04T15:00:00.000Z');
    expect(nextFreeze([{ from: '2026-12-20', to: '2027-01-02' }], at('2026-12-21T00:00:00Z'))).toBeNull();
    expect(nextFreeze([{ from: '2027-06-01', to: '2027-06-02' }], at('2026-12-21T00:00:00Z'), 90)).toBeNull();
  });

  it('ignores a window that does not validate (validation reports it)', () => {
    expect(freezeAt([{ rrule: 'FREQ=NEVER', duration: '1h' }], at('2026-01-01T00:00:00Z'))).toBeNull();
  });
});
