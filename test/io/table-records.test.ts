// CSV records (docs/optimization.md#reading-csv): the unquoted-text path gives the same
// records, line numbers and problems as csv-parse reading the whole file, on any input —
// quotes and CRs appearing mid-file or across a chunk boundary, BOMs, blank lines, ragged
// rows, multi-byte characters split between chunks, over-long lines.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueCollector, MAX_ISSUES, MAX_RECORD_CHARS, readTable, readTableRecords, type CsvReadOptions, type InputIssue, type TableHandle } from '../../src/io/index.js';
import { seededRandom } from '../optimize/random-instances.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-records-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Reading {
  header: string[];
  records: [number, string[]][];
  issues: InputIssue[];
  multiline: boolean;
}

let files = 0;
async function fileOf(bytes: Buffer): Promise<TableHandle> {
  const file = path.join(dir, `t${files++}.csv`);
  await writeFile(file, bytes);
  return { file, displayName: 't.csv', format: 'csv' };
}

async function readAll(table: TableHandle, options: CsvReadOptions): Promise<Reading> {
  const issues = new IssueCollector();
  const records: [number, string[]][] = [];
  const own: TableHandle = { ...table };
  const header = await readTableRecords(own, issues, (fields, line) => void records.push([line, fields]), undefined, options);
  return { header, records, issues: issues.issues, multiline: own.multiline === true };
}

const syntax = (issue: InputIssue): boolean => issue.message.startsWith('not valid CSV');
const isPrefix = <T>(short: readonly T[], long: readonly T[]): boolean => short.length <= long.length && JSON.stringify(short) === JSON.stringify(long.slice(0, short.length));

/**
 * The fast path's reading equals csv-parse's. When csv-parse stops at a syntax error, the
 * records it had parsed from the same piece of input are dropped with the stream (which
 * ones depends on how the input was cut): then the syntax problem must be the same, and
 * of the records (and their problems) before it, one reading holds a prefix of the other's.
 */
function expectSameReading(fast: Reading, parser: Reading, label: string): void {
  const error = parser.issues.filter(syntax);
  if (error.length === 0) {
    expect(fast, label).toEqual(parser);
    return;
  }
  expect(fast.issues.filter(syntax), label).toEqual(error);
  const [short, long] = fast.records.length <= parser.records.length ? [fast, parser] : [parser, fast];
  expect(isPrefix(short.records, long.records), label).toBe(true);
  const before = (r: Reading): InputIssue[] => r.issues.filter((issue) => !syntax(issue) && !issue.message.startsWith('the file is empty'));
  expect(isPrefix(before(short), before(long)), label).toBe(true);
}

/** Both paths on the same bytes, read `chunkBytes` at a time. */
async function bothPaths(bytes: Buffer, chunkBytes: number): Promise<[Reading, Reading]> {
  const table = await fileOf(bytes);
  return [await readAll(table, { chunkBytes }), await readAll(table, { chunkBytes, parserOnly: true })];
}

const pieces = ['a', 'b1', ' x ', '', '', 'é', '€', '😀', '12.5', '2026-01-01'];
const hostile = ['"', '""', '"q,"', '\r', '\r\n', '"a\nb"', 'x"y', '"unclosed'];

/** A small random CSV: a header, plain rows (some ragged, some blank), and now and then something only csv-parse reads. */
function randomCsv(random: () => number): Buffer {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const width = 1 + Math.floor(random() * 4);
  let text = random() < 0.1 ? '\uFEFF' : '';
  const header = Array.from({ length: width }, (_, i) => (random() < 0.05 ? '' : `c${i}`));
  if (random() < 0.05) header.push('c0');
  if (random() > 0.03) text += header.join(',') + (random() < 0.05 ? '\r\n' : '\n');
  const rows = Math.floor(random() * 12);
  for (let r = 0; r < rows; r++) {
    const roll = random();
    if (roll < 0.08) text += '\n';
    else {
      const count = roll < 0.16 ? Math.max(1, width + pick([-1, 1, 2])) : width;
      const fields = Array.from({ length: count }, () => (random() < 0.04 ? pick(hostile) : pick(pieces)));
      text += fields.join(',') + '\n';
    }
  }
  if (random() < 0.3) text = text.replace(/\n$/, '');
  const bytes = Buffer.from(text, 'utf8');
  // Now and then a byte that is not UTF-8 at all (decoded as U+FFFD by both).
  if (random() < 0.05 && bytes.length > 0) bytes[Math.floor(random() * bytes.length)] = pick([0xff, 0xc3, 0xe2]);
  return bytes;
}

describe('CSV records: the unquoted-text path against csv-parse', () => {
  it('gives the same header, records, lines, problems and multiline flag on 600 random small files at tiny chunk sizes', async () => {
    const random = seededRandom(20261201);
    for (let i = 0; i < 600; i++) {
      const bytes = randomCsv(random);
      const chunkBytes = 1 + Math.floor(random() * 9);
      const [fast, parser] = await bothPaths(bytes, chunkBytes);
      expectSameReading(fast, parser, `case ${i}, chunks of ${chunkBytes}: ${JSON.stringify(bytes.toString('latin1'))}`);
    }
  });

  it.each([
    ['a quote starting mid-file', 'h1,h2\na,b\nc,d\n"e\nf",g\nh,i\n'],
    ['a quote straddling a chunk boundary', 'h1,h2\naaaa,bbbb\ncccc,"dd\ndd"\neeee,ffff\n'],
    ['an unclosed quote after plain lines', 'h1,h2\na,b\nc,"d\n'],
    ['a quote in the middle of a field after plain lines', 'h1,h2\na,b\nc,d"e\n'],
    ['CRLF line ends', 'h1,h2\r\na,b\r\nc,d\r\n'],
    ['a CRLF line after LF lines (the CR is data)', 'h1,h2\na,b\nc,d\r\ne,f\n'],
    ['a BOM', '\uFEFFh1,h2\na,b\n'],
    ['a BOM character starting a later line', 'h1,h2\na,b\n\uFEFFc,"d"\n'],
    ['blank lines', '\n\nh1,h2\n\na,b\n\n\nc,d\n\n'],
    ['ragged rows', 'h1,h2\na\nb,c,d\n,\n'],
    ['an empty file', ''],
    ['only a line break', '\n'],
    ['a header only', 'h1,h2\n'],
    ['a header only, no line break', 'h1,h2'],
    ['a last line without a line break', 'h1,h2\na,b\nc,d'],
    ['multi-byte characters', 'h1,h2\né€,😀\n€€€,ééé\n'],
  ])('gives the same result with %s at every chunk size', async (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    for (let chunkBytes = 1; chunkBytes <= bytes.length + 1; chunkBytes++) {
      const [fast, parser] = await bothPaths(bytes, chunkBytes);
      expectSameReading(fast, parser, `chunks of ${chunkBytes}`);
    }
  });

  it('counts lines on after the hand-over: a record after a quoted line break, and csv-parse errors, at their file lines', async () => {
    const [fast] = await bothPaths(Buffer.from('h1,h2\na,b\nc,"d\ne"\nf,g\nh,"i\n'), 4);
    expect(fast.records).toEqual([
      [2, ['a', 'b']],
      [3, ['c', 'd\ne']],
      [5, ['f', 'g']],
    ]);
    expect(fast.issues).toEqual([{ line: 6, column: null, message: 'not valid CSV: the parsing is finished with an opening quote at line 6' }]);
    expect(fast.multiline).toBe(true);
  });

  it(`stops after ${MAX_ISSUES} problems on both paths (ragged rows ${MAX_ISSUES - 1}, ${MAX_ISSUES}, ${MAX_ISSUES + 1})`, async () => {
    for (const bad of [MAX_ISSUES - 1, MAX_ISSUES, MAX_ISSUES + 1]) {
      const bytes = Buffer.from('h1,h2\n' + 'a\n'.repeat(bad) + 'b,c\n');
      const [fast, parser] = await bothPaths(bytes, 64);
      expect(fast).toEqual(parser);
      expect(fast.issues).toHaveLength(Math.min(bad, MAX_ISSUES));
      expect(fast.records).toHaveLength(bad < MAX_ISSUES ? 1 : 0);
    }
  });

  // csv-parse checks the size before adding a byte, so the longest line it reads is one byte
  // over its limit; lines up to the limit never reach it, longer ones are csv-parse's to judge.
  it(`reads lines of ${MAX_RECORD_CHARS} and ${MAX_RECORD_CHARS + 1} bytes and refuses one of ${MAX_RECORD_CHARS + 2}, as csv-parse does`, async () => {
    for (const size of [MAX_RECORD_CHARS, MAX_RECORD_CHARS + 1, MAX_RECORD_CHARS + 2]) {
      const bytes = Buffer.concat([Buffer.from('h1\na\n'), Buffer.alloc(size, 'x'), Buffer.from('\nb\n')]);
      const [fast, parser] = await bothPaths(bytes, 1 << 20);
      expectSameReading(fast, parser, `${size} bytes`);
      if (size > MAX_RECORD_CHARS + 1) {
        expect(fast.issues).toHaveLength(1);
        expect(fast.issues[0]).toMatchObject({ line: 3, message: expect.stringMatching(/^not valid CSV: record exceed the maximum number of tolerated bytes/) });
      } else expect(fast.records.map(([line, fields]) => [line, fields[0]!.length])).toEqual([[2, 1], [3, size], [4, 1]]);
    }
  }, 60_000);

  it('waits for a consumer that returns a promise, record by record, on both paths', async () => {
    for (const text of ['h\n1\n2\n3\n', 'h\n1\n"2"\n3\n']) {
      const seen: string[] = [];
      let busy = false;
      await readTableRecords({ file: '', text, displayName: 't.csv', format: 'csv' }, new IssueCollector(), (fields) => {
        expect(busy).toBe(false);
        busy = true;
        seen.push(fields[0]!);
        return new Promise<void>((resolve) => setImmediate(() => ((busy = false), resolve())));
      }, undefined, { chunkBytes: 2 });
      expect(seen).toEqual(['1', '2', '3']);
    }
  });

  it('builds readTable rows on the records (values by column name)', async () => {
    const rows: unknown[] = [];
    await readTable({ file: '', text: 'a,b\n1,2\n"3",4\n', displayName: 't.csv', format: 'csv' }, new IssueCollector(), (row) => void rows.push(row));
    expect(rows).toEqual([
      { line: 2, values: { a: '1', b: '2' } },
      { line: 3, values: { a: '3', b: '4' } },
    ]);
  });
});
