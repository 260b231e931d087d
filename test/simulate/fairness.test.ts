// Fairness bands and the largest gap: numbers by cut points, other values by value; bands
// of fewer than 30 members are shown but left out of the gap (boundary 29, 30, 31).
import { describe, expect, it } from 'vitest';
import type { AttributeDeclaration } from '../../src/bundle/types.js';
import { UserError } from '../../src/errors.js';
import { bandOf, MIN_BAND_MEMBERS, numericBandLabels, parseFairness } from '../../src/simulate/fairness.js';
import { largestGap } from '../../src/simulate/metrics.js';

const int: AttributeDeclaration = { type: 'int', enum: null };

describe('fairness bands', () => {
  it('bands age by the default cut points', () => {
    const bands = parseFairness('age', int);
    expect(bands).toEqual({ attribute: 'age', kind: 'numeric', cuts: [25, 35, 45, 55, 65], integer: true });
    if (bands.kind !== 'numeric') throw new Error('numeric expected');
    const labels = numericBandLabels(bands);
    expect(labels).toEqual(['< 25', '25–34', '35–44', '45–54', '55–64', '≥ 65']);
    expect([24, 25, 26, 64, 65, 66].map((age) => bandOf(bands, age, labels))).toEqual(['< 25', '25–34', '25–34', '55–64', '≥ 65', '≥ 65']);
    expect(bandOf(bands, undefined, labels)).toBe('(missing)');
    expect(bandOf(bands, '40', labels)).toBe('35–44');
  });

  it('takes cut points for any number, and bands strings and bools by value', () => {
    const income = parseFairness('income:20000,50000.5', { type: 'double', enum: null });
    if (income.kind !== 'numeric') throw new Error('numeric expected');
    expect(numericBandLabels(income)).toEqual(['< 20000', '20000 to < 50000.5', '≥ 50000.5']);
    expect(parseFairness('tier', { type: 'string', enum: ['a'] })).toEqual({ attribute: 'tier', kind: 'values' });
    expect(bandOf({ attribute: 'vip', kind: 'values' }, true, null)).toBe('true');
  });

  it.each([
    ['income', { type: 'double', enum: null }, /give cut points/],
    ['age:30,20', int, /increasing/],
    ['age:x', int, /increasing/],
    ['tier:1,2', { type: 'string', enum: null }, /numbers only/],
    ['tags', { type: 'list', items: 'string', enum: null }, /a list/],
    ['nope', undefined, /not a declared/],
  ] as const)('refuses --fairness %s', (text, declaration, message) => {
    expect(() => parseFairness(text, declaration as AttributeDeclaration | undefined)).toThrow(UserError);
    expect(() => parseFairness(text, declaration as AttributeDeclaration | undefined)).toThrow(message);
  });
});

describe('largest gap', () => {
  const band = (name: string, members: number, share: number) => ({ band: name, members, offers: [{ offer: 'isa', members: Math.round(members * share), share }] });

  it.each([
    [MIN_BAND_MEMBERS - 1, null],
    [MIN_BAND_MEMBERS, 40],
    [MIN_BAND_MEMBERS + 1, 40],
  ])('a band of %i members is compared: gap %s', (members, gap) => {
    const result = largestGap([band('young', 100, 0.5), band('old', members, 0.1)]);
    expect(result?.gapPp ?? null).toBe(gap);
  });

  it('names the offer and the two bands', () => {
    expect(largestGap([band('a', 50, 0.2), band('b', 50, 0.6), band('c', 50, 0.4)])).toEqual({ offer: 'isa', gapPp: 40, high: 'b', low: 'a' });
  });
});
