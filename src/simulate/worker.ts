// A simulation worker thread (see run.ts): loads the bundles once, then decides the
// batches it is sent and posts back each batch's tally.
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '../bundle/index.js';
import { createEngine } from '../engine/index.js';
import { prepareSide, runBatch } from './batch.js';
import type { MemberBatch, SimulationOptions } from './types.js';

interface WorkerSetup {
  bundles: Bundle[];
  options: SimulationOptions;
}

const { bundles, options } = workerData as WorkerSetup;
const port = parentPort!;
const sides = bundles.map((bundle) => prepareSide(createEngine(bundle), options));
const now = (): number => performance.now();

port.on('message', (batch: MemberBatch) => {
  port.postMessage(runBatch(sides, batch, options, now));
});
