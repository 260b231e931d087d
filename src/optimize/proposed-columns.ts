// The proposed contacts as columns (docs/optimization.md#memory): what the optimizer reads
// of each row — customer, offer, channel, day, score, cost, package and the other columns'
// typed values — in typed arrays with interned names, so a row costs tens of bytes instead
// of an object per row. The rows themselves are not held: the output is written by a
// second pass over the input file (io/write-rows.ts). `contact` for an expression is
// rebuilt for one row at a time when a rule asks for it.
import { dayNumber, isoDay } from '../days.js';
import { defaultPackage } from '../engine/index.js';
import { ownString } from '../io/index.js';
import { OptimizeInputError } from './input-error.js';
import type { ProposedColumns, ProposedContact } from './types.js';

export type { ExtraColumn, ProposedColumns } from './types.js';

export function isColumns(proposed: readonly ProposedContact[] | ProposedColumns): proposed is ProposedColumns {
  return !Array.isArray(proposed) && (proposed as ProposedColumns).kind === 'columns';
}

/** The columns every row has; any other column is an ExtraColumn. */
export const STANDARD_COLUMNS: ReadonlySet<string> = new Set(['customerId', 'offer', 'channel', 'date', 'score', 'cost', 'package']);

class Interner {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      const own = ownString(name);
      this.ids.set(own, id);
      this.names.push(own);
    }
    return id;
  }
}

function grow<T extends Int32Array | Float64Array>(array: T, size: number, fill: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== 0) next.fill(fill, array.length);
  return next;
}

interface ExtraBuilder {
  name: string;
  hasNumber: boolean;
  number: Float64Array;
  text: Int32Array;
  texts: Interner;
}

/** An extra column's typed value for one row. */
function setExtra(column: ExtraBuilder, row: number, value: string | number): void {
  if (typeof value === 'number') {
    column.number[row] = value;
    column.hasNumber = true;
  } else column.text[row] = column.texts.id(value);
}

/** Appends rows one at a time (from one or several files) and hands out the finished columns. */
export class ProposedColumnsBuilder {
  private size = 0;
  private capacity: number;
  private customers = new Interner();
  private offers = new Interner();
  private channels = new Interner();
  private packages = new Interner();
  private customer: Int32Array;
  private offer: Int32Array;
  private channel: Int32Array;
  private day: Int32Array;
  private score: Float64Array;
  private cost: Float64Array;
  private pkg: Int32Array;
  private readonly extra = new Map<string, ExtraBuilder>();
  /** The extra columns in the order they were created (addRow's slots). */
  private readonly extraSlots: ExtraBuilder[] = [];
  // Rows come grouped by customer: the last one's id saves most lookups.
  private lastCustomer = '';
  private lastCustomerId = -1;

  constructor(expectedRows = 1024) {
    this.capacity = Math.max(16, expectedRows);
    this.customer = new Int32Array(this.capacity);
    this.offer = new Int32Array(this.capacity);
    this.channel = new Int32Array(this.capacity);
    this.day = new Int32Array(this.capacity);
    this.score = new Float64Array(this.capacity);
    this.cost = new Float64Array(this.capacity);
    this.pkg = new Int32Array(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** One row; `package` null is the default package. `extra` values are already typed (numbers where they parse). */
  add(customerId: string, offer: string, channel: string, day: number, score: number, cost: number, pkg: string | null, extra: Iterable<[string, string | number]>): void {
    const row = this.addStandard(customerId, offer, channel, day, score, cost, pkg);
    for (const [name, value] of extra) setExtra(this.extra.get(name) ?? this.addExtra(name), row, value);
  }

  /**
   * The slot of extra column `name` for addRow, the column created now when it is new:
   * resolve the slots of a file's columns when its first row is added (add creates a
   * column at the first value it gets), in the order add would see them.
   */
  extraSlot(name: string): number {
    const column = this.extra.get(name) ?? this.addExtra(name);
    return this.extraSlots.indexOf(column);
  }

  /** One row whose extra values (typed, none missing) go to the columns at `slots` (from extraSlot). */
  addRow(customerId: string, offer: string, channel: string, day: number, score: number, cost: number, pkg: string | null, slots: readonly number[], values: readonly (string | number)[]): void {
    const row = this.addStandard(customerId, offer, channel, day, score, cost, pkg);
    for (let i = 0; i < slots.length; i++) setExtra(this.extraSlots[slots[i]!]!, row, values[i]!);
  }

  /** A new row with its standard columns set; its number. */
  private addStandard(customerId: string, offer: string, channel: string, day: number, score: number, cost: number, pkg: string | null): number {
    if (this.size === this.capacity) this.resize(Math.ceil(this.capacity * 1.5));
    const row = this.size++;
    if (customerId !== this.lastCustomer || this.lastCustomerId === -1) {
      this.lastCustomerId = this.customers.id(customerId);
      this.lastCustomer = this.customers.names[this.lastCustomerId]!;
    }
    this.customer[row] = this.lastCustomerId;
    this.offer[row] = this.offers.id(offer);
    this.channel[row] = this.channels.id(channel);
    this.day[row] = day;
    this.score[row] = score;
    this.cost[row] = cost;
    this.pkg[row] = pkg === null ? -1 : this.packages.id(pkg);
    return row;
  }

  /** Back to empty, as new (names forgotten too); the arrays are kept for the rows to come. */
  clear(): void {
    this.size = 0;
    this.customers = new Interner();
    this.offers = new Interner();
    this.channels = new Interner();
    this.packages = new Interner();
    this.extra.clear();
    this.extraSlots.length = 0;
    this.lastCustomer = '';
    this.lastCustomerId = -1;
  }

  /**
   * Appends finished columns (a later part of the same input, read on its own): names are
   * numbered as if its rows had been added here one by one, so the result is the table
   * one builder would have made of both parts.
   */
  append(columns: ProposedColumns): void {
    const n = columns.length;
    if (this.size + n > this.capacity) this.resize(this.size + n);
    const at = this.size;
    const ids = (interner: Interner, names: readonly string[]): Int32Array => {
      const map = new Int32Array(names.length);
      for (let i = 0; i < names.length; i++) map[i] = interner.id(names[i]!);
      return map;
    };
    const customers = ids(this.customers, columns.customerIds);
    const offers = ids(this.offers, columns.offerNames);
    const channels = ids(this.channels, columns.channelNames);
    const packages = ids(this.packages, columns.packageNames);
    for (let i = 0; i < n; i++) {
      this.customer[at + i] = customers[columns.customer[i]!]!;
      this.offer[at + i] = offers[columns.offer[i]!]!;
      this.channel[at + i] = channels[columns.channel[i]!]!;
      const pkg = columns.pkg[i]!;
      this.pkg[at + i] = pkg === -1 ? -1 : packages[pkg]!;
    }
    this.day.set(columns.day, at);
    this.score.set(columns.score, at);
    this.cost.set(columns.cost, at);
    for (const extra of columns.extra) {
      const column = this.extra.get(extra.name) ?? this.addExtra(extra.name);
      if (extra.number !== null) {
        column.number.set(extra.number, at);
        column.hasNumber = true;
      }
      if (extra.text !== null) {
        const texts = ids(column.texts, extra.texts);
        for (let i = 0; i < n; i++) {
          const text = extra.text[i]!;
          if (text !== -1) column.text[at + i] = texts[text]!;
        }
      }
    }
    this.size += n;
    this.lastCustomerId = -1;
  }

  private addExtra(name: string): ExtraBuilder {
    const column: ExtraBuilder = { name: ownString(name), hasNumber: false, number: new Float64Array(this.capacity).fill(NaN), text: new Int32Array(this.capacity).fill(-1), texts: new Interner() };
    this.extra.set(column.name, column);
    this.extraSlots.push(column);
    return column;
  }

  private resize(capacity: number): void {
    this.customer = grow(this.customer, capacity, 0);
    this.offer = grow(this.offer, capacity, 0);
    this.channel = grow(this.channel, capacity, 0);
    this.day = grow(this.day, capacity, 0);
    this.score = grow(this.score, capacity, 0);
    this.cost = grow(this.cost, capacity, 0);
    this.pkg = grow(this.pkg, capacity, 0);
    for (const column of this.extra.values()) {
      column.number = grow(column.number, capacity, NaN);
      column.text = grow(column.text, capacity, -1);
    }
    this.capacity = capacity;
  }

  /** The columns, trimmed to the rows added (copies, so the builder's spare room is freed). */
  finish(): ProposedColumns {
    const n = this.size;
    const columns: ProposedColumns = {
      kind: 'columns',
      length: n,
      customerIds: this.customers.names,
      customer: this.customer.slice(0, n),
      offerNames: this.offers.names,
      offer: this.offer.slice(0, n),
      channelNames: this.channels.names,
      channel: this.channel.slice(0, n),
      day: this.day.slice(0, n),
      score: this.score.slice(0, n),
      cost: this.cost.slice(0, n),
      packageNames: this.packages.names,
      pkg: this.pkg.slice(0, n),
      // A column of numbers only keeps no text ids, and a column of text no numbers.
      extra: [...this.extra.values()].map((c) => ({
        name: c.name,
        number: c.hasNumber ? c.number.slice(0, n) : null,
        text: c.texts.names.length > 0 ? c.text.slice(0, n) : null,
        texts: c.texts.names,
      })),
    };
    // The builder's own arrays are let go (it is done; the copies above are the table).
    this.extra.clear();
    this.extraSlots.length = 0;
    this.lastCustomer = '';
    this.lastCustomerId = -1;
    this.capacity = 0;
    this.size = 0;
    this.customer = this.offer = this.channel = this.day = this.pkg = new Int32Array(0);
    this.score = this.cost = new Float64Array(0);
    return columns;
  }
}

/** The columns of contacts given as objects (the library API); a bad date, score or cost is an input error naming the row. */
export function columnsOfContacts(contacts: readonly ProposedContact[]): ProposedColumns {
  const builder = new ProposedColumnsBuilder(contacts.length);
  contacts.forEach((row, i) => {
    const day = dayNumber(row.date);
    if (Number.isNaN(day)) throw new OptimizeInputError('proposed', i, 'date', `'date' must be a calendar date YYYY-MM-DD, got ${JSON.stringify(row.date)}`);
    if (!Number.isFinite(row.score)) throw new OptimizeInputError('proposed', i, 'score', `'score' must be a number, got ${JSON.stringify(row.score)}`);
    const pkg = row.package && row.package !== defaultPackage(row.customerId, row.channel, row.date) ? row.package : null;
    const extra: [string, string | number][] = [];
    for (const key in row.fields) {
      if (STANDARD_COLUMNS.has(key)) continue;
      const value = row.fields[key];
      if (typeof value === 'number' || typeof value === 'string') extra.push([key, value]);
    }
    builder.add(row.customerId, row.offer, row.channel, day, row.score, Number.isFinite(row.cost) ? row.cost : 0, pkg, extra);
  });
  return builder.finish();
}

/** The rows at `keep` (ascending), as a table of their own. */
export function takeRows(table: ProposedColumns, keep: readonly number[]): ProposedColumns {
  const n = keep.length;
  // Loops: `from` with a mapping function calls it per row (seconds at ten million rows).
  const pick32 = (source: Int32Array): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = source[keep[i]!]!;
    return out;
  };
  const pick64 = (source: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = source[keep[i]!]!;
    return out;
  };
  return {
    ...table,
    length: n,
    customer: pick32(table.customer),
    offer: pick32(table.offer),
    channel: pick32(table.channel),
    day: pick32(table.day),
    score: pick64(table.score),
    cost: pick64(table.cost),
    pkg: pick32(table.pkg),
    extra: table.extra.map((c) => ({ ...c, number: c.number && pick64(c.number), text: c.text && pick32(c.text) })),
  };
}

export function rowDate(table: ProposedColumns, row: number): string {
  return isoDay(table.day[row]!);
}

export function rowPackage(table: ProposedColumns, row: number): string {
  const id = table.pkg[row]!;
  if (id !== -1) return table.packageNames[id]!;
  return defaultPackage(table.customerIds[table.customer[row]!]!, table.channelNames[table.channel[row]!]!, rowDate(table, row));
}

/** A column's typed value for one row (undefined when the row has none). */
export function rowValue(table: ProposedColumns, row: number, name: string): string | number | undefined {
  return columnReader(table, name)(row);
}

/** Reads one column's typed value row by row: the column is looked up once, not per row. */
export function columnReader(table: ProposedColumns, name: string): (row: number) => string | number | undefined {
  switch (name) {
    case 'customerId':
      return (row) => table.customerIds[table.customer[row]!];
    case 'offer':
      return (row) => table.offerNames[table.offer[row]!];
    case 'channel':
      return (row) => table.channelNames[table.channel[row]!];
    case 'date':
      return (row) => rowDate(table, row);
    case 'score':
      return (row) => table.score[row];
    case 'cost':
      return (row) => table.cost[row];
    case 'package':
      return (row) => rowPackage(table, row);
  }
  const column = table.extra.find((c) => c.name === name);
  if (!column) return () => undefined;
  return (row) => {
    const text = column.text ? column.text[row]! : -1;
    if (text !== -1) return column.texts[text];
    const value = column.number ? column.number[row]! : NaN;
    return Number.isNaN(value) ? undefined : value;
  };
}

/** Every column of one row, typed: what `contact` is in an interactionsWhere expression. */
export function rowFields(table: ProposedColumns, row: number): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  for (const column of table.extra) {
    const text = column.text ? column.text[row]! : -1;
    const value = column.number ? column.number[row]! : NaN;
    if (text !== -1) fields[column.name] = column.texts[text]!;
    else if (!Number.isNaN(value)) fields[column.name] = value;
  }
  fields['customerId'] = table.customerIds[table.customer[row]!]!;
  fields['offer'] = table.offerNames[table.offer[row]!]!;
  fields['channel'] = table.channelNames[table.channel[row]!]!;
  fields['date'] = rowDate(table, row);
  fields['score'] = table.score[row]!;
  fields['cost'] = table.cost[row]!;
  fields['package'] = rowPackage(table, row);
  return fields;
}
