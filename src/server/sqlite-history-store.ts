// The embedded history store: one SQLite file (better-sqlite3), docs/runtime-api.md#history-store-and-durability.
//
// Durability: journal_mode=WAL with synchronous=FULL. In WAL mode a commit appends the
// transaction to the -wal file; with FULL the WAL is fsync'ed before the commit returns.
// A process killed with SIGKILL after the commit loses nothing (the bytes are in the
// kernel once write() returned, which synchronous=NORMAL would already give), and with
// FULL the event also survives an OS crash or power loss, which NORMAL does not promise
// for the last transactions. The fsync cost is paid once per group: rows appended in the
// same event-loop turn are committed together in one transaction (group commit), so
// concurrent events share one fsync.
import Database from 'better-sqlite3';
import type { HistoryRow } from '../engine/index.js';
import { HistoryStoreError, toHistoryRow, type HistoryStore } from './history-store.js';

interface PendingAppend {
  rows: readonly HistoryRow[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export class SqliteHistoryStore implements HistoryStore {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  private db: Database.Database | null = null;
  private insert: Database.Statement | null = null;
  private select: Database.Statement | null = null;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;

  constructor(private readonly file: string) {
    this.description = `sqlite:${file}`;
  }

  async open(): Promise<void> {
    try {
      const db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS offerops_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        offer TEXT NOT NULL,
        channel TEXT NOT NULL,
        date TEXT NOT NULL,
        package TEXT,
        event TEXT NOT NULL CHECK (event IN ('contact', 'accept', 'reject'))
      );
      CREATE INDEX IF NOT EXISTS offerops_history_customer ON offerops_history (customer_id, id);`);
      this.insert = db.prepare('INSERT INTO offerops_history (customer_id, offer, channel, date, package, event) VALUES (?, ?, ?, ?, ?, ?)');
      this.select = db.prepare('SELECT customer_id, offer, channel, date, package, event FROM offerops_history WHERE customer_id = ? ORDER BY id');
      this.db = db;
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
    return this.readMemberSync(customerId);
  }

  /** SQLite reads are synchronous and fast; the server uses this to skip a promise turn. */
  readMemberSync(customerId: string): HistoryRow[] {
    try {
      const rows = this.ready().select.all(customerId) as Parameters<typeof toHistoryRow>[0][];
      return rows.map(toHistoryRow);
    } catch (error) {
      throw new HistoryStoreError(`cannot read the SQLite history store: ${(error as Error).message}`, { cause: error });
    }
  }

  async ping(): Promise<void> {
    this.ready().db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    this.db?.close();
    this.db = null;
  }

  private ready(): { db: Database.Database; insert: Database.Statement; select: Database.Statement } {
    if (!this.db || !this.insert || !this.select) throw new HistoryStoreError('the SQLite history store is not open');
    return { db: this.db, insert: this.insert, select: this.select };
  }
}
