import { describe, expect, it } from 'vitest';
import { RADIX_MIN, comparisonSortRowsByKey, radixSortRowsByKey, sortRowsByKey } from '../../src/optimize/row-order.js';
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
    comparisonSortRowsByKey(buffer, rows.length, key, depthLimit);
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

  // Lists of RADIX_MIN rows and more are sorted by radix on the keys' 64 bits.
  it.each([RADIX_MIN - 1, RADIX_MIN, RADIX_MIN + 1])('gives the same order on either side of the radix threshold (%i rows)', (length) => {
    const random = createRandom(length).next;
    for (const distinctKeys of [3, 1_000_000]) {
      const key = Float64Array.from({ length }, () => (Math.floor(random() * distinctKeys) - distinctKeys / 2) * 0.37);
      const rows = shuffled(length, random);
      const buffer = Int32Array.from(rows);
      sortRowsByKey(buffer, length, key);
      expect(Array.from(buffer)).toEqual(reference(rows, key));
    }
  });

  it('sorts by radix any key a float holds: signs, zeros of either sign, tiny, huge and equal keys', () => {
    const special = [0, -0, 1, -1, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 0.1, -0.1, 1e12 + 0.5, -1e12, 1e15, -1e15, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53, 83.31, 83.31];
    const random = createRandom(11).next;
    const n = 5_000;
    const key = Float64Array.from({ length: n }, (_, i) => (i < special.length ? special[i]! : special[Math.floor(random() * special.length)]! * (random() < 0.5 ? 1 : 1 + random())));
    for (const rows of [shuffled(n, random), Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => n - 1 - i)]) {
      const buffer = Int32Array.from(rows);
      radixSortRowsByKey(buffer, n, key);
      expect(Array.from(buffer)).toEqual(reference(rows, key));
    }
  });

  it('sorts by radix rows whose ids need both 16-bit digits, only the first `length` of the buffer', () => {
    const random = createRandom(5).next;
    const ids = Array.from({ length: 3_000 }, (_, i) => i * 70_001 + 3);
    const key = new Float64Array(ids[ids.length - 1]! + 1);
    for (const id of ids) key[id] = Math.floor(random() * 20);
    const rows = shuffled(ids.length, random).map((i) => ids[i]!);
    const buffer = Int32Array.from([...rows, -7, -9]);
    radixSortRowsByKey(buffer, rows.length, key);
    expect(Array.from(buffer.subarray(0, rows.length))).toEqual(reference(rows, key));
    expect(Array.from(buffer.subarray(rows.length))).toEqual([-7, -9]);
  });
});
