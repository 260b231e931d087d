// The worker thread of stageChosenRows (write-rows.ts): writes the chosen rows to the
// staging file it is given and says how many it wrote, or why it could not.
import { parentPort, workerData } from 'node:worker_threads';
import type { TableFormat } from '../../io/index.js';
import { writeChosenRows, type ChosenRows, type WriterMessage } from './write-rows.js';

const { inputs, format, staged } = workerData as { inputs: ChosenRows[]; format: TableFormat; staged: string };
const post = (message: WriterMessage): void => parentPort!.postMessage(message);
writeChosenRows(inputs, format, staged, undefined, undefined, (rows) => post({ rows })).then(
  (written) => post({ written }),
  (error: unknown) => {
    // The inputs were read and checked once already: what fails here is the file system
    // (an input gone, a full disk), said as the error said it, with its code.
    const e: Error & { code?: unknown } = error instanceof Error ? error : new Error(String(error));
    post({ failed: { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
  },
);
