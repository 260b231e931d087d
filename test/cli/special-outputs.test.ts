// An output that is a device or a pipe (`--out /dev/null`, a FIFO another process reads) is
// written directly. Writing a temporary file and renaming it onto such a path, as regular
// outputs are written, would replace the device itself (as root, /dev/null would become a
// regular file). A FIFO stands in for /dev/null here, so a failure harms nothing.
import { execFileSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-fifo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A new FIFO and a reader collecting what is written to it. */
function fifoWithReader(name: string): { file: string; read: Promise<string> } {
  const file = path.join(dir, name);
  execFileSync('mkfifo', [file]);
  const read = new Promise<string>((resolve, reject) => {
    let text = '';
    createReadStream(file, 'utf8')
      .on('data', (chunk: string | Buffer) => void (text += chunk.toString()))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
  return { file, read };
}

describe('outputs that are devices or pipes', () => {
  it('compile --out writes into a FIFO and leaves it a FIFO', async () => {
    const { file, read } = fifoWithReader('bundle.fifo');
    const [result, text] = await Promise.all([runCli(['compile', '--out', file], { cwd: repo }), read]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(text)).toHaveProperty('formatVersion', 1);
    expect(statSync(file).isFIFO()).toBe(true);
  });

  it('sample --out writes into a FIFO and leaves it a FIFO', async () => {
    const { file, read } = fifoWithReader('audience.fifo');
    const [result, text] = await Promise.all([runCli(['sample', '--channel', 'web', '--customers', '3', '--out', file], { cwd: repo }), read]);
    expect(result.code, result.stderr).toBe(0);
    expect(text.trim().split('\n')).toHaveLength(3);
    expect(statSync(file).isFIFO()).toBe(true);
  });

  it('optimize --out and --report write into FIFOs and leave them FIFOs', async () => {
    await writeFile(path.join(dir, 'proposed.csv'), 'customerId,offer,channel,date,score\nc1,cashback-card,email,2026-11-02,5\nc2,cashback-card,email,2026-11-02,4\n');
    await writeFile(path.join(dir, 'audience.csv'), 'customerId\n');
    const out = fifoWithReader('chosen.fifo');
    const report = fifoWithReader('report.fifo');
    const [result, rows, reportText] = await Promise.all([
      runCli(['optimize', '--config', path.join(repo, 'config'), '--policy', 'outbound-campaigns', '--proposed', 'proposed.csv', '--audience', 'audience.csv', '--out', out.file, '--report', report.file], { cwd: dir }),
      out.read,
      report.read,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(rows.split('\n')[0]).toBe('customerId,offer,channel,date,score');
    expect(JSON.parse(reportText)).toHaveProperty('policy', 'outbound-campaigns');
    expect(statSync(out.file).isFIFO()).toBe(true);
    expect(statSync(report.file).isFIFO()).toBe(true);
  });
});
