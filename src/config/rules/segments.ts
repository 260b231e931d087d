// inSegment cycles (docs/config-language.md#segment): a segment may use another, but never itself, directly or
// through others. Every segment on a cycle is reported once, with a cycle through it.
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

  // The search above finds a cycle when it comes back to a segment still being visited, so
  // it misses a segment whose cycle runs only through segments it had already finished
  // (r uses x and y, x uses r, y uses x: y → x → r → y). Every segment of a strongly
  // connected group of two or more, or that uses itself, is on a cycle: each one not yet
  // reported is, with the first cycle back to it (the segments it uses in their order).
  for (const group of stronglyConnected(dependencies)) {
    const members = new Set(group);
    for (const member of [...group].sort()) {
      if (reported.has(member)) continue;
      const path = cycleThrough(member, members, dependencies);
      if (path === null) continue;
      reported.add(member);
      context.error(context.segments.get(member)!, ['spec', 'expression'], 'segment-cycle', `segment '${member}' depends on itself through inSegment: ${path.join(' → ')}`);
    }
  }
};

/** The strongly connected groups of the dependency graph (Tarjan), the segments each group holds. */
function stronglyConnected(dependencies: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const connect = (name: string): void => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    stack.push(name);
    onStack.add(name);
    for (const next of dependencies.get(name) ?? []) {
      if (!dependencies.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(name, Math.min(low.get(name)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(name, Math.min(low.get(name)!, index.get(next)!));
    }
    if (low.get(name) !== index.get(name)) return;
    const group: string[] = [];
    for (let member = stack.pop()!; ; member = stack.pop()!) {
      onStack.delete(member);
      group.push(member);
      if (member === name) break;
    }
    groups.push(group);
  };
  for (const name of [...dependencies.keys()].sort()) if (!index.has(name)) connect(name);
  return groups;
}

/** The first path from `start` back to it through segments of its group, or null when there is none (a lone segment that does not use itself). */
function cycleThrough(start: string, group: ReadonlySet<string>, dependencies: ReadonlyMap<string, readonly string[]>): string[] | null {
  const seen = new Set<string>();
  const path: string[] = [start];
  const search = (name: string): boolean => {
    for (const next of dependencies.get(name) ?? []) {
      if (next === start) {
        path.push(start);
        return true;
      }
      if (!group.has(next) || seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (search(next)) return true;
      path.pop();
    }
    return false;
  };
  return search(start) ? path : null;
}

export const segmentRules: Rule[] = [segmentsHaveNoCycles];
