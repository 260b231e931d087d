// The chosen rows written on a second thread while the optimizer checks its selection
// (stageChosenRows): nothing appears at the output's name before commit, the bytes are
// those of the one-thread writer, and a failure or an abandon leaves nothing behind — an
// earlier output of the same name is kept as it was.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stageChosenRows, writeChosenRows, type ChosenRows } from '../../src/optimize/io/write-rows.js';

const dir = mkdtempSync(path.join(tmpdir(), 'offerops-staged-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function proposed(name: string, rows: number): ChosenRows {
  const file = path.join(dir, name);
  const lines = ['customerId,offer,channel,date,score'];
  for (let i = 0; i < rows; i++) lines.push(`c${i},offer-${i % 7},email,2026-03-01,${i % 100}.5`);
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  const chosen = Array.from({ length: Math.floor(rows / 3) }, (_, i) => 3 * i + 1);
  return { table: { file, displayName: name, format: 'csv' }, rows: chosen, columns: ['customerId', 'offer', 'channel', 'date', 'score'] };
}

/** The files of the folder whose names start with `prefix`. */
const leftovers = (prefix: string): string[] => readdirSync(dir).filter((f) => f.startsWith(prefix));

describe('stageChosenRows', () => {
  it.each(['csv', 'ndjson'] as const)('writes, as %s, the bytes the one-thread writer writes, and only at commit', async (format) => {
    const inputs = [proposed(`in-${format}-1.csv`, 12_000), proposed(`in-${format}-2.csv`, 7)];
    const reference = path.join(dir, `reference.${format}`);
    const expected = await writeChosenRows(inputs, format, reference);
    const out = path.join(dir, `staged.${format}`);
    const progress: number[] = [];
    const staged = stageChosenRows(inputs, format, out, (rows) => progress.push(rows));
    expect(staged).not.toBeNull();
    expect(existsSync(out)).toBe(false);
    expect(await staged!.commit()).toBe(expected);
    expect(readFileSync(out)).toEqual(readFileSync(reference));
    // Every 65,536 input rows: none on 12,007 rows, so the writer's progress is silent here.
    expect(progress).toEqual([]);
    expect(leftovers(`staged.${format}.`)).toEqual([]);
  });

  it('abandoned, leaves an earlier output of the same name as it was and no staging file', async () => {
    const inputs = [proposed('in-abandon.csv', 20_000)];
    const out = path.join(dir, 'abandoned.csv');
    writeFileSync(out, 'the previous run\n');
    const staged = stageChosenRows(inputs, 'csv', out)!;
    await staged.abandon();
    expect(readFileSync(out, 'utf8')).toBe('the previous run\n');
    expect(leftovers('abandoned.csv.')).toEqual([]);
  });

  it('abandoned while writing, the writer stops at its first progress report and leaves on its own (not terminated)', async () => {
    // 300,000 rows: written to the end, the writer would report 4 times (every 65,536).
    const inputs = [proposed('in-abandon-long.csv', 300_000)];
    const out = path.join(dir, 'abandoned-long.csv');
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const progress: number[] = [];
      const staged = stageChosenRows(inputs, 'csv', out, (rows) => progress.push(rows))!;
      await staged.abandon();
      expect(progress).toEqual([]);
      expect(terminate).not.toHaveBeenCalled();
      expect(existsSync(out)).toBe(false);
      expect(leftovers('abandoned-long.csv.')).toEqual([]);
    } finally {
      terminate.mockRestore();
    }
  });

  it('reports a writer that fails at commit, as the error it was, and leaves nothing staged', async () => {
    const inputs = [proposed('in-gone.csv', 100)];
    rmSync(inputs[0]!.table.file); // the second pass over the input finds it gone
    const out = path.join(dir, 'failed.csv');
    writeFileSync(out, 'the previous run\n');
    const staged = stageChosenRows(inputs, 'csv', out)!;
    const error = (await staged.commit().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.message).toMatch(/no such file or directory.*in-gone\.csv/);
    expect(error.code).toBe('ENOENT');
    expect(readFileSync(out, 'utf8')).toBe('the previous run\n');
    expect(leftovers('failed.csv.')).toEqual([]);
  });

  it('declines a device, which is written directly', () => {
    expect(stageChosenRows([proposed('in-device.csv', 3)], 'csv', '/dev/null')).toBeNull();
  });
});
