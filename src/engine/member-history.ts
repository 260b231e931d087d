// The member's history as a decision reads it (docs/decisions.md#history): only the
// member's own rows, only rows dated on or before the decision day (a decision never
// sees the future, which keeps simulations at a past date honest), each resolved once:
// day number, offer index, event, package (`customerId|channel|date` when absent).
//
// It comes in one of two shapes, which give the same decisions:
// - rows (`DecisionRequest.history`): every row, as a history file holds them;
// - a window (`DecisionRequest.historyWindow`): what a history store reads so that one
//   member's long history costs no more than a short one. The rules only look back a
//   few window lengths (`Engine.historyNeeds.windows`, the longest `historyWindowDays`),
//   all ending on the decision day, so the store returns the rows from the longest
//   window's first day on, grouped with a count, each dated at the first day of the
//   narrowest window that holds it (every rule counts such rows alike), plus per (offer,
//   channel, event) totals over all time for the facts that have no window: "accepted
//   ever" (afterAccept), rejection counts (maxRejects), "contacted ever" (sequence rules
//   without periodDays). Totals count rows after the decision day too; those rows are
//   in the window's rows with their own dates, so they are taken off here. Packages
//   (for maxPackages) come as their own list, so the counting rows need none.
//   Suppression windows (afterAccept {days}, afterReject) need the days of accepts and
//   rejects: those of the last CompiledBundle.responseDays days keep their day, whether
//   read from rows or from a window (HistoryNeeds.responseDays).
import type { CompiledBundle } from './compiled-types.js';
import { dayNumber } from '../days.js';
import type { DecisionError, HistoryRow, HistoryWindow } from './types.js';

export const CONTACT = 0;
export const ACCEPT = 1;
export const REJECT = 2;

/**
 * The day of contacts before a bounded window, kept only as counts (MemberHistory.earlier):
 * no rule with a window counts them; rules over all time (sequence rules without
 * periodDays) still see that they happened.
 */
export const BEFORE_WINDOW = -Infinity;

export interface MemberEvent {
  /** Offer index in the bundle, or -1 for an offer the bundle does not know. */
  offer: number;
  /** Day number, or BEFORE_WINDOW. */
  day: number;
  event: typeof CONTACT | typeof ACCEPT | typeof REJECT;
  channel: string;
  package: string;
  /** How many identical rows this event stands for (1 for a row read from a file). */
  count: number;
}

export interface OfferResponses {
  /** Accepts and rejects of this offer up to the decision day, over all time. */
  accepts: number;
  rejects: number;
  /** Days of the contacts with this offer (in the window, when read from one), and how many on each. */
  contactDays: number[];
  contactCounts: number[];
  /**
   * Days of accepts and rejects in the suppression windows' reach (CompiledBundle.responseDays),
   * with how many on each; absent when the bundle has no such window or there are none.
   */
  acceptDays?: number[];
  acceptCounts?: number[];
  rejectDays?: number[];
  rejectCounts?: number[];
}

/** A package of the member's contacts on a day (maxPackages counts distinct packages in its window). */
export type PackageEvent = Pick<MemberEvent, 'day' | 'channel' | 'package'>;

export interface MemberHistory {
  /** Contacts (event `contact`) up to the decision day, in input order (in the window, when read from one). */
  contacts: MemberEvent[];
  /** Contacts before a bounded window, per (offer, channel), dated BEFORE_WINDOW: only rules over all time see them. */
  earlier: MemberEvent[];
  /** The packages of those contacts (one per contact row, or the window's distinct packages). */
  packages: PackageEvent[];
  /** Per offer index: responses and contact days (suppression). */
  byOffer: Map<number, OfferResponses>;
}

const events: Record<string, MemberEvent['event']> = { contact: CONTACT, accept: ACCEPT, reject: REJECT };

/** The package of a contact that names none: one interruption per customer, channel and day (docs/optimization-semantics.md). */
export function defaultPackage(customerId: string, channel: string, date: string): string {
  return customerId + '|' + channel + '|' + date;
}

function inputError(field: string, message: string): DecisionError {
  return { code: 'input', field, message };
}

function responsesOf(history: MemberHistory, offer: number): OfferResponses {
  let responses = history.byOffer.get(offer);
  if (!responses) {
    responses = { accepts: 0, rejects: 0, contactDays: [], contactCounts: [] };
    history.byOffer.set(offer, responses);
  }
  return responses;
}

function emptyHistory(): MemberHistory {
  return { contacts: [], earlier: [], packages: [], byOffer: new Map() };
}

/**
 * Adds one (possibly grouped) event of the decision's past to the history; its package
 * too, unless the packages come on their own. Accepts and rejects from `responsesFrom`
 * on keep their day (suppression windows); before it, only their count.
 */
function add(history: MemberHistory, entry: MemberEvent, countResponses: boolean, addPackage: boolean, responsesFrom: number): void {
  if (entry.offer >= 0) {
    const responses = responsesOf(history, entry.offer);
    if (entry.event === ACCEPT) {
      if (countResponses) responses.accepts += entry.count;
      if (entry.day >= responsesFrom) {
        (responses.acceptDays ??= []).push(entry.day);
        (responses.acceptCounts ??= []).push(entry.count);
      }
    } else if (entry.event === REJECT) {
      if (countResponses) responses.rejects += entry.count;
      if (entry.day >= responsesFrom) {
        (responses.rejectDays ??= []).push(entry.day);
        (responses.rejectCounts ??= []).push(entry.count);
      }
    } else if (entry.day !== BEFORE_WINDOW) {
      responses.contactDays.push(entry.day);
      responses.contactCounts.push(entry.count);
    }
  }
  if (entry.event === CONTACT) {
    if (entry.day === BEFORE_WINDOW) {
      history.earlier.push(entry);
      return;
    }
    history.contacts.push(entry);
    if (addPackage) history.packages.push(entry);
  }
}

interface CheckedRow {
  day: number;
  offer: string;
  channel: string;
  event: MemberEvent['event'];
  package: string | null;
}

/** One row's fields, checked; null (with an input error naming `place.field`) when malformed. */
function checkRow(row: Record<string, unknown>, place: string, errors: DecisionError[]): CheckedRow | null {
  const date = row['date'];
  const day = typeof date === 'string' ? dayNumber(date) : Number.NaN;
  if (Number.isNaN(day)) {
    errors.push(inputError(`${place}.date`, `${place}.date must be a YYYY-MM-DD day, got ${JSON.stringify(date)}`));
    return null;
  }
  const offer = row['offer'];
  if (typeof offer !== 'string' || offer === '') {
    errors.push(inputError(`${place}.offer`, `${place}.offer must be an offer name, got ${JSON.stringify(offer)}`));
    return null;
  }
  const channel = row['channel'];
  if (typeof channel !== 'string' || channel === '') {
    errors.push(inputError(`${place}.channel`, `${place}.channel must be a channel name, got ${JSON.stringify(channel)}`));
    return null;
  }
  const eventName = row['event'] ?? 'contact';
  const event = typeof eventName === 'string' && Object.prototype.hasOwnProperty.call(events, eventName) ? events[eventName]! : undefined;
  if (event === undefined) {
    errors.push(inputError(`${place}.event`, `${place}.event must be contact, accept or reject, got ${JSON.stringify(eventName)}`));
    return null;
  }
  const packageName = row['package'];
  return { day, offer, channel, event, package: typeof packageName === 'string' && packageName !== '' ? packageName : null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function eventOf(compiled: CompiledBundle, audienceId: string, row: CheckedRow, count: number, date: string): MemberEvent {
  return {
    offer: compiled.offerByName.get(row.offer)?.index ?? -1,
    day: row.day,
    event: row.event,
    channel: row.channel,
    package: row.package ?? defaultPackage(audienceId, row.channel, date),
    count,
  };
}

/**
 * Reads the member's rows; malformed rows of the member are input errors naming
 * `history[i].field`. Returns null when the member has no usable row.
 */
export function readMemberHistory(
  compiled: CompiledBundle,
  rows: readonly HistoryRow[] | undefined,
  audienceId: string,
  atDay: number,
  errors: DecisionError[],
): MemberHistory | null {
  if (rows === undefined || rows === null) return null;
  if (!Array.isArray(rows)) {
    errors.push(inputError('history', 'history must be an array of rows'));
    return null;
  }
  let history: MemberHistory | null = null;
  const responsesFrom = responsesFromOf(compiled, atDay);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown;
    if (!isObject(row)) {
      errors.push(inputError(`history[${i}]`, `history[${i}] must be an object`));
      continue;
    }
    const customerId = row['customerId'];
    if (customerId !== audienceId && !(typeof customerId === 'number' && String(customerId) === audienceId)) continue;
    const checked = checkRow(row, `history[${i}]`, errors);
    if (checked === null || checked.day > atDay) continue;
    history ??= emptyHistory();
    add(history, eventOf(compiled, audienceId, checked, 1, row['date'] as string), true, true, responsesFrom);
  }
  return history;
}

/** The first day whose accepts and rejects keep their day (Infinity: none do). */
function responsesFromOf(compiled: CompiledBundle, atDay: number): number {
  return compiled.responseDays > 0 ? atDay - compiled.responseDays + 1 : Infinity;
}

/** The first day a window must cover for a decision on `atDay`: the longest rule window's first day. */
export function windowStart(atDay: number, windowDays: number): number {
  return atDay - windowDays + 1;
}

/**
 * Reads a bounded history window (see the header). Input errors name
 * `historyWindow.…`; a window that starts after the first day the bundle's rules look
 * at cannot answer the decision exactly, and is an input error too.
 */
export function readHistoryWindow(
  compiled: CompiledBundle,
  window: HistoryWindow,
  audienceId: string,
  atDay: number,
  windowDays: number,
  errors: DecisionError[],
): MemberHistory | null {
  if (!isObject(window) || !Array.isArray(window.rows) || !Array.isArray(window.totals)) {
    errors.push(inputError('historyWindow', 'historyWindow must be an object with from, rows and totals'));
    return null;
  }
  const from = typeof window.from === 'string' ? dayNumber(window.from) : Number.NaN;
  if (Number.isNaN(from)) {
    errors.push(inputError('historyWindow.from', `historyWindow.from must be a YYYY-MM-DD day, got ${JSON.stringify(window.from)}`));
    return null;
  }
  const needed = windowStart(atDay, windowDays);
  if (from > needed) {
    errors.push(inputError('historyWindow.from', `historyWindow.from is ${window.from}, but the bundle's rules look back ${windowDays} days from the decision day: the window must start on or before day ${needed} (days since 1970-01-01)`));
    return null;
  }

  // All-time totals per (offer, channel, event), less the rows after the decision day.
  const totals = new Map<string, { offer: string; channel: string; event: MemberEvent['event']; count: number }>();
  const key = (offer: string, channel: string, event: number): string => offer + '\0' + channel + '\0' + event;
  for (let i = 0; i < window.totals.length; i++) {
    const total = window.totals[i] as unknown;
    const place = (): string => `historyWindow.totals[${i}]`;
    if (!isObject(total)) {
      errors.push(inputError(place(), `${place()} must be an object`));
      continue;
    }
    const count = total['count'];
    const offer = total['offer'];
    const channel = total['channel'];
    // Without an event, a contact: as a row without one (checkRow).
    const eventName = total['event'] ?? 'contact';
    const event = typeof eventName === 'string' && Object.prototype.hasOwnProperty.call(events, eventName) ? events[eventName]! : undefined;
    // Checked without building a message unless one is needed: a store returns one total per offer and channel.
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      errors.push(inputError(`${place()}.count`, `${place()}.count must be a whole number ≥ 0, got ${JSON.stringify(count)}`));
      continue;
    }
    if (typeof offer !== 'string' || offer === '' || typeof channel !== 'string' || channel === '' || event === undefined) {
      checkRow({ ...total, date: window.from }, place(), errors);
      continue;
    }
    const k = key(offer, channel, event);
    const entry = totals.get(k);
    if (entry) entry.count += count;
    else totals.set(k, { offer, channel, event, count });
  }

  // Packages on their own (a store's bucketed rows carry none), or from the rows.
  const packages: PackageEvent[] | null = window.packages === undefined ? null : readPackages(window.packages, from, atDay, errors);

  let history: MemberHistory | null = null;
  const responsesFrom = responsesFromOf(compiled, atDay);
  const inWindow = new Map<string, number>();
  for (let i = 0; i < window.rows.length; i++) {
    const row = window.rows[i] as unknown;
    const place = `historyWindow.rows[${i}]`;
    if (!isObject(row)) {
      errors.push(inputError(place, `${place} must be an object`));
      continue;
    }
    const count = row['count'];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      errors.push(inputError(`${place}.count`, `${place}.count must be a whole number ≥ 1, got ${JSON.stringify(count)}`));
      continue;
    }
    const checked = checkRow(row, place, errors);
    if (checked === null) continue;
    if (checked.day < from) {
      errors.push(inputError(`${place}.date`, `${place}.date ${JSON.stringify(row['date'])} is before the window's first day ${window.from}`));
      continue;
    }
    const k = key(checked.offer, checked.channel, checked.event);
    const total = totals.get(k);
    if (checked.day > atDay) {
      // After the decision day: not seen, and not part of the totals as of that day.
      if (total) total.count -= count;
      continue;
    }
    inWindow.set(k, (inWindow.get(k) ?? 0) + count);
    history ??= emptyHistory();
    // Accepts and rejects are counted once, from the totals below; their days (suppression windows) from the rows.
    add(history, eventOf(compiled, audienceId, checked, count, row['date'] as string), false, packages === null, responsesFrom);
  }
  if (errors.length > 0) return null;
  if (packages !== null && packages.length > 0) {
    history ??= emptyHistory();
    history.packages = packages;
  }

  for (const [k, total] of totals) {
    if (total.count <= 0) continue;
    const offer = compiled.offerByName.get(total.offer)?.index ?? -1;
    if (total.event === CONTACT) {
      const before = total.count - (inWindow.get(k) ?? 0);
      if (before <= 0) continue;
      history ??= emptyHistory();
      add(history, { offer, day: BEFORE_WINDOW, event: CONTACT, channel: total.channel, package: '', count: before }, false, false, Infinity);
    } else if (offer >= 0) {
      history ??= emptyHistory();
      const responses = responsesOf(history, offer);
      if (total.event === ACCEPT) responses.accepts += total.count;
      else responses.rejects += total.count;
    }
  }
  return history;
}

/** A window's packages: `{date, channel, package}` of the member's contacts dated `from` to the decision day. */
function readPackages(list: unknown, from: number, atDay: number, errors: DecisionError[]): PackageEvent[] {
  if (!Array.isArray(list)) {
    errors.push(inputError('historyWindow.packages', 'historyWindow.packages must be a list of {date, channel, package}'));
    return [];
  }
  const packages: PackageEvent[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i] as unknown;
    const place = `historyWindow.packages[${i}]`;
    if (!isObject(entry)) {
      errors.push(inputError(place, `${place} must be an object`));
      continue;
    }
    const day = typeof entry['date'] === 'string' ? dayNumber(entry['date']) : Number.NaN;
    const channel = entry['channel'];
    const name = entry['package'];
    if (Number.isNaN(day) || day < from) {
      errors.push(inputError(`${place}.date`, `${place}.date must be a YYYY-MM-DD day in the window, got ${JSON.stringify(entry['date'])}`));
      continue;
    }
    if (typeof channel !== 'string' || channel === '' || typeof name !== 'string' || name === '') {
      errors.push(inputError(place, `${place} needs a channel and a package name`));
      continue;
    }
    if (day <= atDay) packages.push({ day, channel, package: name });
  }
  return packages;
}
