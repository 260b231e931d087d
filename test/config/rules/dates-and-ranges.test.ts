// Date order and min ≤ max (docs/validation.md#codes, OO204 and OO205): what the user reads,
// where, for each kind of document, and the bounds an exception inherits from its rule.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const offer = (dates: string) => `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: dated }\nspec: { ${dates} }\n`;
const strategy = (...rules: string[]) => `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: dated }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;
const policy = (...rules: string[]) => `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: ranged }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;
const cap = (bounds: string, exceptions: string[] = []) =>
  `{ name: cap, type: offerCapacity, offers: { offer: gold-card }, periodDays: 7${bounds ? `, ${bounds}` : ''}${exceptions.length ? `, exceptions: [ ${exceptions.join(', ')} ]` : ''} }`;

describe('dates run forwards', () => {
  it('reports an offer that expires before it is effective, at expires', () => {
    const text = offer('effective: 2026-05-02, expires: 2026-05-01');
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'expires: 2026-05-01')} error OO204 offer 'dated': expires 2026-05-01 is before effective 2026-05-02`]);
  });

  it('accepts an offer with only one of its dates', () => {
    expect(linesWith({ 'x.yaml': offer('effective: 2026-05-02') })).toEqual([]);
    expect(linesWith({ 'x.yaml': offer('expires: 2026-05-01') })).toEqual([]);
  });

  it('reports each backwards treatment rule at its own expires, naming the rule', () => {
    const text = strategy(
      '{ name: fine, offer: gold-card, score: 5, effective: 2026-05-01, expires: 2026-05-01 }',
      '{ name: backwards, offer: gold-card, score: 5, effective: 2026-05-01, expires: 2026-04-30 }',
    );
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'expires: 2026-04-30')} error OO204 rule 'backwards': expires 2026-04-30 is before effective 2026-05-01`]);
  });

  it('reports a capacity exception whose to is before its from, at to', () => {
    const text = policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-01, max: 6 }', '{ from: 2026-06-02, to: 2026-06-01, max: 6 }']));
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'to: 2026-06-01')} error OO204 rule 'cap' exception: to 2026-06-01 is before from 2026-06-02`]);
  });
});

describe('minimums do not exceed maximums', () => {
  it('reports a rule whose min is above its max, at min', () => {
    const text = policy(cap('min: 6, max: 5'));
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'min: 6')} error OO205 rule 'cap': min 6 is greater than max 5`]);
    expect(linesWith({ 'x.yaml': policy(cap('min: 5, max: 5')) })).toEqual([]);
  });

  it('reports an exception whose own min is above its own max, at its min', () => {
    const text = policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-02, min: 8, max: 7 }']));
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'min: 8')} error OO205 rule 'cap' exception 2026-05-01..2026-05-02: min 8 is greater than max 7`]);
    expect(linesWith({ 'x.yaml': policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-02, min: 7, max: 7 }'])) })).toEqual([]);
  });

  it("reports an exception's max below the rule's min it inherits, at its max", () => {
    const text = policy(cap('min: 3, max: 9', ['{ from: 2026-05-01, to: 2026-05-02, max: 2 }']));
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'max: 2')} error OO205 rule 'cap' exception 2026-05-01..2026-05-02: min 3 is greater than max 2 (the rule's min)`]);
    expect(linesWith({ 'x.yaml': policy(cap('min: 3, max: 9', ['{ from: 2026-05-01, to: 2026-05-02, max: 3 }'])) })).toEqual([]);
  });

  it("reports an exception's min above the rule's max it inherits, at its min", () => {
    const text = policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-02, min: 6 }']));
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'min: 6')} error OO205 rule 'cap' exception 2026-05-01..2026-05-02: min 6 is greater than max 5 (the rule's max)`]);
    expect(linesWith({ 'x.yaml': policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-02, min: 5 }'])) })).toEqual([]);
  });

  it('takes a missing min as 0: an exception with max 0 and no min anywhere is valid', () => {
    expect(linesWith({ 'x.yaml': policy(cap('max: 5', ['{ from: 2026-05-01, to: 2026-05-02, max: 0 }'])) })).toEqual([]);
  });

  it('checks nothing where no max applies', () => {
    expect(linesWith({ 'x.yaml': policy(cap('min: 4', ['{ from: 2026-05-01, to: 2026-05-02, min: 9 }'])) })).toEqual([]);
  });
});
