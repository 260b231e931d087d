// Ordering rows by a per-row key in place (docs/optimization.md#memory): best key first,
// ties by row id, so the order is total and any run gives the same one. The local search
// and the repair sort lists as long as the rows many times; sorting a typed array of row
// ids in place keeps those lists in buffers sized once, where `Array.prototype.sort` with
// a comparator would need a JavaScript array (and a map of keys) per list.

/** Below this many rows a range is sorted by insertion. */
const INSERTION_MAX = 16;

/**
 * Sorts `rows[0 .. length)` so that a row with a larger `key[row]` comes first, and rows
 * with equal keys in ascending id — the order of
 * `rows.sort((a, b) => key[b] - key[a] || a - b)` for finite keys.
 */
export function sortRowsByKey(rows: Int32Array, length: number, key: ArrayLike<number>, depthLimit = 2 * Math.ceil(Math.log2(Math.max(2, length)))): void {
  if (length < 2) return;
  // Quicksort to a depth limit (`depthLimit` partitions deep; the tests lower it), then
  // heapsort: the worst case stays n log n.
  sortRange(rows, 0, length - 1, key, depthLimit);
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
