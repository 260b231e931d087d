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
    const v = Float64Array.from(rows, (row) => valueOf(row) as number);
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
        push(makePart(build, index, 'avgMax', rows, v.map((x) => x - rule.max!), hard, []));
      }
      if (rule.min !== null) {
        const min = rule.min;
        const hard = maximumWindows(period, model.d0, model.d1, () => 0, null);
        push(makePart(build, index, 'avgMin', rows, v.map((x) => min - x), hard, []));
      }
    }
    return parts;
  },
};
