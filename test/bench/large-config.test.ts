// The benchmark's large-config generator (docs/benchmarks.md#targets) must give a config that validates
// with no errors at any size, reproducibly: the compile benchmark measures nothing if
// the config it compiles is rejected.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLargeConfig, largeConfigSize, writeLargeConfig } from '../../bench/generate/large-config.mjs';
import { compileDirectory } from '../../src/compile/compile-directory.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function compileGenerated(options: { seed?: number; scale: number }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-large-config-'));
  dirs.push(dir);
  const written = await writeLargeConfig(dir, options);
  const result = await compileDirectory(dir, { root: dir });
  return { written, result };
}

describe('large config generator', () => {
  it('generates a 1/20-scale config that validates and compiles with no errors and no warnings', async () => {
    const { written, result } = await compileGenerated({ scale: 0.05 });
    expect(result.problems).toEqual([]);
    expect(result.bundle).not.toBeNull();
    const body = result.bundle!.body;
    expect(body.offers).toHaveLength(50);
    expect(body.segments).toHaveLength(25);
    expect(body.rules).toHaveLength(1000);
    expect(body.policies).toHaveLength(3);
    expect(written.counts).toMatchObject({ offers: 50, segments: 25, rules: 1000, policies: 3 });
  });

  it('holds several documents per file and exercises the whole language', async () => {
    const { files } = generateLargeConfig({ scale: 0.05 });
    const texts = [...files.values()];
    expect(texts.some((t) => t.split('\n---\n').length > 1 || t.includes('\n---\n'))).toBe(true);
    const all = texts.join('\n');
    for (const needle of ['inSegment(', 'audienceLevel: household', 'scoreExpression:', 'eligibility:', 'controlGroup:', 'enabled: false', 'where: offer.labels', 'type: neverAWithB', 'type: customCapacity', 'exceptions:']) {
      expect(all, needle).toContain(needle);
    }
  });

  it('gives no errors at a tiny scale where channels may have no segments', async () => {
    const { result } = await compileGenerated({ scale: 0.002, seed: 7 });
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.bundle).not.toBeNull();
  });

  it('is reproducible: the same seed gives identical files, another seed different ones', () => {
    const a = generateLargeConfig({ scale: 0.02, seed: 1 });
    const b = generateLargeConfig({ scale: 0.02, seed: 1 });
    const c = generateLargeConfig({ scale: 0.02, seed: 2 });
    expect([...a.files]).toEqual([...b.files]);
    expect([...a.files]).not.toEqual([...c.files]);
  });

  it('has the sizes of the targets at scale 1', () => {
    expect(largeConfigSize(1)).toEqual({ offers: 1000, segments: 500, rules: 20000, policies: 50 });
  });
});
