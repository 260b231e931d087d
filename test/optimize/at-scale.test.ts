// The scalable path at a size where it really runs as it does in production (Lagrangian
// prices, repair, local search with capacity windows of thousands of rows), judged by
// the independent checker: the benchmark's data and policy (twelve rules of all ten
// types) at 2% of its size. Small random instances (properties.test.ts) cannot reach
// these code paths.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/bundle/bundle.js';
import { readHistory } from '../../src/io/history.js';
import { readAudience, readProposed } from '../../src/optimize/io/read-inputs.js';
import { optimizeContacts } from '../../src/optimize/optimize.js';
import type { OptimizeProblem } from '../../src/optimize/types.js';
import { ensureFreshDist } from '../server/fresh-dist.js';
import { checkFeasibility } from './checker.js';

let dir = '';
let problem: OptimizeProblem;

beforeAll(async () => {
  ensureFreshDist(); // the generator writes its bundle through dist/
  const { generateOptimizeData } = await import('../../bench/generate/optimize-data.mjs');
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-at-scale-'));
  await generateOptimizeData(dir, { customers: 2000, perCustomer: 10, seed: 7 });
  const bundle = parseBundle(await readFile(path.join(dir, 'bundle.json'), 'utf8'), 'bundle.json').body;
  const table = (file: string) => ({ file: path.join(dir, file), displayName: file, format: 'csv' as const });
  const proposed = await readProposed(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)));
  problem = {
    bundle,
    policy: bundle.policies[0]!.name,
    proposed: proposed.rows,
    history: await readHistory(table('history.csv')),
    audience: await readAudience(table('audience.csv'), bundle.channels[0]!.audienceLevels[0]!.attributes),
  };
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the scalable optimizer on 20,000 proposed contacts', () => {
  it('breaks no rule, reports the objective and shortfall the checker finds, and a bound above its objective', async () => {
    expect(problem.proposed.length).toBeGreaterThan(15_000);
    const result = await optimizeContacts(problem, { exact: 'never' });
    const check = checkFeasibility(problem, result.chosen);
    expect(check.violations.slice(0, 5)).toEqual([]);
    expect(result.report.objective).toBeCloseTo(check.objective, 3);
    expect(result.report.totalShortfall).toBeCloseTo(check.totalShortfall, 6);
    expect(result.report.upperBound).toBeGreaterThanOrEqual(result.report.objective - 1e-6);
    expect(result.report.gap).toBeLessThan(0.005);
    // Rules of every kind bind here, so the check is not vacuous.
    expect(result.report.rules.filter((r) => r.binds).length).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
