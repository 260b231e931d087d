// endWorker: a worker is asked to leave and ends on its own; it is terminated only when it
// has not left within the grace period; a worker that has already gone is left alone.
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { askToStop, endWorker, stopFlag, throwIfAskedToStop } from '../../src/worker-end.js';

/** A worker that leaves when it is sent 'leave' (closes its port), and ignores anything else. */
function obliging(): Worker {
  return new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => { if (m === 'leave') parentPort.close(); });
     parentPort.postMessage('ready');`,
    { eval: true },
  );
}

/** A worker that never leaves: a timer keeps it alive. */
function stubborn(): Worker {
  return new Worker(`setInterval(() => {}, 1000); require('node:worker_threads').parentPort.postMessage('ready');`, { eval: true });
}

const ready = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once('message', resolve));
const exitCode = (worker: Worker): Promise<number> => new Promise((resolve) => worker.once('exit', resolve));

describe('endWorker', () => {
  it('asks, and the worker ends on its own (exit code 0, never terminated)', async () => {
    const worker = obliging();
    await ready(worker);
    const terminate = vi.spyOn(worker, 'terminate');
    const code = exitCode(worker);
    await endWorker(worker, () => worker.postMessage('leave'), 5_000);
    expect(await code).toBe(0);
    expect(terminate).not.toHaveBeenCalled();
    expect(worker.threadId).toBe(-1);
  });

  it('terminates a worker that has not left when the grace period is over', async () => {
    const worker = stubborn();
    await ready(worker);
    const code = exitCode(worker);
    const started = performance.now();
    await endWorker(worker, () => worker.postMessage('leave'), 200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(await code).toBe(1); // terminated
  });

  it('does not terminate a worker that leaves within the grace period', async () => {
    const worker = obliging();
    await ready(worker);
    const terminate = vi.spyOn(worker, 'terminate');
    // Asked nothing: it is told to leave 100 ms into a grace period of 2 s.
    const timer = setTimeout(() => worker.postMessage('leave'), 100);
    await endWorker(worker, undefined, 2_000);
    clearTimeout(timer);
    expect(terminate).not.toHaveBeenCalled();
  });

  it('returns at once for a worker that has already exited, without asking it anything', async () => {
    const worker = obliging();
    await ready(worker);
    const code = exitCode(worker);
    worker.postMessage('leave');
    await code;
    const ask = vi.fn();
    await endWorker(worker, ask, 5_000);
    expect(ask).not.toHaveBeenCalled();
  });
});

describe('the stop flag', () => {
  it('lets the task go on until it is asked to stop, then ends it saying why, on any thread that shares it', async () => {
    const flag = stopFlag();
    expect(() => throwIfAskedToStop(flag, 'the output was abandoned')).not.toThrow();
    // A worker sees the flag set here without reading a message.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       parentPort.postMessage('ready');
       while (Atomics.load(workerData.flag, 0) === 0) {}
       parentPort.postMessage('seen');`,
      { eval: true, workerData: { flag } },
    );
    await ready(worker);
    const seen = ready(worker);
    askToStop(flag);
    expect(await seen).toBe('seen');
    expect(() => throwIfAskedToStop(flag, 'the output was abandoned')).toThrow('stopped: the output was abandoned');
    await endWorker(worker, undefined, 5_000);
  });
});
