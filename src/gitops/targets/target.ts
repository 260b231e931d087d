// Deploy targets (docs/gitops.md#targets): where `deploy` puts a bundle and `check`
// replays decisions. One implementation per target type, registered in a table
// (Record<TargetType, DeployTarget>): directory.ts (a folder a runtime watches) and
// http.ts (a runtime server's admin API).
import type { TargetSpec, TargetType } from '../environment.js';

export interface TargetContext {
  /** Repository root: relative directory targets are resolved against it. */
  root: string;
  /** Where admin tokens are read from (by the variable name the target gives). */
  env: Record<string, string | undefined>;
  /** Per request, milliseconds. */
  timeoutMs: number;
}

/** A target could not be read or written; the message says which and why (never a token). */
export class TargetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetError';
  }
}

export interface RuntimeResponse {
  status: number;
  body: unknown;
  /** Round trip, milliseconds. */
  ms: number;
}

/** The runtime API of a target, for `check`: requests as a touchpoint makes them. */
export interface RuntimeClient {
  /** "http http://127.0.0.1:8081" or "directory /srv/offerops (in-process)". */
  readonly label: string;
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<RuntimeResponse>;
  close(): Promise<void>;
}

export interface DeployTarget<T extends TargetSpec> {
  /** "directory /var/lib/offerops/staging". */
  describe(target: T): string;
  /** What stops a deploy before anything is written (a missing token); null when ready. */
  preflight(target: T, context: TargetContext): string | null;
  /** The digest the target runs now; null when it runs none. Throws TargetError when it cannot tell. */
  current(target: T, context: TargetContext): Promise<string | null>;
  /** Puts the bundle on the target and confirms the target now runs `digest`. Throws TargetError. */
  activate(target: T, text: string, digest: string, context: TargetContext): Promise<void>;
  /** Takes the bundle off a target that ran none before (restoring "nothing"). */
  clear(target: T, context: TargetContext): Promise<void>;
  /** The text of an earlier bundle the target kept, if it kept one. */
  keptBundle(target: T, digest: string, context: TargetContext): Promise<string | null>;
  /** The runtime API of the target, for the runtime check. */
  openRuntime(target: T, context: TargetContext): Promise<RuntimeClient>;
}

export type TargetRegistry = { [K in TargetType]: DeployTarget<Extract<TargetSpec, { type: K }>> };

/** Dispatch on the target's type (keeps the table's types at the call sites). */
export function targetOf<T extends TargetSpec>(registry: TargetRegistry, target: T): DeployTarget<T> {
  return registry[target.type] as unknown as DeployTarget<T>;
}
