// The server stage's public face (docs/runtime-api.md): the runtime HTTP server, the
// bundle holder behind hot swaps, sessions, and the history stores (SQLite, PostgreSQL)
// decisions read. Other stages and package users import from here only.
export { createServer, DEFAULT_BODY_LIMIT, DEFAULT_BUNDLE_BODY_LIMIT, type ServerOptions, type ServerRuntime } from './app.js';
export { BundleHolder, BundleRefusedError, signedBundleLoader, UnsignedBundleError, WATCHED_BUNDLE_FILE, type ActiveBundle, type LoadEngine, type SwapResult } from './bundle-holder.js';
export { DEFAULT_SESSION_LIMITS, MemorySessionStore, SessionStoreError, type Session, type SessionLimits, type SessionStore } from './session-store.js';
export { HISTORY_EVENTS, HistoryStoreError, redactUrl, type HistoryStore, type HistoryStoreKind } from './history-store.js';
export { createHistoryStore, HistorySpecError } from './open-history-store.js';
export { SqliteHistoryStore } from './sqlite-history-store.js';
export { PostgresHistoryStore, type PostgresHistoryStoreOptions } from './postgres-history-store.js';
export { createMetrics, type ServerMetrics } from './metrics.js';
export { runPrimary } from './cluster.js';
export { type InstanceSettings, InstanceStartError, type RunningInstance, startInstance } from './instance.js';
export { createSessionStore, SessionSpecError } from './open-session-store.js';
