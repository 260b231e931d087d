// Canonical JSON and content addressing (docs/bundle-format.md): object keys sorted by code unit,
// no insignificant white space, numbers in JavaScript's shortest round-trip form.
// The same value always gives the same bytes, on any machine.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return serialize(value);
}

/**
 * A part's canonical JSON, written already (canonicalJson of it): placed in a value, it is
 * written as it is. A caller that writes the same part into many values writes it once.
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}

function serialize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
      return JSON.stringify(value); // -0 too: JSON.stringify writes it as 0
    case 'object': {
      if (value instanceof CanonicalText) return value.text;
      if (Array.isArray(value)) return '[' + value.map(serialize).join(',') + ']';
      const entries = Object.keys(value)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .sort()
        .map((key) => JSON.stringify(key) + ':' + serialize((value as Record<string, unknown>)[key]));
      return '{' + entries.join(',') + '}';
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

export function sha256Digest(text: string): string {
  return 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex');
}
