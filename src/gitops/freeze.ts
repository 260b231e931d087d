// Freeze windows (docs/gitops.md#freeze-windows): promotions into an environment are
// refused inside them. A window is either days (`from`..`to`, inclusive, read in its
// time zone) or recurring: an RFC 5545 RRULE giving each start, in a time zone, lasting
// `duration` of elapsed time. Pure: `now` is a parameter.
//
// The rrule library expands the rule on "floating" wall-clock times (Dates whose UTC
// fields hold the local time), which is what RRULE means with a TZID; this module turns
// those wall times into instants through Intl, so the answer never depends on the
// machine's own time zone.
import rrulePackage from 'rrule';
import type { FreezeWindow } from '../config/index.js';
import { describeDuration, parseDuration } from './duration.js';

const { RRule, Frequency } = rrulePackage;
type RRuleInstance = InstanceType<typeof RRule>;

const DAY = 86_400_000;
/** Recurring windows count from this day unless `from` is given (it matters for INTERVAL and COUNT). */
const DEFAULT_ANCHOR = '2000-01-01';

export interface FreezeProblem {
  /** Field of the window the problem is about ('' for the window itself). */
  field: '' | keyof FreezeWindow;
  message: string;
}

/** One occurrence of a window that holds a given instant. */
export interface ActiveFreeze {
  /** Index of the window in `spec.freeze`. */
  index: number;
  reason: string | null;
  start: Date;
  end: Date;
  timezone: string;
  /** "Holiday change freeze (2026-12-20 to 2027-01-02, UTC)". */
  label: string;
}

export interface FreezeState {
  /** The windows holding `now`, then those that continue them without a gap. */
  windows: ActiveFreeze[];
  /** When promotions are possible again. */
  until: Date;
}

// ---------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock time in `timeZone` at `instant`, as epoch ms of the same fields in UTC. */
function wallOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts['year']!, parts['month']! - 1, parts['day'], parts['hour']! % 24, parts['minute'], parts['second']) + (instant % 1000 + 1000) % 1000;
}

/** The instant a wall-clock time in `timeZone` happens (in a DST gap: the same offset as before it). */
function instantOf(wall: number, timeZone: string): number {
  let instant = wall - (wallOf(wall, timeZone) - wall);
  const offset = wallOf(instant, timeZone) - instant;
  if (wall - offset !== instant) instant = wall - offset;
  return instant;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-11-30 08:00 Europe/Paris (07:00 UTC)". */
export function formatInstant(instant: Date, timeZone = 'UTC'): string {
  const text = (ms: number): string => {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  };
  const local = text(wallOf(instant.getTime(), timeZone));
  if (timeZone === 'UTC') return `${local} UTC`;
  const utc = text(instant.getTime());
  return `${local} ${timeZone} (${utc.slice(0, 10) === local.slice(0, 10) ? utc.slice(11) : utc} UTC)`;
}

// ---------------------------------------------------------------------------
// Rules

function dayMs(iso: string): number {
  return Date.parse(iso + 'T00:00:00Z');
}

/** The rule's text without an `RRULE:` prefix. */
function ruleText(window: FreezeWindow): string {
  return (window.rrule ?? '').trim().replace(/^RRULE:/i, '');
}

const HOUR = 3_600_000;

/**
 * Parses a window's rule, anchored (DTSTART) at its `from` day, midnight wall time.
 * rrule expands from DTSTART, so a rule anchored in 2000 would walk every occurrence
 * since; with `near` (a wall time) the anchor moves forward by whole periods of the rule
 * (INTERVAL × FREQ), which keeps every occurrence where it was: the weekday, day of month
 * and time of day a rule takes from DTSTART do not change. Rules with COUNT count from
 * the real anchor and are bounded anyway, so they are not moved.
 */
function compileRule(window: FreezeWindow, near?: number): RRuleInstance {
  const options = RRule.parseString(ruleText(window));
  const anchor = dayMs(window.from ?? DEFAULT_ANCHOR);
  return new RRule({ ...options, dtstart: new Date(near === undefined || options.count ? anchor : movedAnchor(anchor, options.freq, options.interval ?? 1, near)), tzid: null });
}

function movedAnchor(anchor: number, freq: number | undefined, interval: number, near: number): number {
  const fixed = freq === Frequency.HOURLY ? HOUR : freq === Frequency.DAILY ? DAY : freq === Frequency.WEEKLY ? 7 * DAY : null;
  // Room before `near` for the occurrence that may already hold it.
  const target = near - (fixed === null ? 31 : 2) * DAY;
  if (target <= anchor) return anchor;
  if (fixed !== null) return anchor + Math.floor((target - anchor) / (fixed * interval)) * fixed * interval;
  const start = new Date(anchor);
  // A 29th–31st does not exist in every month (nor 29 February every year): keep the real anchor.
  if (start.getUTCDate() > 28) return anchor;
  const months = freq === Frequency.YEARLY ? 12 * interval : freq === Frequency.MONTHLY ? interval : null;
  if (months === null) return anchor;
  const target_ = new Date(target);
  const elapsed = (target_.getUTCFullYear() - start.getUTCFullYear()) * 12 + (target_.getUTCMonth() - start.getUTCMonth()) - 1;
  const steps = Math.max(0, Math.floor(elapsed / months));
  return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + steps * months, start.getUTCDate());
}

/** Problems with one window (shape, dates, rule, time zone, duration); [] when usable. */
export function checkFreezeWindow(window: FreezeWindow): FreezeProblem[] {
  const problems: FreezeProblem[] = [];
  const recurring = window.rrule !== undefined;
  if (window.timezone !== undefined && !isValidTimeZone(window.timezone)) {
    problems.push({ field: 'timezone', message: `unknown time zone '${window.timezone}': use an IANA name such as UTC, Europe/Paris or America/New_York` });
  }
  if (!recurring) {
    if (window.duration !== undefined) problems.push({ field: 'duration', message: "'duration' belongs to a recurring window: give 'rrule' as well, or use from/to days" });
    if (window.from === undefined || window.to === undefined) {
      problems.push({ field: '', message: "a freeze window needs 'from' and 'to' (days, inclusive), or 'rrule' and 'duration' (recurring)" });
    } else if (window.from > window.to) {
      problems.push({ field: 'to', message: `the window ends (${window.to}) before it starts (${window.from})` });
    }
    return problems;
  }
  if (window.to !== undefined) problems.push({ field: 'to', message: "a recurring window ends through its rule (UNTIL or COUNT), not 'to'" });
  if (window.duration === undefined) problems.push({ field: '', message: "a recurring window needs 'duration' (how long each window lasts, e.g. 64h)" });
  else if (parseDuration(window.duration) === null) problems.push({ field: 'duration', message: `duration must be weeks, days, hours and minutes such as 64h, 2d16h or 90m, and more than zero; got '${window.duration}'` });
  const text = ruleText(window);
  if (/(^|[;\n])\s*(DTSTART|TZID)|\n/i.test(text)) {
    problems.push({ field: 'rrule', message: "give only the RRULE part (FREQ=…;…): the start day goes in 'from' and the time zone in 'timezone'" });
    return problems;
  }
  let rule: RRuleInstance;
  try {
    rule = compileRule(window);
  } catch (error) {
    problems.push({ field: 'rrule', message: `not a valid RRULE: ${(error as Error).message}` });
    return problems;
  }
  const freq = rule.options.freq;
  if (freq === Frequency.SECONDLY || freq === Frequency.MINUTELY) problems.push({ field: 'rrule', message: 'FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY: a freeze window recurring every minute or second is not a window' });
  return problems;
}

/** The occurrences of window `index` that hold `at` (usually one). */
function occurrencesAt(window: FreezeWindow, index: number, at: number): ActiveFreeze[] {
  if (checkFreezeWindow(window).length > 0) return [];
  const timeZone = window.timezone ?? 'UTC';
  const reason = window.reason ?? null;
  if (window.rrule === undefined) {
    const start = instantOf(dayMs(window.from!), timeZone);
    const end = instantOf(dayMs(window.to!) + DAY, timeZone);
    if (at < start || at >= end) return [];
    const label = `${reason ?? 'freeze'} (${window.from} to ${window.to}, ${timeZone})`;
    return [{ index, reason, start: new Date(start), end: new Date(end), timezone: timeZone, label }];
  }
  const duration = parseDuration(window.duration!)!;
  const wallNow = wallOf(at, timeZone);
  const rule = compileRule(window, wallNow - duration);
  // Wall-clock starts that could hold `at`: offsets move by hours at most, so a day of margin is enough.
  const starts = rule.between(new Date(wallNow - duration - DAY), new Date(wallNow + DAY), true);
  const label = `${reason ?? 'freeze'} (${ruleText(window)} for ${describeDuration(duration)}, ${timeZone})`;
  const out: ActiveFreeze[] = [];
  for (const wallStart of starts) {
    const start = instantOf(wallStart.getTime(), timeZone);
    const end = start + duration;
    if (at >= start && at < end) out.push({ index, reason, start: new Date(start), end: new Date(end), timezone: timeZone, label });
  }
  return out;
}

/**
 * Whether `now` is inside a freeze window; if so, which windows and when promotions are
 * possible again (windows that follow on without a gap are followed to their end).
 */
export function freezeAt(windows: readonly FreezeWindow[] | undefined, now: Date): FreezeState | null {
  const list = windows ?? [];
  const holding = (at: number): ActiveFreeze[] => list.flatMap((window, index) => occurrencesAt(window, index, at));
  const first = holding(now.getTime());
  if (first.length === 0) return null;
  const chain = [...first];
  let until = Math.max(...first.map((w) => w.end.getTime()));
  for (let guard = 0; guard < 1000; guard++) {
    const next = holding(until);
    if (next.length === 0) break;
    for (const w of next) if (!chain.some((seen) => seen.index === w.index && seen.start.getTime() === w.start.getTime())) chain.push(w);
    until = Math.max(...next.map((w) => w.end.getTime()));
  }
  return { windows: chain, until: new Date(until) };
}

/** The next window starting after `now` within `horizonDays` (for status), or null. */
export function nextFreeze(windows: readonly FreezeWindow[] | undefined, now: Date, horizonDays = 90): ActiveFreeze | null {
  let best: ActiveFreeze | null = null;
  const at = now.getTime();
  (windows ?? []).forEach((window, index) => {
    if (checkFreezeWindow(window).length > 0) return;
    const timeZone = window.timezone ?? 'UTC';
    let start: number | null = null;
    if (window.rrule === undefined) {
      const s = instantOf(dayMs(window.from!), timeZone);
      if (s > at) start = s;
    } else {
      const wallNow = wallOf(at, timeZone);
      const wall = compileRule(window, wallNow).after(new Date(wallNow), false);
      if (wall) start = instantOf(wall.getTime(), timeZone);
    }
    if (start === null || start > at + horizonDays * DAY) return;
    if (best && best.start.getTime() <= start) return;
    const [occurrence] = occurrencesAt(window, index, start);
    if (occurrence) best = occurrence;
  });
  return best;
}

/** "weekend (FREQ=… for 64 hours, Europe/Paris) until 2026-11-30 08:00 Europe/Paris (07:00 UTC)". */
export function describeFreeze(state: FreezeState): string {
  const last = state.windows[state.windows.length - 1];
  const labels = [...new Set(state.windows.map((w) => w.label))];
  return `${labels.join(', then ')} until ${formatInstant(state.until, last?.timezone ?? 'UTC')}`;
}
