// Rolling windows of one customer (src/optimize/windows.ts): the starts where a window's
// rows or history change, sorted (by insertion up to 64 starts, by the typed sort above),
// and the windows they give, against a direct enumeration of every start.
import { describe, expect, it } from 'vitest';
import { customerMaximumWindows, windowStart, windowStarts } from '../../src/optimize/windows.js';
import { createRandom } from '../../src/seeded-random.js';

const startsOf = (rowDays: number[], historyDays: number[], period: number): number[] => {
  const count = windowStarts(rowDays, historyDays, period);
  return Array.from({ length: count }, (_, i) => windowStart(i));
};

const expected = (rowDays: number[], historyDays: number[], period: number): number[] =>
  [...rowDays, ...historyDays].flatMap((d) => [d - period + 1, d + 1]).sort((a, b) => a - b);

/** Every window start from the first row's first window to the last row's day, one by one. */
function directWindows(rowDays: number[], historyDays: number[], period: number, max: number): Map<string, number> {
  const rooms = new Map<string, number>();
  for (let s = rowDays[0]! - period + 1; s <= rowDays[rowDays.length - 1]!; s++) {
    const e = s + period - 1;
    const inside = rowDays.map((d, i) => (d >= s && d <= e ? i : -1)).filter((i) => i >= 0);
    if (inside.length === 0) continue;
    const key = `${inside[0]}-${inside[inside.length - 1]}`;
    const room = max - historyDays.filter((h) => h >= s && h <= e).length;
    rooms.set(key, Math.min(rooms.get(key) ?? Infinity, room));
  }
  return rooms;
}

describe('window starts', () => {
  it.each([62, 64, 66])('sorts %i starts as a numeric sort does', (count) => {
    const random = createRandom(count).next;
    const rows = Array.from({ length: count / 2 - 3 }, () => 20_000 + Math.floor(random() * 40));
    const history = Array.from({ length: 3 }, () => 20_000 + Math.floor(random() * 40) - 20);
    expect(startsOf(rows, history, 7)).toEqual(expected(rows, history, 7));
  });

  it('keeps negative days and duplicates in order, and a later call does not see an earlier one', () => {
    expect(startsOf([-3, -3, 0], [-10], 3)).toEqual(expected([-3, -3, 0], [-10], 3));
    expect(startsOf([5], [], 1)).toEqual([5, 6]);
  });

  it('gives every distinct window a direct enumeration finds, with its smallest room', () => {
    const random = createRandom(7).next;
    for (let round = 0; round < 300; round++) {
      const period = 1 + Math.floor(random() * 10);
      const rowDays = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 30)).sort((a, b) => a - b);
      const historyDays = Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 40) - 5);
      const max = 1 + Math.floor(random() * 4);
      const direct = directWindows(rowDays, historyDays, period, max);
      const windows = customerMaximumWindows(rowDays, historyDays, period, max);
      // Each window found is one of the direct ones with its room; none it drops is needed
      // (a dropped one lies inside a kept one with no more room).
      for (const w of windows) expect([`${w.lo}-${w.hi}`, w.room]).toEqual([`${w.lo}-${w.hi}`, direct.get(`${w.lo}-${w.hi}`)]);
      for (const [key, room] of direct) {
        const [lo, hi] = key.split('-').map(Number) as [number, number];
        expect(windows.some((w) => w.lo <= lo && w.hi >= hi && w.room <= room), `${key} room ${room}`).toBe(true);
      }
    }
  });
});
