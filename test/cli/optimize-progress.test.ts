// Progress of `offerops optimize`: the figures (rows/s, ETA) from a controlled clock, how
// often a phase is redrawn, and the CLI in-process with a terminal and with --progress json.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { run } from '../../src/cli/main.js';
import { createProgress, renderLine, type ProgressEvent } from '../../src/cli/optimize-progress.js';
import { bundleWith, rule } from '../optimize/optimizer-fixtures.js';

function clocked(mode: 'auto' | 'json' | 'none', isTTY: boolean): { out: string[]; at: (ms: number) => void; sink: ReturnType<typeof createProgress> } {
  let now = 0;
  const out: string[] = [];
  const sink = createProgress(mode, isTTY, (text) => out.push(text), () => now);
  return { out, at: (ms) => void (now = ms), sink };
}
const events = (out: string[]): ProgressEvent[] => out.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ProgressEvent);

describe('optimize progress figures', () => {
  it('gives rows per second and the time left from the share of the phase done', () => {
    const { out, at, sink } = clocked('json', false);
    sink.update('prices', 0, 4, 1_000_000);
    at(10_000);
    sink.update('prices', 2, 4, 1_000_000); // half of a million rows in 10 s
    at(30_000);
    sink.update('write', 0, 1_000_000, 1_000_000);
    sink.finish();
    const [start, half, end, write, writeEnd] = events(out);
    expect(start).toMatchObject({ phase: 'prices', done: 0, total: 4, etaSeconds: null, end: false });
    expect(half).toMatchObject({ phase: 'prices', done: 2, rowsPerSecond: 50_000, etaSeconds: 10, phaseMs: 10_000, elapsedMs: 10_000, end: false });
    // a phase ends when the next begins, with no time left
    expect(end).toMatchObject({ phase: 'prices', end: true, etaSeconds: 0, phaseMs: 30_000 });
    expect(write).toMatchObject({ phase: 'write', done: 0, end: false });
    expect(writeEnd).toMatchObject({ phase: 'write', end: true });
  });

  it('counts rows read when the total is not known: a rate, no ETA', () => {
    const { out, at, sink } = clocked('json', false);
    sink.update('read', 0, 0, 0);
    at(2_000);
    sink.update('read', 300_000, 0, 300_000);
    expect(events(out)[1]).toMatchObject({ phase: 'read', done: 300_000, total: 0, rowsPerSecond: 150_000, etaSeconds: null });
  });

  it('redraws a phase at most every 250 ms (249 ms: not yet; 250 and 251 ms after the last: yes)', () => {
    const { out, at, sink } = clocked('json', false);
    sink.update('search', 0, 10, 100);
    at(249);
    sink.update('search', 1, 10, 100);
    expect(events(out)).toHaveLength(1);
    at(250);
    sink.update('search', 2, 10, 100);
    expect(events(out)).toHaveLength(2);
    at(499); // 249 ms after the last write
    sink.update('search', 3, 10, 100);
    expect(events(out)).toHaveLength(2);
    at(500); // 250 ms
    sink.update('search', 4, 10, 100);
    expect(events(out)).toHaveLength(3);
    at(751); // 251 ms
    sink.update('search', 5, 10, 100);
    expect(events(out)).toHaveLength(4);
  });

  it('draws one updating line on a terminal and nothing elsewhere unless asked', () => {
    const tty = clocked('auto', true);
    tty.sink.update('prices', 0, 4, 1000);
    tty.at(4000);
    tty.sink.update('prices', 1, 4, 1000);
    tty.sink.finish();
    const text = tty.out.join('');
    expect(text).toContain('\r\x1b[K');
    expect(text).toContain('prices  [#####---------------]  25%  63 rows/s  ETA 12s');
    expect(text.endsWith('done in 4s\n')).toBe(true);
    const pipe = clocked('auto', false);
    pipe.sink.update('prices', 0, 4, 1000);
    pipe.sink.finish();
    expect(pipe.out).toEqual([]);
    const none = clocked('none', true);
    none.sink.update('prices', 0, 4, 1000);
    expect(none.out).toEqual([]);
  });

  it('renders minutes for long phases', () => {
    expect(renderLine({ phase: 'read', done: 5_000_000, total: 0, rowsPerSecond: 100_000, etaSeconds: null, phaseMs: 50_000, elapsedMs: 50_000, end: false })).toBe('read    5,000,000 rows  100,000 rows/s');
    expect(renderLine({ phase: 'write', done: 1, total: 2, rowsPerSecond: null, etaSeconds: 125, phaseMs: 1, elapsedMs: 1, end: false })).toContain('ETA 2m05s');
  });
});

describe('offerops optimize --progress', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'offerops-opt-progress-'));
  writeFileSync(path.join(dir, 'bundle.json'), formatBundle(createBundle(bundleWith([{ ...rule.offerCapacity(30, { periodDays: 3 }, 'a'), name: 'a-cap' }], []))));
  const rows = ['customerId,offer,channel,date,score'];
  for (let c = 0; c < 60; c++) for (let k = 0; k < 3; k++) rows.push(`u${c},${['a', 'b'][(c + k) % 2]},email,2026-01-0${1 + ((c + k) % 5)},${1 + ((c * 7 + k) % 11)}`);
  writeFileSync(path.join(dir, 'proposed.csv'), rows.join('\n') + '\n');
  const args = ['optimize', '--bundle', 'bundle.json', '--proposed', 'proposed.csv', '--out', 'out.csv', '--exact', 'never'];

  async function cli(argv: string[], isTTY: boolean): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await run(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: dir, env: {}, isTTY });
    return { code, stderr };
  }

  it('writes every phase as JSON lines, in order, each ending once', async () => {
    const { code, stderr } = await cli([...args, '--progress', 'json'], false);
    expect(code).toBe(0);
    const list = events([stderr]);
    const ends = list.filter((e) => e.end).map((e) => e.phase);
    expect(ends).toEqual(['read', 'model', 'prices', 'repair', 'search', 'bound', 'write']);
    expect(list.find((e) => e.phase === 'read' && e.end)).toMatchObject({ done: 180, total: 0 });
    expect(list.find((e) => e.phase === 'write' && e.end)).toMatchObject({ done: 180, total: 180, etaSeconds: 0 });
    for (const e of list) expect(e.elapsedMs).toBeGreaterThanOrEqual(e.phaseMs);
    // the summary still follows
    expect(stderr).toMatch(/optimized 180 proposed contacts/);
  });

  it('draws the progress line on a terminal, and nothing when stderr is not one', async () => {
    const tty = await cli(args, true);
    expect(tty.code).toBe(0);
    const drawn = tty.stderr.split('\r\x1b[K');
    expect(drawn.some((line) => line.startsWith('read ') && line.includes('done in'))).toBe(true);
    expect(drawn.some((line) => line.startsWith('write ') && line.includes('done in'))).toBe(true);
    const pipe = await cli(args, false);
    expect(pipe.stderr).not.toContain('\r');
    expect(pipe.stderr).not.toContain('{"phase"');
  });

  it('refuses an unknown mode, exit 2', async () => {
    const { code, stderr } = await cli([...args, '--progress', 'bars'], false);
    expect(code).toBe(2);
    expect(stderr).toContain('--progress must be auto, json or none, got "bars"');
  });
});
