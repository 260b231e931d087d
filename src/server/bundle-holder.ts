// The bundle a runtime server serves, and its hot swap (docs/runtime-api.md#bundle-hot-swap). A new bundle
// is verified (digest, format) and compiled into an engine before it replaces the old
// one in a single assignment; a request reads `current` once when it starts and keeps
// that engine, so it finishes on the bundle it started with. A bundle that is refused
// leaves the old one serving.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkSignature, parseBundle, WATCHED_BUNDLE_FILE } from '../bundle/index.js';
import { createEngine, type Engine } from '../engine/index.js';

export interface ActiveBundle {
  engine: Engine;
  /** Where it came from: a file path, "PUT /admin/bundle", a watched directory. */
  source: string;
  loadedAt: string;
}

/** A bundle that was not swapped in (corrupt, tampered, unknown format, not loadable). */
export class BundleRefusedError extends Error {
  constructor(
    readonly source: string,
    cause: Error,
  ) {
    super(cause.message, { cause });
    this.name = 'BundleRefusedError';
  }
}

export type LoadEngine = (text: string, source: string) => Engine;

/** A bundle refused because it is not signed by the trusted key (docs/gitops.md#signing). */
export class UnsignedBundleError extends Error {
  constructor(source: string, reason: string) {
    super(`${source}: ${reason}; this server loads only bundles signed by its trusted key`);
    this.name = 'UnsignedBundleError';
  }
}

/**
 * A LoadEngine that refuses any bundle without a valid signature by `trustedKeyId`, at
 * start-up, on PUT /admin/bundle and from a watched directory alike: every bundle the
 * server loads goes through it, and a refused one leaves the old bundle serving.
 */
export function signedBundleLoader(trustedKeyId: string): LoadEngine {
  return (text, source) => {
    const bundle = parseBundle(text, source);
    const signature = checkSignature(bundle, trustedKeyId);
    if (!signature.ok) throw new UnsignedBundleError(source, signature.reason);
    return createEngine(bundle);
  };
}

export type SwapResult = { swapped: true; previousDigest: string; active: ActiveBundle } | { swapped: false; reason: 'same-digest'; active: ActiveBundle };

export interface BundleHolderEvents {
  onSwap?: (active: ActiveBundle, previousDigest: string) => void;
  onRefused?: (source: string, error: Error) => void;
}

/** The file a watched directory holds (what `offerops deploy` writes to a directory target). */
export { WATCHED_BUNDLE_FILE };

export class BundleHolder {
  private active: ActiveBundle;
  private watcher: FSWatcher | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(
    initial: ActiveBundle,
    private readonly loadEngine: LoadEngine,
    private readonly events: BundleHolderEvents = {},
    private readonly now: () => number = Date.now,
  ) {
    this.active = initial;
  }

  get current(): ActiveBundle {
    return this.active;
  }

  /** Verifies and loads `text`; throws BundleRefusedError (and keeps the old bundle) when it is refused. */
  swap(text: string, source: string): SwapResult {
    let engine: Engine;
    try {
      engine = this.loadEngine(text, source);
    } catch (error) {
      const refused = new BundleRefusedError(source, error instanceof Error ? error : new Error(String(error)));
      this.events.onRefused?.(source, refused);
      throw refused;
    }
    if (engine.digest === this.active.engine.digest) return { swapped: false, reason: 'same-digest', active: this.active };
    const previousDigest = this.active.engine.digest;
    this.active = { engine, source, loadedAt: new Date(this.now()).toISOString() };
    this.events.onSwap?.(this.active, previousDigest);
    return { swapped: true, previousDigest, active: this.active };
  }

  /**
   * Watches `dir` for `bundle.json` being written (atomically renamed into place by
   * deploy) and swaps it in. A refused file is reported through `onRefused` and the old
   * bundle keeps serving. Changes arriving while a reload runs trigger one more reload.
   */
  watchDirectory(dir: string): void {
    this.stopWatching();
    this.watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename === null || filename === WATCHED_BUNDLE_FILE) void this.reloadFrom(dir);
    });
    this.watcher.on('error', (error) => this.events.onRefused?.(dir, error));
  }

  /** Reads `dir/bundle.json` and swaps it in; resolves when done (refusals are reported, not thrown). */
  reloadFrom(dir: string): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        const file = path.join(dir, WATCHED_BUNDLE_FILE);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          // A rename in progress or a deleted file: nothing to load, keep serving.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.events.onRefused?.(file, error as Error);
          continue;
        }
        try {
          this.swap(text, file);
        } catch {
          // Reported through onRefused by swap().
        }
      } while (this.reloadAgain);
    })().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
