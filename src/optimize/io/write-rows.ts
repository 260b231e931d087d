// Writes the chosen proposed rows (docs/optimization.md#running-it: the chosen proposed
// rows, same columns). The input is streamed a second time and the chosen rows are
// copied with their values as read, in the input's column order; CSV through
// csv-stringify, NDJSON as one object a line. Written to a temporary file and renamed, so a failed run never
// leaves half an output behind.
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { stringify } from 'csv-stringify';
import { IssueCollector, readTable, type TableFormat, type TableHandle } from '../../io/index.js';
import { builtWorkerUrl } from '../../worker-url.js';
import { askToStop, endWorker, stopFlag } from '../../worker-end.js';

/** Chosen rows held at most before they are written (when rows are re-serialized, not copied). */
const FLUSH_ROWS = 4096;
/** Bytes of copied lines gathered before they are written. */
const COPY_BLOCK = 1 << 20;

export interface ChosenRows {
  table: TableHandle;
  /** Data-row indexes (0-based, in file order) to copy, ascending. */
  rows: ArrayLike<number>;
  columns: readonly string[];
}

/** Streams the chosen rows of every input to `out` (or to `write` when `out` is null). */
export async function writeChosenRows(
  inputs: readonly ChosenRows[],
  format: TableFormat,
  out: string | null,
  write?: (text: string) => void,
  writeReady?: () => Promise<void>,
  /** Called with the input rows gone through so far, every 65,536 rows. */
  onRows?: (rows: number) => void,
): Promise<number> {
  let scanned = 0;
  const step = (): void => {
    if (onRows && (++scanned & 0xffff) === 0) onRows(scanned);
  };
  const columns: string[] = [];
  for (const input of inputs) for (const c of input.columns) if (!columns.includes(c)) columns.push(c);
  // A device or pipe (`--out /dev/null`) is written directly: renaming a temporary file
  // onto it would replace the device itself.
  const direct = out !== null && isDeviceOrPipe(out);
  const temporary = out && !direct ? `${out}.tmp-${process.pid}` : null;
  const sink = temporary ? await openSink(temporary) : direct ? await openSink(out) : null;
  const emit = async (text: string): Promise<void> => {
    if (sink) {
      if (sink.errored) throw sink.errored;
      // events.once rejects on 'error' (a failed write never drains) and removes both
      // listeners when either fires: listeners added per wait would pile up on a long output.
      if (!sink.write(text)) await once(sink, 'drain');
    } else {
      write?.(text);
      await writeReady?.();
    }
  };
  // The common case — CSV in, CSV out, one line per row, same header — copies the
  // chosen lines byte for byte (values exactly as written, and fast).
  if (format === 'csv' && inputs.every((i) => i.table.format === 'csv' && !i.table.multiline && i.columns.join(',') === columns.join(','))) {
    return copyLines(inputs, emit, sink, temporary, out, step);
  }
  const csv = format === 'csv' ? stringify({ header: true, columns }) : null;
  let pending = '';
  if (csv) csv.on('data', (chunk: Buffer | string) => void (pending += chunk.toString()));
  let written = 0;
  try {
    for (const input of inputs) {
      let index = 0;
      let next = 0;
      const wanted = input.rows;
      const rows: Record<string, unknown>[] = [];
      const flush = async (): Promise<void> => {
        for (const values of rows) {
          if (csv) csv.write(columns.map((c) => (values[c] === undefined || values[c] === null ? '' : typeof values[c] === 'object' ? JSON.stringify(values[c]) : values[c])));
          else await emit(JSON.stringify(values) + '\n');
        }
        rows.length = 0;
        if (csv && pending.length > 0) {
          const text = pending;
          pending = '';
          await emit(text);
        }
      };
      // Written every FLUSH_ROWS chosen rows: holding every chosen row of a ten-million-row
      // input as an object until the end would cost more than the optimizer's whole model.
      await readTable(input.table, new IssueCollector(), ({ values }) => {
        step();
        let flushing: Promise<void> | undefined;
        if (next < wanted.length && wanted[next] === index) {
          rows.push(values);
          next++;
          if (rows.length >= FLUSH_ROWS) flushing = flush();
        }
        index++;
        return flushing;
      });
      await flush();
      written += next;
    }
    if (csv) {
      if (written === 0) csv.write(columns.map(() => '')); // keep the header: stringify only writes it with a record
      await new Promise<void>((resolve) => csv.end(resolve));
      let text = pending;
      if (written === 0) text = text.split('\n')[0] + '\n';
      pending = '';
      await emit(text);
    }
    await commitOutput(sink, temporary, out);
  } catch (error) {
    await abandonOutput(sink, temporary);
    throw error;
  }
  return written;
}

/** What the writer's worker thread (write-rows-worker.ts) posts: progress, the rows written, or the failure. */
export type WriterMessage = { rows: number } | { written: number } | { failed: { name: string; message: string; code?: string } };

/** Chosen rows being written on another thread; nobody sees them until `commit`. */
export interface StagedRows {
  /** Waits for the writing to end and renames the output into place; resolves to the rows written. */
  commit(): Promise<number>;
  /** Stops the writing and removes what was written. */
  abandon(): Promise<void>;
}

/**
 * Starts writing the chosen rows to `out` on a worker thread, so that this thread can go
 * on (the optimizer checks its selection meanwhile): the output is staged beside `out`
 * and only renamed into place by `commit`. Null when `out` is a device or a pipe (written
 * directly: no staging), or when no built worker is at hand (running from the TypeScript
 * sources): write with writeChosenRows then.
 */
export function stageChosenRows(inputs: readonly ChosenRows[], format: TableFormat, out: string, onRows?: (rows: number) => void): StagedRows | null {
  const url = builtWorkerUrl(import.meta.url, 'optimize/io', 'write-rows-worker.js');
  if (url === null || isDeviceOrPipe(out)) return null;
  const staged = `${out}.staged-${process.pid}`;
  // Set by abandon: the worker stops writing at its next progress report and leaves.
  const stop = stopFlag();
  const worker = new Worker(url, { workerData: { inputs: inputs.map((i) => ({ ...i, rows: Int32Array.from(i.rows) })), format, staged, stop } });
  const ended = new Promise<number>((resolve, reject) => {
    worker.on('message', (message: WriterMessage) => {
      if ('rows' in message) onRows?.(message.rows);
      else if ('written' in message) resolve(message.written);
      else {
        const { name, message: text, code } = message.failed;
        reject(Object.assign(new Error(text), { name, ...(code === undefined ? {} : { code }) }));
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the output writer stopped with exit code ${code}`)));
  });
  // A failure is reported by commit; until then it must not count as unhandled.
  ended.catch(() => undefined);
  const discard = async (): Promise<void> => {
    await Promise.all([rm(staged, { force: true }), rm(`${staged}.tmp-${process.pid}`, { force: true })]);
  };
  return {
    async commit() {
      try {
        const written = await ended;
        await rename(staged, out);
        return written;
      } catch (error) {
        await discard();
        throw error;
      } finally {
        await endWorker(worker); // it leaves once it has posted
      }
    },
    async abandon() {
      // Asked, not terminated: a worker stopped while its code is hot can abort the process (src/worker-end.ts).
      await endWorker(worker, () => askToStop(stop));
      await discard();
    },
  };
}


async function copyLines(
  inputs: readonly ChosenRows[],
  emit: (text: string) => Promise<void>,
  sink: ReturnType<typeof createWriteStream> | null,
  temporary: string | null,
  out: string | null,
  step: () => void,
): Promise<number> {
  let written = 0;
  let headerDone = false;
  // The chosen lines are gathered as bytes and leave in blocks of about COPY_BLOCK bytes;
  // a block handed to the file is not reused (the stream may still hold it).
  let block = Buffer.allocUnsafe(COPY_BLOCK);
  let filled = 0;
  const flush = async (): Promise<void> => {
    if (filled === 0) return;
    const bytes = block.subarray(0, filled);
    block = Buffer.allocUnsafe(COPY_BLOCK);
    filled = 0;
    if (sink) {
      if (sink.errored) throw sink.errored;
      if (!sink.write(bytes)) await once(sink, 'drain');
    } else await emit(bytes.toString('utf8'));
  };
  const append = async (bytes: Buffer): Promise<void> => {
    if (filled + bytes.length + 1 > block.length) {
      await flush();
      if (bytes.length + 1 > block.length) block = Buffer.allocUnsafe(bytes.length + 1);
    }
    filled += bytes.copy(block, filled);
    block[filled++] = 0x0a;
  };
  try {
    for (const input of inputs) {
      let index = -1;
      let next = 0;
      const onLine = async (line: Buffer): Promise<void> => {
        if (index === -1) {
          // The header: the first line that is not blank (the few lines before it as text).
          const raw = line.toString('utf8');
          if (raw.trim() === '') return;
          if (!headerDone) await append(Buffer.from(raw.replace(/^\uFEFF/, ''), 'utf8'));
          headerDone = true;
          index = 0;
          return;
        }
        if (line.length === 0) return; // blank lines are not rows
        step();
        if (next < input.rows.length && input.rows[next] === index) {
          // Bytes that are not UTF-8 leave as the text reading them gives (U+FFFD), as a
          // line read as text would.
          await append(isUtf8(line) ? line : Buffer.from(line.toString('utf8'), 'utf8'));
          next++;
        }
        index++;
      };
      await forEachLine(input.table.file, onLine);
      written += next;
    }
    await flush();
    await commitOutput(sink, temporary, out);
  } catch (error) {
    await abandonOutput(sink, temporary);
    throw error;
  }
  return written;
}

/**
 * Calls `onLine` with every line of the file as bytes, without its line ending: a line
 * ends at LF, CR LF or a CR alone (as node:readline splits lines), and a last line without
 * an ending counts. No text is decoded, so copying ten million lines makes no string each.
 */
async function forEachLine(file: string, onLine: (line: Buffer) => Promise<void>): Promise<void> {
  let carry: Buffer | null = null;
  // The previous block ended in CR: a LF starting this block belongs to it.
  let afterCR = false;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    let at = 0;
    if (afterCR && bytes.length > 0 && bytes[0] === 0x0a) at = 1;
    afterCR = false;
    let cr = -2; // where the next CR is, once looked up (-1: none left)
    while (at < bytes.length) {
      const lf = bytes.indexOf(0x0a, at);
      if (cr !== -1 && cr < at) cr = bytes.indexOf(0x0d, at);
      let end: number;
      let resume: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 < bytes.length) resume = bytes[cr + 1] === 0x0a ? cr + 2 : cr + 1;
        else {
          resume = cr + 1;
          afterCR = true;
        }
      } else if (lf !== -1) {
        end = lf;
        resume = lf + 1;
      } else {
        carry = carry ? Buffer.concat([carry, bytes.subarray(at)]) : Buffer.from(bytes.subarray(at));
        break;
      }
      const line = bytes.subarray(at, end);
      if (carry) {
        const whole = Buffer.concat([carry, line]);
        carry = null;
        await onLine(whole);
      } else await onLine(line);
      at = resume;
    }
  }
  if (carry && carry.length > 0) await onLine(carry);
}

type Sink = ReturnType<typeof createWriteStream> | null;

/** Flushes the temporary file and renames it into place: readers see the whole output or none. */
async function commitOutput(sink: Sink, temporary: string | null, out: string | null): Promise<void> {
  if (!sink) return;
  await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (temporary !== null) await rename(temporary, out!);
}

function isDeviceOrPipe(file: string): boolean {
  try {
    const info = statSync(file);
    return !info.isFile() && !info.isDirectory();
  } catch {
    return false;
  }
}

async function abandonOutput(sink: Sink, temporary: string | null): Promise<void> {
  sink?.destroy();
  if (temporary) await rm(temporary, { force: true });
}

/** The temporary output file, open (a failure to create it rejects here instead of crashing the process later). */
async function openSink(file: string): Promise<ReturnType<typeof createWriteStream>> {
  const sink = createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    sink.once('open', () => resolve());
    sink.once('error', reject);
  });
  sink.on('error', () => undefined); // later errors surface through end()/write callbacks
  return sink;
}
