// `offerops serve --workers N` (docs/runtime-api.md#several-cores-serve---workers): node:cluster
// runs N worker processes that share the listening socket, so one machine uses all its
// cores. The primary process serves nothing itself; it
// - starts the workers with the settings and the verified bundle, and replaces one
//   that dies (a worker never takes the group down);
// - carries a bundle swapped in through PUT /admin/bundle on one worker to all the
//   others before that request is answered, and starts replacements on it;
// - aggregates every worker's metrics for GET /metrics (prom-client's AggregatorRegistry);
// - on SIGTERM/SIGINT tells every worker to drain and waits for them.
// Sessions must live in a shared store (Redis): a touchpoint's next request may reach
// another worker. History is shared by the store already (SQLite file or PostgreSQL).
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry } from 'prom-client';
import { loadEngine } from '../engine/index.js';
import { instanceLogger, InstanceStartError, startInstance, type InstanceSettings, type RunningInstance } from './instance.js';
import { signedBundleLoader } from './bundle-holder.js';

type ToWorker =
  | { type: 'offerops:start'; settings: InstanceSettings; bundleText: string; bundleSource: string; worker: number }
  | { type: 'offerops:swap'; id: number; text: string; source: string }
  | { type: 'offerops:swap-done'; id: number; refused: string[] }
  | { type: 'offerops:metrics'; id: number; text?: string; contentType?: string; error?: string }
  | { type: 'offerops:shutdown' };

type ToPrimary =
  | { type: 'offerops:ready' }
  | { type: 'offerops:listening'; address: string }
  | { type: 'offerops:start-failed'; message: string; exitCode: 2 | 3 }
  | { type: 'offerops:broadcast-swap'; id: number; text: string; source: string }
  | { type: 'offerops:swap-ack'; id: number; refused: string | null }
  | { type: 'offerops:metrics-request'; id: number };

function isMessage<T extends { type: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('offerops:');
}

export interface ClusterOptions {
  workers: number;
  settings: InstanceSettings;
  bundleText: string;
  /** Human lines (the "listening on" line, worker restarts). */
  say: (line: string) => void;
  /** Resolves with the signal name when the group should stop. */
  shutdownSignal: () => Promise<string>;
}

/** Runs the primary; resolves with the exit code once every worker has stopped. */
export async function runPrimary(options: ClusterOptions): Promise<0 | 2 | 3> {
  // The worker entry next to this module (dist/server/cluster-worker.js in the package).
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.js', import.meta.url)), args: [] });
  const aggregator = new AggregatorRegistry();
  let bundle = { text: options.bundleText, source: options.settings.bundleSource };
  let stopping = false;
  let failed: { message: string; exitCode: 2 | 3 } | null = null;
  let workerCount = 0;
  const live = new Set<Worker>();
  /** Workers whose server listens (and which therefore handle the shutdown message). */
  const serving = new Set<Worker>();
  let resolveStarted!: (address: string | null) => void;
  const started = new Promise<string | null>((resolve) => (resolveStarted = resolve));
  let listening = 0;
  let address: string | null = null;
  // Swaps being carried to the other workers: who asked, and who has still to answer.
  const swaps = new Map<number, { from: Worker; waiting: Set<Worker>; refused: string[] }>();
  let swapIds = 0;
  let allExited: () => void = () => undefined;

  const finishSwap = (id: number): void => {
    const swap = swaps.get(id);
    if (!swap || swap.waiting.size > 0) return;
    swaps.delete(id);
    if (swap.from.isConnected()) swap.from.send({ type: 'offerops:swap-done', id, refused: swap.refused } satisfies ToWorker);
  };

  const fork = (): void => {
    const number = ++workerCount;
    const worker = cluster.fork();
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isMessage<ToPrimary>(message)) return;
      switch (message.type) {
        case 'offerops:ready':
          // The worker listens for messages now (an earlier one would be lost).
          worker.send({ type: 'offerops:start', settings: options.settings, bundleText: bundle.text, bundleSource: bundle.source, worker: number } satisfies ToWorker);
          break;
        case 'offerops:listening':
          serving.add(worker);
          listening++;
          address ??= message.address;
          if (listening === options.workers) resolveStarted(address);
          if (listening > options.workers) options.say(`offerops serve: worker ${number} listening (a replacement)\n`);
          break;
        case 'offerops:start-failed':
          failed ??= { message: message.message, exitCode: message.exitCode };
          if (listening < options.workers) resolveStarted(null);
          break;
        case 'offerops:broadcast-swap': {
          bundle = { text: message.text, source: message.source };
          const id = ++swapIds;
          const waiting = new Set([...live].filter((other) => other !== worker && other.isConnected()));
          swaps.set(id, { from: worker, waiting, refused: [] });
          for (const other of waiting) other.send({ type: 'offerops:swap', id, text: message.text, source: message.source } satisfies ToWorker);
          finishSwap(id);
          break;
        }
        case 'offerops:swap-ack': {
          const swap = swaps.get(message.id);
          if (!swap) break;
          swap.waiting.delete(worker);
          if (message.refused !== null) swap.refused.push(message.refused);
          finishSwap(message.id);
          break;
        }
        case 'offerops:metrics-request':
          aggregator.clusterMetrics().then(
            (text) => worker.isConnected() && worker.send({ type: 'offerops:metrics', id: message.id, text, contentType: aggregator.contentType } satisfies ToWorker),
            (error: Error) => worker.isConnected() && worker.send({ type: 'offerops:metrics', id: message.id, error: error.message } satisfies ToWorker),
          );
          break;
      }
    });
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      serving.delete(worker);
      // A worker that is gone answers no swap.
      for (const [id, swap] of swaps) if (swap.waiting.delete(worker)) finishSwap(id);
      if (live.size === 0) allExited();
      if (stopping || failed) return;
      if (listening < options.workers) {
        // Dying while the group starts is a failure to start, not something to retry forever.
        failed = { message: `a worker exited while starting (${signal ?? `code ${code}`})`, exitCode: 3 };
        resolveStarted(null);
        return;
      }
      options.say(`offerops serve: worker ${number} exited (${signal ?? `code ${code}`}); starting another\n`);
      fork();
    });
  };

  for (let i = 0; i < options.workers; i++) fork();
  const first = await started;
  const exited = new Promise<void>((resolve) => {
    allExited = resolve;
    if (live.size === 0) resolve();
  });
  const stopAll = async (): Promise<void> => {
    stopping = true;
    for (const worker of live) {
      // A serving worker drains; one still starting has nothing to drain and would not hear the message yet.
      if (serving.has(worker) && worker.isConnected()) worker.send({ type: 'offerops:shutdown' } satisfies ToWorker);
      else worker.process.kill('SIGTERM');
    }
    await exited;
  };
  if (first === null) {
    await stopAll();
    const reason = failed as { message: string; exitCode: 2 | 3 } | null;
    options.say(`offerops: ${reason?.message ?? 'a worker failed to start'}\n`);
    return reason?.exitCode ?? 3;
  }
  options.say(`offerops serve: listening on ${first} (${options.workers} workers, sessions ${options.settings.sessions.replace(/\/\/[^@/]*@/, '//***@')}${options.settings.trustedKey ? `, signed bundles only (${options.settings.trustedKey})` : ''})\n`);
  await options.shutdownSignal();
  await stopAll();
  return 0;
}

/** The worker side (cluster-worker.ts): one server instance, wired to the primary. */
export async function runWorker(): Promise<void> {
  const send = (message: ToPrimary): void => {
    if (process.connected) process.send?.(message);
  };
  const start = await new Promise<Extract<ToWorker, { type: 'offerops:start' }>>((resolve) => {
    const onMessage = (message: unknown): void => {
      if (isMessage<ToWorker>(message) && message.type === 'offerops:start') {
        process.off('message', onMessage);
        resolve(message);
      }
    };
    process.on('message', onMessage);
    send({ type: 'offerops:ready' });
  });
  const writeLog = (line: string): void => void process.stderr.write(line);
  const logFields = { worker: start.worker, pid: process.pid };
  let instance: RunningInstance;
  try {
    let engine;
    try {
      engine = (start.settings.trustedKey ? signedBundleLoader(start.settings.trustedKey) : loadEngine)(start.bundleText, start.bundleSource);
    } catch (error) {
      throw new InstanceStartError(`bundle refused: ${(error as Error).message}`, 2);
    }
    // Workers answer the primary's requests for their metrics (prom-client).
    new AggregatorRegistry();
    const pendingMetrics = new Map<number, (message: Extract<ToWorker, { type: 'offerops:metrics' }>) => void>();
    const pendingSwaps = new Map<number, (refused: string[]) => void>();
    let requestIds = 0;
    const adminToken = process.env['OFFEROPS_ADMIN_TOKEN'];
    instance = await startInstance({ ...start.settings, bundleSource: start.bundleSource }, engine, {
      writeLog,
      logFields,
      ...(adminToken ? { adminToken } : {}),
      server: {
        afterAdminSwap: async (text, source) => {
          const id = ++requestIds;
          const refused = await new Promise<string[]>((resolve) => {
            pendingSwaps.set(id, resolve);
            send({ type: 'offerops:broadcast-swap', id, text, source });
          });
          if (refused.length > 0) throw new Error(`the bundle is active on this worker but ${refused.length} other worker(s) refused it: ${refused.join('; ')}`);
        },
        metricsText: async () => {
          const id = ++requestIds;
          const answer = await new Promise<Extract<ToWorker, { type: 'offerops:metrics' }>>((resolve) => {
            pendingMetrics.set(id, resolve);
            send({ type: 'offerops:metrics-request', id });
          });
          if (answer.error !== undefined || answer.text === undefined) throw new Error(`metrics of the worker group: ${answer.error ?? 'no answer'}`);
          return { text: answer.text, contentType: answer.contentType ?? 'text/plain' };
        },
      },
    });
    AggregatorRegistry.setRegistries([instance.app.offerops.metrics.registry]);
    // A replacement worker may start after the watched directory changed: serve what it holds.
    if (start.settings.watchDir) await instance.app.offerops.bundles.reloadFrom(start.settings.watchDir);

    let closing: Promise<void> | null = null;
    const shutdown = (): Promise<void> => (closing ??= instance.close().finally(() => process.exit(0)));
    process.on('message', (message: unknown) => {
      if (!isMessage<ToWorker>(message)) return;
      switch (message.type) {
        case 'offerops:swap': {
          let refused: string | null = null;
          try {
            instance.app.offerops.bundles.swap(message.text, message.source);
          } catch (error) {
            refused = `worker ${start.worker}: ${(error as Error).message}`;
          }
          send({ type: 'offerops:swap-ack', id: message.id, refused });
          break;
        }
        case 'offerops:swap-done':
          pendingSwaps.get(message.id)?.(message.refused);
          pendingSwaps.delete(message.id);
          break;
        case 'offerops:metrics':
          pendingMetrics.get(message.id)?.(message);
          pendingMetrics.delete(message.id);
          break;
        case 'offerops:shutdown':
          void shutdown();
          break;
      }
    });
    // The primary gone (killed): nobody will tell this worker to stop; drain and go.
    process.on('disconnect', () => void shutdown());
    // Signals are the primary's to handle (a terminal's Ctrl-C reaches the whole group).
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => void shutdown());
    send({ type: 'offerops:listening', address: instance.address });
    instanceLogger(start.settings.logLevel, { writeLog, logFields }).info({ address: instance.address }, 'worker listening');
  } catch (error) {
    const exitCode = error instanceof InstanceStartError ? error.exitCode : 3;
    const failure: ToPrimary = { type: 'offerops:start-failed', message: (error as Error).message, exitCode };
    // Exit once the primary has the message (a store's sockets may still hold the loop).
    if (process.connected && process.send) process.send(failure, () => process.exit(exitCode));
    else process.exit(exitCode);
  }
}
