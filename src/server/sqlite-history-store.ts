// The embedded history store: one SQLite file (better-sqlite3).
// docs/runtime-api.md#history-store-and-durability
//
// Durability: journal_mode=WAL with synchronous=FULL. In WAL mode a commit appends the
// transaction to the -wal file; with FULL the WAL is fsync'ed before the commit returns.
// A process killed with SIGKILL after the commit loses nothing (the bytes are in the
// kernel once write() returned, which synchronous=NORMAL would already give), and with
// FULL the event also survives an OS crash or power loss, which NORMAL does not promise
// for the last transactions. The fsync cost is paid once per group: rows appended in the
// same event-loop turn are committed together in one transaction (group commit), so
// concurrent events share one fsync.
//
// Bounded reads: triggers keep two aggregates of the history table in the same
// transaction as every insert (history-aggregates.ts): rows per (member, day, offer,
// channel, package, event) and per (member, offer, channel, event). A decision reads its
// rules' windows from the first and the all-time facts from the second, so a member with
// 100,000 rows costs about what a new member costs.
import Database from 'better-sqlite3';
import type { HistoryNeeds, HistoryRow, HistoryWindow } from '../engine/index.js';
import { sqliteAggregateSchema, toHistoryWindow, windowQuery, type AggregateRow } from './history-aggregates.js';
import { HistoryStoreError, toHistoryRow, type HistoryStore } from './history-store.js';

interface PendingAppend {
  rows: readonly HistoryRow[];
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Statements {
  db: Database.Database;
  insert: Database.Statement;
  select: Database.Statement;
}

const TABLE = 'offerops_history';

export class SqliteHistoryStore implements HistoryStore {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  private statements: Statements | null = null;
  private pending: PendingAppend[] = [];
  private readonly windowStatements = new Map<string, Database.Statement>();
  private flushScheduled = false;

  constructor(private readonly file: string) {
    this.description = `sqlite:${file}`;
  }

  async open(): Promise<void> {
    try {
      const db = new Database(this.file);
      // The busy timeout first: switching to WAL takes a lock, and a second process opening
      // the file at the same moment (serve --workers) must wait for it, not fail at once.
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Several processes may open the file at once (serve --workers): the schema and the
      // one-time build of the aggregates happen in one write transaction.
      db.transaction(() => {
        db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          customer_id TEXT NOT NULL,
          offer TEXT NOT NULL,
          channel TEXT NOT NULL,
          date TEXT NOT NULL,
          package TEXT,
          event TEXT NOT NULL CHECK (event IN ('contact', 'accept', 'reject'))
        );
        CREATE INDEX IF NOT EXISTS ${TABLE}_customer ON ${TABLE} (customer_id, id);`);
        const schema = sqliteAggregateSchema(TABLE);
        const built = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`).get(schema.dailyTable) !== undefined;
        db.exec(schema.create);
        // A file written before the aggregates existed: build them once from its rows.
        if (!built) db.exec(schema.backfill);
      }).immediate();
      this.statements = {
        db,
        insert: db.prepare(`INSERT INTO ${TABLE} (customer_id, offer, channel, date, package, event) VALUES (?, ?, ?, ?, ?, ?)`),
        select: db.prepare(`SELECT customer_id, offer, channel, date, package, event FROM ${TABLE} WHERE customer_id = ? ORDER BY id`),
      };
    } catch (error) {
      throw new HistoryStoreError(`cannot open the SQLite history store ${this.file}: ${(error as Error).message}`, { cause: error });
    }
  }

  append(rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every append queued in this turn in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const { db, insert } = this.ready();
      db.transaction(() => {
        for (const item of batch) for (const row of item.rows) insert.run(row.customerId, row.offer, row.channel, row.date, row.package ?? null, row.event);
      })();
    } catch (error) {
      const failure = new HistoryStoreError(`cannot write to the SQLite history store: ${(error as Error).message}`, { cause: error });
      for (const item of batch) item.reject(failure);
      return;
    }
    for (const item of batch) item.resolve();
  }

  async readMember(customerId: string): Promise<HistoryRow[]> {
    try {
      const rows = this.ready().select.all(customerId) as Parameters<typeof toHistoryRow>[0][];
      return rows.map(toHistoryRow);
    } catch (error) {
      throw new HistoryStoreError(`cannot read the SQLite history store: ${(error as Error).message}`, { cause: error });
    }
  }

  async readWindow(customerId: string, at: string, needs: HistoryNeeds): Promise<HistoryWindow> {
    try {
      const query = windowQuery('sqlite', TABLE, customerId, at, needs);
      // One statement: the rows, totals and packages come from one snapshot. Statements
      // are prepared once per shape (the bundle's windows), which a hot swap may change.
      let statement = this.windowStatements.get(query.sql);
      if (!statement) {
        statement = this.ready().db.prepare(query.sql);
        if (this.windowStatements.size >= 16) this.windowStatements.clear();
        this.windowStatements.set(query.sql, statement);
      }
      return toHistoryWindow(customerId, query, needs, statement.all(query.params) as AggregateRow[]);
    } catch (error) {
      throw new HistoryStoreError(`cannot read the SQLite history store: ${(error as Error).message}`, { cause: error });
    }
  }

  async ping(): Promise<void> {
    this.ready().db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    this.statements?.db.close();
    this.statements = null;
    this.windowStatements.clear();
  }

  private ready(): Statements {
    if (!this.statements) throw new HistoryStoreError('the SQLite history store is not open');
    return this.statements;
  }
}
