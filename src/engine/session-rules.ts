// Session rules (docs/config-language.md#session-rules): what a channel's `session` settings
// take away from one decision, given what happened earlier in the same session: offers
// accepted or rejected in it (suppressAccepted, suppressRejected) and how many offers it
// has been given in all (maxOffers). The caller (the runtime's session, `decide`, a
// behaviour-test case) supplies that activity as `sessionActivity`; the engine keeps no
// state between decisions.
import type { CompiledSessionRules } from './compiled-types.js';
import type { DecisionError, ExplainOutcome } from './types.js';

/** The session rules as they apply to one decision. */
export interface SessionGate {
  /** How many more offers the session may be given (Infinity without maxOffers). */
  remaining: number;
  maxOffers: number | null;
  channel: string;
  /** Offers the session has accepted / rejected, when the channel suppresses them; else null. */
  accepted: ReadonlySet<string> | null;
  rejected: ReadonlySet<string> | null;
}

function inputError(field: string, message: string): DecisionError {
  return { code: 'input', field, message };
}

/** No offer names: what a request without `accepted` or `rejected` reads as (shared, never added to). */
const NO_NAMES: ReadonlySet<string> = new Set<string>();

function readOfferNames(value: unknown, field: string, errors: DecisionError[]): ReadonlySet<string> {
  if (value === undefined || value === null) return NO_NAMES;
  const names = new Set<string>();
  if (!Array.isArray(value)) {
    errors.push(inputError(field, `${field} must be a list of offer names, got ${JSON.stringify(value)}`));
    return names;
  }
  value.forEach((name: unknown, index) => {
    if (typeof name === 'string' && name !== '') names.add(name);
    else errors.push(inputError(`${field}[${index}]`, `${field}[${index}] must be an offer name, got ${JSON.stringify(name)}`));
  });
  return names;
}

/**
 * Checks `sessionActivity` (input errors name the field) and returns the gate for the
 * channel's rules; null when the channel has no session rules (then the activity is checked
 * but changes nothing) or when the request gives none.
 */
export function readSessionActivity(value: unknown, rules: CompiledSessionRules | null, channel: string, errors: DecisionError[]): SessionGate | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(inputError('sessionActivity', 'sessionActivity must be an object {offered, accepted, rejected}'));
    return null;
  }
  const activity = value as Record<string, unknown>;
  let offered = 0;
  if (activity['offered'] !== undefined) {
    const raw = activity['offered'];
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) errors.push(inputError('sessionActivity.offered', `sessionActivity.offered must be a whole number of offers, 0 or more, got ${JSON.stringify(raw)}`));
    else offered = raw;
  }
  const accepted = readOfferNames(activity['accepted'], 'sessionActivity.accepted', errors);
  const rejected = readOfferNames(activity['rejected'], 'sessionActivity.rejected', errors);
  // for…in rather than Object.keys: no array for the (usual) request with known fields only.
  for (const key in activity) {
    if (!Object.prototype.hasOwnProperty.call(activity, key)) continue;
    if (key !== 'offered' && key !== 'accepted' && key !== 'rejected') errors.push(inputError(`sessionActivity.${key}`, `sessionActivity has no field '${key}' (offered, accepted, rejected)`));
  }
  if (rules === null) return null;
  return {
    remaining: rules.maxOffers === null ? Number.POSITIVE_INFINITY : Math.max(0, rules.maxOffers - offered),
    maxOffers: rules.maxOffers,
    channel,
    accepted: rules.suppressAccepted && accepted.size > 0 ? accepted : null,
    rejected: rules.suppressRejected && rejected.size > 0 ? rejected : null,
  };
}

/** The session rule that keeps this offer out of the decision, or null. An accept is named before a reject. */
export function sessionDrop(gate: SessionGate, offer: string): Extract<ExplainOutcome, 'session-accepted' | 'session-rejected'> | null {
  if (gate.accepted?.has(offer) === true) return 'session-accepted';
  if (gate.rejected?.has(offer) === true) return 'session-rejected';
  return null;
}
