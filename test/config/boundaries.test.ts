// Date order and ranges at their boundaries (docs/config-language.md#what-the-validator-checks):
// a range of one day (expires = effective, to = from) and min = max are valid; one day
// backwards and min = max + 1 are errors.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDirectory } from '../../src/compile/compile-directory.js';

const base = path.resolve(import.meta.dirname, '../fixtures/validate/_base');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-boundaries-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let cases = 0;
/** The problem codes of the base config plus `extra`. */
async function codesWith(extra: string): Promise<string[]> {
  const config = path.join(dir, `case-${cases++}`);
  await cp(base, config, { recursive: true });
  await writeFile(path.join(config, 'extra.yaml'), extra);
  const { problems } = await validateDirectory(config, { root: config });
  return problems.filter((p) => p.severity === 'error').map((p) => p.code);
}

const offer = (effective: string, expires: string) => `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: dated }\nspec: { effective: ${effective}, expires: ${expires} }\n`;
const rule = (effective: string, expires: string) =>
  `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: dated }\nspec:\n  channel: web\n  rules:\n    - { name: dated-rule, offer: gold-card, score: 5, effective: ${effective}, expires: ${expires} }\n`;
const exception = (from: string, to: string) =>
  `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: dated }\nspec:\n  channel: web\n  rules:\n    - { name: cap, type: offerCapacity, offers: { offer: gold-card }, max: 5, periodDays: 7, exceptions: [ { from: ${from}, to: ${to}, max: 8 } ] }\n`;
const range = (min: number, max: number) =>
  `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: ranged }\nspec:\n  channel: web\n  rules:\n    - { name: cap, type: offerCapacity, offers: { offer: gold-card }, min: ${min}, max: ${max}, periodDays: 7 }\n`;

describe('date order', () => {
  it('has no errors in the base config', async () => {
    expect(await codesWith('')).toEqual([]);
  });

  it.each([
    ['an offer', offer],
    ['a treatment rule', rule],
    ['a capacity exception', exception],
  ])('accepts %s live for exactly one day and refuses one that ends the day before it starts', async (_what, make) => {
    expect(await codesWith(make('2026-05-01', '2026-05-02'))).toEqual([]);
    expect(await codesWith(make('2026-05-01', '2026-05-01'))).toEqual([]);
    expect(await codesWith(make('2026-05-01', '2026-04-30'))).toEqual(['OO204']);
  });
});

describe('min and max', () => {
  it.each([
    [4, 5, []],
    [5, 5, []],
    [6, 5, ['OO205']],
  ])('min %i, max %i gives %j', async (min, max, codes) => {
    expect(await codesWith(range(min, max))).toEqual(codes);
  });
});
