// The proposed contacts as columns: the columnar reader sees exactly what the object
// reader sees (the same typed `contact` per row, the same packages, the same errors at
// file:line:column), several files append to one table, and the optimizer gives the same
// result on either form.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFormatOf, type TableHandle } from '../../src/io/table-reader.js';
import { readProposed, readProposedColumns } from '../../src/optimize/io/read-inputs.js';
import { columnsOfContacts, ProposedColumnsBuilder, rowFields, rowPackage, rowValue, takeRows } from '../../src/optimize/proposed-columns.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-opt-columns-'));
function file(name: string, text: string): TableHandle {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return { file: full, displayName: name, format: tableFormatOf(full) };
}
const offers = new Set(['a', 'b']);

describe('proposed contacts as columns', () => {
  it('gives every row the same typed fields and package as the object reader (CSV)', async () => {
    const text = 'customerId,offer,channel,date,score,cost,package,note,risk\n' +
      'c1,a,email,2026-01-01,2.5,,,"hello, ""world""",0.25\n' +
      'c2,b,sms,2026-01-02,3,1.5,p-7,,x\n' +
      'c1,b,email,2026-01-03,-1,0,c1|email|2026-01-03,12,1e3\n';
    const t = file('same.csv', text);
    const objects = await readProposed(t, offers);
    const builder = new ProposedColumnsBuilder(1);
    const read = await readProposedColumns(t, offers, builder);
    const table = builder.finish();
    expect(read.rows).toBe(3);
    expect(Array.from(read.lines)).toEqual(Array.from(objects.lines));
    expect(read.columns).toEqual(objects.columns);
    objects.rows.forEach((row, i) => {
      expect(rowFields(table, i)).toEqual(row.fields);
      expect(rowPackage(table, i)).toBe(row.package);
      expect(rowValue(table, i, 'risk')).toBe(row.fields['risk']);
    });
    expect(rowValue(table, 0, 'nothing')).toBeUndefined();
  });

  it('keeps NDJSON values as the object reader types them: booleans as text, null and objects left out, keys that vary by row', async () => {
    const t = file('same.ndjson', [
      { customerId: 'c1', offer: 'a', channel: 'web', date: '2026-01-01', score: 1, flag: true, extra: null, nested: { x: 1 } },
      { customerId: 'c2', offer: 'a', channel: 'web', date: '2026-01-02', score: '2', only: 'here', n: '7' },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const objects = await readProposed(t, offers);
    const builder = new ProposedColumnsBuilder();
    await readProposedColumns(t, offers, builder);
    const table = builder.finish();
    objects.rows.forEach((row, i) => expect(rowFields(table, i)).toEqual(row.fields));
    expect(rowFields(table, 0)['flag']).toBe('true');
    expect(rowFields(table, 1)['n']).toBe(7);
  });

  it('reports bad values at file:line:column as the object reader does', async () => {
    const text = 'customerId,offer,channel,date,score\nc1,a,email,2026-01-01,abc\nc2,a,email,2026-02-30,1\nc3,zz,email,2026-01-01,1\n';
    const t = file('bad.csv', text);
    const objectError = await readProposed(t, offers).catch((error: Error) => error.message);
    const columnError = await readProposedColumns(t, offers, new ProposedColumnsBuilder()).catch((error: Error) => error.message);
    expect(columnError).toContain(`bad.csv:2:23: 'score' must be a number, got "abc"`);
    expect(columnError).toBe(objectError);
  });

  it('appends several files to one table, numbering each file\'s rows from its own first line', async () => {
    const builder = new ProposedColumnsBuilder(1);
    const first = await readProposedColumns(file('p1.csv', 'customerId,offer,channel,date,score\nc1,a,e,2026-01-01,1\n\nc2,b,e,2026-01-02,2\n'), offers, builder);
    const second = await readProposedColumns(file('p2.csv', 'customerId,offer,channel,date,score,risk\nc3,a,e,2026-01-03,3,0.5\n'), offers, builder);
    const table = builder.finish();
    expect([first.rows, second.rows, table.length]).toEqual([2, 1, 3]);
    expect(Array.from(first.lines)).toEqual([2, 4]);
    expect(Array.from(second.lines)).toEqual([2]);
    // a column only the second file has is missing (not 0, not '') on the first file's rows
    expect(rowValue(table, 0, 'risk')).toBeUndefined();
    expect(rowValue(table, 2, 'risk')).toBe(0.5);
    expect(table.customerIds).toEqual(['c1', 'c2', 'c3']);
  });

  it('grows past its first capacity and keeps every row (1,000 rows from room for 16)', () => {
    const builder = new ProposedColumnsBuilder(1);
    for (let i = 0; i < 1000; i++) builder.add(`c${i % 7}`, i % 2 ? 'a' : 'b', 'web', 20_000 + (i % 30), i / 4, 0, i % 3 === 0 ? `p${i}` : null, i % 5 === 0 ? [['v', i]] : []);
    const table = builder.finish();
    expect(table.length).toBe(1000);
    expect(builder.length).toBe(0); // the builder lets go of its arrays
    for (const i of [0, 15, 16, 17, 999]) {
      expect(table.score[i]).toBe(i / 4);
      expect(rowValue(table, i, 'v')).toBe(i % 5 === 0 ? i : undefined);
      expect(rowPackage(table, i)).toBe(i % 3 === 0 ? `p${i}` : `c${i % 7}|web|${rowFields(table, i)['date']}`);
    }
  });

  it('takes a subset of rows with every column', () => {
    const table = columnsOfContacts([
      { customerId: 'c1', offer: 'a', channel: 'e', date: '2026-01-01', score: 1, cost: 0, package: 'c1|e|2026-01-01', fields: { risk: 0.1 } },
      { customerId: 'c2', offer: 'b', channel: 'e', date: '2026-01-02', score: 2, cost: 3, package: 'pk', fields: { risk: 'high' } },
    ]);
    const sub = takeRows(table, [1]);
    expect(sub.length).toBe(1);
    expect(rowFields(sub, 0)).toEqual({ customerId: 'c2', offer: 'b', channel: 'e', date: '2026-01-02', score: 2, cost: 3, package: 'pk', risk: 'high' });
  });

  it('refuses a contact object with a date that is not a calendar day, naming the row', () => {
    expect(() => columnsOfContacts([{ customerId: 'c', offer: 'a', channel: 'e', date: '2026-13-01', score: 1, cost: 0, package: '', fields: {} }])).toThrow(/'date' must be a calendar date/);
  });
});
