// The history store contract (docs/runtime-api.md#history-store-and-durability): where the
// runtime writes contact and response events and reads a member's history back for
// suppression and realtime policies.
// Implementations: SQLite (embedded default) and PostgreSQL. `append` resolves only once
// the rows are durably committed: the server answers 2xx after that, so an acknowledged
// event survives the process being killed.
import type { HistoryNeeds, HistoryRow, HistoryWindow } from '../engine/index.js';
import { ExternalSystemError } from '../errors.js';

export type HistoryStoreKind = 'sqlite' | 'postgres';

export interface HistoryStore {
  readonly kind: HistoryStoreKind;
  /** Where the store lives, safe to print (no password). */
  readonly description: string;
  /** Creates the table and index when missing. Called once before use. */
  open(): Promise<void>;
  /** Commits the rows (all or none); resolves after the commit is durable. */
  append(rows: readonly HistoryRow[]): Promise<void>;
  /** Every row of one member, oldest first (insertion order): an export, not what decisions read. */
  readMember(customerId: string): Promise<HistoryRow[]>;
  /**
   * What a decision on `at` (YYYY-MM-DD) by an engine with these needs reads, bounded
   * whatever the member's history holds: the engine's HistoryWindow (history-aggregates.ts).
   */
  readWindow(customerId: string, at: string, needs: HistoryNeeds): Promise<HistoryWindow>;
  /** Resolves when the store answers a trivial query (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A store that failed: the server maps it to 503 (the request may be retried). */
export class HistoryStoreError extends ExternalSystemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryStoreError';
  }
}

export const HISTORY_EVENTS = ['contact', 'accept', 'reject'] as const;

/** Converts a stored row (either database) to the engine's shape. */
export function toHistoryRow(row: { customer_id: string; offer: string; channel: string; date: string; package: string | null; event: string }): HistoryRow {
  return {
    customerId: row.customer_id,
    offer: row.offer,
    channel: row.channel,
    date: row.date,
    package: row.package,
    event: row.event as HistoryRow['event'],
  };
}

/** Postgres URLs carry a password (`user:pass@`, or `?password=` / `?sslpassword=` as the pg
 *  client also reads them): masked before the URL reaches a log, an error or /healthz. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) if (/pass|secret|token|key/i.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
