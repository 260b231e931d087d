// Rolling windows (docs/optimization-semantics.md#windows): every window
// [s, s+N−1] of N consecutive days, with history inside it counting. A window is
// reduced to the proposed days it covers; windows covering the same days keep the
// tightest bound, so a rule has at most (horizon + N) intervals to watch.

/** A bound on the chosen contacts inside days [from, to] (horizon day indexes). */
export interface WindowBound {
  from: number;
  to: number;
  /** Room left (maximums) or still needed (minimums), history subtracted. */
  bound: number;
  /** The absolute first day of the calendar window that gives this bound (for reports). */
  start: number;
}

/** The window bound for a window starting on absolute day `s` (Infinity: none). */
export type BoundAt = (s: number) => number;
/** Scoped history contacts on absolute days [from, to]. */
export type HistoryCount = (from: number, to: number) => number;

/**
 * Maximum windows over the horizon [d0, d1]. Without a period the one window starts at
 * d0 and counts chosen contacts only.
 */
export function maximumWindows(period: number | null, d0: number, d1: number, maxAt: BoundAt, history: HistoryCount | null): WindowBound[] {
  if (period === null) {
    const max = maxAt(d0);
    return Number.isFinite(max) ? [{ from: 0, to: d1 - d0, bound: max, start: d0 }] : [];
  }
  const best = new Map<number, WindowBound>();
  const span = d1 - d0 + 1;
  for (let s = d0 - period + 1; s <= d1; s++) {
    const max = maxAt(s);
    if (!Number.isFinite(max)) continue;
    const e = s + period - 1;
    const from = Math.max(s, d0) - d0;
    const to = Math.min(e, d1) - d0;
    const room = max - (history ? history(s, e) : 0);
    const key = from * span + to;
    const known = best.get(key);
    if (!known || room < known.bound) best.set(key, { from, to, bound: room, start: s });
  }
  return [...best.values()];
}

/**
 * Minimum windows: those inside the horizon (s ≥ d0, s+N−1 ≤ d1), or the one window
 * starting at d0 when the horizon is shorter than N days. History counts toward them.
 */
export function minimumWindows(period: number | null, d0: number, d1: number, minAt: BoundAt, history: HistoryCount | null): WindowBound[] {
  if (period === null) {
    const min = minAt(d0);
    return min > 0 ? [{ from: 0, to: d1 - d0, bound: min, start: d0 }] : [];
  }
  const out: WindowBound[] = [];
  const last = d1 - period + 1 >= d0 ? d1 - period + 1 : d0;
  for (let s = d0; s <= last; s++) {
    const min = minAt(s);
    if (!(min > 0)) continue;
    const e = s + period - 1;
    const need = min - (history ? history(s, e) : 0);
    if (need > 0) out.push({ from: s - d0, to: Math.min(e, d1) - d0, bound: need, start: s });
  }
  return out;
}

/** Prefix counts of history contacts by absolute day, for O(1) window counts. */
export function historyCounter(days: readonly number[], lo: number, hi: number): HistoryCount {
  const counts = new Float64Array(hi - lo + 2);
  for (const d of days) if (d >= lo && d <= hi) counts[d - lo + 1]! += 1;
  for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
  return (from, to) => {
    const a = Math.max(from, lo);
    const b = Math.min(to, hi);
    return b < a ? 0 : counts[b - lo + 1]! - counts[a - lo]!;
  };
}

/**
 * Windows of one customer's scoped rows (sorted by day): each distinct set of rows a
 * window can hold, as the index range [lo, hi] in `rowDays`, with the smallest room
 * `max − history` over the windows holding exactly that set.
 */
export function customerMaximumWindows(
  rowDays: readonly number[],
  historyDays: readonly number[],
  period: number | null,
  max: number,
): { lo: number; hi: number; room: number; start: number }[] {
  const k = rowDays.length;
  if (k === 0) return [];
  if (period === null) return [{ lo: 0, hi: k - 1, room: max, start: rowDays[0]! }];
  const best = new Map<number, { lo: number; hi: number; room: number; start: number }>();
  forEachCustomerWindow(rowDays, historyDays, period, (s, e, lo, hi) => {
    let history = 0;
    for (const h of historyDays) if (h >= s && h <= e) history++;
    const room = max - history;
    const key = lo * k + hi;
    const known = best.get(key);
    if (!known || room < known.room) best.set(key, { lo, hi, room, start: s });
  });
  // A window whose rows are a subset of another's with no less room adds nothing.
  const all = [...best.values()];
  return all.filter((w) => !all.some((o) => o !== w && o.lo <= w.lo && o.hi >= w.hi && o.room <= w.room && (o.lo !== w.lo || o.hi !== w.hi)));
}

/**
 * Calls `visit` for every window of a customer whose rows (`rowDays`, sorted by day) or
 * history can differ from the window before: each distinct start `s` from the first row's
 * first window to the last row's day, with its last day `e` and the rows it holds,
 * rowDays[lo..hi] (windows holding none are skipped). Without a period, the one window
 * from the first row on. `visit` must not start another walk (the starts are shared).
 */
export function forEachCustomerWindow(
  rowDays: ArrayLike<number>,
  historyDays: ArrayLike<number>,
  period: number | null,
  visit: (s: number, e: number, lo: number, hi: number) => void,
): void {
  const k = rowDays.length;
  if (k === 0) return;
  if (period === null) {
    visit(rowDays[0]!, Infinity, 0, k - 1);
    return;
  }
  const count = windowStarts(rowDays, historyDays, period);
  const first = rowDays[0]! - period + 1;
  const last = rowDays[k - 1]!;
  let previous = NaN;
  // Starts only grow: the window's rows are rowDays[lo..hi], both ends moving forward (the
  // rows before lo are before the window's end too, so hi catches up to lo − 1 on its own).
  let lo = 0;
  let hi = -1;
  for (let i = 0; i < count; i++) {
    const s = Math.max(startScratch[i]!, first);
    if (s > last || s === previous) continue;
    previous = s;
    const e = s + period - 1;
    while (lo < k && rowDays[lo]! < s) lo++;
    while (hi + 1 < k && rowDays[hi + 1]! <= e) hi++;
    if (hi >= lo) visit(s, e, lo, hi);
  }
}

// The window starts of one customer, sorted, in a buffer every call reuses (a customer's
// starts are a few dozen; a fresh array and a comparator sort for each of a million
// customers cost more than the windows themselves).
let startScratch = new Float64Array(64);

/**
 * Fills `startScratch` with the starts where the rows or history of a window of `period`
 * days change (each day's first window and the one just after its last), sorted; returns
 * how many. Read them before the next call.
 */
export function windowStarts(rowDays: ArrayLike<number>, historyDays: ArrayLike<number>, period: number): number {
  const count = 2 * (rowDays.length + historyDays.length);
  if (startScratch.length < count) startScratch = new Float64Array(2 * count);
  const starts = startScratch;
  let at = 0;
  for (let i = 0; i < rowDays.length; i++) {
    starts[at++] = rowDays[i]! - period + 1;
    starts[at++] = rowDays[i]! + 1;
  }
  for (let i = 0; i < historyDays.length; i++) {
    starts[at++] = historyDays[i]! - period + 1;
    starts[at++] = historyDays[i]! + 1;
  }
  if (count > 64) starts.subarray(0, count).sort();
  else
    for (let i = 1; i < count; i++) {
      const value = starts[i]!;
      let j = i - 1;
      while (j >= 0 && starts[j]! > value) {
        starts[j + 1] = starts[j]!;
        j--;
      }
      starts[j + 1] = value;
    }
  return count;
}

/** The i-th start of the last `windowStarts` call. */
export function windowStart(i: number): number {
  return startScratch[i]!;
}
