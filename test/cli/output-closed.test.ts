// A reader that stops early (`offerops compile | head -1`, `offerops sample | head`) closes
// the pipe: the command stops quietly with exit 0, never with an EPIPE stack trace. Run as
// users run it: a real shell pipeline into `head`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshDist } from '../server/fresh-dist.js';

const repo = path.resolve(import.meta.dirname, '../..');

beforeAll(() => ensureFreshDist());

/** `offerops ARGS | head -1` under pipefail: the pipeline's status is the command's. */
function pipeIntoHead(args: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `node bin/offerops.js ${args} | head -1`], { cwd: repo, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('stdout closed by its reader', () => {
  it('compile | head -1 prints the first line and exits 0 without a stack trace', () => {
    const result = pipeIntoHead('compile');
    expect(result.stdout).toBe('{\n');
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
    expect(result.status).toBe(0);
  });

  it('sample | head -1 stops generating and exits 0 without a stack trace', () => {
    // A hundred million members take most of an hour to generate: a command that kept
    // writing into the closed pipe would not end within the test's timeout.
    const result = pipeIntoHead('sample --channel web --customers 100000000');
    expect(JSON.parse(result.stdout)).toHaveProperty('customerId', 'c000000001');
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
    expect(result.status).toBe(0);
  });
});
