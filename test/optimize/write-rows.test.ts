// Writing the chosen rows to a file waits for the file to drain many times on a large
// output; each wait must leave no listener behind (the 1M-row run printed
// MaxListenersExceededWarning when the 'error' listener of every wait stayed attached).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeChosenRows } from '../../src/optimize/io/write-rows.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-write-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeChosenRows', () => {
  it('writes a large output to a file through many drains without piling up listeners', async () => {
    const rows = 20_000;
    const input = path.join(dir, 'proposed.csv');
    const lines = ['customerId,offer,channel,date,score'];
    for (let i = 0; i < rows; i++) lines.push(`c${i},offer-${i % 7},email,2026-03-01,${i % 100}.5`);
    writeFileSync(input, lines.join('\n') + '\n');
    const out = path.join(dir, 'chosen.ndjson');
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const chosen = Array.from({ length: rows }, (_, i) => i);
      const written = await writeChosenRows(
        [{ table: { file: input, displayName: 'proposed.csv', format: 'csv' }, rows: chosen, columns: ['customerId', 'offer', 'channel', 'date', 'score'] }],
        'ndjson',
        out,
      );
      expect(written).toBe(rows);
      // Warnings are emitted on the next tick: let them arrive before judging.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    const written = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(written).toHaveLength(rows);
    expect(JSON.parse(written[rows - 1]!)).toEqual({ customerId: `c${rows - 1}`, offer: `offer-${(rows - 1) % 7}`, channel: 'email', date: '2026-03-01', score: '99.5' });
  });

  // Re-serialized rows are written in batches of 4,096 (so a large output is not held in
  // memory): every chosen row comes out once and in order either side of a batch's end.
  it.each([4095, 4096, 4097, 8193])('writes %i chosen rows re-serialized, each once and in order', async (count) => {
    const input = path.join(dir, `batch-${count}.csv`);
    const lines = ['customerId,offer,score'];
    for (let i = 0; i < 2 * count + 3; i++) lines.push(`c${i},offer-${i % 5},${i}`);
    writeFileSync(input, lines.join('\n') + '\n');
    const chosen = Array.from({ length: count }, (_, i) => 2 * i + 1);
    const table = { file: input, displayName: `batch-${count}.csv`, format: 'csv' as const };
    const ndjson = path.join(dir, `batch-${count}.ndjson`);
    expect(await writeChosenRows([{ table, rows: chosen, columns: ['customerId', 'offer', 'score'] }], 'ndjson', ndjson)).toBe(count);
    expect(readFileSync(ndjson, 'utf8')).toBe(chosen.map((i) => JSON.stringify({ customerId: `c${i}`, offer: `offer-${i % 5}`, score: String(i) }) + '\n').join(''));
    // NDJSON in, CSV out: the CSV is written by csv-stringify, not copied.
    const source = path.join(dir, `batch-${count}.in.ndjson`);
    writeFileSync(source, lines.slice(1).map((line) => { const [customerId, offer, score] = line.split(','); return JSON.stringify({ customerId, offer, score: Number(score) }); }).join('\n') + '\n');
    const csv = path.join(dir, `batch-${count}.out.csv`);
    const fromNdjson = { file: source, displayName: `batch-${count}.in.ndjson`, format: 'ndjson' as const };
    expect(await writeChosenRows([{ table: fromNdjson, rows: chosen, columns: ['customerId', 'offer', 'score'] }], 'csv', csv)).toBe(count);
    expect(readFileSync(csv, 'utf8')).toBe(['customerId,offer,score', ...chosen.map((i) => `c${i},offer-${i % 5},${i}`)].join('\n') + '\n');
  });
});
