// Shared by the per-customer count rules: turn a customer's scoped rows and history into
// caps (at most `room` chosen among rows lo..hi) and minimums, forbidding rows whose
// windows history already fills (docs/optimization-semantics.md "Windows").
import { addCap, addMinimum, type CustomerMinimum } from '../customer-model.js';
import type { CustomerBuildContext } from '../model-types.js';
import { customerMaximumWindows, minimumWindows } from '../windows.js';

/** Adds `max` caps over `locals` (sorted by day) given the scoped history days. */
export function addCountCaps(context: CustomerBuildContext, rule: number, locals: number[], historyDays: number[], period: number | null, max: number): void {
  const { model } = context.build;
  const rows = context.customerModel.rows;
  const days = locals.map((l) => model.absDay[rows[l]!]!);
  for (const w of customerMaximumWindows(days, period === null ? [] : historyDays, period, max)) {
    const inWindow = locals.slice(w.lo, w.hi + 1);
    if (w.room <= 0) for (const l of inWindow) context.forbidLocal(l, rule);
    else if (w.room < inWindow.length) addCap(context.customerModel, rule, inWindow, w.room);
  }
}

/** Adds `min` requirements over the windows inside the horizon. */
export function addCountMinimums(context: CustomerBuildContext, rule: number, locals: number[], historyDays: number[], period: number | null, min: number): void {
  if (!(min > 0)) return;
  const { model } = context.build;
  const rows = context.customerModel.rows;
  const history = period === null ? null : (from: number, to: number): number => historyDays.filter((d) => d >= from && d <= to).length;
  let previousKey = '';
  let previous: CustomerMinimum | null = null;
  for (const w of minimumWindows(period, model.d0, model.d1, () => min, history)) {
    const inWindow = locals.filter((l) => {
      const d = model.day[rows[l]!]!;
      return d >= w.from && d <= w.to;
    });
    const key = inWindow.join(',');
    // Consecutive windows over the same rows: keep the largest need.
    const end = w.start + (period ?? model.h) - 1;
    if (key === previousKey && previous) {
      if (w.bound > previous.need) previous.need = w.bound;
      previous.windows.push({ start: w.start, end, need: w.bound });
      continue;
    }
    const minimum: CustomerMinimum = { rule, rows: inWindow, need: w.bound, start: w.start, end, windows: [{ start: w.start, end, need: w.bound }] };
    addMinimum(context.customerModel, minimum);
    previousKey = key;
    previous = minimum;
  }
}
