// min ≤ max (docs/validation.md#codes, OO205) for every optimization rule and capacity exception, an exception's
// missing bound being its rule's.
import type { Rule } from '../rule-context.js';

const minimumsDoNotExceedMaximums: Rule = (context) => {
  for (const policy of context.model.policies) {
    policy.spec.rules.forEach((rule, i) => {
      if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
        context.error(policy, ['spec', 'rules', i, 'min'], 'min-greater-than-max', `rule '${rule.name}': min ${rule.min} is greater than max ${rule.max}`);
      }
      (rule.exceptions ?? []).forEach((exception, j) => {
        // A bound the exception leaves out is its rule's (docs/optimization-semantics.md).
        const min = exception.min ?? rule.min ?? 0;
        const max = exception.max ?? rule.max;
        if (max !== undefined && min > max) {
          const field = exception.min !== undefined ? 'min' : 'max';
          const inherited = exception.min === undefined ? ` (the rule's min)` : exception.max === undefined ? ` (the rule's max)` : '';
          context.error(policy, ['spec', 'rules', i, 'exceptions', j, field], 'min-greater-than-max', `rule '${rule.name}' exception ${exception.from}..${exception.to}: min ${min} is greater than max ${max}${inherited}`);
        }
      });
    });
  }
};

export const rangeRules: Rule[] = [minimumsDoNotExceedMaximums];
