// Reads the optimizer's own inputs (docs/optimization.md#running-it): proposed contacts
// and the audience (history has src/io's one reader), from CSV or NDJSON, converting
// values to their declared types. Every value that does not convert is reported at
// file:line:column; nothing is half-read.
import type { AttributeDeclaration } from '../../bundle/index.js';
import { dayNumber, parseIsoDate } from '../../days.js';
import { defaultPackage } from '../../engine/index.js';
import { convertAttribute } from '../../expr/index.js';
import { STANDARD_COLUMNS, type ProposedColumnsBuilder } from '../proposed-columns.js';
import type { AudienceMember, ProposedContact } from '../types.js';
import { IssueCollector, readTable, readTableRecords, throwIssues, type CsvReadOptions, type TableHandle } from '../../io/index.js';

export interface ProposedTable {
  rows: ProposedContact[];
  /** The line each row was read from (for messages found later). */
  lines: Int32Array;
  /** Column names in input order. */
  columns: string[];
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether `text` is a decimal number as a CSV cell may hold one: an optional sign, digits
 * with an optional point (or a point and digits), an optional exponent — exactly
 * /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, checked character by character (it runs on
 * every cell of millions of rows).
 */
export function isDecimalText(text: string): boolean {
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i); // + -
  let digits = 0;
  for (; isDigit(c); c = text.charCodeAt(++i)) digits++;
  if (c === 46) {
    // .
    c = text.charCodeAt(++i);
    for (; isDigit(c); c = text.charCodeAt(++i)) digits++;
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    // e E
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    let exponent = 0;
    for (; isDigit(c); c = text.charCodeAt(++i)) exponent++;
    if (exponent === 0) return false;
  }
  return i === text.length;
}

// Powers of ten that are exact doubles (up to 10^22).
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The number a decimal text stands for (Number(text)), or NaN when isDecimalText says it is
 * none. A text of at most 15 digits and no exponent — what a score or a cost usually is —
 * is computed as its digits over a power of ten: both are exact doubles, so the one
 * division rounds exactly as the conversion of the text does. Anything else goes to Number.
 */
export function decimalValue(text: string): number {
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let digits = 0;
  let mantissa = 0;
  for (; isDigit(c); c = text.charCodeAt(++i)) {
    mantissa = mantissa * 10 + (c - 48);
    digits++;
  }
  let fraction = 0;
  if (c === 46) {
    c = text.charCodeAt(++i);
    for (; isDigit(c); c = text.charCodeAt(++i)) {
      mantissa = mantissa * 10 + (c - 48);
      fraction++;
    }
  }
  if (digits + fraction === 0) return Number.NaN;
  if (i === text.length && digits + fraction <= 15) {
    const value = fraction === 0 ? mantissa : mantissa / EXACT_POWERS_OF_TEN[fraction]!;
    return negative ? -value : value;
  }
  return isDecimalText(text) ? Number(text) : Number.NaN;
}

/** A CSV cell as a typed field: a number where it parses as one, else the text. */
export function typedField(value: unknown): string | number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return value;
    const n = decimalValue(t);
    return Number.isNaN(n) ? value : n;
  }
  if (typeof value === 'boolean') return String(value);
  return null;
}

function text(values: Record<string, unknown>, column: string): string | undefined {
  const v = values[column];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A required value that is missing: its column absent from the file (`absent`) or its cell empty. */
function addMissing(issues: IssueCollector, line: number, column: string, absent: boolean): void {
  issues.add(line, absent ? null : column, `'${column}' is required${absent ? ' (no such column)' : ' and is empty'}`);
}

function requireText(values: Record<string, unknown>, column: string, line: number, issues: IssueCollector): string | null {
  const v = text(values, column);
  if (v === undefined || v === '') {
    addMissing(issues, line, column, values[column] === undefined);
    return null;
  }
  return v;
}

function requireDate(values: Record<string, unknown>, line: number, issues: IssueCollector): string | null {
  const v = requireText(values, 'date', line, issues);
  if (v === null) return null;
  if (!parseIsoDate(v)) {
    issues.add(line, 'date', `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(v)}`);
    return null;
  }
  return v;
}

function optionalNumber(values: Record<string, unknown>, column: string, line: number, issues: IssueCollector, fallback: number | null): number | null {
  const raw = values[column];
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (fallback === null) addMissing(issues, line, column, raw === undefined);
    return fallback;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? decimalValue(raw.trim()) : NaN;
  if (!Number.isFinite(n)) {
    issues.add(line, column, `'${column}' must be a number, got ${JSON.stringify(raw)}`);
    return null;
  }
  return n;
}

const PROPOSED_COLUMNS = ['customerId', 'offer', 'channel', 'date', 'score'] as const;

interface StandardFields {
  customerId: string;
  offer: string;
  channel: string;
  date: string;
  score: number;
  cost: number;
}

/** A proposed row's required and standard columns, checked (each problem added at its line); null when the row cannot be kept. */
function standardFields(values: Record<string, unknown>, line: number, issues: IssueCollector, offers: ReadonlySet<string>): StandardFields | null {
  const customerId = requireText(values, 'customerId', line, issues);
  const offer = requireText(values, 'offer', line, issues);
  const channel = requireText(values, 'channel', line, issues);
  const date = requireDate(values, line, issues);
  const score = optionalNumber(values, 'score', line, issues, null);
  const cost = optionalNumber(values, 'cost', line, issues, 0);
  const known = offer !== null && offers.has(offer);
  if (offer !== null && !known) issues.add(line, 'offer', `offer '${offer}' is not an offer of the bundle`);
  if (customerId === null || offer === null || !known || channel === null || date === null || score === null || cost === null) return null;
  return { customerId, offer, channel, date, score, cost };
}

/** `lines` with row `index`'s line set, grown (doubled) when full. */
function withLine(lines: Int32Array<ArrayBuffer>, index: number, line: number): Int32Array<ArrayBuffer> {
  let out = lines;
  if (index === out.length) {
    out = new Int32Array(lines.length * 2);
    out.set(lines);
  }
  out[index] = line;
  return out;
}

/** Whether a CSV header lacks a required column (said once, at line 1). */
function proposedHeaderMissing(table: TableHandle, header: readonly string[], issues: IssueCollector): boolean {
  if (table.format !== 'csv') return false;
  const missing = PROPOSED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) issues.add(1, null, `the header has no ${missing.map((c) => `'${c}'`).join(', ')} column (needs ${PROPOSED_COLUMNS.join(', ')}; optional cost, package and any others)`);
  return missing.length > 0;
}

/** Proposed contacts; `offers` are the bundle's offer names (an unknown offer is an error). */
export async function readProposed(table: TableHandle, offers: ReadonlySet<string>): Promise<ProposedTable> {
  const issues = new IssueCollector();
  const rows: ProposedContact[] = [];
  let lines = new Int32Array(1024);
  let headerMissing = false;
  const columns = await readTable(
    table,
    issues,
    ({ line, values }) => {
      if (headerMissing) return; // said once, at the header
      const standard = standardFields(values, line, issues, offers);
      if (standard === null) return;
      const { customerId, offer, channel, date, score, cost } = standard;
      const pkg = text(values, 'package');
      // The row's own object becomes its typed fields (no second copy per row).
      const fields = values as Record<string, string | number>;
      for (const key in fields) {
        const typed = typedField(fields[key]);
        if (typed === null) delete fields[key];
        else fields[key] = typed;
      }
      const packageName = pkg !== undefined && pkg !== '' ? pkg : defaultPackage(customerId, channel, date);
      // `contact` in interactionsWhere sees the defaults too, as the runtime's contact does.
      Object.assign(fields, { customerId, offer, channel, date, score, cost, package: packageName });
      lines = withLine(lines, rows.length, line);
      rows.push({ customerId, offer, channel, date, score, cost, package: packageName, fields });
    },
    (header) => void (headerMissing = proposedHeaderMissing(table, header, issues)),
  );
  if (issues.issues.length > 0) await throwIssues(table, issues.issues, columns);
  return { rows, lines: lines.slice(0, rows.length), columns };
}

export interface ProposedFile {
  /** Rows read from this file (data rows in file order; they follow the previous files' rows in the columns). */
  rows: number;
  /** The line each row was read from (for messages found later). */
  lines: Int32Array;
  /** Column names in input order. */
  columns: string[];
  /** 2 when the file was read in two halves at once (read-proposed.ts). */
  threads?: 1 | 2;
}

/**
 * Proposed contacts into columns on this thread (readProposedColumns in
 * read-proposed.ts may read a large CSV file in two halves, one on a worker thread).
 */
export async function readProposedColumnsHere(
  table: TableHandle,
  offers: ReadonlySet<string>,
  builder: ProposedColumnsBuilder,
  /** Called with the rows read so far, every 65,536 rows. */
  onRows?: (rows: number) => void,
): Promise<ProposedFile> {
  return table.format === 'csv' ? readProposedCsv(table, offers, builder, onRows) : readProposedObjects(table, offers, builder, onRows);
}

/** Where a proposed CSV's columns are (-1: none) and its other columns, in the order a row object would list them. */
interface ProposedLayout {
  customerId: number;
  offer: number;
  channel: number;
  date: number;
  score: number;
  cost: number;
  package: number;
  extraNames: string[];
  extraAt: number[];
}

function proposedLayout(header: readonly string[]): ProposedLayout {
  // A row object takes a repeated column's last value, and lists integer-like names first:
  // an object built from the header gives both.
  const position: Record<string, number> = {};
  header.forEach((name, i) => (position[name] = i));
  const at = (name: string): number => (Object.hasOwn(position, name) ? position[name]! : -1);
  const extraNames: string[] = [];
  const extraAt: number[] = [];
  for (const name in position) {
    if (STANDARD_COLUMNS.has(name)) continue;
    extraNames.push(name);
    extraAt.push(position[name]!);
  }
  return { customerId: at('customerId'), offer: at('offer'), channel: at('channel'), date: at('date'), score: at('score'), cost: at('cost'), package: at('package'), extraNames, extraAt };
}

/** A required cell, trimmed; null (with the problem added) when it is empty or its column missing. */
function requiredCell(record: readonly string[], at: number, column: string, line: number, issues: IssueCollector): string | null {
  const v = at < 0 ? '' : record[at]!.trim();
  if (v !== '') return v;
  addMissing(issues, line, column, at < 0);
  return null;
}

/** A number cell: `fallback` when it is empty or its column missing (a problem when there is no fallback), null when it is no number. */
function numberCell(record: readonly string[], at: number, column: string, line: number, issues: IssueCollector, fallback: number | null): number | null {
  const raw = at < 0 ? undefined : record[at]!;
  const t = raw === undefined ? '' : raw.trim();
  if (t === '') {
    if (fallback === null) addMissing(issues, line, column, raw === undefined);
    return fallback;
  }
  const n = decimalValue(t);
  if (!Number.isFinite(n)) {
    issues.add(line, column, `'${column}' must be a number, got ${JSON.stringify(raw)}`);
    return null;
  }
  return n;
}

/** Whether `pkg` is the row's default package (defaultPackage's `customerId|channel|date`), compared in place rather than built. */
function isDefaultPackage(pkg: string, customerId: string, channel: string, date: string): boolean {
  const c = customerId.length;
  const h = channel.length;
  return (
    pkg.length === c + h + date.length + 2 &&
    pkg.startsWith(customerId) &&
    pkg.charCodeAt(c) === 124 && // |
    pkg.startsWith(channel, c + 1) &&
    pkg.charCodeAt(c + h + 1) === 124 &&
    pkg.endsWith(date)
  );
}

/**
 * Proposed contacts from CSV, record by record (docs/optimization.md#reading-csv): the
 * same checks, messages and columns as for row objects, without an object, a regex or a
 * date parse per row.
 */
export async function readProposedCsv(table: TableHandle, offers: ReadonlySet<string>, builder: ProposedColumnsBuilder, onRows?: (rows: number) => void, part: CsvReadOptions = {}): Promise<ProposedFile> {
  const issues = new IssueCollector();
  const first = builder.length;
  let lines = new Int32Array(1024);
  let headerMissing = false;
  let layout: ProposedLayout | null = null;
  let slots: number[] | null = null; // the builder's slots of layout.extraNames, at the first row added
  let extraValues: (string | number)[] = [];
  // Rows of a customer and a campaign share their dates: the last one's day number is kept.
  let lastDate = '';
  let lastDay = Number.NaN;
  const columns = await readTableRecords(
    table,
    issues,
    (record, line) => {
      if (headerMissing || layout === null) return; // said once, at the header
      const customerId = requiredCell(record, layout.customerId, 'customerId', line, issues);
      const offer = requiredCell(record, layout.offer, 'offer', line, issues);
      const channel = requiredCell(record, layout.channel, 'channel', line, issues);
      const date = requiredCell(record, layout.date, 'date', line, issues);
      let day = Number.NaN;
      if (date !== null) {
        if (date !== lastDate) {
          lastDate = date;
          lastDay = dayNumber(date);
        }
        day = lastDay;
        if (Number.isNaN(day)) issues.add(line, 'date', `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
      }
      const score = numberCell(record, layout.score, 'score', line, issues, null);
      const cost = numberCell(record, layout.cost, 'cost', line, issues, 0);
      const known = offer !== null && offers.has(offer);
      if (offer !== null && !known) issues.add(line, 'offer', `offer '${offer}' is not an offer of the bundle`);
      if (customerId === null || offer === null || !known || channel === null || date === null || Number.isNaN(day) || score === null || cost === null) return;
      if (issues.issues.length > 0) return; // the read fails anyway: keep nothing more
      const pkg = layout.package < 0 ? '' : record[layout.package]!.trim();
      if (slots === null) {
        slots = layout.extraNames.map((name) => builder.extraSlot(name));
        extraValues = new Array<string | number>(slots.length);
      }
      const extraAt = layout.extraAt;
      for (let i = 0; i < extraAt.length; i++) {
        const value = record[extraAt[i]!]!;
        const t = value.trim();
        const n = t === '' ? Number.NaN : decimalValue(t);
        extraValues[i] = Number.isNaN(n) ? value : n;
      }
      const index = builder.length - first;
      lines = withLine(lines, index, line);
      if (onRows && (index & 0xffff) === 0xffff) onRows(builder.length + 1);
      builder.addRow(customerId, offer, channel, day, score, cost, pkg !== '' && !isDefaultPackage(pkg, customerId, channel, date) ? pkg : null, slots, extraValues);
    },
    (header) => {
      headerMissing = proposedHeaderMissing(table, header, issues);
      layout = proposedLayout(header);
    },
    part,
  );
  if (issues.issues.length > 0) await throwIssues(table, issues.issues, columns);
  const rows = builder.length - first;
  return { rows, lines: lines.slice(0, rows), columns };
}

/** Proposed contacts from NDJSON (each row an object of its own). */
async function readProposedObjects(table: TableHandle, offers: ReadonlySet<string>, builder: ProposedColumnsBuilder, onRows?: (rows: number) => void): Promise<ProposedFile> {
  const issues = new IssueCollector();
  const first = builder.length;
  let lines = new Int32Array(1024);
  let headerMissing = false;
  const extra: [string, string | number][] = [];
  const columns = await readTable(
    table,
    issues,
    ({ line, values }) => {
      if (headerMissing) return; // said once, at the header
      const standard = standardFields(values, line, issues, offers);
      if (standard === null) return;
      const { customerId, offer, channel, date, score, cost } = standard;
      if (issues.issues.length > 0) return; // the read fails anyway: keep nothing more
      const pkg = text(values, 'package');
      extra.length = 0;
      for (const key in values) {
        if (STANDARD_COLUMNS.has(key)) continue;
        const typed = typedField(values[key]);
        if (typed !== null) extra.push([key, typed]);
      }
      const index = builder.length - first;
      lines = withLine(lines, index, line);
      if (onRows && (index & 0xffff) === 0xffff) onRows(builder.length + 1);
      builder.add(customerId, offer, channel, dayNumber(date), score, cost, pkg !== undefined && pkg !== '' && pkg !== defaultPackage(customerId, channel, date) ? pkg : null, extra);
    },
    (header) => void (headerMissing = proposedHeaderMissing(table, header, issues)),
  );
  if (issues.issues.length > 0) await throwIssues(table, issues.issues, columns);
  const rows = builder.length - first;
  return { rows, lines: lines.slice(0, rows), columns };
}

/**
 * The audience: `customerId` (or the level's id field) plus profile attributes,
 * converted with the declared types; undeclared columns are kept as read.
 */
export async function readAudience(
  table: TableHandle,
  attributes: Record<string, AttributeDeclaration>,
  idField = 'customerId',
): Promise<AudienceMember[]> {
  const issues = new IssueCollector();
  const members: AudienceMember[] = [];
  const columns = await readTable(table, issues, ({ line, values }) => {
    const idColumn = values['customerId'] !== undefined ? 'customerId' : idField;
    const customerId = requireText(values, idColumn, line, issues);
    const profile: Record<string, unknown> = {};
    let ok = customerId !== null;
    for (const [key, value] of Object.entries(values)) {
      const declaration = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
      if (!declaration) {
        profile[key] = value;
        continue;
      }
      // An empty CSV cell is a missing attribute (expressions reading it count as false).
      if (value === null || value === undefined || value === '') continue;
      const converted = convertAttribute(declaration, value);
      if (converted.ok) profile[key] = plainValue(converted.value, value);
      else {
        issues.add(line, key, `'${key}' must be ${converted.expected}, got ${JSON.stringify(value)}`);
        ok = false;
      }
    }
    if (ok && customerId !== null) members.push({ customerId, profile });
  });
  if (issues.issues.length > 0) await throwIssues(table, issues.issues, columns);
  return members;
}

// Converted values in plain JSON form: ints and doubles as numbers, dates as the ISO text.
function plainValue(converted: unknown, raw: unknown): unknown {
  if (typeof converted === 'bigint') return Number(converted);
  if (converted instanceof Date) return typeof raw === 'string' ? raw.trim() : converted.toISOString().slice(0, 10);
  if (Array.isArray(converted)) return converted.map((item) => plainValue(item, typeof item === 'string' ? item : undefined));
  // A map attribute (JSON text in a CSV cell): its int values back to numbers, key by key.
  if (typeof converted === 'object' && converted !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(converted)) Object.defineProperty(out, key, { value: plainValue(item, undefined), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return converted;
}
