// The optimization report (docs/optimization.md#the-report): objective, bound and gap, per rule the
// contacts it removed and whether it binds, every unmet minimum with its window (and
// customer), rows in and out, and the shadow price of every capacity rule (shadow-prices.ts).
import { InternalError } from '../errors.js';
import { CapacityState } from './capacity-state.js';
import { blockingRulesLocal, minimumCount } from './customer-model.js';
import { isoDay } from '../days.js';
import type { Model } from './model.js';
import type { OptimizeReport, RuleReport, ShadowPrice, UnmetMinimum } from './types.js';

/** At most this many unmet minimums are listed (the total shortfall counts them all). */
export const MAX_LISTED_MINIMUMS = 10_000;

export interface ReportInput {
  model: Model;
  chosen: Uint8Array;
  upperBound: number;
  boundMethod: OptimizeReport['boundMethod'];
  method: OptimizeReport['method'];
  iterations: number;
  startedAt: number;
  now: number;
  /** Per capacity rule, highest price first (shadow-prices.ts). */
  shadowPrices: ShadowPrice[];
}

export function buildReport(input: ReportInput): OptimizeReport {
  const { model, chosen } = input;
  const state = new CapacityState(model, chosen);
  let objective = 0;
  let rowsOut = 0;
  for (let row = 0; row < model.n; row++) {
    if (!chosen[row]) continue;
    objective += model.score[row]!;
    rowsOut++;
  }
  const removed = Array.from(model.removedUpFront);
  const blocking = new Set<number>();
  const parts = new Set<number>();
  for (let row = 0; row < model.n; row++) {
    if (chosen[row] || model.forbidden[row] !== -1) continue;
    blocking.clear();
    parts.clear();
    blockingRulesLocal(model.customers[model.rowCustomerModel[row]!]!, chosen, model.rowLocal[row]!, blocking);
    state.blockingParts(row, parts);
    for (const p of parts) blocking.add(model.parts[p]!.rule);
    for (const rule of blocking) removed[rule]!++;
  }

  const unmet: UnmetMinimum[] = [];
  let totalShortfall = 0;
  const unmetRules = new Set<number>();
  const push = (entry: UnmetMinimum, rule: number): void => {
    totalShortfall += entry.shortfall;
    unmetRules.add(rule);
    if (unmet.length < MAX_LISTED_MINIMUMS) unmet.push(entry);
  };
  model.parts.forEach((part, p) => {
    const rule = model.rules[part.rule]!;
    for (let w = 0; w < part.minFrom.length; w++) {
      const achieved = state.minActivity[p]![w]!;
      const need = part.minNeed[w]!;
      if (achieved >= need - 1e-9) continue;
      push(
        {
          rule: rule.name,
          type: rule.type as UnmetMinimum['type'],
          window: { from: isoDay(part.minStart[w]!), to: isoDay(part.minStart[w]! + (rule.periodDays ?? model.h) - 1) },
          required: need,
          achieved,
          shortfall: need - achieved,
        },
        part.rule,
      );
    }
  });
  for (const cm of model.customers) {
    for (let m = 0; m < cm.minCount; m++) {
      const achieved = minimumCount(cm, chosen, m);
      const rule = model.rules[cm.minRule(m)]!;
      for (const w of cm.minWindows(m)) {
        if (achieved >= w.need) continue;
        push(
          {
            rule: rule.name,
            type: 'customerOfferCount',
            window: { from: isoDay(w.start), to: isoDay(w.end) },
            customerId: model.customerIds[cm.customer]!,
            required: w.need,
            achieved,
            shortfall: w.need - achieved,
          },
          cm.minRule(m),
        );
      }
    }
  }

  const rules: RuleReport[] = model.rules.map((rule, index) => ({
    name: rule.name,
    type: rule.type,
    removed: removed[index]!,
    binds: removed[index]! > 0 || unmetRules.has(index),
  }));
  if (input.upperBound < objective - 1e-6 * Math.max(1, Math.abs(objective))) {
    throw new InternalError(`upper bound ${input.upperBound} is below the objective ${objective} of a feasible selection`);
  }
  const upperBound = Math.max(input.upperBound, objective);
  const gap = upperBound === 0 ? 0 : Math.max(0, (upperBound - objective) / Math.abs(upperBound));
  return {
    policy: model.problem.policy,
    objective: reportedSum(objective),
    upperBound: reportedSum(upperBound),
    boundMethod: input.boundMethod,
    gap,
    method: input.method,
    rules,
    unmetMinimums: unmet,
    totalShortfall,
    rowsIn: model.n,
    rowsOut,
    customers: model.customers.length,
    timeMs: Math.round(input.now - input.startedAt),
    peakMemoryMb: Math.round(process.resourceUsage().maxRSS / 1024),
    iterations: input.iterations,
    shadowPrices: input.shadowPrices,
  };
}

/**
 * A sum as the report gives it: 12 significant digits. Scores are decimals that binary
 * floating point holds only approximately, so a sum of many carries noise in its last
 * digits (299781.93999999965 for 299781.94); rounding is monotone, so the bound stays at
 * or above the objective.
 */
export function reportedSum(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(12));
}
