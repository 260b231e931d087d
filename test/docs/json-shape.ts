// Does a command's JSON output have the shape a page shows for it? Values may differ
// (digests, counts, times); what the page promises is the keys and the kinds of values.

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/**
 * The differences between the documented shape and the actual value, as `path: problem`
 * lines (empty when the output has the documented shape). Every documented key must be
 * present with a value of the documented kind (extra keys are fine: a page may show part
 * of an answer); every element of a documented array must match some element of the
 * actual array. `null` documents a value that may also be absent-or-null, nothing more.
 */
export function shapeProblems(documented: unknown, actual: unknown, where = '$'): string[] {
  const expected = kindOf(documented);
  const got = kindOf(actual);
  if (expected === 'null') return [];
  if (expected !== got) return [`${where}: the page shows ${expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`}, the command gave ${JSON.stringify(actual)?.slice(0, 80)}`];
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
      if (!attempts.some((a) => a.length === 0)) problems.push(...attempts[0]!);
    });
    return problems;
  }
  return [];
}
