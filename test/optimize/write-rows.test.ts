// Writing the chosen rows to a file waits for the file to drain many times on a large
// output; each wait must leave no listener behind (the 1M-row run printed
// MaxListenersExceededWarning when the 'error' listener of every wait stayed attached).
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
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

  // CSV to CSV copies the chosen lines as bytes. The lines are those node:readline gives
  // (LF, CR LF or a lone CR end a line; blank lines are not rows), the header is written
  // once without a byte-order mark, and bytes that are not UTF-8 come out as reading them
  // as text gives. Reads are 1 MiB blocks: line endings and characters cut by a block's
  // end (at 2^20 − 1, 2^20 and 2^20 + 1) are joined.
  const block = 1 << 20;
  const filler = (length: number): string => 'x'.repeat(length);
  const cases: [string, Buffer][] = [
    ['CR LF endings, blank lines, a lone CR and no final newline', Buffer.from('\uFEFFcustomerId,score\r\n\r\nc0,1\r\nc1,2\rc2,3\n\nc3,4\r\n\r\nc4,5')],
    ['blank lines before the header', Buffer.from(' \n\t\ncustomerId,score\nc0,1\nc1,2\n')],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('customerId,score\nc0,'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\nc1,\u00e9\u20ac\n')])],
    ...[-1, 0, 1].map((shift): [string, Buffer] => {
      const head = `customerId,score\nc0,${filler(block - 20 + shift)}`;
      return [`a CR LF at byte ${block + shift} (blocks of ${block})`, Buffer.from(`${head}\r\nc1,2\r\nc2,\u20ac\u20ac\r\n`)];
    }),
    ...[-1, 0, 1].map((shift): [string, Buffer] => [`a three-byte character from byte ${block - 2 + shift}`, Buffer.from(`customerId,score\nc0,${filler(block - 22 + shift)}\u20ac\u20ac\u20ac\nc1,2\nc2,3\n`)]),
    ['a line longer than a block', Buffer.from(`customerId,score\nc0,${filler(3 * block)}\nc1,2\n`)],
  ];

  it.each(cases)('copies chosen lines byte for byte: %s', async (_, bytes) => {
    const input = path.join(dir, 'copy.csv');
    writeFileSync(input, bytes);
    // The lines as node:readline reads them: the reference.
    const lines: string[] = [];
    for await (const line of createInterface({ input: createReadStream(input, { encoding: 'utf8' }), crlfDelay: Infinity })) lines.push(line);
    const header = lines.findIndex((l) => l.trim() !== '');
    const rows = lines.slice(header + 1).filter((l) => l !== '');
    for (const chosen of [rows.map((_, i) => i), rows.map((_, i) => i).filter((i) => i % 2 === 1)]) {
      const out = path.join(dir, 'copy.out.csv');
      const table = { file: input, displayName: 'copy.csv', format: 'csv' as const };
      expect(await writeChosenRows([{ table, rows: chosen, columns: ['customerId', 'score'] }], 'csv', out)).toBe(chosen.length);
      const expected = [lines[header]!.replace(/^\uFEFF/, ''), ...chosen.map((i) => rows[i]!)].join('\n') + '\n';
      expect(readFileSync(out).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      // The same lines written to a stream instead of a file.
      let text = '';
      await writeChosenRows([{ table, rows: chosen, columns: ['customerId', 'score'] }], 'csv', null, (t) => void (text += t));
      expect(text).toBe(expected);
    }
  });

  it('writes the header once for several inputs, and the chosen lines of each in turn', async () => {
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    writeFileSync(a, 'customerId,score\na0,1\na1,2\n');
    writeFileSync(b, 'customerId,score\r\nb0,3\r\nb1,4');
    const out = path.join(dir, 'ab.csv');
    const table = (file: string) => ({ file, displayName: path.basename(file), format: 'csv' as const });
    const written = await writeChosenRows(
      [
        { table: table(a), rows: [1], columns: ['customerId', 'score'] },
        { table: table(b), rows: [0, 1], columns: ['customerId', 'score'] },
      ],
      'csv',
      out,
    );
    expect(written).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('customerId,score\na1,2\nb0,3\nb1,4\n');
  });
});

