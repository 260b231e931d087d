// The sequence rules (docs/optimization-semantics.md#the-ten-rules), per
// customer in the segment, over A and B contacts (offer scope and channel):
// - neverAWithB: no A and a different B within N−1 days of each other (any dates
//   without periodDays);
// - neverAFollowedByB: no B on the day of or within N−1 days after a different A
//   (any later B without periodDays);
// - bOnlyWithA: a chosen B needs a different A, chosen or in history, on its day or
//   earlier (within N−1 days with periodDays).
// At least one contact of a pair is chosen: pairs with history forbid the proposed row
// (counted for the rule even when another rule removed the row first).
import type { BundlePolicyRule } from '../../bundle/index.js';
import { addConflict, addRequirement } from '../customer-model.js';
import type { CustomerBuildContext } from '../model-types.js';
import type { RuleHandler } from './rule-handler.js';

type SequenceRule = Extract<BundlePolicyRule, { type: 'neverAWithB' | 'neverAFollowedByB' | 'bOnlyWithA' }>;

interface Sides {
  /** Rows in the A and B scopes that no rule removed before this one. */
  aRows: number[];
  bRows: number[];
  /** Rows in the A and B scopes that an earlier rule removed: only counted, never paired. */
  aRemoved: number[];
  bRemoved: number[];
  aHistory: number[];
  bHistory: number[];
}

function sides(rule: SequenceRule, context: CustomerBuildContext): Sides | null {
  const { build, customerModel, history } = context;
  if (!build.inSegment(rule.segment, customerModel.customer)) return null;
  const aRows: number[] = [];
  const bRows: number[] = [];
  const aRemoved: number[] = [];
  const bRemoved: number[] = [];
  customerModel.rows.forEach((row, local) => {
    const removed = build.model.forbidden[row] !== -1;
    if (build.rowInScope(row, rule.a, rule, false)) (removed ? aRemoved : aRows).push(local);
    if (build.rowInScope(row, rule.b, rule, false)) (removed ? bRemoved : bRows).push(local);
  });
  const aHistory = history.filter((h) => build.historyInScope(h, rule.a, rule, false)).map((h) => build.model.history.day[h]!);
  const bHistory = history.filter((h) => build.historyInScope(h, rule.b, rule, false)).map((h) => build.model.history.day[h]!);
  return { aRows, bRows, aRemoved, bRemoved, aHistory, bHistory };
}

function dayOf(context: CustomerBuildContext, local: number): number {
  return context.build.model.absDay[context.customerModel.rows[local]!]!;
}

/** Does the pair (A on day a, B on day b) break the rule? */
type Breaks = (a: number, b: number) => boolean;

function pairRule(breaks: (period: number | null) => Breaks): RuleHandler<SequenceRule> {
  return {
    customer: (rule, index, context) => {
      const s = sides(rule, context);
      if (!s) return;
      const broken = breaks(rule.periodDays);
      for (const aSide of [s.aRows, s.aRemoved]) {
        for (const a of aSide) {
          const da = dayOf(context, a);
          if (s.bHistory.some((db) => broken(da, db))) context.forbidLocal(a, index);
        }
      }
      for (const bSide of [s.bRows, s.bRemoved]) {
        for (const b of bSide) {
          const db = dayOf(context, b);
          if (s.aHistory.some((da) => broken(da, db))) context.forbidLocal(b, index);
        }
      }
      const forbidden = context.build.model.forbidden;
      const rows = context.customerModel.rows;
      for (const a of s.aRows) {
        if (forbidden[rows[a]!] !== -1) continue;
        const da = dayOf(context, a);
        for (const b of s.bRows) {
          if (a === b || forbidden[rows[b]!] !== -1) continue;
          if (broken(da, dayOf(context, b))) addConflict(context.customerModel, index, a, b);
        }
      }
    },
  };
}

export const neverAWithBHandler = pairRule((period) => (a, b) => period === null || Math.abs(a - b) <= period - 1) as RuleHandler<
  Extract<BundlePolicyRule, { type: 'neverAWithB' }>
>;

export const neverAFollowedByBHandler = pairRule((period) => (a, b) => b >= a && (period === null || b - a <= period - 1)) as RuleHandler<
  Extract<BundlePolicyRule, { type: 'neverAFollowedByB' }>
>;

export const bOnlyWithAHandler: RuleHandler<Extract<BundlePolicyRule, { type: 'bOnlyWithA' }>> = {
  customer: (rule, index, context) => {
    const s = sides(rule, context);
    if (!s) return;
    const period = rule.periodDays;
    const enables = (da: number, db: number): boolean => da <= db && (period === null || db - da <= period - 1);
    for (const b of s.bRows) {
      const db = dayOf(context, b);
      if (s.aHistory.some((da) => enables(da, db))) continue;
      const candidates = s.aRows.filter((a) => a !== b && enables(dayOf(context, a), db));
      if (candidates.length === 0) context.forbidLocal(b, index);
      else addRequirement(context.customerModel, index, b, candidates);
    }
    // A B another rule removed is counted when no A could allow it either.
    for (const b of s.bRemoved) {
      const db = dayOf(context, b);
      if (!s.aHistory.some((da) => enables(da, db)) && !s.aRows.some((a) => enables(dayOf(context, a), db))) context.forbidLocal(b, index);
    }
  },
};
