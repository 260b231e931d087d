// What every route of the runtime server works with (docs/runtime-api.md): the bundle
// holder, the sessions, the history store, the metrics, the clock. `createServer` builds
// one `ServerRuntime` and hands it to each route plugin, so routes share state only
// through it (and tests reach it as `app.offerops`).
import type { BundleHolder } from './bundle-holder.js';
import type { HistoryStore } from './history-store.js';
import type { ServerMetrics } from './metrics.js';
import type { SegmentMemos } from './segment-memos.js';
import type { SessionStore } from './session-store.js';

export interface ServerRuntime {
  bundles: BundleHolder;
  sessions: SessionStore;
  /** Segment memberships memoised per session, in this process. */
  memos: SegmentMemos;
  metrics: ServerMetrics;
  history: HistoryStore;
  /** Epoch milliseconds (tests inject a fake clock). */
  now: () => number;
  /** Resolves when the server starts draining (close() was called): new requests get 503 shutting-down. */
  draining: Promise<void>;
}

/** The decision day: the clock's UTC calendar day, YYYY-MM-DD. */
export function decisionDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
