// Directory targets (docs/gitops.md#targets): a folder a runtime watches
// (`offerops serve --watch DIR`). The active bundle is DIR/bundle.json, replaced by
// rename so a reader sees the old file or the new one, never half of one (fsynced
// before the rename, the folder after it); every bundle ever deployed stays in
// DIR/bundles/<hex digest>.json, so an earlier one is at hand for a rollback.
//
// For the runtime check, a directory target is replayed in-process: the bundle the
// folder holds is loaded into the runtime server (without listening) and the members'
// requests go through its API exactly as over HTTP, so the check proves what a runtime
// watching the folder would answer. Latency is then the runtime's own, without network.
import { randomBytes } from 'node:crypto';
import { open, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle, WATCHED_BUNDLE_FILE } from '../../bundle/index.js';
import { loadEngine } from '../../engine/index.js';
import type { DirectoryTarget } from '../environment.js';
import { TargetError, type DeployTarget, type RuntimeClient, type TargetContext } from './target.js';

const ACTIVE = WATCHED_BUNDLE_FILE;
const KEPT = 'bundles';

function directoryOf(target: DirectoryTarget, context: TargetContext): string {
  return path.resolve(context.root, target.path);
}

/** The error's code (ENOTDIR, EROFS, EACCES…): the full message repeats an absolute path. */
function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? String(e.message ?? error);
}

/** Writes `text` to `file` through a synced temporary sibling and a rename. */
async function replaceFile(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function readActive(dir: string, target: DirectoryTarget): Promise<string | null> {
  try {
    return await readFile(path.join(dir, ACTIVE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TargetError(`directory ${target.path}: cannot read ${ACTIVE} (${errorText(error)})`, { cause: error });
  }
}

export const directoryTarget: DeployTarget<DirectoryTarget> = {
  describe: (target) => `directory ${target.path}`,

  preflight: () => null,

  async current(target, context) {
    const dir = directoryOf(target, context);
    const text = await readActive(dir, target);
    if (text === null) return null;
    try {
      return parseBundle(text, path.join(dir, ACTIVE)).digest;
    } catch (error) {
      throw new TargetError(`directory ${target.path}: ${ACTIVE} is not a valid bundle (${(error as Error).message})`);
    }
  },

  async activate(target, text, digest, context) {
    const dir = directoryOf(target, context);
    try {
      await mkdir(path.join(dir, KEPT), { recursive: true });
      const kept = path.join(dir, KEPT, `${digest.slice('sha256:'.length)}.json`);
      const existing = await readFile(kept, 'utf8').catch(() => null);
      if (existing !== text) await replaceFile(kept, text);
      await replaceFile(path.join(dir, ACTIVE), text);
    } catch (error) {
      throw new TargetError(`directory ${target.path}: cannot write the bundle (${errorText(error)})`, { cause: error });
    }
    const now = await this.current(target, context);
    if (now !== digest) throw new TargetError(`directory ${target.path}: ${ACTIVE} holds ${now ?? 'nothing'} after the write, not ${digest}`);
  },

  async clear(target, context) {
    const file = path.join(directoryOf(target, context), ACTIVE);
    try {
      await rm(file, { force: true });
    } catch (error) {
      throw new TargetError(`directory ${target.path}: cannot remove ${ACTIVE} (${errorText(error)})`, { cause: error });
    }
  },

  async keptBundle(target, digest, context) {
    const dir = directoryOf(target, context);
    for (const file of [path.join(dir, KEPT, `${digest.slice('sha256:'.length)}.json`), path.join(dir, ACTIVE)]) {
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) continue;
      try {
        if (parseBundle(text, file).digest === digest) return text;
      } catch {
        // not that bundle
      }
    }
    return null;
  },

  async openRuntime(target, context): Promise<RuntimeClient> {
    const dir = directoryOf(target, context);
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new TargetError(`directory ${target.path}: no such directory (deploy first)`);
    const text = await readActive(dir, target);
    if (text === null) throw new TargetError(`directory ${target.path}: no ${ACTIVE} (deploy first)`);
    let engine;
    try {
      engine = loadEngine(text, path.join(dir, ACTIVE));
    } catch (error) {
      throw new TargetError(`directory ${target.path}: the runtime refuses its ${ACTIVE}: ${(error as Error).message}`);
    }
    // The server stage is loaded only when a check replays through it.
    const { createServer, SqliteHistoryStore } = await import('../../server/index.js');
    const history = new SqliteHistoryStore(':memory:');
    await history.open();
    const app = createServer({ engine, bundleSource: path.join(dir, ACTIVE), history, logger: false, processMetrics: false });
    await app.ready();
    return {
      label: `directory ${target.path} (in-process)`,
      async request(method, url, body) {
        const started = performance.now();
        const response = await app.inject({ method, url, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
        const ms = performance.now() - started;
        let parsed: unknown;
        try {
          parsed = response.body === '' ? null : JSON.parse(response.body);
        } catch {
          parsed = response.body;
        }
        return { status: response.statusCode, body: parsed, ms };
      },
      async close() {
        await app.close();
        await history.close();
      },
    };
  },
};
