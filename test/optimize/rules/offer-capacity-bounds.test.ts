// The bounds of an offerCapacity window by its first day (docs/optimization-semantics.md
// #the-ten-rules): the rule's own min and max, or those of the first exception whose
// from..to holds the window's first day (both ends included); no max is no bound.
import { describe, expect, it } from 'vitest';
import { dayNumber } from '../../../src/days.js';
import { boundsByStart } from '../../../src/optimize/rules/offer-capacity.js';

const at = (iso: string): number => dayNumber(iso);

describe('boundsByStart', () => {
  it("uses the rule's bounds when it has no exceptions (a bundle without the list too)", () => {
    const bounds = boundsByStart({ min: 1, max: 3 });
    expect([bounds.maxAt(at('2026-05-10')), bounds.minAt(at('2026-05-10'))]).toEqual([3, 1]);
    expect(boundsByStart({ min: 0, max: null, exceptions: [] }).maxAt(at('2026-05-10'))).toBe(Infinity);
  });

  it.each([
    ['the day before from', '2026-05-09', [3, 1]],
    ['from', '2026-05-10', [5, 2]],
    ['to', '2026-05-12', [5, 2]],
    ['the day after to', '2026-05-13', [3, 1]],
  ])("uses an exception's bounds for a window starting on %s only from its first to its last day", (_where, start, expected) => {
    const bounds = boundsByStart({ min: 1, max: 3, exceptions: [{ from: '2026-05-10', to: '2026-05-12', min: 2, max: 5 }] });
    expect([bounds.maxAt(at(start)), bounds.minAt(at(start))]).toEqual(expected);
  });

  it('takes the first exception that holds the day, and no max as no bound', () => {
    const bounds = boundsByStart({
      min: 0,
      max: 3,
      exceptions: [
        { from: '2026-05-10', to: '2026-05-11', min: 1, max: null },
        { from: '2026-05-11', to: '2026-05-12', min: 2, max: 7 },
      ],
    });
    expect([bounds.maxAt(at('2026-05-11')), bounds.minAt(at('2026-05-11'))]).toEqual([Infinity, 1]);
    expect([bounds.maxAt(at('2026-05-12')), bounds.minAt(at('2026-05-12'))]).toEqual([7, 2]);
  });
});
