// The proposed contacts as columns: the columnar reader sees exactly what the object
// reader sees (the same typed `contact` per row, the same packages, the same errors at
// file:line:column), several files append to one table, and the optimizer gives the same
// result on either form.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './random-instances.js';
import { tableFormatOf, type TableHandle } from '../../src/io/table-reader.js';
import { decimalValue, isDecimalText, readProposed, typedField } from '../../src/optimize/io/read-inputs.js';
import { readProposedColumns } from '../../src/optimize/io/read-proposed.js';
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
  it('reads 300 random CSV files as the object reader does: fields, packages, lines, columns, and the same problems', async () => {
    const random = seededRandom(151);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    // [good values, bad values]: a bad one in about one cell of 40, so most files read and some fail.
    const cells: Record<string, [readonly string[], readonly string[]]> = {
      customerId: [['c1', 'c2', ' c1 ', 'a-customer-id-longer-than-13'], ['']],
      offer: [['a', 'b', ' a'], ['zz', '']],
      channel: [['email', 'sms', 'web '], ['']],
      date: [['2026-01-01', '2026-01-02', ' 2026-01-01'], ['2026-02-30', '2026-1-01', '']],
      score: [['1', '2.5', ' -3 ', '1e3', '.5', '5.', '+7'], ['abc', '1e999', '']],
      cost: [['0', '1.5', '', ' 2 '], ['x', '1e']],
      package: [['', 'p1', ' p2 ', 'DEFAULT', 'DEFAULT', 'c1|email', 'c1|email|2026-01-01x', 'c1|email|2026-01-09', 'c2|email|2026-01-01', 'c1|emaik|2026-01-01', 'c1xemail|2026-01-01'], []],
      risk: [['0.25', 'high', '', ' 3 ', '1e', '-.5', 'e5'], []],
      '7': [['1', 'x', ''], []],
    };
    const cell = (name: string): string => {
      const [good, bad] = cells[name]!;
      return bad.length > 0 && random() < 0.025 ? pick(bad) : pick(good);
    };
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const names = ['customerId', 'offer', 'channel', 'date', 'score', ...['cost', 'package', 'risk', '7'].filter(() => random() < 0.6)];
      names.sort(() => random() - 0.5);
      const rows = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const values = names.map(cell);
        const pkg = names.indexOf('package');
        // Now and then the package written out as the row's default package.
        if (pkg >= 0 && values[pkg] === 'DEFAULT') values[pkg] = ['customerId', 'channel', 'date'].map((n) => values[names.indexOf(n)]!.trim()).join('|');
        return values.join(',');
      });
      const t = file(`random-${i}.csv`, [names.join(','), ...rows].join('\n') + '\n');
      const objects = await readProposed(t, offers).catch((error: Error) => error.message);
      const builder = new ProposedColumnsBuilder(1);
      const columns = await readProposedColumns(t, offers, builder).catch((error: Error) => error.message);
      if (typeof objects === 'string' || typeof columns === 'string') {
        expect(columns, `case ${i}`).toBe(objects);
        continue;
      }
      read++;
      const table = builder.finish();
      expect(columns.rows).toBe(objects.rows.length);
      expect(Array.from(columns.lines)).toEqual(Array.from(objects.lines));
      expect(columns.columns).toEqual(objects.columns);
      expect(table.extra.map((c) => c.name)).toEqual(Object.keys(objects.rows[0]!.fields).filter((k) => !['customerId', 'offer', 'channel', 'date', 'score', 'cost', 'package'].includes(k)));
      objects.rows.forEach((row, r) => {
        expect(rowFields(table, r), `case ${i} row ${r}`).toEqual(row.fields);
        expect(rowPackage(table, r)).toBe(row.package);
      });
    }
    // both outcomes were tried
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(300);
  });

  it('takes exactly the texts the number pattern takes as numbers', () => {
    const pattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const named = ['', '+', '-', '.', '1', '-1', '+.5', '1.', '1.e5', '.e5', 'e5', '1e', '1e+', '1e-3', '1E3', '01', '1..2', '1.2.3', '--1', '1e3e3', ' 1', '1 ', '١', '0x10', 'Infinity', 'NaN', '1_000'];
    for (const text of named) expect(isDecimalText(text), JSON.stringify(text)).toBe(pattern.test(text));
    const random = seededRandom(7);
    const alphabet = '0123456789+-.eE x';
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: Math.floor(random() * 7) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(isDecimalText(text), JSON.stringify(text)).toBe(pattern.test(text));
    }
    expect([typedField(' 2.5 '), typedField('2.5x'), typedField('  ')]).toEqual([2.5, '2.5x', '  ']);
  });

  it('converts a decimal text to exactly the number Number gives (15 digits and 16, signs, -0, exponents)', () => {
    const reference = (text: string): number => (isDecimalText(text) ? Number(text) : NaN);
    const named = ['0', '-0', '+0', '-0.0', '9.46', '0.1', '0.3', '123456789012345', '1234567890123456', '12345678901234.5', '1234567890123.45', '999999999999999.9', '.000000000000001', '0.0000000000000001', '1e3', '1e999', '-1e-999', '5.', '-.5', '', '-', '1e', 'x1'];
    for (const text of named) expect(Object.is(decimalValue(text), reference(text)), JSON.stringify(text)).toBe(true);
    const random = seededRandom(11);
    for (let i = 0; i < 200_000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(random() * 17) }, () => Math.floor(random() * 10)).join('');
      const point = Math.floor(random() * (digits.length + 2)) - 1; // -1: no point
      let text = point < 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
      if (random() < 0.3) text = (random() < 0.5 ? '-' : '+') + text;
      if (random() < 0.05) text += `e${Math.floor(random() * 40) - 20}`;
      expect(Object.is(decimalValue(text), reference(text)), JSON.stringify(text)).toBe(true);
    }
  });
});

describe('ProposedColumnsBuilder.clear', () => {
  it('forgets every row and name: what is added after it is what a new builder makes of it', () => {
    const used = new ProposedColumnsBuilder(16);
    for (let i = 0; i < 40; i++) used.add(`old${i}`, 'b', 'sms', 20_000 + i, i, 0, i % 3 ? null : `p${i}`, [['risk', i / 10], ['tag', `t${i}`]]);
    used.clear();
    const fresh = new ProposedColumnsBuilder(16);
    for (const builder of [used, fresh]) {
      for (let i = 0; i < 25; i++) builder.add(`c${i % 7}`, i % 2 ? 'a' : 'c', 'email', 20_100 + (i % 5), i * 1.5, 1, i % 4 ? null : 'pk', i % 3 ? [['risk', i]] : []);
    }
    expect(used.finish()).toEqual(fresh.finish());
  });
});

