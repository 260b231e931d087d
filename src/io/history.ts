// Contact/response history files, the one reader `decide`, `optimize` and every later
// stage use (docs/decisions.md#history): CSV with a header, or NDJSON (one JSON object a
// line). Columns: customerId, offer, channel, date, and optionally package and event
// (`contact` default, `accept`, `reject`); other columns are ignored. The file is
// streamed (no size limit beyond the rows themselves) and every bad row is reported, each
// at file:line:column, in one HistoryFileError.
import { dayNumber } from '../days.js';
import type { HistoryRow } from '../engine/index.js';
import { detectTableFormat, IssueCollector, readTable, TableInputError, throwIssues, type TableFormat, type TableHandle, type TableProblem } from './table-reader.js';

/** A history file with problems: every one found, each at file:line:column. */
export class HistoryFileError extends TableInputError {
  constructor(problems: readonly TableProblem[], truncated = false) {
    super(problems, truncated);
    this.name = 'HistoryFileError';
  }
}

const REQUIRED = ['customerId', 'offer', 'channel', 'date'] as const;
const EVENTS: ReadonlySet<string> = new Set(['contact', 'accept', 'reject']);

/** A field as text: strings trimmed, numbers (NDJSON ids) as written; undefined when absent or not text. */
function text(values: Record<string, unknown>, column: string): string | undefined {
  const v = values[column];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Why a record is not a history row: the field at fault (null when the record lacks it) and the reason. */
export interface HistoryFieldProblem {
  field: string | null;
  reason: string;
}

/**
 * One history row from one record's fields, as a file line or a behaviour test's case
 * writes them (docs/behaviour-tests.md): converted (ids and packages given as numbers
 * become strings, text is trimmed, event defaults to contact) and checked, or the field
 * at fault. The one conversion every reader of history rows shares.
 */
export function historyRowFromFields(values: Record<string, unknown>): { row: HistoryRow } | { problem: HistoryFieldProblem } {
  const required: string[] = [];
  for (const column of REQUIRED) {
    const value = text(values, column);
    if (value === undefined || value === '') {
      const raw = values[column];
      return { problem: raw === undefined ? { field: null, reason: `'${column}' is required (no such field)` } : { field: column, reason: `'${column}' is required, got ${JSON.stringify(raw)}` } };
    }
    required.push(value);
  }
  const [customerId, offer, channel, date] = required as [string, string, string, string];
  if (Number.isNaN(dayNumber(date))) return { problem: { field: 'date', reason: `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}` } };
  const rawEvent = values['event'];
  const event = rawEvent === undefined || rawEvent === null || rawEvent === '' ? 'contact' : text(values, 'event');
  if (event === undefined || !EVENTS.has(event)) return { problem: { field: 'event', reason: `'event' must be contact, accept or reject, got ${JSON.stringify(rawEvent)}` } };
  const row: HistoryRow = { customerId, offer, channel, date, event: event as HistoryRow['event'] };
  const rawPackage = values['package'];
  if (rawPackage !== undefined && rawPackage !== null && rawPackage !== '') {
    const pkg = text(values, 'package');
    if (pkg === undefined) return { problem: { field: 'package', reason: `'package' must be a string, got ${JSON.stringify(rawPackage)}` } };
    if (pkg !== '') row.package = pkg;
  }
  return { row };
}

/** Reads a history table; throws HistoryFileError listing every bad row. */
export async function readHistory(table: TableHandle): Promise<HistoryRow[]> {
  const issues = new IssueCollector();
  const rows: HistoryRow[] = [];
  let missing: string[] = [];
  const columns = await readTable(
    table,
    issues,
    ({ line, values }) => {
      if (missing.length > 0) return; // the header already says what is wrong
      const converted = historyRowFromFields(values);
      if ('problem' in converted) issues.add(line, converted.problem.field, converted.problem.reason);
      else rows.push(converted.row);
    },
    (header) => {
      if (table.format !== 'csv') return;
      missing = REQUIRED.filter((column) => !header.includes(column));
      if (missing.length > 0) issues.add(1, null, `the header has no ${missing.map((c) => `'${c}'`).join(', ')} column (needs ${REQUIRED.join(', ')}; optional package, event)`);
    },
  );
  if (issues.issues.length > 0) {
    try {
      await throwIssues(table, issues.issues, columns);
    } catch (error) {
      if (error instanceof TableInputError) throw new HistoryFileError(error.problems, error.truncated);
      throw error;
    }
  }
  return rows;
}

/** Reads a history file (CSV or NDJSON, by its name or else its first character). */
export async function readHistoryFile(file: string, options: { displayName?: string } = {}): Promise<HistoryRow[]> {
  try {
    return await readHistory({ file, displayName: options.displayName ?? file, format: await detectTableFormat(file) });
  } catch (error) {
    if (error instanceof TableInputError && !(error instanceof HistoryFileError)) throw new HistoryFileError(error.problems, error.truncated);
    throw error;
  }
}

/** Reads history from text already in memory; `file` names it in messages. */
export function parseHistory(text: string, file: string, format: TableFormat): Promise<HistoryRow[]> {
  return readHistory({ file, displayName: file, format, text });
}
