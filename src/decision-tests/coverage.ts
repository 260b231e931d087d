// Coverage of behaviour tests (docs/behaviour-tests.md#coverage): which treatment rules,
// offers and segments the cases reach, read from the decisions themselves. A rule is
// reached when a case makes it a candidate (the member is in its segment, it is eligible,
// in its dates and zone: its offer is then chosen, ranked lower, suppressed, held out or
// dropped by a policy); an offer when a case returns it; a segment when a case's member
// is in it. A case that passes while an expression failed at run time may pass only
// because a missing attribute counted as false: those are listed too.
import type { Bundle } from '../bundle/index.js';
import type { Decision, ExplainOutcome, SegmentMembership } from '../engine/index.js';
import type { CaseResult, TestCoverage } from './types.js';

/** Outcomes of a rule that was a candidate for the member. */
const candidateOutcomes: ReadonlySet<ExplainOutcome> = new Set<ExplainOutcome>([
  'chosen',
  'control-group',
  'not-picked',
  'lower-score-duplicate',
  'suppressed',
  'session-accepted',
  'session-rejected',
  'session-cap',
  'policy',
  'rank',
]);

const key = (channel: string, name: string): string => `${channel}\0${name}`;

export class CoverageCollector {
  private readonly ruleCases = new Map<string, number>();
  private readonly offerCases = new Map<string, number>();
  private readonly segmentCases = new Map<string, number>();
  private readonly passingWithErrors: TestCoverage['passingWithExpressionErrors'] = [];

  constructor(private readonly bundle: Bundle) {}

  /** One case's decision (made with explain) and its member's segments. */
  add(result: CaseResult, decision: Decision, membership: SegmentMembership): void {
    const rules = new Set<string>();
    for (const entry of decision.explain ?? []) if (candidateOutcomes.has(entry.outcome)) rules.add(key(decision.channel, entry.rule));
    for (const rule of rules) this.ruleCases.set(rule, (this.ruleCases.get(rule) ?? 0) + 1);
    for (const offer of new Set(decision.offers.map((o) => o.offer))) this.offerCases.set(offer, (this.offerCases.get(offer) ?? 0) + 1);
    for (const segment of membership.members) this.segmentCases.set(segment, (this.segmentCases.get(segment) ?? 0) + 1);
    if (result.status === 'passed' && result.expressionErrors.length > 0) {
      this.passingWithErrors.push({ test: result.test, name: result.name, file: result.file, line: result.line, column: result.column, errors: result.expressionErrors });
    }
  }

  result(): TestCoverage {
    const { body } = this.bundle;
    const rules = body.rules.map((rule) => ({ name: rule.name, channel: rule.channel, strategy: rule.strategy, enabled: rule.enabled, cases: this.ruleCases.get(key(rule.channel, rule.name)) ?? 0 }));
    const strategies = body.strategies.map((strategy) => {
      const own = rules.filter((r) => r.strategy === strategy.name && r.channel === strategy.channel && r.enabled);
      return { name: strategy.name, channel: strategy.channel, rules: own.length, reached: own.filter((r) => r.cases > 0).length };
    });
    return {
      strategies,
      rules,
      offers: body.offers.map((offer) => ({ name: offer.name, cases: this.offerCases.get(offer.name) ?? 0 })),
      segments: body.segments.map((segment) => ({ name: segment.name, channel: segment.channel, cases: this.segmentCases.get(segment.name) ?? 0 })),
      passingWithExpressionErrors: this.passingWithErrors,
    };
  }
}
