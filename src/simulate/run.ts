// Running a simulation over an audience source (the edge of simulate/): members are read
// as a stream, grouped into fixed batches and decided on worker threads (or on this
// thread with workers = 0); batch tallies are merged in batch order, so the metrics are
// the same whatever the number of workers, and memory stays bounded whatever the
// audience size (a few batches in flight per worker).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Bundle } from '../bundle/index.js';
import { createEngine } from '../engine/index.js';
import type { HistoryRow } from '../engine/index.js';
import { InternalError } from '../errors.js';
import { endWorker } from '../worker-end.js';
import { builtWorkerUrl } from '../worker-url.js';
import { emptyTally, mergeTally, prepareSide, runBatch, type BatchTally } from './batch.js';
import type { HistoryByMember } from './simulate.js';
import { isSampleSource, sampleMemberId } from './audience-sample.js';
import { BATCH_SIZE, type AudienceMember, type AudienceSource, type MemberBatch, type SampleBatch, type SimulationOptions } from './types.js';

/** Batches sent ahead to each worker: enough to keep it busy while a result travels back. */
const IN_FLIGHT_PER_WORKER = 3;

/**
 * Each worker's young generation, in MB (docs/simulation-and-diff.md#speed): a decision
 * leaves short-lived objects only, and a young generation larger than V8's default (about
 * 16–48 MB) is collected less often for the same garbage.
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

export interface RunOptions {
  /** Worker threads; 0 decides on this thread. */
  workers: number;
  history: HistoryByMember | null;
  /** Called after each merged batch with the members done so far. */
  onProgress?: (members: number) => void;
}

/** Whether worker threads can run here without a build: false when running from the TypeScript sources (the test runner). */
export function workersBuiltIn(): boolean {
  return existsSync(fileURLToPath(new URL('./worker.js', import.meta.url)));
}

function workerUrl(): URL {
  const url = builtWorkerUrl(import.meta.url, 'simulate', 'worker.js');
  if (url !== null) return url;
  throw new InternalError('the simulation worker (dist/simulate/worker.js) is missing: run `npm run build`, or use --workers 0');
}

/** Merges tallies as they come back, in batch order. */
class OrderedMerge {
  readonly total: BatchTally;
  private next = 0;
  private readonly waiting = new Map<number, BatchTally>();
  constructor(
    points: number,
    sides: number,
    private readonly examplesPerPoint: number,
    private readonly onProgress?: (members: number) => void,
  ) {
    this.total = emptyTally(points, sides);
  }
  add(tally: BatchTally): void {
    this.waiting.set(tally.index, tally);
    while (this.waiting.has(this.next)) {
      mergeTally(this.total, this.waiting.get(this.next)!, this.examplesPerPoint);
      this.waiting.delete(this.next);
      this.next++;
      this.onProgress?.(this.total.members);
    }
  }
}

/** Groups members into batches with their history; `emit` may wait (back-pressure). */
function batcher(history: HistoryByMember | null, emit: (batch: MemberBatch) => void | Promise<void>): { push: (member: AudienceMember) => void | Promise<void>; flush: () => void | Promise<void> } {
  let members: AudienceMember[] = [];
  let index = 0;
  const flush = (): void | Promise<void> => {
    if (members.length === 0) return;
    const rows: Record<string, HistoryRow[]> = {};
    if (history !== null) for (const m of members) if (history.has(m.id)) rows[m.id] = history.get(m.id)! as HistoryRow[];
    const batch: MemberBatch = { index: index++, members, history: rows };
    members = [];
    return emit(batch);
  };
  return {
    push: (member) => {
      members.push(member);
      if (members.length === BATCH_SIZE) return flush();
    },
    flush,
  };
}

/**
 * Decides every member of `source` with every bundle (one: simulate; two: base and head)
 * at every point of `options`; returns the merged tally (its `members` is the audience's
 * size: a generated sample on worker threads is not read through `source.forEach`).
 */
export async function tallySource(bundles: readonly Bundle[], source: AudienceSource, options: SimulationOptions, run: RunOptions): Promise<BatchTally> {
  const merge = new OrderedMerge(options.points.length, bundles.length, options.examplesPerPoint, run.onProgress);
  if (run.workers <= 0) {
    const sides = bundles.map((bundle) => prepareSide(createEngine(bundle), options));
    const now = (): number => performance.now();
    const batches = batcher(run.history, (batch) => merge.add(runBatch(sides, batch, options, now)));
    await source.forEach(batches.push);
    await batches.flush();
    return merge.total;
  }

  const url = workerUrl();
  // A generated sample is drawn by the workers themselves, a slice per batch: the members
  // are never built on this thread nor copied between threads (the same members either way).
  const sample = isSampleSource(source) ? source.sample : null;
  const workers = Array.from({ length: run.workers }, () => new Worker(url, { workerData: { bundles, options, sample }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }));
  const inFlight = workers.map(() => 0);
  let failure: Error | null = null;
  // Read through a function: TypeScript cannot see the worker callbacks that set it.
  const throwIfFailed = (): void => {
    if (failure !== null) throw failure;
  };
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  workers.forEach((worker, w) => {
    worker.on('message', (tally: BatchTally) => {
      inFlight[w]!--;
      merge.add(tally);
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (code !== 0) failure ??= new InternalError(`a simulation worker stopped with exit code ${code}`);
      notify();
    });
  });
  const waitForChange = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  const send = async (batch: MemberBatch | SampleBatch): Promise<void> => {
    for (;;) {
      throwIfFailed();
      let best = -1;
      for (let w = 0; w < workers.length; w++) if (inFlight[w]! < IN_FLIGHT_PER_WORKER && (best < 0 || inFlight[w]! < inFlight[best]!)) best = w;
      if (best >= 0) {
        inFlight[best]!++;
        workers[best]!.postMessage(batch);
        return;
      }
      await waitForChange();
    }
  };
  try {
    if (sample !== null) {
      const { shape, definition } = sample;
      for (let index = 0, from = 0; from < definition.customers; index++, from += BATCH_SIZE) {
        const to = Math.min(definition.customers, from + BATCH_SIZE);
        const rows: Record<string, HistoryRow[]> = {};
        if (run.history !== null) {
          for (let i = from; i < to; i++) {
            const id = sampleMemberId(shape, definition, i);
            if (run.history.has(id)) rows[id] = run.history.get(id)! as HistoryRow[];
          }
        }
        await send({ index, from, to, history: rows });
      }
    } else {
      const batches = batcher(run.history, send);
      await source.forEach(batches.push);
      await batches.flush();
    }
    while (inFlight.some((n) => n > 0)) {
      throwIfFailed();
      await waitForChange();
    }
    throwIfFailed();
    return merge.total;
  } finally {
    // Asked to leave after the batches they hold, not terminated: a worker stopped while its
    // code is hot can abort the process (src/worker-end.ts).
    await Promise.all(workers.map((worker) => endWorker(worker, () => worker.postMessage({ end: true }))));
  }
}
