// The worker thread of readProposedColumns (read-proposed.ts): reads the second half of a
// proposed CSV file, from the byte it is given, with the header the first half has, into
// columns of its own, and hands them over (their arrays moved, not copied). Lines are
// counted from the half's start; any problem is reported as a failure, and the whole file
// is then read again on the main thread for the messages of record.
import { parentPort, workerData } from 'node:worker_threads';
import type { TableHandle } from '../../io/index.js';
import { throwIfAskedToStop } from '../../worker-end.js';
import { ProposedColumnsBuilder } from '../proposed-columns.js';
import { readProposedCsv } from './read-inputs.js';
import type { HalfMessage } from './read-proposed.js';

const { table, offers, start, header, stop } = workerData as { table: TableHandle; offers: string[]; start: number; header: string[]; stop: Int32Array };
const post = (message: HalfMessage, transfer: ArrayBuffer[] = []): void => parentPort!.postMessage(message, transfer);

async function main(): Promise<void> {
  const builder = new ProposedColumnsBuilder(1 << 20);
  const progress = (rows: number): void => {
    // The main thread no longer wants this half (its own failed): stop here and leave.
    throwIfAskedToStop(stop, 'the first half is read again on one thread');
    post({ rows });
  };
  const read = await readProposedCsv(table, new Set(offers), builder, progress, { range: { start }, header });
  const columns = builder.finish();
  const buffers = [columns.customer, columns.offer, columns.channel, columns.day, columns.score, columns.cost, columns.pkg, read.lines].map((a) => a.buffer as ArrayBuffer);
  for (const extra of columns.extra) {
    if (extra.number) buffers.push(extra.number.buffer as ArrayBuffer);
    if (extra.text) buffers.push(extra.text.buffer as ArrayBuffer);
  }
  post({ columns, lines: read.lines, multiline: table.multiline === true }, buffers);
}

main().catch((error: unknown) => post({ failed: error instanceof Error ? error.message : String(error) }));
