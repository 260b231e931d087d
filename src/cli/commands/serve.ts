// `offerops serve` (SPEC §9, §10): the runtime HTTP server. Loads and verifies the bundle
// (`--bundle FILE`, or the one pinned for `--env NAME`), opens the history store
// (`--history sqlite:FILE | postgres://…`), listens, and runs until SIGINT/SIGTERM.
// `--port 0` picks a free port; the "listening on" line on stderr names it.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { loadEngine, type Engine } from '../../engine/engine.js';
import { UserError } from '../../errors.js';
import { createServer } from '../../server/app.js';
import { WATCHED_BUNDLE_FILE } from '../../server/bundle-holder.js';
import { createHistoryStore, HistorySpecError } from '../../server/open-history-store.js';
import type { HistoryStore } from '../../server/history-store.js';
import type { CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const serveCommand: CommandDefinition = {
  name: 'serve',
  summary: 'run the runtime HTTP server (sessions, offers, events) on a bundle',
  configure: (command) => {
    command
      .option('--bundle <file>', 'bundle file to serve')
      .option('--env <name>', "serve the bundle pinned for this environment (environments/<name>.yaml)")
      .option('--port <n>', 'TCP port (0 picks a free one)', '8080')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--history <store>', 'history store: sqlite:FILE or postgres://USER:PASSWORD@HOST/DB', 'sqlite:offerops-history.db')
      .option('--watch <dir>', `swap in DIR/${WATCHED_BUNDLE_FILE} whenever it changes (a deploy directory target)`)
      .option('--max-sessions <n>', 'sessions held at most; new ones get 503 beyond it', '100000')
      .option('--session-ttl <seconds>', 'idle time after which a session expires', '1800')
      .option('--request-timeout <seconds>', 'time a request (headers and body) may take to arrive; later: 408', '30')
      .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, 'info');
  },
  run: async (options, context) => {
    const { io } = context;
    const port = integerOption(options['port'], '--port', 0, 65535);
    const maxSessions = integerOption(options['maxSessions'], '--max-sessions', 1, 10_000_000);
    const ttlSeconds = integerOption(options['sessionTtl'], '--session-ttl', 1, 7 * 24 * 3600);
    const requestTimeoutSeconds = integerOption(options['requestTimeout'], '--request-timeout', 1, 3600);
    const host = String(options['host']);
    const level = String(options['logLevel']);
    if (!LOG_LEVELS.includes(level)) throw new UserError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
    const watchDir = options['watch'] === undefined ? undefined : path.resolve(io.cwd, String(options['watch']));
    if (watchDir !== undefined && !existsSync(watchDir)) throw new UserError(`--watch ${String(options['watch'])}: no such directory`);

    const bundleFile = resolveBundleFile(options, io.cwd, watchDir);
    const engine = await loadBundleFile(bundleFile, io.cwd);

    let history: HistoryStore;
    try {
      history = createHistoryStore(String(options['history']), io.cwd);
    } catch (error) {
      if (error instanceof HistorySpecError) throw new UserError(error.message);
      throw error;
    }
    try {
      await history.open();
    } catch (error) {
      throw new UserError((error as Error).message, 3);
    }

    const adminToken = io.env['OFFEROPS_ADMIN_TOKEN'];
    const logger = pino(
      { level, base: { service: 'offerops' }, redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'], censor: '***' } },
      { write: (line: string) => io.stderr(line) },
    );
    const app = createServer({
      engine,
      bundleSource: path.relative(io.cwd, bundleFile) || bundleFile,
      history,
      logger,
      sessionLimits: { maxSessions, ttlMs: ttlSeconds * 1000 },
      requestTimeout: requestTimeoutSeconds * 1000,
      ...(adminToken ? { adminToken } : {}),
      ...(watchDir ? { watchDir } : {}),
    });

    let address: string;
    try {
      address = await app.listen({ port, host });
    } catch (error) {
      await history.close();
      throw new UserError(`cannot listen on ${host}:${port}: ${(error as Error).message}`, 3);
    }
    io.stderr(
      `offerops serve: listening on ${address} (bundle ${engine.digest}, history ${history.description}${watchDir ? `, watching ${watchDir}` : ''}${adminToken ? ', admin API on' : ', admin API off: set OFFEROPS_ADMIN_TOKEN'})\n`,
    );

    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'shutting down');
    await app.close();
    await history.close();
    return 0;
  },
};

function integerOption(value: unknown, flag: string, min: number, max: number): number {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new UserError(`${flag} must be a whole number, got '${text}'`);
  const number = Number(text);
  if (number < min || number > max) throw new UserError(`${flag} must be between ${min} and ${max}, got ${number}`);
  return number;
}

function resolveBundleFile(options: Record<string, unknown>, cwd: string, watchDir: string | undefined): string {
  const bundle = options['bundle'] === undefined ? undefined : String(options['bundle']);
  const env = options['env'] === undefined ? undefined : String(options['env']);
  if (bundle !== undefined && env !== undefined) throw new UserError('give --bundle FILE or --env NAME, not both');
  if (bundle !== undefined) return path.resolve(cwd, bundle);
  if (env !== undefined) return pinnedBundle(env, cwd);
  if (watchDir !== undefined) return path.join(watchDir, WATCHED_BUNDLE_FILE);
  throw new UserError('offerops serve needs a bundle: --bundle FILE, --env NAME, or --watch DIR holding bundle.json');
}

/** The bundle path pinned in environments/<env>.yaml (SPEC §8), else environments/<env>/bundle.json. */
function pinnedBundle(env: string, cwd: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(env)) throw new UserError(`--env must be an environment name, got '${env}'`);
  const root = findRepositoryRoot(cwd);
  const envFile = path.join(root, 'environments', `${env}.yaml`);
  if (existsSync(envFile)) {
    try {
      const doc = parseYaml(readFileSyncUtf8(envFile)) as { spec?: { bundle?: { path?: unknown } } } | null;
      const pinned = doc?.spec?.bundle?.path;
      if (typeof pinned === 'string' && pinned.length > 0) return path.resolve(root, pinned);
    } catch (error) {
      throw new UserError(`cannot read ${path.relative(root, envFile)}: ${(error as Error).message}`);
    }
  }
  const fallback = path.join(root, 'environments', env, 'bundle.json');
  if (existsSync(fallback)) return fallback;
  throw new UserError(`environment '${env}' has no pinned bundle (looked at environments/${env}.yaml and environments/${env}/bundle.json)`);
}

function readFileSyncUtf8(file: string): string {
  return readFileSync(file, 'utf8');
}

async function loadBundleFile(file: string, cwd: string): Promise<Engine> {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read bundle ${shown}: ${(error as Error).message}`);
  }
  try {
    return loadEngine(text, shown);
  } catch (error) {
    throw new UserError(`bundle refused: ${(error as Error).message}`);
  }
}
