// Per-member aggregates of the history table, kept by database triggers in the same
// transaction as each insert, update or delete (docs/runtime-api.md#history-store-and-durability):
//
//   <table>_daily  (customer_id, date, offer, channel, package, event) → count
//   <table>_totals (customer_id, offer, channel, event)                → count
//
// A decision reads the member's daily rows from its window's first day on and the
// member's totals (engine/member-history.ts explains how they combine): both bounded by
// the bundle's size and the window's days, not by how many rows the member has. Triggers
// rather than application code keep the aggregates right whoever writes the table (a
// second server, an import, a deletion for an erasure request). A missing package is
// kept as '' in the aggregates (a key column cannot be NULL in PostgreSQL).
import type { HistoryRow, HistoryWindow } from '../engine/types.js';

export interface AggregateSchema {
  dailyTable: string;
  totalsTable: string;
  /** Tables, indexes and triggers; idempotent. */
  create: string;
  /** Fills the aggregates from the rows already in the table (run once, when they are created). */
  backfill: string;
  /** Named parameters :customer and :from (SQLite) or $1, $2 (PostgreSQL). */
  selectWindow: string;
}

/** One row of the window query: a daily row (kind 0) or a total (kind 1). */
export interface AggregateRow {
  kind: number;
  date: string | null;
  offer: string;
  channel: string;
  package: string | null;
  event: string;
  count: number | string;
}

function tables(table: string): { daily: string; totals: string } {
  return { daily: `${table}_daily`, totals: `${table}_totals` };
}

const dailyColumns = `customer_id TEXT NOT NULL, date TEXT NOT NULL, offer TEXT NOT NULL, channel TEXT NOT NULL, package TEXT NOT NULL, event TEXT NOT NULL, count BIGINT NOT NULL`;
const totalsColumns = `customer_id TEXT NOT NULL, offer TEXT NOT NULL, channel TEXT NOT NULL, event TEXT NOT NULL, count BIGINT NOT NULL`;

export function sqliteAggregateSchema(table: string): AggregateSchema {
  const { daily, totals } = tables(table);
  const add = (row: 'NEW') => `
    INSERT INTO ${daily} (customer_id, date, offer, channel, package, event, count) VALUES (${row}.customer_id, ${row}.date, ${row}.offer, ${row}.channel, COALESCE(${row}.package, ''), ${row}.event, 1)
      ON CONFLICT DO UPDATE SET count = count + 1;
    INSERT INTO ${totals} (customer_id, offer, channel, event, count) VALUES (${row}.customer_id, ${row}.offer, ${row}.channel, ${row}.event, 1)
      ON CONFLICT DO UPDATE SET count = count + 1;`;
  const remove = (row: 'OLD') => `
    UPDATE ${daily} SET count = count - 1 WHERE customer_id = ${row}.customer_id AND date = ${row}.date AND offer = ${row}.offer AND channel = ${row}.channel AND package = COALESCE(${row}.package, '') AND event = ${row}.event;
    DELETE FROM ${daily} WHERE customer_id = ${row}.customer_id AND date = ${row}.date AND offer = ${row}.offer AND channel = ${row}.channel AND package = COALESCE(${row}.package, '') AND event = ${row}.event AND count <= 0;
    UPDATE ${totals} SET count = count - 1 WHERE customer_id = ${row}.customer_id AND offer = ${row}.offer AND channel = ${row}.channel AND event = ${row}.event;
    DELETE FROM ${totals} WHERE customer_id = ${row}.customer_id AND offer = ${row}.offer AND channel = ${row}.channel AND event = ${row}.event AND count <= 0;`;
  return {
    dailyTable: daily,
    totalsTable: totals,
    create: `
      CREATE TABLE IF NOT EXISTS ${daily} (${dailyColumns}, PRIMARY KEY (customer_id, date, offer, channel, package, event)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${totals} (${totalsColumns}, PRIMARY KEY (customer_id, offer, channel, event)) WITHOUT ROWID;
      CREATE TRIGGER IF NOT EXISTS ${table}_aggregate_insert AFTER INSERT ON ${table} BEGIN ${add('NEW')} END;
      CREATE TRIGGER IF NOT EXISTS ${table}_aggregate_delete AFTER DELETE ON ${table} BEGIN ${remove('OLD')} END;
      CREATE TRIGGER IF NOT EXISTS ${table}_aggregate_update AFTER UPDATE ON ${table} BEGIN ${remove('OLD')} ${add('NEW')} END;`,
    backfill: `
      DELETE FROM ${daily};
      DELETE FROM ${totals};
      INSERT INTO ${daily} (customer_id, date, offer, channel, package, event, count)
        SELECT customer_id, date, offer, channel, COALESCE(package, ''), event, count(*) FROM ${table} GROUP BY customer_id, date, offer, channel, COALESCE(package, ''), event;
      INSERT INTO ${totals} (customer_id, offer, channel, event, count)
        SELECT customer_id, offer, channel, event, count(*) FROM ${table} GROUP BY customer_id, offer, channel, event;`,
    selectWindow: `
      SELECT 0 AS kind, date, offer, channel, package, event, count FROM ${daily} WHERE customer_id = :customer AND date >= :from
      UNION ALL
      SELECT 1 AS kind, NULL AS date, offer, channel, NULL AS package, event, count FROM ${totals} WHERE customer_id = :customer`,
  };
}

export function postgresAggregateSchema(table: string): AggregateSchema {
  const { daily, totals } = tables(table);
  const fn = `${table}_aggregate`;
  return {
    dailyTable: daily,
    totalsTable: totals,
    create: `
      CREATE TABLE IF NOT EXISTS ${daily} (${dailyColumns}, PRIMARY KEY (customer_id, date, offer, channel, package, event));
      CREATE TABLE IF NOT EXISTS ${totals} (${totalsColumns}, PRIMARY KEY (customer_id, offer, channel, event));
      CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          UPDATE ${daily} SET count = count - 1 WHERE customer_id = OLD.customer_id AND date = OLD.date AND offer = OLD.offer AND channel = OLD.channel AND package = COALESCE(OLD.package, '') AND event = OLD.event;
          DELETE FROM ${daily} WHERE customer_id = OLD.customer_id AND date = OLD.date AND offer = OLD.offer AND channel = OLD.channel AND package = COALESCE(OLD.package, '') AND event = OLD.event AND count <= 0;
          UPDATE ${totals} SET count = count - 1 WHERE customer_id = OLD.customer_id AND offer = OLD.offer AND channel = OLD.channel AND event = OLD.event;
          DELETE FROM ${totals} WHERE customer_id = OLD.customer_id AND offer = OLD.offer AND channel = OLD.channel AND event = OLD.event AND count <= 0;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO ${daily} AS d (customer_id, date, offer, channel, package, event, count) VALUES (NEW.customer_id, NEW.date, NEW.offer, NEW.channel, COALESCE(NEW.package, ''), NEW.event, 1)
            ON CONFLICT (customer_id, date, offer, channel, package, event) DO UPDATE SET count = d.count + 1;
          INSERT INTO ${totals} AS t (customer_id, offer, channel, event, count) VALUES (NEW.customer_id, NEW.offer, NEW.channel, NEW.event, 1)
            ON CONFLICT (customer_id, offer, channel, event) DO UPDATE SET count = t.count + 1;
        END IF;
        RETURN NULL;
      END
      $body$;
      CREATE OR REPLACE TRIGGER ${table}_aggregate AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    backfill: `
      DELETE FROM ${daily};
      DELETE FROM ${totals};
      INSERT INTO ${daily} (customer_id, date, offer, channel, package, event, count)
        SELECT customer_id, date, offer, channel, COALESCE(package, ''), event, count(*) FROM ${table} GROUP BY customer_id, date, offer, channel, COALESCE(package, ''), event;
      INSERT INTO ${totals} (customer_id, offer, channel, event, count)
        SELECT customer_id, offer, channel, event, count(*) FROM ${table} GROUP BY customer_id, offer, channel, event;`,
    selectWindow: `
      SELECT 0 AS kind, date, offer, channel, package, event, count FROM ${daily} WHERE customer_id = $1 AND date >= $2
      UNION ALL
      SELECT 1 AS kind, NULL AS date, offer, channel, NULL AS package, event, count FROM ${totals} WHERE customer_id = $1`,
  };
}

const EVENTS: ReadonlySet<string> = new Set(['contact', 'accept', 'reject']);

/** The window query's rows as the engine's HistoryWindow. */
export function toHistoryWindow(customerId: string, from: string, rows: readonly AggregateRow[]): HistoryWindow {
  const windowRows: (HistoryRow & { count: number })[] = [];
  const totals: HistoryWindow['totals'][number][] = [];
  for (const row of rows) {
    // The table's CHECK constraint keeps events to these three; PostgreSQL returns BIGINT counts as strings.
    if (!EVENTS.has(row.event)) continue;
    const event = row.event as HistoryRow['event'];
    const count = Number(row.count);
    if (Number(row.kind) === 0) {
      windowRows.push({ customerId, date: row.date as string, offer: row.offer, channel: row.channel, package: row.package === '' ? null : row.package, event, count });
    } else {
      totals.push({ offer: row.offer, channel: row.channel, event, count });
    }
  }
  return { from, rows: windowRows, totals };
}
