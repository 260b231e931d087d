// min ≤ max (SPEC §2) for every optimization rule and capacity exception that has both.
import type { Rule } from '../rule-context.js';

const minimumsDoNotExceedMaximums: Rule = (context) => {
  for (const policy of context.model.policies) {
    policy.spec.rules.forEach((rule, i) => {
      if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
        context.error(policy, ['spec', 'rules', i, 'min'], 'min-greater-than-max', `rule '${rule.name}': min ${rule.min} is greater than max ${rule.max}`);
      }
      (rule.exceptions ?? []).forEach((exception, j) => {
        const min = exception.min ?? 0;
        const max = exception.max;
        if (max !== undefined && min > max) {
          context.error(policy, ['spec', 'rules', i, 'exceptions', j, 'min'], 'min-greater-than-max', `rule '${rule.name}' exception ${exception.from}..${exception.to}: min ${min} is greater than max ${max}`);
        }
      });
    });
  }
};

export const rangeRules: Rule[] = [minimumsDoNotExceedMaximums];
