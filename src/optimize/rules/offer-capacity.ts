// offerCapacity (docs/optimization-semantics.md#the-ten-rules): over all customers (in the segment), the scoped contacts in
// each window are within min..max, history included; a window starting inside an
// exception's from..to uses the exception's bounds (the first such exception).
import type { BundlePolicyRule } from '../../bundle/index.js';
import { dayNumber } from '../../days.js';
import type { BuildContext, GlobalPart } from '../model-types.js';
import { historyCounter, maximumWindows, minimumWindows, type WindowBound } from '../windows.js';
import type { RuleHandler } from './rule-handler.js';

type OfferCapacity = Extract<BundlePolicyRule, { type: 'offerCapacity' }>;

/** Bounds by window start for rules with exceptions (first matching exception wins). */
export function boundsByStart(rule: { min: number; max: number | null; exceptions?: { from: string; to: string; min: number; max: number | null }[] }) {
  const exceptions = (rule.exceptions ?? []).map((e) => ({ from: dayNumber(e.from), to: dayNumber(e.to), min: e.min, max: e.max }));
  const find = (s: number) => exceptions.find((e) => s >= e.from && s <= e.to);
  return {
    maxAt: (s: number): number => {
      const e = find(s);
      const max = e ? e.max : rule.max;
      return max === null ? Infinity : max;
    },
    minAt: (s: number): number => (find(s) ?? rule).min,
  };
}

/**
 * Scoped candidate rows (not removed up front), sorted by horizon day and then row: a
 * counting sort by day into one typed array, where a list of numbers sorted by a
 * comparator costs tens of bytes a row at ten million rows (docs/optimization.md#memory).
 */
export function scopedRows(build: BuildContext, rule: BundlePolicyRule, scope: Parameters<BuildContext['rowInScope']>[1]): Int32Array {
  const { model } = build;
  const dayStart = new Int32Array(model.h + 1);
  const inScope = new Uint8Array(model.n);
  for (let row = 0; row < model.n; row++) {
    if (model.forbidden[row] === -1 && build.rowInScope(row, scope, rule, true)) {
      inScope[row] = 1;
      dayStart[model.day[row]! + 1]!++;
    }
  }
  for (let d = 0; d < model.h; d++) dayStart[d + 1]! += dayStart[d]!;
  const rows = new Int32Array(dayStart[model.h]!);
  for (let row = 0; row < model.n; row++) if (inScope[row]) rows[dayStart[model.day[row]!]!++] = row;
  return rows;
}

/** Assembles a global part (it keeps `rows` and `coef`, not copies); drops windows that the rows can never break. */
export function makePart(
  build: BuildContext,
  rule: number,
  kind: GlobalPart['kind'],
  rows: Int32Array,
  coef: Float64Array,
  hard: WindowBound[],
  minimums: WindowBound[],
): GlobalPart | null {
  const { model } = build;
  const positive = new Float64Array(model.h + 1);
  let negative = false;
  for (let j = 0; j < rows.length; j++) {
    if (coef[j]! > 0) positive[model.day[rows[j]!]! + 1]! += coef[j]!;
    else if (coef[j]! < 0) negative = true;
  }
  for (let d = 1; d <= model.h; d++) positive[d]! += positive[d - 1]!;
  // A shard's windows hold its share of the capacity (shard.ts scales them once built).
  const share = kind === 'count' || kind === 'sum' ? model.capacityShare : 1;
  let binding = hard.filter((w) => positive[w.to + 1]! - positive[w.from]! > w.bound * share + 1e-9);
  // With no negative coefficient, a window inside another with no less room adds nothing.
  if (!negative) {
    binding = binding.filter(
      (w) => !binding.some((o) => o !== w && o.from <= w.from && o.to >= w.to && o.bound <= w.bound && (o.from !== w.from || o.to !== w.to || o.start < w.start)),
    );
  }
  if (binding.length === 0 && minimums.length === 0) return null;
  return {
    rule,
    kind,
    rows,
    coef,
    from: Int32Array.from(binding, (w) => w.from),
    to: Int32Array.from(binding, (w) => w.to),
    rhs: Float64Array.from(binding, (w) => w.bound),
    start: Int32Array.from(binding, (w) => w.start),
    minFrom: Int32Array.from(minimums, (w) => w.from),
    minTo: Int32Array.from(minimums, (w) => w.to),
    minNeed: Float64Array.from(minimums, (w) => w.bound),
    minStart: Int32Array.from(minimums, (w) => w.start),
  };
}

export const offerCapacityHandler: RuleHandler<OfferCapacity> = {
  global: (rule, index, build) => {
    const { model } = build;
    const { maxAt, minAt } = boundsByStart(rule);
    const period = rule.periodDays;
    let history = null;
    if (period !== null) {
      const days: number[] = [];
      for (let h = 0; h < model.history.day.length; h++) if (build.historyInScope(h, rule.offers, rule, true)) days.push(model.history.day[h]!);
      history = historyCounter(days, model.d0 - period + 1, model.d1 + period - 1);
    }
    const hard = maximumWindows(period, model.d0, model.d1, maxAt, history);
    // Windows history already fills leave no room: their rows are removed up front, and
    // counted for this rule even when another rule removed them first (docs/optimization.md#the-report).
    for (const w of hard) {
      if (w.bound > 0) continue;
      for (let row = 0; row < model.n; row++) {
        const d = model.day[row]!;
        if (d >= w.from && d <= w.to && build.rowInScope(row, rule.offers, rule, true)) build.forbid(row, index);
      }
    }
    const rows = scopedRows(build, rule, rule.offers);
    const minimums = minimumWindows(period, model.d0, model.d1, minAt, history);
    const part = makePart(build, index, 'count', rows, new Float64Array(rows.length).fill(1), hard.filter((w) => w.bound > 0), minimums);
    return part ? [part] : [];
  },
};
