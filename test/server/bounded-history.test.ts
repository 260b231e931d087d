// One member's long history must not make every request slow: an offers call reads the
// window the bundle's rules can see plus all-time totals, never all the member's rows,
// and decides as all the rows would (docs/runtime-api.md#history-store-and-durability).
// The cost itself is measured by `npm run bench -- serve` (docs/benchmarks.md).
import { describe, expect, it } from 'vitest';
import type { HistoryRow, HistoryWindow } from '../../src/engine/types.js';
import type { HistoryStore } from '../../src/server/history-store.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { makeServer, richProfile, startSession } from './harness.js';

const DAY = 86_400_000;

/** A store that records what the server reads. */
function spied(inner: SqliteHistoryStore) {
  const reads = { members: 0, windows: [] as HistoryWindow[] };
  const store: HistoryStore = {
    kind: 'sqlite',
    description: 'spied',
    open: () => inner.open(),
    append: (rows) => inner.append(rows),
    readMember: (id) => {
      reads.members++;
      return inner.readMember(id);
    },
    readWindow: async (id, at, needs) => {
      const window = await inner.readWindow(id, at, needs);
      reads.windows.push(window);
      return window;
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { store, reads };
}

describe('a member with a long history', () => {
  it('costs an offers call a bounded read, and is decided as all its rows decide', async () => {
    const inner = new SqliteHistoryStore(':memory:');
    const { store, reads } = spied(inner);
    const { app, clock } = await makeServer({ store });
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    // 20,000 rows over 2,000 days: contacts of every offer, gold-card accepted 5 years
    // ago (afterAccept: never again), savings-plus rejected twice long ago (maxRejects 2).
    const rows: HistoryRow[] = [];
    for (let i = 0; i < 20_000; i++) {
      const date = new Date(clock.now() - (i % 2000) * DAY).toISOString().slice(0, 10);
      rows.push({ customerId: 'heavy', offer: ['gold-card', 'savings-plus', 'travel-card', 'spring-sale'][i % 4]!, channel: 'web', date, package: null, event: 'contact' });
    }
    const longAgo = new Date(clock.now() - 1800 * DAY).toISOString().slice(0, 10);
    rows.push({ customerId: 'heavy', offer: 'gold-card', channel: 'web', date: longAgo, package: null, event: 'accept' });
    rows.push({ customerId: 'heavy', offer: 'savings-plus', channel: 'web', date: longAgo, package: null, event: 'reject' });
    rows.push({ customerId: 'heavy', offer: 'savings-plus', channel: 'web', date: longAgo, package: null, event: 'reject' });
    await inner.append(rows);

    const id = await startSession(app, { audienceId: 'heavy', profile: richProfile });
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-sidebar', count: 3 } });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ offers: { offer: string }[] }>().offers.map((o) => o.offer)).toEqual(['travel-card']);
    // The same decision as the engine makes from every row.
    const fromRows = app.offerops.bundles.current.engine.decide({ channel: 'web', interactionPoint: 'home-sidebar', audience: { id: 'heavy', profile: richProfile }, history: rows, at: today, count: 3 });
    expect(fromRows.offers.map((o) => o.offer)).toEqual(['travel-card']);

    // Read: never all rows; the window's rows and totals are few.
    expect(reads.members).toBe(0);
    expect(reads.windows).toHaveLength(1);
    const window = reads.windows[0]!;
    expect(window.from).toBe(today);
    expect(window.rows.length).toBeLessThanOrEqual(4);
    // Only the totals a rule reads: accepts (afterAccept) and rejects (maxRejects), not 20,000 contacts.
    expect(window.totals).toEqual(expect.arrayContaining([
      { offer: 'gold-card', channel: 'web', event: 'accept', count: 1 },
      { offer: 'savings-plus', channel: 'web', event: 'reject', count: 2 },
    ]));
    expect(window.totals).toHaveLength(2);
  });
});
