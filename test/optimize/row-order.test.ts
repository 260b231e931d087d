import { describe, expect, it } from 'vitest';
import { sortRowsByKey } from '../../src/optimize/row-order.js';
import { createRandom } from '../../src/seeded-random.js';

/** The order the optimizer's comparator sorts give: larger key first, then ascending row. */
function reference(rows: number[], key: ArrayLike<number>): number[] {
  return [...rows].sort((a, b) => key[b]! - key[a]! || a - b);
}

function shuffled(length: number, random: () => number): number[] {
  const rows = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

describe('sortRowsByKey', () => {
  // 16 rows and fewer are sorted by insertion; 17 and more are partitioned first.
  it.each([0, 1, 2, 15, 16, 17, 100, 5_000])('orders %i rows best key first, ties by ascending row', (length) => {
    const random = createRandom(length + 1).next;
    for (const distinctKeys of [3, 1_000_000]) {
      const key = Float64Array.from({ length }, () => Math.floor(random() * distinctKeys) - distinctKeys / 2);
      const rows = shuffled(length, random);
      const buffer = Int32Array.from(rows);
      sortRowsByKey(buffer, length, key);
      expect(Array.from(buffer)).toEqual(reference(rows, key));
    }
  });

  it('sorts only the first `length` rows of a longer buffer', () => {
    const key = Float64Array.from([5, 1, 9, 3, 7]);
    const buffer = Int32Array.from([1, 3, 0, 4, 2]);
    sortRowsByKey(buffer, 3, key);
    expect(Array.from(buffer)).toEqual([0, 3, 1, 4, 2]);
  });

  it.each([0, 1, 2])('gives the same order when the partition depth limit (%i) hands over to heapsort', (depthLimit) => {
    const random = createRandom(7).next;
    const key = Float64Array.from({ length: 2_000 }, () => Math.floor(random() * 50));
    const rows = shuffled(2_000, random);
    const buffer = Int32Array.from(rows);
    sortRowsByKey(buffer, rows.length, key, depthLimit);
    expect(Array.from(buffer)).toEqual(reference(rows, key));
  });

  it('keeps the order on sorted, reversed and all-equal keys', () => {
    const n = 3_000;
    for (const key of [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => n - i), new Float64Array(n).fill(2)]) {
      const rows = Array.from({ length: n }, (_, i) => i);
      const buffer = Int32Array.from(rows);
      sortRowsByKey(buffer, n, key);
      expect(Array.from(buffer)).toEqual(reference(rows, key));
    }
  });
});
