// The last gate before output (docs/optimization-semantics.md#hard-and-soft): recount every
// hard rule for the final selection from scratch. A violation here is a bug in the
// optimizer, never something to write out: it throws InternalError.
import { InternalError } from '../errors.js';
import { CapacityState } from './capacity-state.js';
import { customerFeasible } from './customer-model.js';
import type { Model } from './model.js';

export function verifySelection(model: Model, chosen: Uint8Array): void {
  for (let row = 0; row < model.n; row++) {
    if (chosen[row] && model.forbidden[row] !== -1) {
      throw new InternalError(`optimizer chose proposed row ${row + 1}, which rule '${model.rules[model.forbidden[row]!]!.name}' removes`);
    }
  }
  for (const cm of model.customers) {
    if (!customerFeasible(cm, chosen)) {
      throw new InternalError(`optimizer broke a per-customer rule for customer '${model.customerIds[cm.customer]}'`);
    }
  }
  const state = new CapacityState(model, chosen);
  const violations = state.violations();
  if (violations.length > 0) {
    const { part } = violations[0]!;
    throw new InternalError(`optimizer broke capacity rule '${model.rules[model.parts[part]!.rule]!.name}' in ${violations.length} window(s)`);
  }
}
