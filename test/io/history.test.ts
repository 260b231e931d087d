// docs/file-formats.md#history: CSV with a header or NDJSON; errors name file:line:column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryFileError, parseHistory, readHistoryFile } from '../../src/io/history.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-history-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function errorOf(run: () => unknown): HistoryFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof HistoryFileError) return error;
    throw error;
  }
  throw new Error('expected a HistoryFileError');
}

describe('history files', () => {
  it('reads CSV with the optional package and event columns, ignoring other columns', () => {
    const rows = parseHistory('\ufeffcustomerId,offer,channel,date,event,package,note\nc1,gold-card,web,2026-01-01,,,x\nc1,"gold-card",email,2026-01-02,accept,p7,"a, b"\n\n', 'h.csv', 'csv');
    expect(rows).toEqual([
      { customerId: 'c1', offer: 'gold-card', channel: 'web', date: '2026-01-01', event: 'contact' },
      { customerId: 'c1', offer: 'gold-card', channel: 'email', date: '2026-01-02', event: 'accept', package: 'p7' },
    ]);
  });

  it('reads NDJSON, numbers as ids allowed', () => {
    const rows = parseHistory('{"customerId":7,"offer":"o","channel":"web","date":"2026-01-01","event":"reject"}\n\n{"customerId":"c2","offer":"o","channel":"web","date":"2026-01-02"}\n', 'h.ndjson', 'ndjson');
    expect(rows.map((r) => [r.customerId, r.event])).toEqual([
      ['7', 'reject'],
      ['c2', 'contact'],
    ]);
  });

  it('names the file, line and column of a bad CSV value', () => {
    const error = errorOf(() => parseHistory('customerId,offer,channel,date\nc1,o,web,2026-01-01\nc1,o,web,2026-02-30\n', 'h.csv', 'csv'));
    expect(error.message).toBe('h.csv:3:10: date must be a YYYY-MM-DD day, got "2026-02-30"');
    const quoted = errorOf(() => parseHistory('customerId,offer,channel,date,event\n"c,1",o,web,2026-01-01,click\n', 'h.csv', 'csv'));
    expect(quoted.message).toBe('h.csv:2:24: event must be contact, accept or reject, got "click"');
  });

  it('refuses a CSV without a required column, and broken CSV', () => {
    expect(errorOf(() => parseHistory('customerId,offer,date\nc1,o,2026-01-01\n', 'h.csv', 'csv')).message).toMatch(/^h\.csv:1:1: the header has no 'channel' column/);
    expect(errorOf(() => parseHistory('customerId,offer,channel,date\nc1,o,web\n', 'h.csv', 'csv')).line).toBe(2);
    expect(errorOf(() => parseHistory('customerId,offer,channel,date\n"c1,o,web,2026-01-01\n', 'h.csv', 'csv')).message).toMatch(/not valid CSV/);
    expect(errorOf(() => parseHistory('', 'h.csv', 'csv')).message).toMatch(/empty/);
  });

  it('names the line and column of bad NDJSON', () => {
    expect(errorOf(() => parseHistory('{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n{"customerId":"c1",}\n', 'h.ndjson', 'ndjson')).line).toBe(2);
    const missing = errorOf(() => parseHistory('{"customerId":"c1","offer":"","channel":"web","date":"2026-01-01"}\n', 'h.ndjson', 'ndjson'));
    expect(missing.message).toBe('h.ndjson:1:20: offer is required (got "")');
    expect(errorOf(() => parseHistory('[1]\n', 'h.ndjson', 'ndjson')).message).toBe('h.ndjson:1:1: each line must be a JSON object');
  });

  it('detects the format from the extension or the content, and reports an unreadable file', async () => {
    await writeFile(path.join(dir, 'h.csv'), 'customerId,offer,channel,date\nc1,o,web,2026-01-01\n');
    await writeFile(path.join(dir, 'h.ndjson'), '{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    await writeFile(path.join(dir, 'history'), '{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    for (const name of ['h.csv', 'h.ndjson', 'history']) expect(await readHistoryFile(path.join(dir, name))).toHaveLength(1);
    await expect(readHistoryFile(path.join(dir, 'missing.csv'), { displayName: 'missing.csv' })).rejects.toThrow('missing.csv: cannot read: ENOENT');
  });

  it('skips a byte-order mark in NDJSON as in CSV', async () => {
    await writeFile(path.join(dir, 'bom.ndjson'), '\uFEFF{"customerId":"c1","offer":"o","channel":"web","date":"2026-01-01"}\n');
    await writeFile(path.join(dir, 'bom.csv'), '\uFEFFcustomerId,offer,channel,date\nc1,o,web,2026-01-01\n');
    for (const name of ['bom.ndjson', 'bom.csv']) expect(await readHistoryFile(path.join(dir, name))).toMatchObject([{ customerId: 'c1', offer: 'o', channel: 'web', date: '2026-01-01', event: 'contact' }]);
  });
});
