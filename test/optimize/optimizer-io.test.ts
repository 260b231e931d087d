// The optimizer's readers and writer: positions in errors, hostile CSV, NDJSON.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/io/history.js';
import { readAudience, readProposed } from '../../src/optimize/io/read-inputs.js';
import { csvFieldStart, MAX_RECORD_CHARS, tableFormatOf, type TableHandle } from '../../src/io/table-reader.js';
import { writeChosenRows } from '../../src/optimize/io/write-rows.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-opt-io-'));
function file(name: string, text: string): TableHandle {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return { file: full, displayName: name, format: tableFormatOf(full) };
}
const offers = new Set(['a', 'b']);

describe('optimizer input readers', () => {
  it('reads CSV with a BOM, CRLF line ends and quoted fields, typing numbers and defaulting package and cost', async () => {
    const t = file('ok.csv', '\uFEFFcustomerId,offer,channel,date,score,note\r\nc1,a,email,2026-01-01,2.5,"hello, ""world"""\r\nc2,b,sms,2026-01-02,3,plain\r\n');
    const { rows, lines, columns } = await readProposed(t, offers);
    expect(columns).toEqual(['customerId', 'offer', 'channel', 'date', 'score', 'note']);
    expect(rows[0]).toMatchObject({ customerId: 'c1', score: 2.5, cost: 0, package: 'c1|email|2026-01-01' });
    expect(rows[0]!.fields['note']).toBe('hello, "world"');
    // what `contact` shows an interactionsWhere expression: the defaults included
    expect(rows[0]!.fields).toMatchObject({ cost: 0, package: 'c1|email|2026-01-01' });
    expect(Array.from(lines)).toEqual([2, 3]);
  });

  it('names file, line and column for a bad number, a bad date, an unknown offer and a ragged row', async () => {
    const t = file('bad.csv', 'customerId,offer,channel,date,score\nc1,a,email,2026-01-01,abc\nc2,a,email,2026-02-30,1\nc3,zz,email,2026-01-01,1\nc4,a,email\n');
    await expect(readProposed(t, offers)).rejects.toThrow(
      [
        `bad.csv:2:23: 'score' must be a number, got "abc"`,
        `bad.csv:3:12: 'date' must be a calendar date YYYY-MM-DD, got "2026-02-30"`,
        `bad.csv:4:4: offer 'zz' is not an offer of the bundle`,
        'bad.csv:5:1: the row has 3 fields, the header has 5',
      ].join('\n'),
    );
  });

  it('reports a missing required column and an unclosed quote', async () => {
    // Said once, at the header, not once per row.
    await expect(readProposed(file('nocol.csv', 'customerId,offer,channel,date\nc1,a,email,2026-01-01\nc2,a,email,2026-01-01\n'), offers)).rejects.toThrow(
      /^nocol.csv:1:1: the header has no 'score' column \(needs customerId, offer, channel, date, score; optional cost, package and any others\)$/,
    );
    await expect(readProposed(file('quote.csv', 'customerId,offer,channel,date,score\nc1,a,email,2026-01-01,"1\n'), offers)).rejects.toThrow(/quote.csv:\d+:1: not valid CSV/);
  });

  it('reads NDJSON and names the line and column of a bad value', async () => {
    const t = file('p.ndjson', '{"customerId":"c1","offer":"a","channel":"email","date":"2026-01-01","score":1}\n\n{"customerId":"c2","offer":"a","channel":"email","date":"2026-01-01","score":"x"}\nnot json\n');
    await expect(readProposed(t, offers)).rejects.toThrow(/p.ndjson:3:70: 'score' must be a number, got "x"\np.ndjson:4:1: not valid JSON/);
  });

  it('converts audience attributes with their declared types and rejects values that do not convert', async () => {
    const attributes = { age: { type: 'int' as const, enum: null }, tier: { type: 'string' as const, enum: null } };
    const members = await readAudience(file('aud.csv', 'customerId,age,tier\nc1,42,gold\nc2,,silver\n'), attributes);
    expect(members).toEqual([
      { customerId: 'c1', profile: { customerId: 'c1', age: 42, tier: 'gold' } },
      { customerId: 'c2', profile: { customerId: 'c2', tier: 'silver' } },
    ]);
    await expect(readAudience(file('aud-bad.csv', 'customerId,age\nc1,forty\n'), attributes)).rejects.toThrow(/aud-bad.csv:2:4: 'age' must be a value of type int/);
  });

  it('takes columns named like built-in properties as plain columns, and refuses prototype keys', async () => {
    const attributes = { age: { type: 'int' as const, enum: null } };
    const members = await readAudience(file('aud-builtin.csv', 'customerId,age,toString,hasOwnProperty\nc1,42,x,y\n'), attributes);
    expect(members[0]!.profile).toEqual({ customerId: 'c1', age: 42, toString: 'x', hasOwnProperty: 'y' });
    await expect(readAudience(file('aud-proto.csv', 'customerId,constructor\nc1,x\n'), attributes)).rejects.toThrow(/aud-proto.csv:1:\d+: 'constructor' cannot be a column name/);
    await expect(readProposed(file('proto.ndjson', '{"customerId":"c1","offer":"a","channel":"email","date":"2026-01-01","score":1,"__proto__":{"x":1}}\n'), offers)).rejects.toThrow(
      /proto.ndjson:1:\d+: '__proto__' cannot be a column name/,
    );
  });

  it('refuses a line or record longer than the limit at its line, without reading it whole', async () => {
    const huge = 'x'.repeat(MAX_RECORD_CHARS + 10);
    await expect(readProposed(file('long.ndjson', `{"customerId":"c1","offer":"a","channel":"email","date":"2026-01-01","score":1}\n{"note":"${huge}`), offers)).rejects.toThrow(
      /long.ndjson:2:1: the line is longer than 16777216 characters/,
    );
    await expect(readProposed(file('long.csv', `customerId,offer,channel,date,score,note\nc1,a,email,2026-01-01,1,"${huge}"\n`), offers)).rejects.toThrow(/long.csv:2:1: not valid CSV: record exceed/);
  });

  it('reads history with event defaulting to contact and rejects an unknown event', async () => {
    const rows = await readHistory(file('h.csv', 'customerId,offer,channel,date,event\nc1,a,email,2026-01-01,\nc1,a,email,2026-01-02,accept\n'));
    expect(rows.map((r) => r.event)).toEqual(['contact', 'accept']);
    await expect(readHistory(file('h-bad.csv', 'customerId,offer,channel,date,event\nc1,a,email,2026-01-01,click\n'))).rejects.toThrow(/h-bad.csv:2:23: 'event' must be contact, accept or reject/);
  });

  it('finds a field start in a quoted CSV line', () => {
    expect(csvFieldStart('a,"b,c",d', 2)).toBe(9);
    expect(csvFieldStart('a,"b,c",d', 0)).toBe(1);
  });
});

describe('optimizer output writer', () => {
  it('copies the chosen rows with the input columns and values as written', async () => {
    const t = file('in.csv', 'customerId,offer,channel,date,score,cost\nc1,a,email,2026-01-01,1.50,0\n\nc2,b,email,2026-01-01,2,0\nc3,b,email,2026-01-01,3,0\n');
    const out = path.join(dir, 'out.csv');
    await writeChosenRows([{ table: t, rows: [0, 2], columns: ['customerId', 'offer', 'channel', 'date', 'score', 'cost'] }], 'csv', out);
    expect(readFileSync(out, 'utf8')).toBe('customerId,offer,channel,date,score,cost\nc1,a,email,2026-01-01,1.50,0\nc3,b,email,2026-01-01,3,0\n');
  });

  it('writes CSV through csv-stringify when rows span lines, and NDJSON as objects', async () => {
    const t = file('multi.csv', 'customerId,offer,channel,date,score,note\nc1,a,email,2026-01-01,1,"two\nlines"\nc2,a,email,2026-01-01,1,x\n');
    const read = await readProposed(t, offers);
    expect(Array.from(read.lines)).toEqual([2, 4]);
    const out = path.join(dir, 'multi-out.csv');
    await writeChosenRows([{ table: t, rows: [0], columns: read.columns }], 'csv', out);
    expect(readFileSync(out, 'utf8')).toBe('customerId,offer,channel,date,score,note\nc1,a,email,2026-01-01,1,"two\nlines"\n');
    const nd = path.join(dir, 'out.ndjson');
    await writeChosenRows([{ table: t, rows: [1], columns: read.columns }], 'ndjson', nd);
    expect(JSON.parse(readFileSync(nd, 'utf8'))).toMatchObject({ customerId: 'c2', note: 'x' });
  });

  it('writes the chosen rows, not their neighbours, when a quoted field holds a bare carriage return', async () => {
    const t = file('cr.csv', 'customerId,offer,channel,date,score,note\nc1,a,email,2026-01-01,1,"a\rb"\nc2,a,email,2026-01-01,1,x\nc3,b,email,2026-01-01,1,y\n');
    const read = await readProposed(t, offers);
    const out = path.join(dir, 'cr-out.csv');
    await writeChosenRows([{ table: t, rows: [1, 2], columns: read.columns }], 'csv', out);
    expect(readFileSync(out, 'utf8')).toBe('customerId,offer,channel,date,score,note\nc2,a,email,2026-01-01,1,x\nc3,b,email,2026-01-01,1,y\n');
  });
});
