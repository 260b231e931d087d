// Turning a runtime event into history rows (docs/runtime-api.md#post-v1sessionssessionidevents--an-event-and-its-actions):
// pure, so the mapping from a channel's declared actions to the rows written is tested
// without a server. `logContact`, `logAccept` and `logReject` each write one row for the
// offer the event is about; other actions write nothing.
import type { BundleEvent, EventAction } from '../bundle/index.js';
import type { HistoryRow } from '../engine/index.js';

const LOGGED_EVENT: Partial<Record<EventAction, HistoryRow['event']>> = { logContact: 'contact', logAccept: 'accept', logReject: 'reject' };

/** The history events a declared event logs, in the order of its actions. */
export function loggedEvents(declared: Pick<BundleEvent, 'actions'>): HistoryRow['event'][] {
  const events: HistoryRow['event'][] = [];
  for (const action of declared.actions) {
    const event = LOGGED_EVENT[action];
    if (event !== undefined) events.push(event);
  }
  return events;
}

export interface EventFacts {
  declared: Pick<BundleEvent, 'actions'>;
  /** The offer the event is about, or null when it names none. */
  offer: string | null;
  audienceId: string;
  channel: string;
  /** The decision day of the event (UTC), YYYY-MM-DD. */
  date: string;
}

/** The rows an event writes; `needsOffer` when it logs something but names no offer. */
export type EventRows = { ok: true; rows: HistoryRow[] } | { ok: false; needsOffer: HistoryRow['event'][] };

export function eventRows(facts: EventFacts): EventRows {
  const events = loggedEvents(facts.declared);
  if (events.length === 0) return { ok: true, rows: [] };
  if (facts.offer === null) return { ok: false, needsOffer: events };
  const offer = facts.offer;
  return { ok: true, rows: events.map((event) => ({ customerId: facts.audienceId, offer, channel: facts.channel, date: facts.date, package: null, event })) };
}
