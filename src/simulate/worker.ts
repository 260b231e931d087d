// A simulation worker thread (see run.ts): loads the bundles once, then decides the
// batches it is sent and posts back each batch's tally. A batch of a generated sample
// comes as an index range, whose members the worker draws itself. `{ end: true }`, sent
// after the last batch, closes its port: the thread then ends on its own.
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '../bundle/index.js';
import { createEngine } from '../engine/index.js';
import { sampleMembers, type SampleDefinition, type SampleShape } from './audience-sample.js';
import { prepareSide, runBatch } from './batch.js';
import type { MemberBatch, SampleBatch, SimulationOptions } from './types.js';

interface WorkerSetup {
  bundles: Bundle[];
  options: SimulationOptions;
  sample: { shape: SampleShape; definition: SampleDefinition } | null;
}

const { bundles, options, sample } = workerData as WorkerSetup;
const port = parentPort!;
const sides = bundles.map((bundle) => prepareSide(createEngine(bundle), options));
const now = (): number => performance.now();

port.on('message', (message: MemberBatch | SampleBatch | { end: true }) => {
  if ('end' in message) {
    port.close(); // nothing left to wait for: the thread ends on its own
    return;
  }
  const batch: MemberBatch =
    'members' in message ? message : { index: message.index, members: [...sampleMembers(sample!.shape, sample!.definition, message.from, message.to)], history: message.history };
  port.postMessage(runBatch(sides, batch, options, now));
});
