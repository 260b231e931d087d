// How optimization rules compile (docs/bundle-format.md, docs/optimization-semantics.md):
// defaults filled, scopes resolved, and an exception's missing bound taken from its rule.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDirectory } from '../../src/compile/compile-directory.js';

const base = path.resolve(import.meta.dirname, '../fixtures/validate/_base');
const temps: string[] = [];
afterAll(async () => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

async function compilePolicy(rules: string): Promise<unknown[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'offerops-policy-'));
  temps.push(root);
  await cp(base, path.join(root, 'config'), { recursive: true });
  await writeFile(path.join(root, 'config', 'policy.yaml'), `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: p }\nspec:\n  channel: web\n  rules:\n${rules}`);
  const result = await compileDirectory('config', { root });
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result.bundle!.body.policies[0]!.rules;
}

describe('compiled optimization rules', () => {
  it('give an exception the bound it leaves out from its rule', async () => {
    const [rule] = await compilePolicy(
      '    - { name: cap, type: offerCapacity, min: 5, max: 100, periodDays: 7,\n' +
        '        exceptions: [ { from: 2026-12-01, to: 2026-12-31, max: 150 }, { from: 2027-01-01, to: 2027-01-07, min: 0 } ] }\n',
    );
    expect(rule).toMatchObject({
      min: 5,
      max: 100,
      exceptions: [
        { from: '2026-12-01', to: '2026-12-31', min: 5, max: 150 },
        { from: '2027-01-01', to: '2027-01-07', min: 0, max: 100 },
      ],
    });
  });

  it('resolve an omitted offer scope to every offer and a list to its offers', async () => {
    const [all, one] = await compilePolicy('    - { name: all, type: maxPackages, max: 2 }\n    - { name: one, type: maxDuplicateOffers, offers: { offer: gold-card }, max: 1 }\n');
    expect(all).toMatchObject({ type: 'maxPackages', max: 2, segment: null, channel: null, periodDays: null });
    expect(one).toMatchObject({ offers: { offer: 'gold-card', list: null, offers: ['gold-card'] } });
  });
});
