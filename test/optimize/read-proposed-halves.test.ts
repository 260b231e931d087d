// A large proposed CSV file is read in two halves at once, the second on a worker thread
// (docs/optimization.md#reading-csv): the columns, their names' numbering and the lines
// must be those of one reading, whatever falls on either side of the middle; where the
// halves could read differently, or any problem is found, the file is read once instead,
// with the one reading's messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readProposedColumnsHere } from '../../src/optimize/io/read-inputs.js';
import { readProposedColumns } from '../../src/optimize/io/read-proposed.js';
import { ProposedColumnsBuilder } from '../../src/optimize/proposed-columns.js';
import type { TableHandle } from '../../src/io/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-halves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const offers = new Set(['a', 'b', 'c', 'late']);

function table(name: string, text: string): TableHandle {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { file, displayName: name, format: 'csv' };
}

/** Data lines: customers of 1 to 4 rows each, an extra number column, a mixed column and some packages. */
function dataLines(count: number, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    const customer = `c${Math.floor(i / 3)}`;
    const mixed = i % 5 === 0 ? `t${i % 7}` : String(i % 11);
    const pkg = i % 13 === 0 ? `pk${i % 4}` : '';
    lines.push(`${customer},${['a', 'b', 'c'][i % 3]},${i % 2 ? 'email' : 'sms'},2026-03-${String(1 + (i % 28)).padStart(2, '0')},${(i % 97) / 4},${i % 3},${(i % 10) / 10},${mixed},${pkg}`);
  }
  return lines;
}
const HEADER = 'customerId,offer,channel,date,score,cost,risk,mixed,package';

async function both(t: TableHandle, startWith?: TableHandle): Promise<{ halves: unknown; one: unknown; threads: number | undefined }> {
  const a = new ProposedColumnsBuilder();
  const b = new ProposedColumnsBuilder();
  if (startWith) {
    await readProposedColumnsHere(startWith, offers, a);
    await readProposedColumnsHere(startWith, offers, b);
  }
  const halves = await readProposedColumns({ ...t }, offers, a, undefined, { twoHalvesFromBytes: 0 });
  const one = await readProposedColumnsHere({ ...t }, offers, b);
  return { halves: { ...halves, threads: undefined, columns: a.finish(), names: halves.columns }, one: { ...one, columns: b.finish(), names: one.columns }, threads: halves.threads };
}

describe('readProposedColumns in two halves', () => {
  it('gives the columns, numbering and lines of one reading, across blank lines, new names and a customer on both sides', async () => {
    const lines = dataLines(3_001);
    // A customer, an offer, a channel, a package and a text only the second half has.
    lines.push('c-late,late,push,2026-03-05,9,0,0.5,only-late,pk-late', '', '');
    lines.splice(1_500, 0, '', '');
    const t = table('plain.csv', [HEADER, ...lines].join('\n') + '\n');
    const { halves, one, threads } = await both(t);
    expect(threads).toBe(2);
    expect(halves).toEqual(one);
  });

  it('appends to a builder that holds another file, as one reading after it would', async () => {
    const earlier = table('earlier.csv', [HEADER, ...dataLines(40, 10_000), 'c-late,late,push,2026-03-05,9,0,0.5,x,'].join('\n') + '\n');
    const t = table('after.csv', [HEADER, ...dataLines(2_000)].join('\n') + '\n');
    const { halves, one, threads } = await both(t, earlier);
    expect(threads).toBe(2);
    expect(halves).toEqual(one);
  });

  it('reads a second half with quoted fields (a line break in one) as one reading does, and marks the table multiline', async () => {
    const lines = dataLines(2_000);
    lines.push('"c-q","a","email","2026-03-02","5","0","0.1","two\nlines",""', '"c-q2",b,sms,2026-03-03,"15",0,"0,2",x,');
    const text = [HEADER, ...lines].join('\n') + '\n';
    const t1 = table('quoted.csv', text);
    const { halves, one, threads } = await both(t1);
    expect(threads).toBe(2);
    expect(halves).toEqual(one);
    const marked = { ...t1 };
    await readProposedColumns(marked, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: 0 });
    expect(marked.multiline).toBe(true);
  });

  it('reads a second half of CRLF lines after LF lines as one reading does', async () => {
    const lines = dataLines(2_000).map((line, i) => (i >= 1_200 ? `${line}\r` : line));
    const t = table('crlf.csv', [HEADER, ...lines].join('\n') + '\n');
    const { halves, one, threads } = await both(t);
    expect(threads).toBe(2);
    expect(halves).toEqual(one);
  });

  it.each([
    ['the first half holds a quote', (lines: string[]) => (lines[3] = lines[3]!.replace(',sms,', ',"sms",').replace(',email,', ',"email",'))],
    ['the first half holds a CR', (lines: string[]) => (lines[3] = lines[3]! + '\r')],
  ])('reads the file once when %s', async (_what, change) => {
    const lines = dataLines(2_000);
    change(lines);
    const t = table(`once-${lines[3]!.length}.csv`, [HEADER, ...lines].join('\n') + '\n');
    const { halves, one, threads } = await both(t);
    expect(threads).toBeUndefined();
    expect(halves).toEqual(one);
  });

  it.each([
    ['first', 100],
    ['second', 1_900],
  ])('reports a problem in the %s half exactly as one reading does', async (_half, at) => {
    const lines = dataLines(2_000);
    lines[at] = lines[at]!.replace(/^([^,]*),a,/, '$1,nope,').replace(/^([^,]*),b,/, '$1,nope,').replace(/^([^,]*),c,/, '$1,nope,');
    lines[at + 10] = lines[at + 10]!.replace(/,2026-03-\d\d,/, ',2026-02-30,');
    const t = table(`bad-${at}.csv`, [HEADER, ...lines].join('\n') + '\n');
    const halves = await readProposedColumns({ ...t }, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: 0 }).catch((e: Error) => e.message);
    const one = await readProposedColumnsHere({ ...t }, offers, new ProposedColumnsBuilder()).catch((e: Error) => e.message);
    expect(one).toMatch(new RegExp(`bad-${at}\\.csv:${at + 2}:\\d+: offer 'nope' is not an offer of the bundle`));
    expect(one).toMatch(new RegExp(`bad-${at}\\.csv:${at + 12}:\\d+: 'date' must be a calendar date`));
    expect(halves).toBe(one);
  });

  it('stops the worker when the first half fails, and lets it leave on its own (not terminated)', async () => {
    // This thread's part is a tenth of the file (much other work meanwhile) and fails early;
    // the worker is still reading the rest when it is asked to stop.
    const lines = dataLines(300_000);
    lines[100] = lines[100]!.replace(/,2026-03-\d\d,/, ',2026-02-30,');
    const t = table('stop-early.csv', [HEADER, ...lines].join('\n') + '\n');
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const halves = await readProposedColumns({ ...t }, offers, new ProposedColumnsBuilder(), undefined, {
        twoHalvesFromBytes: 0,
        meanwhile: async () => undefined,
        meanwhileBytes: 1 << 30,
      }).catch((e: Error) => e.message);
      expect(halves).toMatch(/stop-early\.csv:102:\d+: 'date' must be a calendar date/);
      expect(terminate).not.toHaveBeenCalled();
    } finally {
      terminate.mockRestore();
    }
  });

  it('reads a file under the threshold once', async () => {
    const t = table('small.csv', [HEADER, ...dataLines(50)].join('\n') + '\n');
    const read = await readProposedColumns(t, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: 1 << 20 });
    expect(read.threads).toBeUndefined();
    expect(read.rows).toBe(50);
  });

  it.each([0, 1 << 20])('runs the other work once, while the second half is read or after the one reading (from %i bytes on)', async (from) => {
    const t = table(`meanwhile-${from}.csv`, [HEADER, ...dataLines(2_000)].join('\n') + '\n');
    let runs = 0;
    const read = await readProposedColumns({ ...t }, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: from, meanwhile: async () => void runs++, meanwhileBytes: 20_000 });
    expect(runs).toBe(1);
    expect(read.threads).toBe(from === 0 ? 2 : undefined);
    expect(read.rows).toBe(2_000);
  });

  it('makes its own half smaller by the other work, and still reads what one reading reads', async () => {
    const t = table('uneven.csv', [HEADER, ...dataLines(3_000)].join('\n') + '\n');
    const a = new ProposedColumnsBuilder();
    const read = await readProposedColumns({ ...t }, offers, a, undefined, { twoHalvesFromBytes: 0, meanwhile: async () => undefined, meanwhileBytes: 60_000 });
    const b = new ProposedColumnsBuilder();
    const one = await readProposedColumnsHere({ ...t }, offers, b);
    expect(read.threads).toBe(2);
    expect(a.finish()).toEqual(b.finish());
    expect(Array.from(read.lines)).toEqual(Array.from(one.lines));
  });

  it.each([0, 1 << 20])('reports the other work failing after a clean file, and a problem in the file before it (from %i bytes on)', async (from) => {
    const clean = table(`clean-${from}.csv`, [HEADER, ...dataLines(2_000)].join('\n') + '\n');
    const failing = async (): Promise<void> => {
      throw new Error('history.csv:3:1: bad history');
    };
    await expect(readProposedColumns({ ...clean }, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: from, meanwhile: failing })).rejects.toThrow('bad history');
    const lines = dataLines(2_000);
    lines[1_900] = lines[1_900]!.replace(/,2026-03-\d\d,/, ',2026-02-30,');
    const bad = table(`bad-and-failing-${from}.csv`, [HEADER, ...lines].join('\n') + '\n');
    await expect(readProposedColumns({ ...bad }, offers, new ProposedColumnsBuilder(), undefined, { twoHalvesFromBytes: from, meanwhile: failing })).rejects.toThrow(/bad-and-failing-\d+\.csv:1902:\d+: 'date' must be a calendar date/);
  });
});
