// Activity of the global capacity windows (docs/optimization-semantics.md#the-ten-rules: offerCapacity, customCapacity) for a
// chosen set: per window the sum of coefficients of the chosen rows, kept up to date as
// rows are added and removed, so the repair and the fill check a row in O(windows of its day).
import type { GlobalPart, Model } from './model.js';

const EPS = 1e-7;

/** Window ids of one part by horizon day (CSR). */
export interface DayIndex {
  start: Int32Array;
  list: Int32Array;
}

export function indexByDay(h: number, from: Int32Array, to: Int32Array): DayIndex {
  const start = new Int32Array(h + 1);
  for (let w = 0; w < from.length; w++) for (let d = from[w]!; d <= to[w]!; d++) start[d + 1]!++;
  for (let d = 0; d < h; d++) start[d + 1]! += start[d]!;
  const fill = start.slice(0, h);
  const list = new Int32Array(start[h]!);
  for (let w = 0; w < from.length; w++) for (let d = from[w]!; d <= to[w]!; d++) list[fill[d]!++] = w;
  return { start, list };
}

/**
 * Per capacity part, where each day's rows start in its row list (the rows are in day
 * order): the rows of days d..e are `rows[start[d] .. start[e + 1])`.
 */
export function partDayStarts(model: Model): Int32Array[] {
  return model.parts.map((part) => {
    const start = new Int32Array(model.h + 1);
    for (let j = 0; j < part.rows.length; j++) start[model.day[part.rows[j]!]! + 1]!++;
    for (let d = 0; d < model.h; d++) start[d + 1]! += start[d]!;
    return start;
  });
}

export class CapacityState {
  readonly hardByDay: DayIndex[];
  readonly minByDay: DayIndex[];
  readonly activity: Float64Array[];
  readonly minActivity: Float64Array[];
  /** Σ over the global minimum windows of max(0, need − activity), kept up to date. */
  minShortfall = 0;

  constructor(
    readonly model: Model,
    chosen: Uint8Array,
  ) {
    this.hardByDay = model.parts.map((p) => indexByDay(model.h, p.from, p.to));
    this.minByDay = model.parts.map((p) => indexByDay(model.h, p.minFrom, p.minTo));
    this.activity = model.parts.map((p) => new Float64Array(p.from.length));
    this.minActivity = model.parts.map((p) => new Float64Array(p.minFrom.length));
    for (const part of model.parts) for (const need of part.minNeed) this.minShortfall += Math.max(0, need);
    for (let row = 0; row < model.n; row++) if (chosen[row]) this.apply(row, 1);
  }

  /** Adds (+1) or removes (−1) a row's contribution. */
  apply(row: number, sign: 1 | -1): void {
    const { model } = this;
    const d = model.day[row]!;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const p = model.rowPart[e]!;
      const c = sign * model.parts[p]!.coef[model.rowPartEntry[e]!]!;
      const hard = this.hardByDay[p]!;
      const act = this.activity[p]!;
      for (let k = hard.start[d]!; k < hard.start[d + 1]!; k++) act[hard.list[k]!]! += c;
      const mins = this.minByDay[p]!;
      if (mins.start[d + 1]! === mins.start[d]!) continue;
      const minAct = this.minActivity[p]!;
      const need = model.parts[p]!.minNeed;
      for (let k = mins.start[d]!; k < mins.start[d + 1]!; k++) {
        const w = mins.list[k]!;
        const before = minAct[w]!;
        const after = before + c;
        minAct[w] = after;
        this.minShortfall += Math.max(0, need[w]! - after) - Math.max(0, need[w]! - before);
      }
    }
  }

  /** Would adding the row keep every hard window? */
  canAdd(row: number): boolean {
    const { model } = this;
    const d = model.day[row]!;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) if (this.entryBreaksHardWindow(e, d)) return false;
    return true;
  }

  /** Parts whose hard windows adding the row would break (for the report). */
  blockingParts(row: number, out: Set<number>): void {
    const { model } = this;
    const d = model.day[row]!;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) if (this.entryBreaksHardWindow(e, d)) out.add(model.rowPart[e]!);
  }

  /** Would the row's entry `e` (its coefficient in one part), added on day `d`, push a hard window of that part over its bound? */
  private entryBreaksHardWindow(e: number, d: number): boolean {
    const { model } = this;
    const p = model.rowPart[e]!;
    const c = model.parts[p]!.coef[model.rowPartEntry[e]!]!;
    if (c <= 0) return false;
    const rhs = model.parts[p]!.rhs;
    const hard = this.hardByDay[p]!;
    const act = this.activity[p]!;
    for (let k = hard.start[d]!; k < hard.start[d + 1]!; k++) {
      const w = hard.list[k]!;
      if (act[w]! + c > rhs[w]! + EPS) return true;
    }
    return false;
  }

  /** Is the row in a violated window to which it adds a positive amount? */
  inViolatedWindow(row: number): boolean {
    const { model } = this;
    const d = model.day[row]!;
    for (let e = model.rowPartStart[row]!; e < model.rowPartStart[row + 1]!; e++) {
      const p = model.rowPart[e]!;
      if (model.parts[p]!.coef[model.rowPartEntry[e]!]! <= 0) continue;
      const hard = this.hardByDay[p]!;
      for (let k = hard.start[d]!; k < hard.start[d + 1]!; k++) {
        const w = hard.list[k]!;
        if (this.activity[p]![w]! > model.parts[p]!.rhs[w]! + EPS) return true;
      }
    }
    return false;
  }

  violations(): { part: number; window: number }[] {
    const out: { part: number; window: number }[] = [];
    this.model.parts.forEach((part: GlobalPart, p) => {
      const act = this.activity[p]!;
      for (let w = 0; w < part.rhs.length; w++) if (act[w]! > part.rhs[w]! + EPS) out.push({ part: p, window: w });
    });
    return out;
  }
}
