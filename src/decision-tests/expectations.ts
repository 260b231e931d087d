// The expectations a case may state (docs/behaviour-tests.md#expectations), one entry
// each: how a decision is checked against it and, when it is not met, what came instead
// and which offers and treatment rules the failure is about (their explanation is shown
// with it). A new expectation is one schema property and one entry here.
import type { Decision } from '../engine/index.js';
import type { DecisionTestExpectations } from '../config/index.js';
import type { ExpectationName } from './types.js';
import { plural } from '../words.js';

/** Why a decision does not meet an expectation. */
export interface Mismatch {
  got: unknown;
  message: string;
  /** Offers whose explanation the failure shows; 'considered': every offer the decision considered. */
  offers: string[] | 'considered';
  /** Treatment rules whose explanation the failure shows. */
  rules?: string[];
}

type Check<K extends ExpectationName> = (expected: NonNullable<DecisionTestExpectations[K]>, decision: Decision) => Mismatch | null;

const list = (names: readonly string[]): string => (names.length === 0 ? '(none)' : names.join(', '));
const offersOf = (decision: Decision): string[] => decision.offers.map((o) => o.offer);
const returned = (decision: Decision): string => (decision.offers.length === 0 ? 'no offer' : `[${list(offersOf(decision))}]`);

export const expectationChecks: { [K in ExpectationName]-?: Check<K> } = {
  offers: (expected, decision) => {
    const got = offersOf(decision);
    if (got.length === expected.length && got.every((offer, i) => offer === expected[i])) return null;
    return { got, message: `expected offers [${list(expected)}], got ${returned(decision)}`, offers: [...new Set([...expected, ...got])] };
  },
  includes: (expected, decision) => {
    const got = offersOf(decision);
    const missing = expected.filter((offer) => !got.includes(offer));
    if (missing.length === 0) return null;
    return { got, message: `expected ${missing.map((o) => `'${o}'`).join(', ')} among the offers, got ${returned(decision)}`, offers: missing };
  },
  excludes: (expected, decision) => {
    const got = offersOf(decision);
    const present = expected.filter((offer) => got.includes(offer));
    if (present.length === 0) return null;
    return { got, message: `expected no ${present.map((o) => `'${o}'`).join(', ')}, got ${returned(decision)}`, offers: present };
  },
  first: (expected, decision) => {
    const got = decision.offers[0]?.offer ?? null;
    if (got === expected) return null;
    return { got, message: `expected '${expected}' first, got ${got === null ? 'no offer' : `'${got}'`}`, offers: got === null ? [expected] : [expected, got] };
  },
  count: (expected, decision) => {
    const got = decision.offers.length;
    if (got === expected) return null;
    // Too many: the offers returned are in question; too few: every offer that was considered.
    return { got, message: `expected ${plural(expected, 'offer')}, got ${got}${got > 0 ? ` [${list(offersOf(decision))}]` : ''}`, offers: got > expected ? offersOf(decision) : 'considered' };
  },
  defaultString: (expected, decision) => {
    if (decision.offers.length === 0 && decision.defaultString === expected) return null;
    const got = decision.offers.length > 0 ? offersOf(decision) : (decision.defaultString ?? null);
    const what = decision.offers.length > 0 ? `offers [${list(offersOf(decision))}]` : decision.defaultString === undefined ? 'no default string' : `the default string ${JSON.stringify(decision.defaultString)}`;
    return { got, message: `expected no offer and the default string ${JSON.stringify(expected)}, got ${what}`, offers: offersOf(decision) };
  },
  controlGroups: (expected, decision) => {
    const got = [...decision.controlGroups].sort();
    const want = [...expected].sort();
    if (got.length === want.length && got.every((rule, i) => rule === want[i])) return null;
    const differ = [...want.filter((r) => !got.includes(r)), ...got.filter((r) => !want.includes(r))];
    return { got: decision.controlGroups, message: `expected the control groups of ${want.length === 0 ? 'no rule' : `[${list(want)}]`}, got ${got.length === 0 ? 'none' : `[${list(got)}]`}`, offers: [], rules: differ };
  },
  rules: (expected, decision) => {
    const wrong: string[] = [];
    const offers: string[] = [];
    for (const [offer, rule] of Object.entries(expected)) {
      const chosen = decision.offers.find((o) => o.offer === offer);
      if (chosen?.rule === rule) continue;
      offers.push(offer);
      wrong.push(chosen === undefined ? `'${offer}' is not returned (expected from rule '${rule}')` : `'${offer}' comes from rule '${chosen.rule}', not '${rule}'`);
    }
    if (wrong.length === 0) return null;
    const got = Object.fromEntries(decision.offers.map((o) => [o.offer, o.rule]));
    return { got, message: wrong.join('; '), offers };
  },
  attributes: (expected, decision) => {
    const wrong: string[] = [];
    const offers: string[] = [];
    for (const [offer, attributes] of Object.entries(expected)) {
      const chosen = decision.offers.find((o) => o.offer === offer);
      if (chosen === undefined) {
        offers.push(offer);
        wrong.push(`'${offer}' is not returned (expected with attributes ${JSON.stringify(attributes)})`);
        continue;
      }
      const differ = Object.entries(attributes).filter(([name, value]) => !Object.hasOwn(chosen.attributes, name) || chosen.attributes[name] !== value);
      if (differ.length === 0) continue;
      offers.push(offer);
      wrong.push(`'${offer}' has ${differ.map(([name, value]) => `${name} ${Object.hasOwn(chosen.attributes, name) ? JSON.stringify(chosen.attributes[name]) : '(none)'}, not ${JSON.stringify(value)}`).join(', ')}`);
    }
    if (wrong.length === 0) return null;
    const got = Object.fromEntries(decision.offers.map((o) => [o.offer, o.attributes]));
    return { got, message: wrong.join('; '), offers };
  },
};

/** The expectations in the order they are checked and reported. */
export const expectationNames = Object.keys(expectationChecks) as ExpectationName[];

/** Checks one expectation (dispatching through the table with its own value type). */
export function checkExpectation<K extends ExpectationName>(name: K, expected: NonNullable<DecisionTestExpectations[K]>, decision: Decision): Mismatch | null {
  return (expectationChecks[name] as Check<K>)(expected, decision);
}
