// The one history reader (docs/decisions.md#history): CSV with a header or NDJSON; every
// bad row is reported, each at file:line:column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryFileError, parseHistory, readHistoryFile } from '../../src/io/history.js';
import { MAX_ISSUES } from '../../src/io/table-reader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-history-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorOf(run: () => Promise<unknown>): Promise<HistoryFileError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HistoryFileError) return error;
    throw error;
  }
  throw new Error('expected a HistoryFileError');
}

describe('history files', () => {
  it('reads CSV with the optional package and event columns, ignoring other columns', async () => {
    const rows = await parseHistory('\ufeffcustomerId,offer,channel,date,event,package,note\nc1,gold-card,web,2026-01-01,,,x\nc1,"gold-card",email,2026-01-02,accept,p7,"a, b"\n\n', 'h.csv', 'csv');
    expect(rows).toEqual([
      { customerId: 'c1', offer: 'gold-card', channel: 'web', date: '2026-01-01', event: 'contact' },
      { customerId: 'c1', offer: 'gold-card', channel: 'email', date: '2026-01-02', event: 'accept', package: 'p7' },
    ]);
  });

  it('reads NDJSON, numbers as ids allowed', async () => {
    const rows = await parseHistory('{"customerId":7,"offer":"o","channel":"web","date":"2026-01-01","event":"reject"}\n\n{"customerId":"c2","offer":"o","channel":"web","date":"2026-01-02"}\n', 'h.ndjson', 'ndjson');
    expect(rows.map((r) => [r.customerId, r.event])).toEqual([
      ['7', 'reject'],
      ['c2', 'contact'],
    ]);
  });

  it('names the file, line and column of a bad CSV value', async () => {
    const error = await errorOf(() => parseHistory('customerId,offer,channel,date\nc1,o,web,2026-01-01\nc1,o,web,2026-02-30\n', 'h.csv', 'csv'));
    expect(error.message).toBe('h.csv:3:10: \'date\' must be a calendar date YYYY-MM-DD, got "2026-02-30"');
    expect([error.line, error.column]).toEqual([3, 10]);
    const quoted = await errorOf(() => parseHistory('customerId,offer,channel,date,event\n"c,1",o,web,2026-01-01,click\n', 'h.csv', 'csv'));
    expect(quoted.message).toBe('h.csv:2:24: \'event\' must be contact, accept or reject, got "click"');
  });

  it('reports every bad row, not the first one only, each at its line and column', async () => {
    const text = ['customerId,offer,channel,date,event', 'c1,o,web,2026-02-30,', 'c1,o,web,2026-01-01,', 'c1,,web,2026-01-01,', 'c2,o,web,2026-01-01,click'].join('\n') + '\n';
    const error = await errorOf(() => parseHistory(text, 'h.csv', 'csv'));
    expect(error.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['2:10', '4:4', '5:21']);
    expect(error.message.split('\n')).toEqual([
      'h.csv:2:10: \'date\' must be a calendar date YYYY-MM-DD, got "2026-02-30"',
      'h.csv:4:4: \'offer\' is required, got ""',
      'h.csv:5:21: \'event\' must be contact, accept or reject, got "click"',
    ]);
    const ndjson = await errorOf(() => parseHistory('{"customerId":"c1",}\n{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n[1]\n', 'h.ndjson', 'ndjson'));
    expect(ndjson.problems.map((p) => p.line)).toEqual([1, 3]);
  });

  it(`keeps ${MAX_ISSUES} problems and says it stopped: the (N−1, N, N+1)th bad row`, async () => {
    const bad = (count: number): string => 'customerId,offer,channel,date\n' + 'c1,o,web,2026-02-30\n'.repeat(count);
    expect((await errorOf(() => parseHistory(bad(MAX_ISSUES - 1), 'h.csv', 'csv'))).problems).toHaveLength(MAX_ISSUES - 1);
    const atLimit = await errorOf(() => parseHistory(bad(MAX_ISSUES), 'h.csv', 'csv'));
    expect(atLimit.problems).toHaveLength(MAX_ISSUES);
    expect(atLimit.truncated).toBe(true);
    const over = await errorOf(() => parseHistory(bad(MAX_ISSUES + 1), 'h.csv', 'csv'));
    expect(over.problems).toHaveLength(MAX_ISSUES);
    expect(over.message.endsWith(`(stopped after ${MAX_ISSUES} problems)`)).toBe(true);
    expect((await errorOf(() => parseHistory(bad(MAX_ISSUES - 1), 'h.csv', 'csv'))).truncated).toBe(false);
  });

  it('refuses a CSV without a required column once, and broken CSV', async () => {
    const header = await errorOf(() => parseHistory('customerId,offer,date\nc1,o,2026-01-01\nc2,o,2026-01-01\n', 'h.csv', 'csv'));
    expect(header.message).toBe("h.csv:1:1: the header has no 'channel' column (needs customerId, offer, channel, date; optional package, event)");
    expect((await errorOf(() => parseHistory('customerId,offer,channel,date\nc1,o,web\n', 'h.csv', 'csv'))).line).toBe(2);
    expect((await errorOf(() => parseHistory('customerId,offer,channel,date\n"c1,o,web,2026-01-01\n', 'h.csv', 'csv'))).message).toMatch(/not valid CSV/);
    expect((await errorOf(() => parseHistory('', 'h.csv', 'csv'))).message).toMatch(/empty/);
  });

  it('names the line and column of bad NDJSON', async () => {
    expect((await errorOf(() => parseHistory('{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n{"customerId":"c1",}\n', 'h.ndjson', 'ndjson'))).line).toBe(2);
    const missing = await errorOf(() => parseHistory('{"customerId":"c1","offer":"","channel":"web","date":"2026-01-01"}\n', 'h.ndjson', 'ndjson'));
    expect(missing.message).toBe('h.ndjson:1:20: \'offer\' is required, got ""');
    expect((await errorOf(() => parseHistory('[1]\n', 'h.ndjson', 'ndjson'))).message).toBe('h.ndjson:1:1: each line must be a JSON object');
  });

  it('detects the format from the extension or the content, and reports an unreadable file', async () => {
    await writeFile(path.join(dir, 'h.csv'), 'customerId,offer,channel,date\nc1,o,web,2026-01-01\n');
    await writeFile(path.join(dir, 'h.ndjson'), '{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    await writeFile(path.join(dir, 'history'), '{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    await writeFile(path.join(dir, 'history-csv'), 'customerId,offer,channel,date\nc1,o,web,2026-01-01\n');
    for (const name of ['h.csv', 'h.ndjson', 'history', 'history-csv']) expect(await readHistoryFile(path.join(dir, name))).toHaveLength(1);
    const missing = await errorOf(() => readHistoryFile(path.join(dir, 'missing.csv'), { displayName: 'missing.csv' }));
    expect(missing.message).toBe('missing.csv: cannot read the file (no such file)');
  });

  it('skips a byte-order mark in NDJSON as in CSV', async () => {
    await writeFile(path.join(dir, 'bom.ndjson'), '\uFEFF{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    await writeFile(path.join(dir, 'bom.csv'), '\uFEFFcustomerId,offer,channel,date\nc1,o,web,2026-01-01\n');
    await writeFile(path.join(dir, 'bom-history'), '\uFEFF{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    for (const name of ['bom.ndjson', 'bom.csv', 'bom-history']) expect(await readHistoryFile(path.join(dir, name))).toMatchObject([{ customerId: 'c1', offer: 'o', channel: 'web', date: '2026-01-01', event: 'contact' }]);
  });
});
