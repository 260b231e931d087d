// The worker thread of stageChosenRows (write-rows.ts): writes the chosen rows to the
// staging file it is given and says how many it wrote, or why it could not; it stops when
// the flag it is given is set (the output was abandoned).
import { parentPort, workerData } from 'node:worker_threads';
import type { TableFormat } from '../../io/index.js';
import { throwIfAskedToStop } from '../../worker-end.js';
import { writeChosenRows, type ChosenRows, type WriterMessage } from './write-rows.js';

const { inputs, format, staged, stop } = workerData as { inputs: ChosenRows[]; format: TableFormat; staged: string; stop: Int32Array };
const post = (message: WriterMessage): void => parentPort!.postMessage(message);
const progress = (rows: number): void => {
  // Abandoned: stop here (the writer removes its temporary file) and leave.
  throwIfAskedToStop(stop, 'the output was abandoned');
  post({ rows });
};
writeChosenRows(inputs, format, staged, undefined, undefined, progress).then(
  (written) => post({ written }),
  (error: unknown) => {
    // The inputs were read and checked once already: what fails here is the file system
    // (an input gone, a full disk), said as the error said it, with its code.
    const e: Error & { code?: unknown } = error instanceof Error ? error : new Error(String(error));
    post({ failed: { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
  },
);
