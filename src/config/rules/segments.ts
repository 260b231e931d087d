// inSegment cycles (docs/config-language.md#segment): a segment may use another, but never itself, directly or
// through others. Each cycle is reported once, at every segment on it.
import type { Rule } from '../rule-context.js';

const segmentsHaveNoCycles: Rule = (context) => {
  const dependencies = context.facts.segmentDependencies;
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const stack: string[] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of dependencies.get(name) ?? []) {
      const s = state.get(next);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        for (const member of cycle) {
          if (reported.has(member)) continue;
          reported.add(member);
          const from = cycle.indexOf(member);
          const path = [...cycle.slice(from), ...cycle.slice(0, from), member].join(' → ');
          context.error(context.segments.get(member)!, ['spec', 'expression'], 'segment-cycle', `segment '${member}' depends on itself through inSegment: ${path}`);
        }
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const name of [...dependencies.keys()].sort()) if (!state.has(name)) visit(name);
};

export const segmentRules: Rule[] = [segmentsHaveNoCycles];
