// A channel's session rules (docs/config-language.md#session-rules, OO211): suppressAccepted
// and suppressRejected read the offers accepted and rejected in a session, which only
// events whose actions include logAccept / logReject record. A channel that asks for one
// without such an event would silently do nothing: say so where it is written.
import type { Rule } from '../rule-context.js';

const sessionSuppressionHasItsEvent: Rule = (context) => {
  for (const channel of context.model.channels) {
    const session = channel.spec.session;
    if (session === undefined) continue;
    const actions = new Set((channel.spec.events ?? []).flatMap((event) => event.actions ?? []));
    const checks = [
      ['suppressAccepted', 'logAccept', 'accepted'],
      ['suppressRejected', 'logReject', 'rejected'],
    ] as const;
    for (const [setting, action, what] of checks) {
      if (session[setting] !== true || actions.has(action)) continue;
      context.warning(
        channel,
        ['spec', 'session', setting],
        'session-rule-without-event',
        `channel '${channel.metadata.name}' sets session.${setting}, but none of its events has the action ${action}, so no offer is ever ${what} in a session (add ${action} to the event your touchpoint posts)`,
      );
    }
  }
};

export const sessionRuleChecks: Rule[] = [sessionSuppressionHasItsEvent];
