// `offerops serve` (docs/runtime-api.md): the runtime HTTP server. Loads and verifies the bundle
// (`--bundle FILE`, or the one pinned for `--env NAME`), opens the history store
// (`--history sqlite:FILE | postgres://…`), listens, and runs until SIGINT/SIGTERM.
// `--port 0` picks a free port; the "listening on" line on stderr names it.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { loadEngine, type Engine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { createHistoryStore, createServer, signedBundleLoader, WATCHED_BUNDLE_FILE, type HistoryStore, type LoadEngine } from '../../server/index.js';
import { parsePublicKey } from '../../bundle/index.js';
import { loadEnvironments } from '../../gitops/index.js';
import type { CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { optionText } from '../options.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const serveCommand: CommandDefinition = {
  name: 'serve',
  summary: 'run the runtime HTTP server (sessions, offers, events) on a bundle',
  description:
    'Serve the runtime HTTP API (docs/runtime-api.md) on a verified bundle until SIGINT or SIGTERM: sessions, offers, events, bundle hot swap, /metrics. The admin API is on only when OFFEROPS_ADMIN_TOKEN is set. Logs are JSON lines on stderr.',
  examples: [
    { why: 'serve a compiled bundle on port 8080 with the embedded history store', command: 'offerops serve --bundle build/bundle.json --port 8080 --history sqlite:history.db' },
    { why: 'follow a deploy directory, several servers sharing one PostgreSQL history', command: 'offerops serve --watch /var/lib/offerops/production --host 0.0.0.0 --history postgres://offerops:secret@db:5432/offerops' },
  ],
  common: { config: false, json: false },
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
      .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, 'info')
      .option('--trusted-key <key>', 'load only bundles signed by this ed25519 public key (ed25519:BASE64); with --env, an environment with signing.required sets it');
  },
  run: async (options, context) => {
    const { io } = context;
    const port = integerOption(options['port'], '--port', 0, 65535);
    const maxSessions = integerOption(options['maxSessions'], '--max-sessions', 1, 10_000_000);
    const ttlSeconds = integerOption(options['sessionTtl'], '--session-ttl', 1, 7 * 24 * 3600);
    const host = String(optionText(options, 'host'));
    const level = String(optionText(options, 'logLevel'));
    if (!LOG_LEVELS.includes(level)) throw new UserError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
    const watch = optionText(options, 'watch');
    const watchDir = watch === undefined ? undefined : path.resolve(io.cwd, watch);
    if (watchDir !== undefined && !existsSync(watchDir)) throw new UserError(`--watch ${watch}: no such directory`);

    const bundleFile = resolveBundleFile(options, io.cwd, watchDir);
    const trustedKey = await trustedKeyFor(options, io.cwd);
    const load = trustedKey === null ? loadEngine : signedBundleLoader(trustedKey);
    const engine = await loadBundleFile(bundleFile, io.cwd, load);

    // An unknown --history form is a HistorySpecError: exit 2 through the exit-code table.
    const history: HistoryStore = createHistoryStore(String(optionText(options, 'history')), io.cwd);
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
      loadEngine: load,
      bundleSource: path.relative(io.cwd, bundleFile) || bundleFile,
      history,
      logger,
      sessionLimits: { maxSessions, ttlMs: ttlSeconds * 1000 },
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
      `offerops serve: listening on ${address} (bundle ${engine.digest}, history ${history.description}${watchDir ? `, watching ${watchDir}` : ''}${adminToken ? ', admin API on' : ', admin API off: set OFFEROPS_ADMIN_TOKEN'}${trustedKey ? `, signed bundles only (${trustedKey})` : ''})\n`,
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
  const bundle = optionText(options, 'bundle');
  const env = optionText(options, 'env');
  if (bundle !== undefined && env !== undefined) throw new UserError('give --bundle FILE or --env NAME, not both');
  if (bundle !== undefined) return path.resolve(cwd, bundle);
  if (env !== undefined) return pinnedBundle(env, cwd);
  if (watchDir !== undefined) return path.join(watchDir, WATCHED_BUNDLE_FILE);
  throw new UserError('offerops serve needs a bundle: --bundle FILE, --env NAME, or --watch DIR holding bundle.json');
}

/** The bundle path pinned in environments/<env>.yaml (docs/config-language.md#environment), else environments/<env>/bundle.json. */
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

/**
 * The key every bundle must be signed by: --trusted-key, else (with --env) the
 * environment's signing.publicKey when it sets signing.required; null when unsigned
 * bundles are fine (docs/gitops.md#signing).
 */
async function trustedKeyFor(options: Record<string, unknown>, cwd: string): Promise<string | null> {
  if (options['trustedKey'] !== undefined) {
    const key = String(optionText(options, 'trustedKey'));
    try {
      parsePublicKey(key);
    } catch (error) {
      throw new UserError(`--trusted-key: ${(error as Error).message}`);
    }
    return key;
  }
  if (options['env'] === undefined) return null;
  const name = String(optionText(options, 'env'));
  const set = await loadEnvironments(findRepositoryRoot(cwd));
  const problems = set.problems.filter((p) => p.severity === 'error' && p.file.replace(/\.ya?ml$/i, '') === `environments/${name}`);
  if (problems.length > 0) throw new UserError(`${problems[0]!.file}:${problems[0]!.line}:${problems[0]!.column}: ${problems[0]!.message}`);
  const signing = set.environments.get(name)?.spec.signing;
  return signing?.required ? signing.publicKey : null;
}

async function loadBundleFile(file: string, cwd: string, load: LoadEngine): Promise<Engine> {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read bundle ${shown}: ${(error as Error).message}`);
  }
  try {
    return load(text, shown);
  } catch (error) {
    throw new UserError(`bundle refused: ${(error as Error).message}`);
  }
}
