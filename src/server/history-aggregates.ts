// Per-member aggregates of the history table, kept by database triggers in the same
// transaction as each insert, update or delete (docs/runtime-api.md#history-store-and-durability):
//
//   <table>_daily  (customer_id, date, offer, channel, package, event) → count
//   <table>_totals (customer_id, offer, channel, event)                → count
//
// A decision reads (windowQuery) the member's contact rows in the windows its bundle's
// rules count in, summed per window (a row dated at the first day of the narrowest window
// holding it: the rules count such rows alike), the rows after the decision day, the
// member's totals of the events a rule reads over all time, and, when a rule counts
// packages, the distinct packages per window
// (engine/member-history.ts explains how they combine). All of it is bounded by the
// bundle (offers, windows) and, for packages, the longest window's days — not by how many
// rows the member has. Triggers rather than application code keep the aggregates right
// whoever writes the table (a second server, an import, a deletion for an erasure
// request). A missing package is kept as '' in the aggregates (a key column cannot be
// NULL in PostgreSQL). The daily table's key starts (customer_id, event, date): a
// member's contacts in a window, or its responses after a day, are one range of it.
import type { HistoryNeeds, HistoryRow, HistoryWindow } from '../engine/index.js';

export interface AggregateSchema {
  dailyTable: string;
  totalsTable: string;
  /** Tables, indexes and triggers; idempotent. */
  create: string;
  /** Fills the aggregates from the rows already in the table (run once, when they are created). */
  backfill: string;
}

/** One row of the window query: a counted row (kind 0), a total (kind 1) or a package (kind 2). */
export interface AggregateRow {
  kind: number | string;
  day: string | null;
  offer: string | null;
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
      CREATE TABLE IF NOT EXISTS ${daily} (${dailyColumns}, PRIMARY KEY (customer_id, event, date, offer, channel, package)) WITHOUT ROWID;
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
  };
}

export function postgresAggregateSchema(table: string): AggregateSchema {
  const { daily, totals } = tables(table);
  const fn = `${table}_aggregate`;
  return {
    dailyTable: daily,
    totalsTable: totals,
    create: `
      CREATE TABLE IF NOT EXISTS ${daily} (${dailyColumns}, PRIMARY KEY (customer_id, event, date, offer, channel, package));
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
            ON CONFLICT (customer_id, event, date, offer, channel, package) DO UPDATE SET count = d.count + 1;
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
  };
}

const DAY_MS = 86_400_000;

function isoDayBefore(at: string, days: number): string {
  return new Date(Date.parse(at + 'T00:00:00Z') - days * DAY_MS).toISOString().slice(0, 10);
}

export interface WindowQuery {
  /** With named parameters `$name`: bound by name (SQLite) or turned into positions (postgresQuery). */
  sql: string;
  params: Record<string, string>;
  /** The window's first day (HistoryWindow.from). */
  from: string;
}

/**
 * The member's bounded history for a decision on `at` by an engine with these needs.
 * Each window p of `needs.windows` starts on `at` − p + 1; a contact row up to `at` is
 * summed into the first day of the narrowest window holding it, rows after `at` keep
 * their day (the engine takes them off the totals), and accepts and rejects up to `at`
 * are not read (the totals have them) except, with their own day, those of the last
 * `needs.responseDays` days (suppression windows).
 */
export function windowQuery(dialect: 'sqlite' | 'postgres', table: string, customerId: string, at: string, needs: HistoryNeeds): WindowQuery {
  const { daily, totals } = tables(table);
  const windows = [...needs.windows].sort((a, b) => a - b);
  const params: Record<string, string> = { customer: customerId, at };
  const cases = windows.map((p, i) => {
    params[`w${i}`] = isoDayBefore(at, p - 1);
    return `WHEN date >= $w${i} THEN $w${i}`;
  });
  const from = params[`w${windows.length - 1}`]!;
  params['from'] = from;
  const bucket = `CASE WHEN date > $at THEN date ${cases.join(' ')} ELSE date END`;
  // The key (customer_id, event, date, …) makes each part one range of the index.
  const parts = [
    `SELECT 0 AS kind, ${bucket} AS day, offer, channel, NULL AS package, event, SUM(count) AS count FROM ${daily}
      WHERE customer_id = $customer AND event = 'contact' AND date >= $from GROUP BY day, offer, channel, event`,
    `SELECT 0 AS kind, date AS day, offer, channel, NULL AS package, event, SUM(count) AS count FROM ${daily}
      WHERE customer_id = $customer AND event IN ('accept', 'reject') AND date > $at GROUP BY date, offer, channel, event`,
  ];
  if (needs.responseDays !== undefined && needs.responseDays > 0) {
    // Suppression windows count accepts and rejects by their own day.
    params['responsesFrom'] = isoDayBefore(at, needs.responseDays - 1);
    parts.push(`SELECT 0 AS kind, date AS day, offer, channel, NULL AS package, event, SUM(count) AS count FROM ${daily}
      WHERE customer_id = $customer AND event IN ('accept', 'reject') AND date >= $responsesFrom AND date <= $at GROUP BY date, offer, channel, event`);
  }
  // Only the totals a rule reads: a long history contacting every offer has one per offer
  // and channel, and only the sequence rules' offers are asked about over all time.
  const responses = needs.totals.filter((event) => event !== 'contact');
  if (responses.length > 0) {
    parts.push(`SELECT 1 AS kind, NULL AS day, offer, channel, NULL AS package, event, count FROM ${totals} WHERE customer_id = $customer AND event IN (${responses.map((event) => `'${event}'`).join(', ')})`);
  }
  if (needs.totals.includes('contact')) {
    const restricted = needs.contactOffers !== null;
    if (restricted) params['contactOffers'] = JSON.stringify(needs.contactOffers);
    parts.push(
      `SELECT 1 AS kind, NULL AS day, offer, channel, NULL AS package, event, count FROM ${totals} WHERE customer_id = $customer AND event = 'contact'` +
        (restricted ? ` AND offer IN (${dialect === 'sqlite' ? 'SELECT value FROM json_each($contactOffers)' : 'SELECT json_array_elements_text($contactOffers::json)'})` : ''),
    );
  }
  if (needs.packages) {
    // A contact without a package is in the member's package of its channel and day.
    parts.push(`SELECT DISTINCT 2 AS kind, ${bucket} AS day, NULL AS offer, channel, CASE WHEN package = '' THEN customer_id || '|' || channel || '|' || date ELSE package END AS package, 'contact' AS event, 0 AS count
      FROM ${daily} WHERE customer_id = $customer AND event = 'contact' AND date >= $from AND date <= $at`);
  }
  return { sql: parts.join('\nUNION ALL\n'), params, from };
}

/** The query with PostgreSQL's positional parameters. */
export function postgresQuery(query: WindowQuery): { text: string; values: string[] } {
  const names = Object.keys(query.params);
  // Longest names first, so $w1 never eats the start of $w10.
  const ordered = [...names].sort((a, b) => b.length - a.length);
  let text = query.sql;
  for (const name of ordered) text = text.replaceAll(`$${name}`, `$${names.indexOf(name) + 1}::text`);
  return { text, values: names.map((name) => query.params[name]!) };
}

const EVENTS: ReadonlySet<string> = new Set(['contact', 'accept', 'reject']);

/** The window query's rows as the engine's HistoryWindow. */
export function toHistoryWindow(customerId: string, query: WindowQuery, needs: HistoryNeeds, rows: readonly AggregateRow[]): HistoryWindow {
  const windowRows: (HistoryRow & { count: number })[] = [];
  const totals: HistoryWindow['totals'][number][] = [];
  const packages: NonNullable<HistoryWindow['packages']>[number][] = [];
  for (const row of rows) {
    // The table's CHECK constraint keeps events to these three; PostgreSQL returns sums and BIGINTs as strings.
    if (!EVENTS.has(row.event)) continue;
    const event = row.event as HistoryRow['event'];
    const kind = Number(row.kind);
    if (kind === 0) windowRows.push({ customerId, date: row.day as string, offer: row.offer as string, channel: row.channel, package: null, event, count: Number(row.count) });
    else if (kind === 1) totals.push({ offer: row.offer as string, channel: row.channel, event, count: Number(row.count) });
    else packages.push({ date: row.day as string, channel: row.channel, package: row.package as string });
  }
  const window: HistoryWindow = { from: query.from, rows: windowRows, totals };
  return needs.packages ? { ...window, packages } : window;
}
