// Counts in words (src/words.ts): the singular for exactly one, the plural for none and for more.
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/words.js';

describe('plural', () => {
  it.each([
    [0, '0 days'],
    [1, '1 day'],
    [2, '2 days'],
  ])('says %i day(s) as "%s"', (n, text) => {
    expect(plural(n, 'day')).toBe(text);
  });

  it('takes the plural of a word that does not just add an s', () => {
    expect(plural(1, 'strategy', 'strategies')).toBe('1 strategy');
    expect(plural(2, 'strategy', 'strategies')).toBe('2 strategies');
  });

  it('keeps a word of several words whole', () => {
    expect(plural(1, 'breaking change')).toBe('1 breaking change');
    expect(plural(3, 'more point')).toBe('3 more points');
  });
});
