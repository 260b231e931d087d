// Reading contact/response history files (SPEC §6 history format): CSV with a header,
// or NDJSON (one JSON object per line). Columns: customerId, offer, channel, date, and
// optionally package and event (`contact` default, `accept`, `reject`); other columns
// are ignored. Every error names file:line:column. Used by `offerops decide`, the
// server's import and the optimizer's IO; the rows are the engine's HistoryRow.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseIsoDate } from '../days.js';
import type { HistoryRow } from '../engine/types.js';

export class HistoryFileError extends Error {
  constructor(
    /** As the caller named it. */
    readonly file: string,
    /** 1-based; 0 when the file as a whole is at fault (unreadable, empty). */
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}:${column}: ${reason}` : `${file}: ${reason}`);
    this.name = 'HistoryFileError';
  }
}

export type HistoryFormat = 'csv' | 'ndjson';

const REQUIRED = ['customerId', 'offer', 'channel', 'date'] as const;
const EVENTS = new Set(['contact', 'accept', 'reject']);
/** Larger files are refused rather than read into memory (history is per run, not a warehouse). */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

/** CSV unless the name ends in .ndjson/.jsonl/.json, or the first non-blank character is `{`. */
export function detectHistoryFormat(file: string, text: string): HistoryFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return /^\s*\{/.test(text) ? 'ndjson' : 'csv';
}

export async function readHistoryFile(file: string, options: { displayName?: string } = {}): Promise<HistoryRow[]> {
  const name = options.displayName ?? file;
  let text: string;
  try {
    // The size is checked before reading: a file too large for one string fails clearly.
    if ((await stat(file)).size > MAX_HISTORY_BYTES) throw new HistoryFileError(name, 0, 0, `larger than ${MAX_HISTORY_BYTES} bytes`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof HistoryFileError) throw error;
    throw new HistoryFileError(name, 0, 0, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as the CSV reader allows
  return parseHistory(text, name, detectHistoryFormat(file, text));
}

export function parseHistory(text: string, file: string, format: HistoryFormat): HistoryRow[] {
  return format === 'csv' ? parseCsv(text, file) : parseNdjson(text, file);
}

/** One row from its fields; `at(field)` gives the column of a field for errors. */
function toRow(values: Record<string, unknown>, file: string, line: number, at: (field: string) => number): HistoryRow {
  const text = (field: string): string => {
    const value = values[field];
    if (typeof value === 'number' && Number.isFinite(value) && (field === 'customerId' || field === 'package')) return String(value);
    if (typeof value !== 'string' || value.trim() === '') throw new HistoryFileError(file, line, at(field), `${field} is required${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`);
    return value.trim();
  };
  const row: HistoryRow = { customerId: text('customerId'), offer: text('offer'), channel: text('channel'), date: text('date'), event: 'contact' };
  if (parseIsoDate(row.date) === null) throw new HistoryFileError(file, line, at('date'), `date must be a YYYY-MM-DD day, got ${JSON.stringify(row.date)}`);
  const event = values['event'];
  if (event !== undefined && event !== null && event !== '') {
    if (typeof event !== 'string' || !EVENTS.has(event.trim())) throw new HistoryFileError(file, line, at('event'), `event must be contact, accept or reject, got ${JSON.stringify(event)}`);
    row.event = event.trim() as HistoryRow['event'];
  }
  const pkg = values['package'];
  if (pkg !== undefined && pkg !== null && pkg !== '') {
    if (typeof pkg !== 'string' && typeof pkg !== 'number') throw new HistoryFileError(file, line, at('package'), `package must be a string, got ${JSON.stringify(pkg)}`);
    row.package = String(pkg);
  }
  return row;
}

interface CsvRecord {
  record: Record<string, string>;
  raw: string;
  info: { lines: number };
}

/** The 1-based character column where field `index` starts in a raw CSV record. */
function fieldColumn(raw: string, index: number): number {
  let field = 0;
  let quoted = false;
  let column = 1;
  for (let i = 0; i < raw.length && field < index; i++, column++) {
    const ch = raw[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) field++;
    else if (ch === '\n') column = 0;
  }
  return column;
}

function parseCsv(text: string, file: string): HistoryRow[] {
  let records: CsvRecord[];
  let header: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim())),
      info: true,
      raw: true,
      skip_empty_lines: true,
      trim: false,
    }) as unknown as CsvRecord[];
  } catch (error) {
    const e = error as { message: string; lines?: number };
    throw new HistoryFileError(file, e.lines ?? 1, 1, `not valid CSV: ${e.message.replace(/\s+/g, ' ')}`);
  }
  if (header.length === 0) throw new HistoryFileError(file, 0, 0, 'empty: a CSV history starts with a header line');
  for (const column of REQUIRED) {
    if (!header.includes(column)) throw new HistoryFileError(file, 1, 1, `the header has no '${column}' column (needs ${REQUIRED.join(', ')}; optional package, event)`);
  }
  const rows: HistoryRow[] = [];
  for (const { record, raw, info } of records) {
    const body = raw.replace(/\r?\n$/, '');
    const line = info.lines - (body.match(/\n/g)?.length ?? 0);
    rows.push(toRow(record, file, line, (field) => fieldColumn(body, header.indexOf(field))));
  }
  return rows;
}

function parseNdjson(text: string, file: string): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i]!.replace(/\r$/, '');
    const line = i + 1;
    if (source.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message);
      throw new HistoryFileError(file, line, position ? Number(position[1]) + 1 : 1, `not valid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HistoryFileError(file, line, 1, 'each line must be a JSON object');
    rows.push(
      toRow(value as Record<string, unknown>, file, line, (field) => {
        const at = source.indexOf(`"${field}"`);
        return at >= 0 ? at + 1 : 1;
      }),
    );
  }
  return rows;
}
