// `--history sqlite:FILE | postgres://…` → a history store (docs/runtime-api.md#history-store-and-durability). Unknown schemes are
// a usage error naming the accepted forms.
import path from 'node:path';
import type { HistoryStore } from './history-store.js';
import { PostgresHistoryStore } from './postgres-history-store.js';
import { SqliteHistoryStore } from './sqlite-history-store.js';

export class HistorySpecError extends Error {
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
  throw new HistorySpecError(`--history must be sqlite:FILE or postgres://USER@HOST/DB, got '${spec.split('@').pop() ?? ''}'`);
}
