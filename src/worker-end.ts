// How a worker thread is ended (kernel): it is asked to leave and leaves on its own, once
// its code is idle; `terminate()` is only the last resort, for a worker that has not left
// after a grace period.
//
// Why not simply `terminate()`: Node 20 takes a worker's isolate off its platform before it
// disposes of it, and a background optimizing compile of V8's that is still running for
// that isolate and needs the platform in between aborts the whole process
// (`NodePlatform::ForIsolate … Assertion failed: (data.first) != nullptr`). Such compiles
// run while the worker's code is hot, which is exactly when a worker stopped in the middle
// of its work is. A worker that leaves by itself has finished what it was running.
import type { Worker } from 'node:worker_threads';

/** How long a worker asked to leave may take before it is terminated. */
export const WORKER_END_GRACE_MS = 10_000;

/**
 * Ends `worker`: calls `ask` (a message or a flag the worker acts on by finishing what it
 * does and leaving; none for a worker that leaves by itself once its work is posted), waits
 * for it to exit, and terminates it only if it is still running `graceMs` later. At once
 * when it has already exited.
 */
export async function endWorker(worker: Worker, ask?: () => void, graceMs = WORKER_END_GRACE_MS): Promise<void> {
  if (worker.threadId === -1) return; // exited (Node sets -1 then)
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  ask?.();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  try {
    if (await Promise.race([exited.then(() => false), late])) await worker.terminate();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A flag for `ask` that a worker in the middle of a long task reads between two pieces of
 * it (shared memory: seen at once, without the worker's event loop): `askToStop` sets it,
 * and the worker's `throwIfAskedToStop` then ends the task, after which the worker leaves.
 */
export function stopFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function askToStop(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

/** In the worker: throws (ending its task) once the flag is set; `why` says what stopped it. */
export function throwIfAskedToStop(flag: Int32Array, why: string): void {
  if (Atomics.load(flag, 0) !== 0) throw new Error(`stopped: ${why}`);
}
