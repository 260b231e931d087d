// The naive reference the benchmark compares against (docs/benchmarks.md#optimize--benchoptimizebenchmjs): every proposed contact
// in descending score order, kept when every rule still allows it. Same model and
// checks as the optimizer, no prices and no minimum handling.
import { CapacityState } from './capacity-state.js';
import { buildModel } from './model.js';
import { fillGreedy } from './repair.js';
import type { AnyOptimizeProblem } from './types.js';
import { verifySelection } from './verify.js';

export function greedyContacts(problem: AnyOptimizeProblem): { chosen: number[]; objective: number } {
  const model = buildModel(problem);
  const chosen = new Uint8Array(model.n);
  const selection = { chosen, state: new CapacityState(model, chosen) };
  fillGreedy(model, selection);
  verifySelection(model, chosen);
  const picked: number[] = [];
  let objective = 0;
  for (let row = 0; row < model.n; row++) {
    if (!chosen[row]) continue;
    picked.push(row);
    objective += model.score[row]!;
  }
  return { chosen: picked, objective };
}
