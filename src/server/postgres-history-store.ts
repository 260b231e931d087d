// The PostgreSQL history store (`--history postgres://…`), for several runtime servers
// sharing one history (docs/runtime-api.md#history-store-and-durability). A commit returns
// after PostgreSQL has flushed its WAL (synchronous_commit on, the default), so an
// acknowledged event survives the server process, and the database process, being
// killed. Decisions read a bounded window through the aggregates that triggers keep
// (history-aggregates.ts).
import pg from 'pg';
import type { HistoryNeeds, HistoryRow, HistoryWindow } from '../engine/index.js';
import { postgresAggregateSchema, postgresQuery, toHistoryWindow, windowQuery, type AggregateRow } from './history-aggregates.js';
import { HistoryStoreError, redactUrl, toHistoryRow, type HistoryStore } from './history-store.js';

export interface PostgresHistoryStoreOptions {
  url: string;
  /** Table name (letters, digits, underscores); tests use their own. */
  table?: string;
  /** Connections in the pool. */
  poolSize?: number;
}

export class PostgresHistoryStore implements HistoryStore {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly table: string;

  constructor(options: PostgresHistoryStoreOptions) {
    this.table = options.table ?? 'offerops_history';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.table)) throw new HistoryStoreError(`invalid history table name '${this.table}'`);
    this.description = redactUrl(options.url);
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection must not crash the server; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async open(): Promise<void> {
    const schema = postgresAggregateSchema(this.table);
    let client: pg.PoolClient | null = null;
    try {
      client = await this.pool.connect();
      // Servers starting together: one creates the schema (and builds the aggregates of an
      // existing table once) while the others wait on the lock, then find it done.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`offerops:${this.table}`]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
        id BIGSERIAL PRIMARY KEY,
        customer_id TEXT NOT NULL,
        offer TEXT NOT NULL,
        channel TEXT NOT NULL,
        date TEXT NOT NULL,
        package TEXT,
        event TEXT NOT NULL CHECK (event IN ('contact', 'accept', 'reject'))
      )`);
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_customer ON ${this.table} (customer_id, id)`);
      const built = (await client.query<{ name: string | null }>('SELECT to_regclass($1) AS name', [schema.dailyTable])).rows[0]?.name !== null;
      await client.query(schema.create);
      if (!built) await client.query(schema.backfill);
      await client.query('COMMIT');
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => undefined);
      throw new HistoryStoreError(`PostgreSQL history store ${this.description}: ${(error as Error).message}`, { cause: error });
    } finally {
      client?.release();
    }
  }

  async append(rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    // One multi-row INSERT is one transaction: all rows or none. Rows go in one canonical
    // order, so two servers writing the same member's aggregate rows lock them in the same
    // order and never deadlock.
    const values: unknown[] = [];
    const tuples = [...rows].sort(canonicalOrder).map((row, index) => {
      values.push(row.customerId, row.offer, row.channel, row.date, row.package ?? null, row.event);
      const base = index * 6;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    await this.run(`INSERT INTO ${this.table} (customer_id, offer, channel, date, package, event) VALUES ${tuples.join(', ')}`, values);
  }

  async readMember(customerId: string): Promise<HistoryRow[]> {
    const result = await this.run(`SELECT customer_id, offer, channel, date, package, event FROM ${this.table} WHERE customer_id = $1 ORDER BY id`, [customerId]);
    return (result.rows as Parameters<typeof toHistoryRow>[0][]).map(toHistoryRow);
  }

  async readWindow(customerId: string, at: string, needs: HistoryNeeds): Promise<HistoryWindow> {
    // One statement: the rows, totals and packages come from one snapshot.
    const query = windowQuery('postgres', this.table, customerId, at, needs);
    const { text, values } = postgresQuery(query);
    const result = await this.run(text, values);
    return toHistoryWindow(customerId, query, needs, result.rows as AggregateRow[]);
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async run(sql: string, values?: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, values);
    } catch (error) {
      throw new HistoryStoreError(`PostgreSQL history store ${this.description}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function canonicalOrder(a: HistoryRow, b: HistoryRow): number {
  return compare(a.customerId, b.customerId) || compare(a.date, b.date) || compare(a.offer, b.offer) || compare(a.channel, b.channel) || compare(a.package ?? '', b.package ?? '') || compare(a.event, b.event);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
