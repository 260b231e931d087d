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
import { UserError } from '../errors.js';

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

/** The table's content as a stream of bytes (what the CSV parser reads fastest). */
function openBytes(table: TableHandle): Readable {
  return table.text !== undefined ? Readable.from([Buffer.from(table.text, 'utf8')]) : createReadStream(table.file, { highWaterMark: 1 << 20 });
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
  try {
    // A stream error does not travel through pipe(): check the file first.
    if (table.text === undefined) {
      const info = await stat(table.file);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return table.format === 'csv' ? await readCsv(table, issues, onRow, onHeader) : await readNdjson(table, issues, onRow, onHeader);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new TableInputError([{ file: table.displayName, line: 0, column: 0, message: `cannot read the file (${code === 'ENOENT' ? 'no such file' : code})` }]);
    }
    throw error;
  }
}

async function readCsv(
  table: TableHandle,
  issues: IssueCollector,
  onRow: (row: TableRow) => void | Promise<void>,
  onHeader?: (columns: string[]) => void,
): Promise<string[]> {
  // Lines are counted here rather than with csv-parse's `info` (which halves its speed):
  // a record takes one line plus the line breaks inside its quoted fields; a blank line
  // comes through as one empty field.
  const parser = openBytes(table).pipe(parse({ bom: true, relax_column_count: true, trim: false, max_record_size: MAX_RECORD_CHARS }));
  let header: string[] | null = null;
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      const start = line;
      for (let i = 0; i < record.length; i++) {
        const field = record[i]!;
        if (field.length > 0 && field.indexOf('\n') !== -1) {
          line += field.split('\n').length - 1;
          table.multiline = true;
        } else if (field.length > 0 && field.indexOf('\r') !== -1) {
          // A bare CR inside quotes is no line for csv-parse but is one for a line reader:
          // the output must then be written from records, not copied line by line.
          table.multiline = true;
        }
      }
      if (record.length === 1 && record[0] === '') continue;
      if (header === null) {
        header = record.map((name) => name.trim());
        const seen = new Set<string>();
        for (const name of header) {
          if (name === '') issues.add(start, null, 'the header has an empty column name');
          else if (seen.has(name)) issues.add(start, name, `the header names column '${name}' twice`);
          else if (forbiddenKeys.has(name)) issues.add(start, name, forbiddenKeyMessage(name));
          seen.add(name);
        }
        onHeader?.(header);
        continue;
      }
      if (record.length !== header.length) {
        issues.add(start, null, `the row has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${header.length}`);
        if (issues.full) break;
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = record[i];
      const pending = onRow({ line: start, values });
      if (pending !== undefined) await pending;
      if (issues.full) break;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const e = error as CsvError & { lines?: number };
      issues.add(e.lines ?? line + 1, null, `not valid CSV: ${error.message.replace(/^[A-Za-z ]+: /, '')}`);
    } else throw error;
  }
  if (header === null) issues.add(1, null, 'the file is empty: a CSV file starts with a header line');
  return header ?? [];
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
