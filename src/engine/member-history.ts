// The member's history as a decision reads it (docs/decisions.md#history, docs/file-formats.md#history): only the
// member's own rows, only rows dated on or before the decision day (a decision never
// sees the future, which keeps simulations at a past date honest), each resolved once:
// day number, offer index, event, package (`customerId|channel|date` when absent).
import type { CompiledBundle } from './compiled-types.js';
import { dayNumber } from '../days.js';
import type { DecisionError, HistoryRow } from './types.js';

export const CONTACT = 0;
export const ACCEPT = 1;
export const REJECT = 2;

export interface MemberEvent {
  /** Offer index in the bundle, or -1 for an offer the bundle does not know. */
  offer: number;
  day: number;
  event: typeof CONTACT | typeof ACCEPT | typeof REJECT;
  channel: string;
  package: string;
}

export interface OfferResponses {
  accepts: number;
  rejects: number;
  /** Days of the contacts with this offer. */
  contactDays: number[];
}

export interface MemberHistory {
  /** Rows with event `contact`, in input order. */
  contacts: MemberEvent[];
  /** Per offer index: responses and contact days (suppression). */
  byOffer: Map<number, OfferResponses>;
}

const events: Record<string, MemberEvent['event']> = { contact: CONTACT, accept: ACCEPT, reject: REJECT };

/** The package of a contact that names none: one interruption per customer, channel and day (docs/file-formats.md#history). */
export function defaultPackage(customerId: string, channel: string, date: string): string {
  return customerId + '|' + channel + '|' + date;
}

function inputError(field: string, message: string): DecisionError {
  return { code: 'input', field, message };
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
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown as Record<string, unknown> | null;
    if (typeof row !== 'object' || row === null) {
      errors.push(inputError(`history[${i}]`, `history[${i}] must be an object`));
      continue;
    }
    const customerId = row['customerId'];
    if (customerId !== audienceId && !(typeof customerId === 'number' && String(customerId) === audienceId)) continue;
    const date = row['date'];
    const day = typeof date === 'string' ? dayNumber(date) : Number.NaN;
    if (Number.isNaN(day)) {
      errors.push(inputError(`history[${i}].date`, `history[${i}].date must be a YYYY-MM-DD day, got ${JSON.stringify(date)}`));
      continue;
    }
    const offerName = row['offer'];
    if (typeof offerName !== 'string' || offerName === '') {
      errors.push(inputError(`history[${i}].offer`, `history[${i}].offer must be an offer name, got ${JSON.stringify(offerName)}`));
      continue;
    }
    const channel = row['channel'];
    if (typeof channel !== 'string' || channel === '') {
      errors.push(inputError(`history[${i}].channel`, `history[${i}].channel must be a channel name, got ${JSON.stringify(channel)}`));
      continue;
    }
    const eventName = row['event'] ?? 'contact';
    const event = typeof eventName === 'string' && Object.prototype.hasOwnProperty.call(events, eventName) ? events[eventName]! : undefined;
    if (event === undefined) {
      errors.push(inputError(`history[${i}].event`, `history[${i}].event must be contact, accept or reject, got ${JSON.stringify(eventName)}`));
      continue;
    }
    if (day > atDay) continue;
    const packageName = row['package'];
    const offer = compiled.offerByName.get(offerName)?.index ?? -1;
    const entry: MemberEvent = {
      offer,
      day,
      event,
      channel,
      package: typeof packageName === 'string' && packageName !== '' ? packageName : defaultPackage(audienceId, channel, date as string),
    };
    if (history === null) history = { contacts: [], byOffer: new Map() };
    if (offer >= 0) {
      let responses = history.byOffer.get(offer);
      if (!responses) {
        responses = { accepts: 0, rejects: 0, contactDays: [] };
        history.byOffer.set(offer, responses);
      }
      if (event === ACCEPT) responses.accepts++;
      else if (event === REJECT) responses.rejects++;
      else responses.contactDays.push(day);
    }
    if (event === CONTACT) history.contacts.push(entry);
  }
  return history;
}
