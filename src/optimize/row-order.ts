// Ordering rows by a per-row key in place (docs/optimization.md#memory): best key first,
// ties by row id, so the order is total and any run gives the same one. The local search
// and the repair sort lists as long as the rows many times; sorting a typed array of row
// ids in place keeps those lists in buffers sized once, where `Array.prototype.sort` with
// a comparator would need a JavaScript array (and a map of keys) per list. Long lists
// (hundreds of thousands of rows at ten million) are sorted by radix on the keys' bits:
// a comparison sort reads keys at random rows ~log2(n) times each, a radix sort reads each
// key once and moves it four times, in order.

/** Below this many rows a range is sorted by insertion. */
const INSERTION_MAX = 16;
/** From this many rows on, a list is sorted by radix. */
export const RADIX_MIN = 1 << 14;
/** A radix digit: 16 bits, so a 64-bit key takes four passes. */
const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

/**
 * Sorts `rows[0 .. length)` so that a row with a larger `key[row]` comes first, and rows
 * with equal keys in ascending id — the order of
 * `rows.sort((a, b) => key[b] - key[a] || a - b)` for finite keys.
 */
export function sortRowsByKey(rows: Int32Array, length: number, key: ArrayLike<number>): void {
  if (length >= RADIX_MIN) radixSortRowsByKey(rows, length, key);
  else comparisonSortRowsByKey(rows, length, key);
}

/**
 * `sortRowsByKey` by comparisons: quicksort to a depth limit (`depthLimit` partitions deep;
 * the tests lower it), then heapsort, so the worst case stays n log n.
 */
export function comparisonSortRowsByKey(rows: Int32Array, length: number, key: ArrayLike<number>, depthLimit = 2 * Math.ceil(Math.log2(Math.max(2, length)))): void {
  if (length < 2) return;
  sortRange(rows, 0, length - 1, key, depthLimit);
}

/**
 * `sortRowsByKey` by radix, for any length: the rows in ascending id first (one pass to
 * see that they already are, as the optimizer's lists mostly are), then a stable sort on
 * the key's 64 bits, 16 at a time from the lowest, skipping a digit every row shares.
 */
export function radixSortRowsByKey(rows: Int32Array, length: number, key: ArrayLike<number>): void {
  if (length < 2) return;
  let ascending = true;
  for (let i = 1; i < length && ascending; i++) ascending = rows[i - 1]! < rows[i]!;
  const spare = new Int32Array(length);
  if (!ascending) sortIds(rows, spare, length);
  // Each key as 64 bits whose unsigned order is the order wanted: larger key first.
  // A float's bits order like unsigned integers once a negative one has every bit flipped
  // and a positive one its sign bit; flipping all of that again puts larger first.
  const bits = new Float64Array(length);
  const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < length; i++) bits[i] = key[rows[i]!]! + 0; // + 0: -0 sorts as 0
  let hi: Uint32Array = new Uint32Array(length);
  let lo: Uint32Array = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const h = words[2 * i + 1]!;
    const l = words[2 * i]!;
    const negative = h >>> 31 === 1;
    hi[i] = negative ? h : (h ^ 0x7fffffff) >>> 0;
    lo[i] = negative ? l : ~l >>> 0;
  }
  // The keys' buffer, read, now holds the words as they move; the counts of all four
  // digits first.
  let hiTo: Uint32Array = new Uint32Array(bits.buffer, 0, length);
  let loTo: Uint32Array = new Uint32Array(bits.buffer, 4 * length, length);
  const counts = new Uint32Array(4 * BUCKETS);
  for (let i = 0; i < length; i++) {
    counts[lo[i]! & (BUCKETS - 1)]!++;
    counts[BUCKETS + (lo[i]! >>> DIGIT_BITS)]!++;
    counts[2 * BUCKETS + (hi[i]! & (BUCKETS - 1))]!++;
    counts[3 * BUCKETS + (hi[i]! >>> DIGIT_BITS)]!++;
  }
  let from: Int32Array = rows;
  let to: Int32Array = spare;
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * BUCKETS;
    const word = digit < 2 ? 0 : 1;
    const shift = digit % 2 === 0 ? 0 : DIGIT_BITS;
    const first = (word === 0 ? lo[0]! : hi[0]!) >>> shift & (BUCKETS - 1);
    if (counts[base + first] === length) continue; // every row has this digit
    let offset = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const count = counts[base + b]!;
      counts[base + b] = offset;
      offset += count;
    }
    const source = word === 0 ? lo : hi;
    for (let i = 0; i < length; i++) {
      const at = counts[base + ((source[i]! >>> shift) & (BUCKETS - 1))]!++;
      to[at] = from[i]!;
      hiTo[at] = hi[i]!;
      loTo[at] = lo[i]!;
    }
    [from, to] = [to, from];
    [hi, hiTo] = [hiTo, hi];
    [lo, loTo] = [loTo, lo];
  }
  if (from !== rows) rows.set(from.subarray(0, length));
}

/** Sorts distinct non-negative row ids ascending, by radix (two 16-bit digits). */
function sortIds(rows: Int32Array, spare: Int32Array, length: number): void {
  const counts = new Uint32Array(BUCKETS);
  let from: Int32Array = rows;
  let to: Int32Array = spare;
  for (const shift of [0, DIGIT_BITS]) {
    counts.fill(0);
    for (let i = 0; i < length; i++) counts[(from[i]! >>> shift) & (BUCKETS - 1)]!++;
    let offset = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const count = counts[b]!;
      counts[b] = offset;
      offset += count;
    }
    for (let i = 0; i < length; i++) to[counts[(from[i]! >>> shift) & (BUCKETS - 1)]!++] = from[i]!;
    [from, to] = [to, from];
  }
  if (from !== rows) rows.set(from.subarray(0, length));
}

/** Does row `a` come before row `b`? */
function before(key: ArrayLike<number>, a: number, b: number): boolean {
  const ka = key[a]!;
  const kb = key[b]!;
  return ka > kb || (ka === kb && a < b);
}

function sortRange(rows: Int32Array, lo: number, hi: number, key: ArrayLike<number>, depth: number): void {
  while (hi - lo >= INSERTION_MAX) {
    if (depth-- === 0) {
      heapSort(rows, lo, hi, key);
      return;
    }
    const p = partition(rows, lo, hi, key);
    // The smaller side recursively, the larger one in this loop: the stack stays log n deep.
    if (p - lo < hi - p) {
      sortRange(rows, lo, p, key, depth);
      lo = p + 1;
    } else {
      sortRange(rows, p + 1, hi, key, depth);
      hi = p;
    }
  }
  insertionSort(rows, lo, hi, key);
}

/** Hoare partition around the median of the first, middle and last rows; returns the split. */
function partition(rows: Int32Array, lo: number, hi: number, key: ArrayLike<number>): number {
  const mid = lo + ((hi - lo) >> 1);
  if (before(key, rows[mid]!, rows[lo]!)) swap(rows, mid, lo);
  if (before(key, rows[hi]!, rows[lo]!)) swap(rows, hi, lo);
  if (before(key, rows[hi]!, rows[mid]!)) swap(rows, hi, mid);
  const pivot = rows[mid]!;
  let i = lo - 1;
  let j = hi + 1;
  for (;;) {
    do i++;
    while (before(key, rows[i]!, pivot));
    do j--;
    while (before(key, pivot, rows[j]!));
    if (i >= j) return j;
    swap(rows, i, j);
  }
}

function insertionSort(rows: Int32Array, lo: number, hi: number, key: ArrayLike<number>): void {
  for (let i = lo + 1; i <= hi; i++) {
    const row = rows[i]!;
    let j = i - 1;
    while (j >= lo && before(key, row, rows[j]!)) {
      rows[j + 1] = rows[j]!;
      j--;
    }
    rows[j + 1] = row;
  }
}

function heapSort(rows: Int32Array, lo: number, hi: number, key: ArrayLike<number>): void {
  const n = hi - lo + 1;
  // A heap whose root is the row that comes last; it is moved to the end each step.
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(rows, lo, i, n, key);
  for (let end = n - 1; end > 0; end--) {
    swap(rows, lo, lo + end);
    siftDown(rows, lo, 0, end, key);
  }
}

function siftDown(rows: Int32Array, lo: number, i: number, n: number, key: ArrayLike<number>): void {
  for (;;) {
    let last = i;
    const left = 2 * i + 1;
    const right = left + 1;
    if (left < n && before(key, rows[lo + last]!, rows[lo + left]!)) last = left;
    if (right < n && before(key, rows[lo + last]!, rows[lo + right]!)) last = right;
    if (last === i) return;
    swap(rows, lo + i, lo + last);
    i = last;
  }
}

function swap(rows: Int32Array, a: number, b: number): void {
  const t = rows[a]!;
  rows[a] = rows[b]!;
  rows[b] = t;
}
