// The fairness view's bands (docs/simulation-and-diff.md#fairness): members are grouped by
// a declared attribute — numbers by cut points, anything else by value — so offer shares
// can be compared band by band.
import type { AttributeDeclaration } from '../bundle/index.js';
import { UserError } from '../errors.js';
import type { FairnessBands } from './types.js';

/** Cut points used for an attribute named `age` when none are given. */
export const DEFAULT_AGE_CUTS = [25, 35, 45, 55, 65];
/** The most distinct values a band-by-value attribute may show; the rest are counted as `(other)`. */
export const MAX_VALUE_BANDS = 20;
/** A band needs this many members to count toward the largest gap (smaller bands are shown, not compared). */
export const MIN_BAND_MEMBERS = 30;
export const MISSING_BAND = '(missing)';
export const OTHER_BAND = '(other)';

/**
 * `--fairness ATTR[:c1,c2,…]` against the attribute's declaration: numbers take cut
 * points (default for `age`: 25,35,45,55,65); strings, bools and dates are banded by value.
 */
export function parseFairness(text: string, declaration: AttributeDeclaration | undefined): FairnessBands {
  const [attribute, cutText] = text.split(':', 2) as [string, string | undefined];
  if (!declaration) throw new UserError(`--fairness: '${attribute}' is not a declared audience attribute`);
  if (declaration.type === 'list' || declaration.type === 'map') throw new UserError(`--fairness: '${attribute}' is a ${declaration.type}; choose a scalar attribute`);
  const numeric = declaration.type === 'int' || declaration.type === 'double';
  if (!numeric) {
    if (cutText !== undefined) throw new UserError(`--fairness: '${attribute}' is a ${declaration.type}, banded by value: cut points apply to numbers only`);
    return { attribute, kind: 'values' };
  }
  let cuts: number[];
  if (cutText === undefined) {
    if (attribute !== 'age') throw new UserError(`--fairness: give cut points for '${attribute}', e.g. --fairness ${attribute}:100,1000`);
    cuts = DEFAULT_AGE_CUTS;
  } else {
    cuts = cutText.split(',').map((c) => Number(c.trim()));
    if (cuts.length === 0 || cuts.some((c, i) => !Number.isFinite(c) || (i > 0 && c <= cuts[i - 1]!))) {
      throw new UserError(`--fairness: cut points must be increasing numbers, got '${cutText}'`);
    }
  }
  return { attribute, kind: 'numeric', cuts, integer: declaration.type === 'int' };
}

function numberText(n: number): string {
  return String(n);
}

/** The band labels in display order (value bands are found from the data and sorted). */
export function numericBandLabels(bands: Extract<FairnessBands, { kind: 'numeric' }>): string[] {
  const { cuts, integer } = bands;
  const labels = [`< ${numberText(cuts[0]!)}`];
  for (let i = 0; i + 1 < cuts.length; i++) labels.push(integer ? `${cuts[i]}–${cuts[i + 1]! - 1}` : `${cuts[i]} to < ${cuts[i + 1]}`);
  labels.push(`≥ ${numberText(cuts[cuts.length - 1]!)}`);
  return labels;
}

/** The band of a member's raw attribute value. */
export function bandOf(bands: FairnessBands, value: unknown, labels: readonly string[] | null): string {
  if (value === undefined || value === null || value === '') return MISSING_BAND;
  if (bands.kind === 'values') return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return MISSING_BAND;
  let i = 0;
  while (i < bands.cuts.length && n >= bands.cuts[i]!) i++;
  return labels![i]!;
}
