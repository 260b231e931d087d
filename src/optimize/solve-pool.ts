// Solving every customer's subproblem on two threads (docs/optimization.md#how-it-works):
// the price passes and the selection solve each customer on its own — its rows, its rules
// in the customer store, the reduced scores — so the customers can be split between this
// thread and a worker. Both take chunks of customers from one shared counter until none is
// left; each customer writes only its own rows' chosen flags and its own bound. What is
// shared is memory both read as it is (the customer store, the forbidden rows) or that
// the pool owns (reduced scores, chosen flags, bounds): nothing is copied per pass. The
// bounds are summed here in customer order afterwards, so a run gives the same choice and
// the same bound, to the last bit, on one thread or two.
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import { endWorker } from '../worker-end.js';
import { builtWorkerUrl } from '../worker-url.js';
import { CustomerModel, type CustomerStore } from './customer-model.js';
import type { Model } from './model-types.js';
import { SubproblemScratch, solveCustomer } from './subproblem.js';

/** Customers a thread takes at a time. */
export const SOLVE_CHUNK = 2048;
/** Models from this many rows on are solved on two threads (below, a worker costs more than it saves). */
export const SOLVE_POOL_MIN_ROWS = 200_000;
/** A worker that has not finished a chunk for this long while this thread waits has stopped. */
const STALL_MS = 120_000;

// Control words (Int32Array on shared memory).
const JOB = 0; // bumped for each job; the worker waits for it to change
const NEXT = 1; // the next chunk to take
const DONE = 2; // 1 once the worker has finished its share of the job
const COUNT = 3; // customers in the job
const ALL = 4; // 1: customers 0 .. COUNT-1; 0: the ones in `list`
const STOP = 5; // 1: the worker ends
const FAILED = 6; // 1: the worker failed (its message in `error`)
const BEAT = 7; // chunks the worker has finished, ever
const WORDS = 8;

/** What the worker is given once. */
export interface SolveWorkerData {
  store: CustomerStore;
  forbidden: Int32Array;
  control: Int32Array;
  /** penalty, node limit */
  params: Float64Array;
  list: Int32Array;
  reduced: Float64Array;
  chosen: Uint8Array;
  bounds: Float64Array;
  error: Uint8Array;
}

/** Takes chunks of the job until none is left: shared by this thread and the worker. */
export function solveChunks(data: SolveWorkerData, view: (c: number) => CustomerModel, scratch: SubproblemScratch, onChunk?: (done: number) => void): void {
  const { control, params, list, reduced, chosen, bounds, forbidden } = data;
  const count = control[COUNT]!;
  const all = control[ALL] === 1;
  const options = { penalty: params[0]!, nodeLimit: params[1]! };
  for (;;) {
    const from = Atomics.add(control, NEXT, 1) * SOLVE_CHUNK;
    if (from >= count) return;
    const to = Math.min(count, from + SOLVE_CHUNK);
    for (let i = from; i < to; i++) {
      const c = all ? i : list[i]!;
      bounds[c] = solveCustomer(view(c), reduced, forbidden, chosen, scratch, options).bound;
    }
    onChunk?.(to);
  }
}

export class SolvePool {
  /** Reduced scores, one per row, for the jobs (fill before solve). */
  readonly reduced: Float64Array;
  /** Chosen flags, one per row, written by the jobs. */
  readonly chosen: Uint8Array;
  /** Per customer, the bound of its last solve. */
  readonly bounds: Float64Array;
  private readonly data: SolveWorkerData;
  private readonly worker: Worker;
  private readonly scratch = new SubproblemScratch();

  private constructor(
    private readonly model: Model,
    url: URL,
  ) {
    const shared = <T>(Typed: new (buffer: SharedArrayBuffer) => T, bytes: number): T => new Typed(new SharedArrayBuffer(bytes));
    this.reduced = shared(Float64Array, 8 * model.n);
    this.chosen = shared(Uint8Array, model.n);
    this.bounds = shared(Float64Array, 8 * model.customers.length);
    this.data = {
      store: model.customerStore,
      forbidden: model.forbidden,
      control: shared(Int32Array, 4 * WORDS),
      params: shared(Float64Array, 16),
      list: shared(Int32Array, 4 * model.customers.length),
      reduced: this.reduced,
      chosen: this.chosen,
      bounds: this.bounds,
      error: shared(Uint8Array, 1024),
    };
    this.worker = new Worker(url, { workerData: this.data });
    this.worker.unref();
  }

  /**
   * A pool for `model` when it is large enough to gain from it and `threads` allows it
   * (1: never; 2: always; undefined: from SOLVE_POOL_MIN_ROWS rows on), else null (solve
   * on this thread). Close it when done.
   */
  static create(model: Model, threads?: number): SolvePool | null {
    if (threads === 1 || (threads === undefined && model.n < SOLVE_POOL_MIN_ROWS) || model.customers.length === 0) return null;
    const url = builtWorkerUrl(import.meta.url, 'optimize', 'solve-worker.js');
    if (url === null) return null;
    if (!(model.forbidden.buffer instanceof SharedArrayBuffer) || !(model.customerStore.rowAt.buffer instanceof SharedArrayBuffer)) return null;
    return new SolvePool(model, url);
  }

  /**
   * Solves `customers` (every customer when null) on the reduced scores in
   * `this.reduced`, writing their rows' flags in `this.chosen` and their bounds in
   * `this.bounds`; returns `start` plus the bounds, added in customer order (as one thread
   * adding them up as it goes would).
   */
  solve(customers: readonly number[] | null, penalty: number, nodeLimit: number, start = 0, onProgress?: (done: number) => void): number {
    const { control, params, list } = this.data;
    const count = customers === null ? this.model.customers.length : customers.length;
    if (customers !== null) for (let i = 0; i < count; i++) list[i] = customers[i]!;
    params[0] = penalty;
    params[1] = nodeLimit;
    Atomics.store(control, COUNT, count);
    Atomics.store(control, ALL, customers === null ? 1 : 0);
    Atomics.store(control, NEXT, 0);
    Atomics.store(control, DONE, 0);
    Atomics.add(control, JOB, 1);
    Atomics.notify(control, JOB);
    const views = this.model.customers;
    solveChunks(this.data, (c) => views[c]!, this.scratch, onProgress);
    let beat = Atomics.load(control, BEAT);
    let since = performance.now();
    while (Atomics.load(control, DONE) === 0) {
      Atomics.wait(control, DONE, 0, 1000);
      const now = Atomics.load(control, BEAT);
      if (now !== beat) {
        beat = now;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) throw new InternalError('the second solver thread stopped answering');
    }
    if (Atomics.load(control, FAILED) === 1) {
      const bytes = this.data.error;
      throw new InternalError(`the second solver thread failed: ${Buffer.from(bytes.buffer, 0, bytes.indexOf(0) === -1 ? bytes.length : bytes.indexOf(0)).toString('utf8')}`);
    }
    let sum = start;
    const bounds = this.bounds;
    if (customers === null) for (let c = 0; c < count; c++) sum += bounds[c]!;
    else for (let i = 0; i < count; i++) sum += bounds[customers[i]!]!;
    return sum;
  }

  /** Ends the worker: it finishes a job it is in, sees STOP and leaves (src/worker-end.ts). */
  close(): Promise<void> {
    return endWorker(this.worker, () => {
      Atomics.store(this.data.control, STOP, 1);
      Atomics.add(this.data.control, JOB, 1);
      Atomics.notify(this.data.control, JOB);
    });
  }
}

/** The worker's loop: wait for a job, take chunks, say it is done. */
export function serveSolveJobs(data: SolveWorkerData): void {
  const { control } = data;
  const scratch = new SubproblemScratch();
  const view = (c: number): CustomerModel => new CustomerModel(data.store, c);
  let job = 0;
  for (;;) {
    Atomics.wait(control, JOB, job);
    job = Atomics.load(control, JOB);
    if (Atomics.load(control, STOP) === 1) return;
    try {
      solveChunks(data, view, scratch, () => Atomics.add(control, BEAT, 1));
    } catch (error) {
      const text = Buffer.from(error instanceof Error ? (error.stack ?? error.message) : String(error), 'utf8');
      data.error.set(text.subarray(0, data.error.length - 1));
      Atomics.store(control, FAILED, 1);
    }
    Atomics.store(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

