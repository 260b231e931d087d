// customCapacity (docs/optimization-semantics.md#the-ten-rules): `sum` or `avg` of a numeric column over the scoped chosen
// contacts in each window is within min..max. History rows carry no value columns, so
// only chosen rows count. Both bounds of `avg` are hard and linear (Σ(v − max) ≤ 0,
// Σ(min − v) ≤ 0; an empty window satisfies them); `sum`'s max is hard, its min a minimum.
import type { BundlePolicyRule } from '../../bundle/index.js';
import { OptimizeInputError } from '../input-error.js';
import { columnReader } from '../proposed-columns.js';
import type { GlobalPart } from '../model-types.js';
import { maximumWindows, minimumWindows } from '../windows.js';
import { makePart, scopedRows } from './offer-capacity.js';
import type { RuleHandler } from './rule-handler.js';

type CustomCapacity = Extract<BundlePolicyRule, { type: 'customCapacity' }>;

export const customCapacityHandler: RuleHandler<CustomCapacity> = {
  global: (rule, index, build) => {
    const { model } = build;
    // Every scoped row needs the field, including rows other rules removed.
    // Every row in scope must have a number (removed rows too: the input is wrong either
    // way); the values are read again for the scoped rows rather than held in a map.
    const valueOf = columnReader(model.table, rule.field);
    for (let row = 0; row < model.n; row++) {
      if (!build.rowInScope(row, rule.offers, rule, true)) continue;
      const value = valueOf(row);
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        // An infinite number is named as it is (JSON.stringify would write null).
        throw new OptimizeInputError(
          'proposed',
          row,
          rule.field,
          `rule '${rule.name}' sums column '${rule.field}', which ${value === undefined || value === '' ? 'is missing' : `is not a number (${typeof value === 'number' ? String(value) : JSON.stringify(value)})`}`,
        );
      }
    }
    const rows = scopedRows(build, rule, rule.offers);
    // Typed arrays filled by loops: `Float64Array.from` with a mapping function, or a typed
    // array's `map`, calls a function per row (seconds at ten million rows).
    const v = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) v[j] = valueOf(rows[j]!) as number;
    const period = rule.periodDays;
    const parts: GlobalPart[] = [];
    const push = (part: GlobalPart | null): void => {
      if (part) parts.push(part);
    };
    if (rule.aggregate === 'sum') {
      const hard = rule.max === null ? [] : maximumWindows(period, model.d0, model.d1, () => rule.max!, null);
      const minimums = rule.min === null ? [] : minimumWindows(period, model.d0, model.d1, () => rule.min!, null);
      push(makePart(build, index, 'sum', rows, v, hard, minimums));
    } else {
      if (rule.max !== null) {
        const hard = maximumWindows(period, model.d0, model.d1, () => 0, null);
        const max = rule.max;
        push(makePart(build, index, 'avgMax', rows, mapped(v, (x) => x - max), hard, []));
      }
      if (rule.min !== null) {
        const min = rule.min;
        const hard = maximumWindows(period, model.d0, model.d1, () => 0, null);
        push(makePart(build, index, 'avgMin', rows, mapped(v, (x) => min - x), hard, []));
      }
    }
    return parts;
  },
};

/** `values` with `f` applied to each, in a new array (a loop the compiler can inline `f` into). */
function mapped(values: Float64Array, f: (x: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let j = 0; j < values.length; j++) out[j] = f(values[j]!);
  return out;
}
