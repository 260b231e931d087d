// `offerops serve` (docs/runtime-api.md): the runtime HTTP server. Loads and verifies the
// bundle (`--bundle FILE`, or the one pinned for `--env NAME`), then runs one server
// instance (src/server/instance.ts) in this process, or `--workers N` of them as a
// node:cluster group (src/server/cluster.ts), until SIGINT/SIGTERM.
// `--port 0` picks a free port; the "listening on" line on stderr names it.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadEngine, type Engine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
// Types only, statically: the server stage (fastify, the store drivers) is loaded when a
// server starts, so every other command starts without it.
import type { InstanceSettings, LoadEngine, RunningInstance } from '../../server/index.js';
import { parsePublicKey, WATCHED_BUNDLE_FILE } from '../../bundle/index.js';
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
      .option('--sessions <store>', 'session store: memory (this process) or redis://HOST:PORT (shared by several instances)', 'memory')
      .option('--workers <n>', 'worker processes sharing the port, one per core (more than 1 needs --sessions redis://…)', '1')
      .option('--watch <dir>', `swap in DIR/${WATCHED_BUNDLE_FILE} whenever it changes (a deploy directory target)`)
      .option('--max-sessions <n>', 'sessions held at most; new ones get 503 beyond it', '100000')
      .option('--session-ttl <seconds>', 'idle time after which a session expires', '1800')
      .option('--request-timeout <seconds>', 'time a request (headers and body) may take to arrive; later: 408', '30')
      .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`, 'info')
      .option('--trusted-key <key>', 'load only bundles signed by this ed25519 public key (ed25519:BASE64); with --env, an environment with signing.required sets it');
  },
  run: async (options, context) => {
    const { io } = context;
    const server = await import('../../server/index.js');
    const { runPrimary, startInstance, InstanceStartError, signedBundleLoader } = server;
    const port = integerOption(options['port'], '--port', 0, 65535);
    const workers = integerOption(options['workers'], '--workers', 1, MAX_WORKERS);
    const maxSessions = integerOption(options['maxSessions'], '--max-sessions', 1, 10_000_000);
    const ttlSeconds = integerOption(options['sessionTtl'], '--session-ttl', 1, 7 * 24 * 3600);
    const requestTimeoutSeconds = integerOption(options['requestTimeout'], '--request-timeout', 1, 3600);
    const host = String(options['host']);
    const level = String(options['logLevel']);
    if (!LOG_LEVELS.includes(level)) throw new UserError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
    const watchDir = options['watch'] === undefined ? undefined : path.resolve(io.cwd, String(optionText(options, 'watch')));
    if (watchDir !== undefined && !existsSync(watchDir)) throw new UserError(`--watch ${String(options['watch'])}: no such directory`);
    const historySpec = String(options['history']);
    const sessionsSpec = String(options['sessions']);
    checkStoreSpecs(server, historySpec, sessionsSpec, io.cwd);
    if (workers > 1 && sessionsSpec === 'memory') {
      throw new UserError(`--workers ${workers} needs --sessions redis://…: a session held in one worker's memory is unknown to the others, and a touchpoint's next request may reach any of them`);
    }

    const bundleFile = resolveBundleFile(options, io.cwd, watchDir);
    const trustedKey = await trustedKeyFor(options, io.cwd);
    const load = trustedKey === null ? loadEngine : signedBundleLoader(trustedKey);
    const bundle = await loadBundleFile(bundleFile, io.cwd, load);
    const settings: InstanceSettings = {
      bundleSource: path.relative(io.cwd, bundleFile) || bundleFile,
      history: historySpec,
      sessions: sessionsSpec,
      cwd: io.cwd,
      host,
      port,
      maxSessions,
      ttlMs: ttlSeconds * 1000,
      requestTimeoutMs: requestTimeoutSeconds * 1000,
      logLevel: level,
      ...(watchDir ? { watchDir } : {}),
      ...(trustedKey ? { trustedKey } : {}),
    };
    // Without a way to be told to stop, serve until the process is killed.
    const shutdownSignal = io.shutdownSignal ?? (() => new Promise<string>(() => undefined));
    const adminToken = io.env['OFFEROPS_ADMIN_TOKEN'];

    if (workers > 1) {
      if (!adminToken) io.stderr('offerops serve: admin API off: set OFFEROPS_ADMIN_TOKEN\n');
      return runPrimary({ workers, settings, bundleText: bundle.text, say: io.stderr, shutdownSignal });
    }

    let instance: RunningInstance;
    try {
      instance = await startInstance(settings, bundle.engine, { writeLog: io.stderr, ...(adminToken ? { adminToken } : {}) });
    } catch (error) {
      if (error instanceof InstanceStartError) throw new UserError(error.message, error.exitCode);
      throw error;
    }
    io.stderr(
      `offerops serve: listening on ${instance.address} (bundle ${bundle.engine.digest}, history ${instance.history.description}, sessions ${instance.sessions.description}${watchDir ? `, watching ${watchDir}` : ''}${adminToken ? ', admin API on' : ', admin API off: set OFFEROPS_ADMIN_TOKEN'}${trustedKey ? `, signed bundles only (${trustedKey})` : ''})\n`,
    );
    const signal = await shutdownSignal();
    instance.logger.info({ signal }, 'shutting down');
    await instance.close();
    return 0;
  },
};

/** Enough for any machine; a guard against a typo such as --workers 4000. */
const MAX_WORKERS = 256;

/** Usage errors for --history and --sessions before anything starts (the stores open in the instance). */
function checkStoreSpecs(server: typeof import('../../server/index.js'), history: string, sessions: string, cwd: string): void {
  const { createHistoryStore, createSessionStore, HistorySpecError, SessionSpecError } = server;
  try {
    // Constructing a store connects to nothing; it only checks the form.
    void createHistoryStore(history, cwd).close();
  } catch (error) {
    if (error instanceof HistorySpecError) throw new UserError(error.message);
    throw error;
  }
  if (sessions !== 'memory' && !/^rediss?:\/\//.test(sessions)) {
    try {
      createSessionStore(sessions, { maxSessions: 1, ttlMs: 1, maxShownPerSession: 1 });
    } catch (error) {
      if (error instanceof SessionSpecError) throw new UserError(error.message);
      throw error;
    }
  }
}

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

async function loadBundleFile(file: string, cwd: string, load: LoadEngine): Promise<{ engine: Engine; text: string }> {
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read bundle ${shown}: ${(error as Error).message}`);
  }
  try {
    return { engine: load(text, shown), text };
  } catch (error) {
    throw new UserError(`bundle refused: ${(error as Error).message}`);
  }
}
