// The last gate before output (docs/optimization-semantics.md#hard-and-soft): recount
// every hard rule for the final selection from scratch. The per-customer rules are
// checked with the engine's own checks (engine/customer-rules.ts), the ones `decide`
// enforces for realtime policies: every chosen contact must be allowed given the
// customer's history and the other chosen contacts. A violation here is a bug in the
// optimizer, never something to write out: it throws InternalError.
import { checkCustomerRule, type CompiledSegment, type CustomerContact, type CustomerRuleContext } from '../engine/index.js';
import { InternalError } from '../errors.js';
import { CapacityState } from './capacity-state.js';
import { customerFeasible } from './customer-model.js';
import { historyPackage } from './history-contacts.js';
import type { Model } from './model-types.js';
import { rowFields, rowPackage } from './proposed-columns.js';

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
  verifyCustomerRules(model, chosen);
  const state = new CapacityState(model, chosen);
  const violations = state.violations();
  if (violations.length > 0) {
    const { part } = violations[0]!;
    throw new InternalError(`optimizer broke capacity rule '${model.rules[model.parts[part]!.rule]!.name}' in ${violations.length} window(s)`);
  }
}

/** Every chosen contact against every per-customer rule, as a decision would check it. */
function verifyCustomerRules(model: Model, chosen: Uint8Array): void {
  const rules = model.customerRules.flatMap((rule, index) => (rule === null ? [] : [{ rule, index }]));
  if (rules.length === 0) return;
  const problem = model.problem;
  const channelNames: string[] = [];
  for (const [name, id] of model.channelIds) channelNames[id] = name;
  let customer = 0;
  let candidateRow = 0;
  let history: CustomerContact[] = [];
  let picked: CustomerContact[] = [];
  const context: CustomerRuleContext = {
    get history() {
      return history;
    },
    get packages() {
      return history;
    },
    get chosen() {
      return picked;
    },
    inSegment: (segment: CompiledSegment) => (model.memberships.get(segment.name)?.[customer] ?? 0) === 1,
    contactFields: () => rowFields(model.table, candidateRow),
    reportError: () => undefined,
    offerName: (o) => problem.bundle.offers[o]?.name ?? '',
  };
  model.customers.forEach((cm) => {
    const rows: number[] = [];
    for (let i = 0; i < cm.rows.length; i++) if (chosen[cm.rows[i]!] === 1) rows.push(cm.rows[i]!);
    if (rows.length === 0) return;
    customer = cm.customer;
    history = Array.from(cm.history(), (h) => ({ offer: model.history.offer[h]!, day: model.history.day[h]!, channel: channelNames[model.history.channel[h]!]!, package: historyPackage(model, h), count: 1 }));
    picked = rows.map((row) => ({ offer: model.offer[row]!, day: model.absDay[row]!, channel: channelNames[model.channel[row]!]!, package: rowPackage(model.table, row), count: 1 }));
    picked.forEach((candidate, i) => {
      candidateRow = rows[i]!;
      for (const { rule } of rules) {
        const detail = checkCustomerRule(rule, candidate, context);
        if (detail !== null) {
          throw new InternalError(`optimizer chose proposed row ${candidateRow + 1} for customer '${model.customerIds[customer]}', which rule '${rule.name}' does not allow: ${detail}`);
        }
      }
    });
  });
}
