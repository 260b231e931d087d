// Streaming readers for input tables (docs/optimization.md#running-it: history,
// audiences and proposed contacts): CSV with a header (csv-parse, BOM and CRLF
// tolerated, quotes per RFC 4180) or NDJSON (one JSON object a line). Rows are handed out
// one at a time so millions of rows never sit in memory as text; every problem is
// collected with its line and column name — every bad row, not the first one only — and
// the columns are turned into character positions (file:line:column) only when there is
// something to report.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createInterface } from 'node:readline';
import { parse, CsvError } from 'csv-parse';
import { InternalError, UserError } from '../errors.js';
import { plural } from '../words.js';

/** The longest record (CSV) or line (NDJSON) read, in characters: a larger one is an input
 *  error at its line, not an out-of-memory crash (a proposed contact is a few hundred). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** Passes text through, failing once a line grows past `max` characters without a newline. */
class LineLengthGuard extends Transform {
  private run = 0;
  line = 1;
  constructor(private readonly max: number) {
    super({ decodeStrings: false, encoding: 'utf8' });
  }
  override _transform(chunk: string, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (let from = 0; ; ) {
      const at = chunk.indexOf('\n', from);
      this.run += (at === -1 ? chunk.length : at) - from;
      if (this.run > this.max) {
        callback(new RecordTooLongError(this.line, this.max));
        return;
      }
      if (at === -1) break;
      this.run = 0;
      this.line++;
      from = at + 1;
    }
    callback(null, chunk);
  }
}

export class RecordTooLongError extends Error {
  constructor(
    readonly line: number,
    max: number,
  ) {
    super(`the line is longer than ${max} characters`);
  }
}

// Column names that would reach an object's prototype when rows become objects: refused,
// like the same keys in YAML (docs/validation.md), rather than silently lost.
const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
function forbiddenKeyMessage(name: string): string {
  return `'${name}' cannot be a column name`;
}

export type TableFormat = 'csv' | 'ndjson';

/** One problem found while reading a table; `column` is the column's name when known. */
export interface InputIssue {
  line: number;
  column: string | null;
  message: string;
}

/** A row as read: CSV values are strings, NDJSON values what JSON gave. */
export interface TableRow {
  line: number;
  values: Record<string, unknown>;
}

export interface TableHandle {
  /** Set by the CSV reader: a quoted field held a line break (rows are not one line each). */
  multiline?: boolean;
  file: string;
  /** The name used in messages (relative path). */
  displayName: string;
  format: TableFormat;
  /** The table's text, when it is read from memory rather than from `file`. */
  text?: string;
}

/** Problems kept before a read stops: every bad row of a real file, and a fast end for a file that is wrong as a whole. */
export const MAX_ISSUES = 1000;

export function tableFormatOf(file: string): TableFormat {
  return /\.(ndjson|jsonl)$/i.test(file) ? 'ndjson' : 'csv';
}

/**
 * The format of a table whose name may not say: `.ndjson`, `.jsonl` and `.json` are
 * NDJSON, `.csv` is CSV, and anything else is NDJSON when its first non-blank character
 * is `{`.
 */
export async function detectTableFormat(file: string): Promise<TableFormat> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  if (ext === '.csv') return 'csv';
  let start: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(4096), position: 0 });
      start = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return 'csv'; // unreadable: the read itself reports it
  }
  return /^\uFEFF?\s*\{/.test(start) ? 'ndjson' : 'csv';
}

/** Collects issues; the read stops after MAX_ISSUES. */
export class IssueCollector {
  readonly issues: InputIssue[] = [];
  add(line: number, column: string | null, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line, column, message });
  }
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }
}

/** One problem of an input table, at file:line:column. */
export interface TableProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** An input table with problems: every one found, each at file:line:column (exit 2). */
export class TableInputError extends UserError {
  constructor(
    readonly problems: readonly TableProblem[],
    /** True when the read stopped at MAX_ISSUES problems. */
    readonly truncated = false,
  ) {
    super(problems.map((p) => (p.line > 0 ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`)).join('\n') + (truncated ? `\n(stopped after ${MAX_ISSUES} problems)` : ''), 2);
    this.name = 'TableInputError';
  }

  /** The first problem's line (0 when the file as a whole is at fault). */
  get line(): number {
    return this.problems[0]?.line ?? 0;
  }

  get column(): number {
    return this.problems[0]?.column ?? 0;
  }

  /** The first problem's message, without its position. */
  get reason(): string {
    return this.problems[0]?.message ?? '';
  }
}

/** The table's content as a stream of text. */
function openText(table: TableHandle): Readable {
  return table.text !== undefined ? Readable.from([table.text]) : createReadStream(table.file, { encoding: 'utf8' });
}

/** Bytes read at a time from a CSV file (and the piece size of a table held in memory). */
const CSV_CHUNK_BYTES = 1 << 20;

/** The table's content as chunks of bytes of at most `size` bytes each (of the file's bytes `range` only, when given), and a way to let the file go early. */
function openByteChunks(table: TableHandle, size: number, range?: CsvByteRange): { chunks: AsyncIterator<Buffer>; close: () => void } {
  if (table.text !== undefined) {
    const bytes = Buffer.from(table.text, 'utf8');
    let at = 0;
    return {
      chunks: {
        next: () => {
          if (at >= bytes.length) return Promise.resolve({ done: true, value: undefined });
          const chunk = bytes.subarray(at, at + size);
          at += size;
          return Promise.resolve({ done: false, value: chunk });
        },
      },
      close: () => undefined,
    };
  }
  const stream = createReadStream(table.file, { highWaterMark: size, ...(range ? { start: range.start, ...(range.end === undefined ? {} : { end: range.end - 1 }) } : {}) });
  return { chunks: stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>, close: () => void stream.destroy() };
}

/**
 * Reads every row of a table, calling `onRow` for each. `onHeader` receives the column
 * names (CSV header, or NDJSON keys in first-seen order once the file is read).
 * Structural problems (ragged rows, bad JSON, unclosed quotes) go to `issues`.
 * When `onRow` returns a promise, reading waits for it: a consumer slower than the
 * file (a simulation) holds back the reading instead of rows piling up in memory.
 */
export async function readTable(
  table: TableHandle,
  issues: IssueCollector,
  onRow: (row: TableRow) => void | Promise<void>,
  onHeader?: (columns: string[]) => void,
): Promise<string[]> {
  if (table.format === 'ndjson') return withReadErrors(table, () => readNdjson(table, issues, onRow, onHeader));
  let header: readonly string[] = [];
  return readTableRecords(
    table,
    issues,
    (record, line) => {
      const values: Record<string, unknown> = {};
      // Row objects may be kept (history rows are): their values must not keep the chunk's text alive.
      for (let i = 0; i < header.length; i++) values[header[i]!] = ownString(record[i]!);
      return onRow({ line, values });
    },
    (columns) => {
      header = columns;
      onHeader?.(columns);
    },
  );
}

/**
 * A string of its own: a field cut out of a larger text (a chunk of a CSV file) would keep
 * that whole text alive for as long as the field is kept. V8 shares memory with the text
 * from 13 characters on; putting a character in front makes a new string, whose slice
 * shares only that copy.
 */
export function ownString(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** A CSV data record: its fields as read (as many as the header has) and the line it starts on. */
export type CsvRecordSink = (fields: string[], line: number) => void | Promise<void>;

export interface CsvReadOptions {
  /** Bytes read at a time (at most MAX_RECORD_CHARS). */
  chunkBytes?: number;
  /** Every record through csv-parse, none through the unquoted-text path (what that path is checked against). */
  parserOnly?: boolean;
  /**
   * Only these bytes of the file, which start at the start of a line. From a later start
   * than 0, `header` is the file's header (read and checked by whoever read the start):
   * it goes to `onHeader` before the first record, and lines are counted from the range's
   * start (its first line is line 1).
   */
  range?: CsvByteRange;
  header?: readonly string[];
}

/** Bytes `start` (inclusive) to `end` (exclusive; the end of the file when left out). */
export interface CsvByteRange {
  start: number;
  end?: number;
}

/**
 * Reads a CSV table record by record (docs/optimization.md#reading-csv): the header once
 * (to `onHeader`), then each data record as its array of strings with its line. Records
 * are handed out synchronously, a chunk of the file at a time; reading waits only when
 * `onRecord` returns a promise. The checks and problems are readTable's (which is built
 * on this): ragged rows, header names, CSV syntax, MAX_ISSUES.
 *
 * Field strings may share memory with the text of the chunk they were cut from: a
 * consumer that keeps a few long values out of many rows should keep copies.
 */
export async function readTableRecords(
  table: TableHandle,
  issues: IssueCollector,
  onRecord: CsvRecordSink,
  onHeader?: (columns: string[]) => void,
  options: CsvReadOptions = {},
): Promise<string[]> {
  if (table.format !== 'csv') throw new InternalError(`readTableRecords reads CSV tables, not ${table.format}`);
  const chunkBytes = Math.min(options.chunkBytes ?? CSV_CHUNK_BYTES, MAX_RECORD_CHARS);
  const records = new CsvRecords(issues, onRecord, onHeader);
  if (options.header !== undefined) records.continueWith(options.header);
  return withReadErrors(table, () => readCsv(table, issues, records, chunkBytes, options.parserOnly === true, options.range));
}

/** Runs a read, turning a missing or unreadable file into the table's one problem. */
async function withReadErrors(table: TableHandle, read: () => Promise<string[]>): Promise<string[]> {
  try {
    // A stream error does not travel through pipe(): check the file first.
    if (table.text === undefined) {
      const info = await stat(table.file);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return await read();
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new TableInputError([{ file: table.displayName, line: 0, column: 0, message: `cannot read the file (${code === 'ENOENT' ? 'no such file' : code})` }]);
    }
    throw error;
  }
}

/** What both CSV paths do with a record: blank lines skipped, the header checked, ragged rows reported, the rest handed on. */
class CsvRecords {
  header: string[] | null = null;
  /** Lines read so far (a record takes one line plus the line breaks inside its quoted fields). */
  line = 0;
  /** Set once the issues are full after a data record: the read stops there. */
  stopped = false;

  constructor(
    private readonly issues: IssueCollector,
    private readonly onRecord: CsvRecordSink,
    private readonly onHeader: ((columns: string[]) => void) | undefined,
  ) {}

  /** Reads on past a header read elsewhere (a later byte range of the file). */
  continueWith(header: readonly string[]): void {
    this.header = [...header];
    this.onHeader?.(this.header);
  }

  /** One record starting at line `start`; a promise when the consumer asked to be waited for. */
  take(record: string[], start: number): void | Promise<void> {
    if (record.length === 1 && record[0] === '') return; // a blank line
    const header = this.header;
    if (header === null) {
      this.readHeader(record, start);
      return;
    }
    if (record.length !== header.length) {
      this.issues.add(start, null, `the row has ${plural(record.length, 'field')}, the header has ${header.length}`);
      this.stopped = this.issues.full;
      return;
    }
    const pending = this.onRecord(record, start);
    if (pending !== undefined) return pending.then(() => void (this.stopped = this.issues.full));
    this.stopped = this.issues.full;
  }

  private readHeader(record: string[], start: number): void {
    const header = record.map((name) => name.trim());
    this.header = header;
    const seen = new Set<string>();
    for (const name of header) {
      if (name === '') this.issues.add(start, null, 'the header has an empty column name');
      else if (seen.has(name)) this.issues.add(start, name, `the header names column '${name}' twice`);
      else if (forbiddenKeys.has(name)) this.issues.add(start, name, forbiddenKeyMessage(name));
      seen.add(name);
    }
    this.onHeader?.(header);
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * CSV in two gears (docs/optimization.md#reading-csv). While the bytes hold no double
 * quote and no carriage return, CSV is exactly lines of comma-separated fields, split
 * here directly. At the first chunk with a quote or a CR (or a BOM at the start, or a line
 * longer than MAX_RECORD_CHARS bytes), the rest of the file from the start of the
 * current line goes to csv-parse, the parser of record, set up as it would be at that
 * line: same records, same line numbers, same errors as csv-parse reading it all.
 */
async function readCsv(table: TableHandle, issues: IssueCollector, records: CsvRecords, chunkBytes: number, parserOnly: boolean, range?: CsvByteRange): Promise<string[]> {
  const { chunks, close } = openByteChunks(table, chunkBytes, range);
  try {
    const rest = parserOnly ? { head: Buffer.alloc(0) } : await readUnquoted(chunks, records, (range?.start ?? 0) === 0);
    if (rest !== null && !records.stopped) await readQuoted(table, issues, records, rest.head, chunks, (range?.start ?? 0) === 0);
  } finally {
    close();
  }
  if (records.header === null) issues.add(1, null, 'the file is empty: a CSV file starts with a header line');
  return records.header ?? [];
}

/**
 * The unquoted gear: whole lines split at commas. Returns null when the file is done (or
 * the read stopped), or the bytes from the start of the current line when csv-parse must
 * take over (the remaining chunks follow them).
 */
async function readUnquoted(chunks: AsyncIterator<Buffer>, records: CsvRecords, fileStart: boolean): Promise<{ head: Buffer } | null> {
  let pending: Buffer | null = null; // the current line's bytes so far
  for (let first = fileStart; ; first = false) {
    const next = await chunks.next();
    if (next.done === true) break;
    const chunk = next.value;
    // A BOM (or any text starting with its first byte) is csv-parse's to handle, from the start.
    if ((first && chunk.length > 0 && chunk[0] === 0xef) || chunk.indexOf(QUOTE) !== -1 || chunk.indexOf(CR) !== -1) {
      return { head: pending === null ? chunk : Buffer.concat([pending, chunk]) };
    }
    const last = chunk.lastIndexOf(LF);
    if (last === -1) {
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length > MAX_RECORD_CHARS) return { head: pending };
      continue;
    }
    // Lines that end in this chunk; only the first can be longer than a chunk.
    if (pending !== null && pending.length + chunk.indexOf(LF) > MAX_RECORD_CHARS) return { head: Buffer.concat([pending, chunk]) };
    const block = pending === null ? chunk.subarray(0, last + 1) : Buffer.concat([pending, chunk.subarray(0, last + 1)]);
    pending = last + 1 < chunk.length ? chunk.subarray(last + 1) : null;
    const pendingWait = takeLines(block.toString('utf8'), records);
    if (pendingWait !== undefined) await pendingWait;
    if (records.stopped) return null;
  }
  // The last line, when the file does not end with a line break.
  if (pending !== null) {
    if (pending.length > MAX_RECORD_CHARS) return { head: pending };
    const wait = takeLines(pending.toString('utf8') + '\n', records);
    if (wait !== undefined) await wait;
  }
  return null;
}

/**
 * Splits text made of whole lines (each ending in a line break) into records. Records go
 * out synchronously; when the consumer returns a promise, the lines after it wait for it.
 */
function takeLines(text: string, records: CsvRecords, from = 0): Promise<void> | undefined {
  for (let start = from; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const record: string[] = [];
    for (let field = start; ; ) {
      const comma = text.indexOf(',', field);
      if (comma === -1 || comma > end) {
        record.push(text.slice(field, end));
        break;
      }
      record.push(text.slice(field, comma));
      field = comma + 1;
    }
    records.line++;
    const wait = records.take(record, records.line);
    start = end + 1;
    if (records.stopped) return undefined;
    if (wait !== undefined) {
      const resume = start;
      return wait.then(() => (records.stopped ? undefined : takeLines(text, records, resume)));
    }
  }
  return undefined;
}

/** The quoted gear: csv-parse from `head` (the start of a line) to the end of the file. */
async function readQuoted(table: TableHandle, issues: IssueCollector, records: CsvRecords, head: Buffer, chunks: AsyncIterator<Buffer>, fileStart: boolean): Promise<void> {
  const linesBefore = records.line;
  const common = { relax_column_count: true, trim: false, max_record_size: MAX_RECORD_CHARS };
  // From the start of the file, csv-parse as it always is. From a later line (or a byte
  // range after lines that held no CR), csv-parse as it would be there: the BOM is behind
  // it and the record delimiter was found to be LF, and its line count (in its messages)
  // goes on.
  const later = linesBefore > 0 || !fileStart;
  const parser = parse(later ? { bom: false, record_delimiter: '\n', ...common } : { bom: true, ...common });
  if (later) (parser as unknown as { info: { lines: number } }).info.lines = linesBefore + 1;
  async function* remaining(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  // Lines are counted here rather than with csv-parse's `info` (which halves its speed):
  // a record takes one line plus the line breaks inside its quoted fields; a blank line
  // comes through as one empty field.
  const source = Readable.from(remaining());
  // A read failing after the records stopped must not go unheard (an error with no listener).
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      records.line++;
      const start = records.line;
      for (let i = 0; i < record.length; i++) {
        const field = record[i]!;
        if (field.length > 0 && field.indexOf('\n') !== -1) {
          records.line += field.split('\n').length - 1;
          table.multiline = true;
        } else if (field.length > 0 && field.indexOf('\r') !== -1) {
          // A bare CR inside quotes is no line for csv-parse but is one for a line reader:
          // the output must then be written from records, not copied line by line.
          table.multiline = true;
        }
      }
      const wait = records.take(record, start);
      if (wait !== undefined) await wait;
      if (records.stopped) break;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const e = error as CsvError & { lines?: number };
      issues.add(e.lines ?? records.line + 1, null, `not valid CSV: ${error.message.replace(/^[A-Za-z ]+: /, '')}`);
    } else throw error;
  }
}

async function readNdjson(
  table: TableHandle,
  issues: IssueCollector,
  onRow: (row: TableRow) => void | Promise<void>,
  onHeader?: (columns: string[]) => void,
): Promise<string[]> {
  const guard = new LineLengthGuard(MAX_RECORD_CHARS);
  const source = openText(table);
  source.on('error', (error) => guard.destroy(error));
  const lines = createInterface({ input: source.pipe(guard), crlfDelay: Infinity });
  const columns: string[] = [];
  const known = new Set<string>();
  let lineNumber = 0;
  try {
    await readLines();
  } catch (error) {
    // The guard's error reaches the line iterator: the line too long for memory, by number.
    if (error instanceof RecordTooLongError) issues.add(error.line, null, error.message);
    else throw error;
  }
  onHeader?.(columns);
  return columns;

  async function readLines(): Promise<void> {
    for await (const raw of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        issues.add(lineNumber, null, `not valid JSON: ${(error as Error).message}`);
        if (issues.full) break;
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        issues.add(lineNumber, null, 'each line must be a JSON object');
        if (issues.full) break;
        continue;
      }
      const values = value as Record<string, unknown>;
      const forbidden = Object.keys(values).find((key) => forbiddenKeys.has(key));
      if (forbidden !== undefined) {
        issues.add(lineNumber, forbidden, forbiddenKeyMessage(forbidden));
        if (issues.full) break;
        continue;
      }
      for (const key of Object.keys(values)) {
        if (!known.has(key)) {
          known.add(key);
          columns.push(key);
        }
      }
      const pending = onRow({ line: lineNumber, values });
      if (pending !== undefined) await pending;
      if (issues.full) break;
    }
  }
}

/**
 * Turns collected issues into one TableInputError (exit 2) with `file:line:column:
 * message` lines. Character columns are found by re-reading just the lines concerned.
 */
export async function throwIssues(table: TableHandle, issues: readonly InputIssue[], header: readonly string[]): Promise<never> {
  const columns = await locateColumns(table, issues, header);
  throw new TableInputError(
    issues.map((issue, i) => ({ file: table.displayName, line: issue.line, column: columns[i]!, message: issue.message })),
    issues.length >= MAX_ISSUES,
  );
}

async function locateColumns(table: TableHandle, issues: readonly InputIssue[], header: readonly string[]): Promise<number[]> {
  const wanted = new Map<number, string>();
  for (const issue of issues) if (issue.column !== null && issue.line > 0) wanted.set(issue.line, '');
  if (wanted.size > 0) {
    const last = Math.max(...wanted.keys());
    try {
      const reader = createInterface({ input: openText(table), crlfDelay: Infinity });
      let n = 0;
      for await (const text of reader) {
        n++;
        if (wanted.has(n)) wanted.set(n, n === 1 ? text.replace(/^\uFEFF/, '') : text);
        if (n >= last) {
          reader.close();
          break;
        }
      }
    } catch {
      // positions are a courtesy; the message still names the column
    }
  }
  return issues.map((issue) => {
    if (issue.column === null) return 1;
    const text = wanted.get(issue.line) ?? '';
    if (table.format === 'ndjson') {
      const at = text.indexOf(JSON.stringify(issue.column));
      return at >= 0 ? at + 1 : 1;
    }
    const index = header.indexOf(issue.column);
    return index < 0 ? 1 : csvFieldStart(text, index);
  });
}

/** 1-based character column where field `index` of a CSV line starts (quote-aware). */
export function csvFieldStart(line: string, index: number): number {
  let field = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (field === index) return i + 1;
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) field++;
  }
  return field === index ? line.length + 1 : 1;
}
