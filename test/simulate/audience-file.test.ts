// Audience files stream from NDJSON or CSV, with sessions, checked row by row against the
// declarations: the first bad row stops the run at file:line:column, and a slow consumer
// holds the reading back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeDeclaration } from '../../src/bundle/types.js';
import { UserError } from '../../src/errors.js';
import { tableFormatOf } from '../../src/io/table-reader.js';
import { openAudienceFile } from '../../src/simulate/audience-file.js';
import { latencyQuantile, mergeLatency, recordLatency } from '../../src/simulate/latency.js';
import type { AudienceMember } from '../../src/simulate/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-audience-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const declarations = {
  idField: 'customerId',
  attributes: { customerId: { type: 'string', enum: null }, age: { type: 'int', enum: null }, products: { type: 'list', items: 'string', enum: ['isa', 'card'] } } as Record<string, AttributeDeclaration>,
  sessionAttributes: { device: { type: 'string', enum: ['mobile', 'desktop'] } } as Record<string, AttributeDeclaration>,
};

async function read(name: string, text: string): Promise<{ members: AudienceMember[]; digest: string; approx: number }> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  const source = await openAudienceFile({ file, displayName: name, format: tableFormatOf(file) }, declarations);
  const members: AudienceMember[] = [];
  const count = await source.forEach((m) => void members.push(m));
  expect(count).toBe(members.length);
  return { members, digest: source.digest, approx: source.approxMembers };
}

describe('audience files', () => {
  it('reads NDJSON with a session object', async () => {
    const { members, approx, digest } = await read('a.ndjson', '{"customerId":"c1","age":40,"products":["isa"],"session":{"device":"mobile"}}\n\n{"customerId":"c2","age":null}\n');
    expect(members).toEqual([
      { index: 0, line: 1, id: 'c1', profile: { customerId: 'c1', age: 40, products: ['isa'] }, session: { device: 'mobile' } },
      { index: 1, line: 3, id: 'c2', profile: { customerId: 'c2' } },
    ]);
    expect(approx).toBe(2);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reads CSV with session.NAME columns; an empty cell is a missing attribute', async () => {
    const { members, approx } = await read('a.csv', 'customerId,age,products,session.device\nc1,40,isa|card,desktop\nc2,,,\n');
    expect(members).toEqual([
      { index: 0, line: 2, id: 'c1', profile: { customerId: 'c1', age: '40', products: 'isa|card' }, session: { device: 'desktop' } },
      { index: 1, line: 3, id: 'c2', profile: { customerId: 'c2' } },
    ]);
    expect(approx).toBe(2);
  });

  it('gives the same digest for the same bytes and another for other bytes', async () => {
    const a = await read('d1.ndjson', '{"customerId":"c1"}\n');
    const b = await read('d2.ndjson', '{"customerId":"c1"}\n');
    const c = await read('d3.ndjson', '{"customerId":"c2"}\n');
    expect(a.digest).toBe(b.digest);
    expect(c.digest).not.toBe(a.digest);
  });

  it.each([
    ['a wrong type', 'bad1.csv', 'customerId,age\nc1,40\nc2,forty\n', /bad1\.csv:3:4: 'age' must be a value of type int, got "forty"/],
    ['a list value outside its enum', 'bad2.ndjson', '{"customerId":"c1","products":["loan"]}\n', /bad2\.ndjson:1:\d+: 'products' must be a list of items from/],
    ['a session value outside its enum', 'bad3.csv', 'customerId,session.device\nc1,tablet\n', /bad3\.csv:2:4: 'session\.device' must be one of/],
    ['a missing id', 'bad4.ndjson', '{"customerId":"c1"}\n{"age":3}\n', /bad4\.ndjson:2:1: 'customerId' is required/],
    ['a session that is not an object', 'bad5.ndjson', '{"customerId":"c1","session":"x"}\n', /bad5\.ndjson:1:\d+: 'session' must be an object/],
    ['broken JSON', 'bad6.ndjson', '{"customerId":"c1"}\n{"customerId":\n{"customerId":"c3"}\n', /bad6\.ndjson:2:1: not valid JSON/],
    ['a ragged CSV row', 'bad7.csv', 'customerId,age\nc1,1,2\n', /bad7\.csv:2:1: the row has 3 fields/],
    ['a prototype key', 'bad8.ndjson', '{"customerId":"c1","__proto__":{}}\n', /bad8\.ndjson:1:\d+: '__proto__' cannot be a column name/],
  ])('stops at %s with file:line:column', async (_, name, text, message) => {
    const error = await read(name, text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).exitCode).toBe(2);
  });

  it('names a file that does not exist', async () => {
    const file = path.join(dir, 'missing.ndjson');
    await expect(openAudienceFile({ file, displayName: 'missing.ndjson', format: 'ndjson' }, declarations)).rejects.toThrow(/missing\.ndjson: cannot read the audience file \(no such file\)/);
  });

  it('waits for a slow consumer instead of reading ahead', async () => {
    const file = path.join(dir, 'many.ndjson');
    await writeFile(file, Array.from({ length: 2000 }, (_, i) => JSON.stringify({ customerId: `c${i}` })).join('\n') + '\n');
    const source = await openAudienceFile({ file, displayName: 'many.ndjson', format: 'ndjson' }, declarations);
    let inFlight = 0;
    let most = 0;
    await source.forEach(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
    });
    expect(most).toBe(1);
  });
});

describe('latency histogram', () => {
  it('gives percentiles within the bucket width, and merges', () => {
    const a = new Map<number, number>();
    for (let i = 1; i <= 100; i++) recordLatency(a, i);
    const p50 = latencyQuantile(a, 0.5)!;
    const p99 = latencyQuantile(a, 0.99)!;
    expect(Math.abs(p50 - 50) / 50).toBeLessThan(0.03);
    expect(Math.abs(p99 - 99) / 99).toBeLessThan(0.03);
    const b = new Map<number, number>();
    for (let i = 0; i < 100; i++) recordLatency(b, 1000);
    mergeLatency(a, b);
    expect(Math.abs(latencyQuantile(a, 0.99)! - 1000) / 1000).toBeLessThan(0.03);
    expect(latencyQuantile(new Map(), 0.5)).toBeNull();
  });
});
