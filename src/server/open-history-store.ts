// `--history sqlite:FILE | postgres://…` → a history store (docs/runtime-api.md#history-store-and-durability).
// Unknown schemes are a usage error naming the accepted forms, never echoing a password.
import path from 'node:path';
import type { HistoryStore } from './history-store.js';
import { PostgresHistoryStore } from './postgres-history-store.js';
import { SqliteHistoryStore } from './sqlite-history-store.js';
import { UsageError } from '../errors.js';

export class HistorySpecError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'HistorySpecError';
  }
}

/** `cwd` resolves a relative SQLite path. */
export function createHistoryStore(spec: string, cwd: string): HistoryStore {
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) return new PostgresHistoryStore({ url: spec });
  if (spec.startsWith('sqlite:')) {
    const file = spec.slice('sqlite:'.length);
    if (file.length === 0) throw new HistorySpecError('--history sqlite: needs a file name, e.g. sqlite:history.db');
    return new SqliteHistoryStore(file === ':memory:' ? file : path.resolve(cwd, file));
  }
  throw new HistorySpecError(`--history must be sqlite:FILE or postgres://USER:PASSWORD@HOST/DB, got ${describeSpec(spec)}`);
}

/**
 * What the user gave, safe to print: a URL can carry a password (`user:pass@`,
 * `?password=`), so only its scheme is shown, with a hint when it looks like a typo.
 */
function describeSpec(spec: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(spec)?.[1];
  if (scheme === undefined) return `'${spec.length > 60 ? spec.slice(0, 60) + '…' : spec}' (a file needs the sqlite: prefix, e.g. sqlite:${spec.length > 30 ? 'history.db' : spec})`;
  const lower = scheme.toLowerCase();
  const hint = lower.startsWith('postgr') || lower === 'pg' || lower === 'psql' ? '; did you mean postgres://?' : lower.startsWith('sqlit') ? '; did you mean sqlite:FILE?' : '';
  return `a '${scheme}:' URL (the rest is not shown: it may hold a password)${hint}`;
}
