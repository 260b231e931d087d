// The independent check of a finished selection (docs/optimization.md#beyond-one-machine-shards):
// given the whole problem and the rows some run chose — a merged shard result, say — build
// the model of the whole input afresh and recount every hard rule, as the optimizer's own
// final check does. Nothing of the run that chose the rows is reused.
import { buildModel } from './model.js';
import type { AnyOptimizeProblem } from './types.js';
import { verifySelection } from './verify.js';

export interface SelectionCheck {
  /** Rows of the whole input that were chosen, and their total score. */
  rows: number;
  objective: number;
}

/**
 * Throws InternalError naming the first broken rule; returns the selection's size and
 * score when every hard rule holds. `chosen` holds row indexes of `problem.proposed`.
 */
export function checkSelection(problem: AnyOptimizeProblem, chosen: readonly number[]): SelectionCheck {
  const model = buildModel(problem);
  const flags = new Uint8Array(model.n);
  let objective = 0;
  for (const row of chosen) {
    if (!Number.isInteger(row) || row < 0 || row >= model.n) throw new RangeError(`chosen row ${row} is not a row of the input (0..${model.n - 1})`);
    if (flags[row]) throw new RangeError(`row ${row} is chosen twice`);
    flags[row] = 1;
    objective += model.score[row]!;
  }
  verifySelection(model, flags);
  return { rows: chosen.length, objective };
}
