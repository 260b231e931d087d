// Does a command's JSON output match what a page shows for it? What a page promises is
// the keys, the kinds of values, and the names it spells out; it may elide a part of a
// string with `…` (digests, treatment codes, dates that depend on the data), and its
// numbers are illustrative (counts, scores of a larger run, times).

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/** A documented string as a pattern: `…` stands for any text, everything else is literal. */
function stringMatches(documented: string, actual: string): boolean {
  if (!documented.includes('…')) return documented === actual;
  const pattern = documented
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(actual);
}

/**
 * The differences between the documented JSON and the actual value, as `path: problem`
 * lines (empty when the output matches). Every documented key must be present with a
 * value of the documented kind (extra keys are fine: a page may show part of an answer);
 * strings must be equal, `…` standing for any text; booleans equal; numbers of the same
 * kind; every element of a documented array must match some element of the actual array.
 * A documented `null` accepts anything.
 */
export function shapeProblems(documented: unknown, actual: unknown, where = '$'): string[] {
  const expected = kindOf(documented);
  const got = kindOf(actual);
  if (expected === 'null') return [];
  const shown = (value: unknown): string => JSON.stringify(value)?.slice(0, 100) ?? 'undefined';
  if (expected !== got) return [`${where}: the page shows ${shown(documented)}, the command gave ${shown(actual)}`];
  if (expected === 'string' && !stringMatches(documented as string, actual as string)) return [`${where}: the page shows ${shown(documented)}, the command gave ${shown(actual)}`];
  if (expected === 'boolean' && documented !== actual) return [`${where}: the page shows ${shown(documented)}, the command gave ${shown(actual)}`];
  if (expected === 'object') {
    const problems: string[] = [];
    const actualObject = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(documented as Record<string, unknown>)) {
      if (!(key in actualObject)) problems.push(`${where}.${key}: shown on the page, missing from the output`);
      else problems.push(...shapeProblems(value, actualObject[key], `${where}.${key}`));
    }
    return problems;
  }
  if (expected === 'array') {
    const actualArray = actual as unknown[];
    const problems: string[] = [];
    (documented as unknown[]).forEach((element, i) => {
      if (actualArray.length === 0) {
        problems.push(`${where}[${i}]: the page shows an element, the output array is empty`);
        return;
      }
      const attempts = actualArray.map((candidate) => shapeProblems(element, candidate, `${where}[${i}]`));
      if (!attempts.some((a) => a.length === 0)) problems.push(...attempts.reduce((best, a) => (a.length < best.length ? a : best)));
    });
    return problems;
  }
  return [];
}
