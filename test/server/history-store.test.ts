// docs/runtime-api.md#history-store-and-durability: one contract for every history store, run against SQLite and PostgreSQL.
// PostgreSQL comes from OFFEROPS_TEST_POSTGRES (.ci/postgres.sh sets it); under CI a
// missing URL fails the suite instead of skipping it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRow, HistoryWindow } from '../../src/engine/types.js';
import { HistoryStoreError, redactUrl, type HistoryStore } from '../../src/server/history-store.js';
import { createHistoryStore, HistorySpecError } from '../../src/server/open-history-store.js';
import { PostgresHistoryStore } from '../../src/server/postgres-history-store.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { windowOf } from '../engine/window-of.js';

const postgresUrl = process.env['OFFEROPS_TEST_POSTGRES'];
const inCi = process.env['CI'] === 'true';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function sqliteFile(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offerops-history-'));
  dirs.push(dir);
  return path.join(dir, 'history.db');
}

/** Windows compare regardless of row order (stores read in index order). */
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
const sortWindow = (window: HistoryWindow) => ({
  from: window.from,
  rows: [...window.rows].sort(byJson),
  totals: [...window.totals].sort(byJson),
  ...(window.packages ? { packages: [...window.packages].sort(byJson) } : {}),
});

const row = (customerId: string, offer: string, event: HistoryRow['event'], date = '2026-03-01'): HistoryRow => ({ customerId, offer, channel: 'web', date, package: null, event });

interface StoreFactory {
  name: string;
  make: () => Promise<{ store: HistoryStore; reopen: () => Promise<HistoryStore>; sql: (statement: string) => Promise<void> }>;
}

/** The history table as offerops wrote it before the aggregates existed (no triggers). */
const legacyTable = (table: string, id: string) => `CREATE TABLE ${table} (id ${id} PRIMARY KEY, customer_id TEXT NOT NULL, offer TEXT NOT NULL, channel TEXT NOT NULL, date TEXT NOT NULL, package TEXT, event TEXT NOT NULL CHECK (event IN ('contact', 'accept', 'reject')))`;

let tableCounter = 0;
const factories: StoreFactory[] = [
  {
    name: 'sqlite',
    make: async () => {
      const file = await sqliteFile();
      return {
        store: new SqliteHistoryStore(file),
        reopen: async () => new SqliteHistoryStore(file),
        sql: async (statement) => {
          const db = new Database(file);
          try {
            db.exec(statement.replaceAll('$TABLE', 'offerops_history').replaceAll('$ID', 'INTEGER'));
          } finally {
            db.close();
          }
        },
      };
    },
  },
];
if (postgresUrl) {
  factories.push({
    name: 'postgres',
    make: async () => {
      const table = `history_test_${process.pid}_${Date.now()}_${tableCounter++}`;
      const sql = async (statement: string) => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(statement.replaceAll('$TABLE', table).replaceAll('$ID', 'BIGSERIAL'));
        } finally {
          await client.end();
        }
      };
      await sql(`DROP TABLE IF EXISTS $TABLE, $TABLE_daily, $TABLE_totals`);
      return { store: new PostgresHistoryStore({ url: postgresUrl, table }), reopen: async () => new PostgresHistoryStore({ url: postgresUrl, table }), sql };
    },
  });
}

describe('PostgreSQL for the history-store tests', () => {
  it.runIf(inCi)('is configured under CI (OFFEROPS_TEST_POSTGRES from .ci/postgres.sh)', () => {
    expect(postgresUrl, 'OFFEROPS_TEST_POSTGRES is not set: .ci/run must eval "$(.ci/postgres.sh)"').toBeTruthy();
  });
});

describe.each(factories)('history store contract: $name', (factory) => {
  let store: HistoryStore;
  let reopen: () => Promise<HistoryStore>;
  let sql: (statement: string) => Promise<void>;
  const opened: HistoryStore[] = [];

  beforeEach(async () => {
    ({ store, reopen, sql } = await factory.make());
    await store.open();
    opened.push(store);
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  });

  it('reads back exactly the rows appended for a member, oldest first', async () => {
    await store.append([row('c1', 'gold-card', 'contact', '2026-03-01'), row('c2', 'gold-card', 'contact')]);
    await store.append([row('c1', 'gold-card', 'accept', '2026-03-02')]);
    expect(await store.readMember('c1')).toEqual([row('c1', 'gold-card', 'contact', '2026-03-01'), row('c1', 'gold-card', 'accept', '2026-03-02')]);
    expect(await store.readMember('c2')).toEqual([row('c2', 'gold-card', 'contact')]);
    expect(await store.readMember('nobody')).toEqual([]);
  });

  it('keeps rows across a close and reopen of the same store', async () => {
    await store.append([row('c1', 'savings-plus', 'reject')]);
    await store.close();
    const again = await reopen();
    await again.open();
    opened.push(again);
    expect(await again.readMember('c1')).toEqual([row('c1', 'savings-plus', 'reject')]);
  });

  it('commits concurrent appends without losing or mixing rows', async () => {
    const writes = Array.from({ length: 50 }, (_, i) => store.append([row(`m${i % 5}`, `offer-${i}`, 'contact'), row(`m${i % 5}`, `offer-${i}`, 'accept')]));
    await Promise.all(writes);
    let total = 0;
    for (let m = 0; m < 5; m++) {
      const rows = await store.readMember(`m${m}`);
      total += rows.length;
      // Every append's contact and accept are there, under the member it was written for.
      // (Concurrent transactions may interleave their rows' order; atomicity is the
      // all-or-nothing test below.)
      const expected = Array.from({ length: 10 }, (_, k) => `offer-${k * 5 + m}`).flatMap((offer) => [`${offer}:contact`, `${offer}:accept`]);
      expect(rows.map((r) => `${r.offer}:${r.event}`).sort()).toEqual(expected.sort());
    }
    expect(total).toBe(100);
  });

  it('stores ids and offers byte for byte, including quotes and unicode', async () => {
    const hostile = "o'; DROP TABLE x; --é😀\u202e";
    await store.append([row(hostile, 'gold-card', 'contact')]);
    expect(await store.readMember(hostile)).toEqual([row(hostile, 'gold-card', 'contact')]);
  });

  it('refuses an event outside contact, accept and reject, writing nothing of the batch', async () => {
    const bad = { ...row('c9', 'gold-card', 'contact'), event: 'click' as HistoryRow['event'] };
    await expect(store.append([row('c9', 'gold-card', 'contact'), bad])).rejects.toBeInstanceOf(HistoryStoreError);
    expect(await store.readMember('c9')).toEqual([]);
  });

  it('reads a bounded window for a decision: contacts summed per rule window, rows after the day, all-time totals, packages', async () => {
    const at = '2026-03-20';
    const rows = [
      row('c1', 'gold-card', 'contact', '2026-01-01'), // before every window: in the totals only
      row('c1', 'gold-card', 'contact', '2026-03-10'), // in the 14-day window (from 03-07)
      row('c1', 'gold-card', 'contact', '2026-03-11'),
      { ...row('c1', 'gold-card', 'contact', '2026-03-11'), package: 'p1' },
      row('c1', 'gold-card', 'contact', '2026-03-18'), // in the 7-day window (from 03-14)
      row('c1', 'gold-card', 'contact', '2026-03-20'), // the decision day
      row('c1', 'gold-card', 'accept', '2026-03-12'), // a response: from the totals
      row('c1', 'savings-plus', 'reject', '2026-03-21'), // after the decision day: as it is
      row('c1', 'savings-plus', 'contact', '2026-04-01'),
      row('c2', 'gold-card', 'accept', '2026-03-15'),
    ];
    await store.append(rows.slice(0, 4));
    await store.append(rows.slice(4));
    const needs = { windows: [1, 7, 14], packages: true, totals: ['contact', 'accept', 'reject'] as const, contactOffers: null };
    const window = await store.readWindow('c1', at, needs);
    expect(sortWindow(window)).toEqual(sortWindow(windowOf(rows, 'c1', '2026-03-07', { at, needs })));
    expect(window.rows).toContainEqual({ ...row('c1', 'gold-card', 'contact', '2026-03-07'), count: 3 });
    expect(window.rows).toContainEqual({ ...row('c1', 'gold-card', 'contact', '2026-03-14'), count: 1 });
    expect(window.rows).toContainEqual({ ...row('c1', 'gold-card', 'contact', '2026-03-20'), count: 1 });
    expect(window.rows).toContainEqual({ ...row('c1', 'savings-plus', 'reject', '2026-03-21'), count: 1 });
    expect(window.totals).toContainEqual({ offer: 'gold-card', channel: 'web', event: 'contact', count: 6 });
    // Three default packages (two days in the 14-day bucket) and p1.
    expect(window.packages).toHaveLength(5);
    expect(window.packages).toContainEqual({ date: '2026-03-07', channel: 'web', package: 'p1' });
    expect(window.packages).toContainEqual({ date: '2026-03-07', channel: 'web', package: 'c1|web|2026-03-10' });
    expect(await store.readWindow('c1', at, { ...needs, packages: false })).not.toHaveProperty('packages');
    // Only the totals a rule reads.
    const responsesOnly = await store.readWindow('c1', at, { ...needs, totals: ['reject'] });
    expect(responsesOnly.totals).toEqual([{ offer: 'savings-plus', channel: 'web', event: 'reject', count: 1 }]);
    expect((await store.readWindow('c1', at, { ...needs, totals: [] })).totals).toEqual([]);
    // Contact totals only of the offers a sequence rule over all time asks about.
    const asked = await store.readWindow('c1', at, { ...needs, totals: ['contact'], contactOffers: ['savings-plus', 'travel-card'] });
    expect(asked.totals).toEqual([{ offer: 'savings-plus', channel: 'web', event: 'contact', count: 1 }]);
    expect(await store.readWindow('nobody', at, needs)).toEqual({ from: '2026-03-07', rows: [], totals: [], packages: [] });
  });

  it('reads accepts and rejects of the suppression windows\' reach with their own day (responseDays), and no earlier ones', async () => {
    const at = '2026-03-20';
    const rows = [
      row('c1', 'gold-card', 'reject', '2026-03-10'), // 11 days back: outside a 10-day reach
      row('c1', 'gold-card', 'reject', '2026-03-11'), // 10 days back: inside
      row('c1', 'gold-card', 'reject', '2026-03-11'),
      row('c1', 'gold-card', 'accept', '2026-03-20'), // the decision day
      row('c1', 'gold-card', 'accept', '2026-03-21'), // after it: read as always
      row('c1', 'gold-card', 'contact', '2026-03-12'),
    ];
    await store.append(rows);
    const needs = { windows: [1, 7, 10], packages: false, totals: ['reject'] as const, contactOffers: [], responseDays: 10 };
    const window = await store.readWindow('c1', at, needs);
    expect(sortWindow(window)).toEqual(sortWindow(windowOf(rows, 'c1', '2026-03-11', { at, needs })));
    expect(window.rows).toContainEqual({ ...row('c1', 'gold-card', 'reject', '2026-03-11'), count: 2 });
    expect(window.rows).toContainEqual({ ...row('c1', 'gold-card', 'accept', '2026-03-20'), count: 1 });
    expect(window.rows).not.toContainEqual(expect.objectContaining({ date: '2026-03-10' }));
    // Without responseDays, responses up to the decision day stay in the totals only.
    const plain = { windows: needs.windows, packages: needs.packages, totals: needs.totals, contactOffers: needs.contactOffers };
    expect((await store.readWindow('c1', at, plain)).rows.filter((r) => r.event !== 'contact' && r.date <= at)).toEqual([]);
  });

  it('keeps the aggregates right when rows are deleted or changed in the table directly', async () => {
    const rows = [row('c1', 'gold-card', 'contact', '2026-03-01'), row('c1', 'gold-card', 'contact', '2026-03-01'), row('c1', 'gold-card', 'accept', '2026-03-02'), row('c1', 'travel-card', 'contact', '2026-03-03')];
    await store.append(rows);
    await sql(`DELETE FROM $TABLE WHERE event = 'accept'`);
    await sql(`UPDATE $TABLE SET offer = 'savings-plus' WHERE offer = 'travel-card'`);
    const now = await store.readMember('c1');
    expect(now.map((r) => r.offer).sort()).toEqual(['gold-card', 'gold-card', 'savings-plus']);
    const needs = { windows: [1, 30, 90], packages: true, totals: ['contact', 'accept', 'reject'] as const, contactOffers: null };
    expect(sortWindow(await store.readWindow('c1', '2026-03-31', needs))).toEqual(sortWindow(windowOf(now, 'c1', '2026-01-01', { at: '2026-03-31', needs })));
  });

  it('builds the aggregates of a history table written before they existed, once, when it opens', async () => {
    await store.close();
    await sql(`DROP TABLE IF EXISTS $TABLE; DROP TABLE IF EXISTS $TABLE_daily; DROP TABLE IF EXISTS $TABLE_totals`);
    await sql(legacyTable('$TABLE', '$ID'));
    const old = Array.from({ length: 30 }, (_, i) => row(`m${i % 3}`, i % 2 === 0 ? 'gold-card' : 'savings-plus', i % 5 === 0 ? 'accept' : 'contact', `2026-03-${String(1 + (i % 20)).padStart(2, '0')}`));
    await sql(old.map((r) => `INSERT INTO $TABLE (customer_id, offer, channel, date, package, event) VALUES ('${r.customerId}', '${r.offer}', '${r.channel}', '${r.date}', NULL, '${r.event}')`).join(';\n'));
    const upgraded = await reopen();
    await upgraded.open();
    opened.push(upgraded);
    await upgraded.append([row('m1', 'gold-card', 'reject', '2026-03-20')]);
    // Opening again does not count the old rows twice.
    const again = await reopen();
    await again.open();
    opened.push(again);
    const all = [...old, row('m1', 'gold-card', 'reject', '2026-03-20')];
    const needs = { windows: [1, 5], packages: false, totals: ['contact', 'accept', 'reject'] as const, contactOffers: null };
    for (const member of ['m0', 'm1', 'm2']) expect(sortWindow(await again.readWindow(member, '2026-03-14', needs))).toEqual(sortWindow(windowOf(all, member, '2026-03-10', { at: '2026-03-14', needs })));
  });

  it('answers ping when open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('--history', () => {
  it('accepts sqlite:FILE and postgres:// URLs and names the accepted forms otherwise', () => {
    expect(createHistoryStore('sqlite:h.db', '/tmp').description).toBe('sqlite:/tmp/h.db');
    expect(createHistoryStore('postgres://u:secret@127.0.0.1/db', '/tmp').kind).toBe('postgres');
    expect(() => createHistoryStore('mysql://u:secret@host/db', '/tmp')).toThrow(HistorySpecError);
    expect(() => createHistoryStore('mysql://u:secret@host/db', '/tmp')).not.toThrow(/secret/);
    expect(() => createHistoryStore('sqlite:', '/tmp')).toThrow(/needs a file name/);
  });

  it('never echoes a mistyped URL, whose query may hold a password, and suggests the scheme meant', () => {
    for (const spec of ['postgre://user@host/db?password=s3cret-pw', 'postgresq://user:s3cret-pw@host/db', 'pg://user@host/db?sslpassword=s3cret-pw']) {
      const failure = (() => {
        try {
          createHistoryStore(spec, '/tmp');
          return null;
        } catch (error) {
          return error as Error;
        }
      })();
      expect(failure, spec).toBeInstanceOf(HistorySpecError);
      expect(failure?.message).not.toContain('s3cret-pw');
      expect(failure?.message).not.toContain('host/db');
      expect(failure?.message).toMatch(/did you mean postgres:\/\/\?/);
    }
    expect(() => createHistoryStore('history.db', '/tmp')).toThrow(/'history.db' \(a file needs the sqlite: prefix, e.g. sqlite:history.db\)/);
  });

  it('never shows a PostgreSQL password', () => {
    expect(redactUrl('postgres://u:secret@127.0.0.1:5432/db')).toBe('postgres://u:***@127.0.0.1:5432/db');
    const query = redactUrl('postgres://u@127.0.0.1/db?password=s3cret&sslpassword=k3y&sslmode=require');
    expect(query).not.toMatch(/s3cret|k3y/);
    expect(query).toContain('sslmode=require');
    expect(createHistoryStore('postgres://u:secret@127.0.0.1/db', '/tmp').description).not.toContain('secret');
  });

  it('reports an unreachable PostgreSQL as a history store error without the password', async () => {
    const store = new PostgresHistoryStore({ url: 'postgres://u:hunter22@127.0.0.1:1/db' });
    const failure = await store.open().then(() => null, (error: unknown) => error as Error);
    await store.close();
    expect(failure).toBeInstanceOf(HistoryStoreError);
    expect(failure?.message).not.toContain('hunter22');
  });
});
