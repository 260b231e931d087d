// The installed bin (bin/offerops.js → dist/, built by `npm ci` through `prepare`) starts
// and answers --help and --version, as `npx offerops --help` does on a fresh clone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/offerops.js');

describe('bin/offerops.js', () => {
  it('prints help listing the commands, exit 0', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const command of ['validate', 'compile', 'inspect', 'start']) expect(out).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(version);
  });
});
