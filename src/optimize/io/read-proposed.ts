// Reading the proposed contacts into columns (docs/optimization.md#reading-csv): a large
// CSV file is read in two halves at once, the second on a worker thread, and the halves
// put together as one reading would have made them — same rows, same names numbered in
// the same order, same lines. Whenever that could differ (quotes or carriage returns
// before the middle, a problem anywhere), the file is read again on this thread, so the
// result and every message are those of the one reading.
import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { TableHandle } from '../../io/index.js';
import { builtWorkerUrl } from '../../worker-url.js';
import { askToStop, endWorker, stopFlag } from '../../worker-end.js';
import { ProposedColumnsBuilder } from '../proposed-columns.js';
import type { ProposedColumns } from '../types.js';
import { readProposedColumnsHere, readProposedCsv, type ProposedFile } from './read-inputs.js';

/** Files from this size on are read in two halves. */
export const TWO_HALVES_MIN_BYTES = 32 * 1024 * 1024;

/** What the second half's worker posts: progress, its rows, or that it could not. */
export type HalfMessage = { rows: number } | { columns: ProposedColumns; lines: Int32Array; multiline: boolean } | { failed: string };

export interface ReadProposedOptions {
  /** Read a CSV file from this many bytes on in two halves (default TWO_HALVES_MIN_BYTES). */
  twoHalvesFromBytes?: number;
  /**
   * Other work for this thread (reading the history and the audience), run once in any
   * case: while the worker reads the second half, or after the file when it is read on
   * this thread. A problem in the proposed file is still the one reported first.
   */
  meanwhile?: () => Promise<void>;
  /** About how many bytes `meanwhile` reads: this thread's half is made that much smaller. */
  meanwhileBytes?: number;
}

/**
 * Proposed contacts into columns (docs/optimization.md#memory): the same checks and
 * messages as readProposed, but no object is kept per row — several files (the shard
 * outputs of a merge) append to one builder.
 */
export async function readProposedColumns(
  table: TableHandle,
  offers: ReadonlySet<string>,
  builder: ProposedColumnsBuilder,
  /** Called with the rows read so far, every 65,536 rows. */
  onRows?: (rows: number) => void,
  options: ReadProposedOptions = {},
): Promise<ProposedFile> {
  let ran = false;
  let failure: { error: unknown } | null = null;
  const meanwhile = async (): Promise<void> => {
    if (ran || !options.meanwhile) return;
    ran = true;
    try {
      await options.meanwhile();
    } catch (error) {
      failure = { error };
    }
  };
  const halves = await readInHalves(table, offers, builder, onRows, options.twoHalvesFromBytes ?? TWO_HALVES_MIN_BYTES, meanwhile, options.meanwhileBytes ?? 0);
  const read = halves ?? (await readProposedColumnsHere(table, offers, builder, onRows));
  await meanwhile();
  if (failure !== null) throw (failure as { error: unknown }).error;
  return read;
}

async function readInHalves(
  table: TableHandle,
  offers: ReadonlySet<string>,
  builder: ProposedColumnsBuilder,
  onRows: ((rows: number) => void) | undefined,
  minBytes: number,
  meanwhile: () => Promise<void>,
  meanwhileBytes: number,
): Promise<ProposedFile | null> {
  if (table.format !== 'csv' || table.text !== undefined) return null;
  const url = builtWorkerUrl(import.meta.url, 'optimize/io', 'read-proposed-worker.js');
  if (url === null) return null;
  let size: number;
  try {
    size = (await stat(table.file)).size;
  } catch {
    return null; // the one reading says what is wrong with the file
  }
  if (size < minBytes) return null;
  // This thread's part is smaller by half the other work it has to do meanwhile.
  const share = Math.max(0.1, 0.5 - meanwhileBytes / (2 * size));
  const split = await lineStartAfter(table.file, Math.floor(size * share));
  if (split === null || split >= size) return null;

  // The first half must read as lines of plain fields: then the second starts at a
  // record's start, csv-parse (if it takes over there) is set up as the one reading
  // would set it, and a line's number is the line breaks before it plus one.
  const before = await plainLines(table.file, split);
  if (before === null) return null;
  const header = await headerOf(table.file, split);
  if (header === null) return null;
  // Set to ask the worker to stop reading (it looks at every progress report) and leave.
  const stop = stopFlag();
  const worker = new Worker(url, { workerData: { table: { file: table.file, displayName: table.displayName, format: table.format }, offers: [...offers], start: split, header, stop } });
  const start = builder.length;
  let secondRows = 0;
  let firstRows = 0;
  const second = new Promise<Extract<HalfMessage, { columns: ProposedColumns }> | null>((resolve) => {
    worker.on('message', (message: HalfMessage) => {
      if ('rows' in message) {
        secondRows = message.rows;
        onRows?.(start + firstRows + secondRows);
      } else resolve('columns' in message ? message : null);
    });
    worker.on('error', () => resolve(null));
    worker.on('exit', () => resolve(null));
  });
  // The first half goes straight into an empty builder (emptied again if the halves fail);
  // after other files, into one of its own, appended when both halves are read.
  const own = builder.length > 0 ? new ProposedColumnsBuilder(1 << 20) : null;
  let joined = false;
  try {
    let first: ProposedFile;
    try {
      first = await readProposedCsv(table, offers, own ?? builder, (rows) => {
        firstRows = own ? rows : rows - start;
        onRows?.(start + firstRows + secondRows);
      }, { range: { start: 0, end: split } });
    } catch {
      return null;
    }
    await meanwhile();
    const rest = await second;
    if (rest === null) return null;
    if (own) builder.append(own.finish());
    builder.append(rest.columns);
    joined = true;
    const lines = new Int32Array(first.rows + rest.columns.length);
    lines.set(first.lines);
    for (let i = 0; i < rest.lines.length; i++) lines[first.rows + i] = rest.lines[i]! + before;
    if (rest.multiline) table.multiline = true;
    return { rows: builder.length - start, lines, columns: first.columns, threads: 2 };
  } finally {
    // Asked, not terminated: a worker stopped while its code is hot can abort the process (src/worker-end.ts).
    await endWorker(worker, () => askToStop(stop));
    if (!joined && !own) builder.clear();
  }
}

/** The first byte after the first line break at or after `from` (null: none). */
async function lineStartAfter(file: string, from: number): Promise<number | null> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    for (let at = from; ; at += buffer.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) return null;
      const lf = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (lf !== -1) return at + lf + 1;
    }
  } finally {
    await handle.close();
  }
}

/** The header's names (the first line that is not blank, split at commas and trimmed, as the reader reads it) if it lies in the first `end` bytes. */
async function headerOf(file: string, end: number): Promise<string[] | null> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(end, 1 << 20));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const lines = buffer.subarray(0, bytesRead).toString('utf8').split('\n');
    lines.pop(); // not known to be whole
    const line = lines.find((l) => l !== '');
    return line === undefined ? null : line.split(',').map((name) => name.trim());
  } finally {
    await handle.close();
  }
}

/** The line breaks in the file's first `end` bytes, or null when they hold a quote, a CR or start with a BOM. */
async function plainLines(file: string, end: number): Promise<number | null> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 22);
    let lines = 0;
    for (let at = 0; at < end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - at), at);
      if (bytesRead === 0) return null;
      const bytes = buffer.subarray(0, bytesRead);
      if ((at === 0 && bytes[0] === 0xef) || bytes.indexOf(0x22) !== -1 || bytes.indexOf(0x0d) !== -1) return null;
      for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, lf + 1)) lines++;
      at += bytesRead;
    }
    return lines;
  } finally {
    await handle.close();
  }
}

