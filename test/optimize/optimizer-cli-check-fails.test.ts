// When the optimizer's last check fails (a bug: exit 70), the chosen rows being written
// on the second thread are thrown away: an earlier output of the same name is kept as it
// was and no staging file is left.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createBundle, formatBundle } from '../../src/bundle/bundle.js';
import { InternalError } from '../../src/errors.js';
import { runCli } from '../cli/run-cli.js';
import { bundleWith, rule } from './optimizer-fixtures.js';

vi.mock('../../src/optimize/verify.js', () => ({
  verifySelection: () => {
    throw new InternalError("optimizer broke capacity rule 'a-cap' in 1 window(s)");
  },
}));

describe('offerops optimize, when its last check fails', () => {
  it('keeps the earlier output and leaves no staging file, exit 70', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'offerops-opt-check-'));
    writeFileSync(path.join(dir, 'bundle.json'), formatBundle(createBundle(bundleWith([{ ...rule.offerCapacity(5, { periodDays: 3 }, 'a'), name: 'a-cap' }]))));
    const lines = ['customerId,offer,channel,date,score'];
    for (let c = 0; c < 40; c++) lines.push(`u${c},a,email,2026-01-0${1 + (c % 9)},${1 + (c % 7)}`);
    writeFileSync(path.join(dir, 'proposed.csv'), lines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'out.csv'), 'the previous run\n');
    const result = await runCli(['optimize', '--bundle', 'bundle.json', '--exact', 'never', '--proposed', 'proposed.csv', '--out', 'out.csv', '--progress', 'none'], { cwd: dir });
    expect(result.code).toBe(70);
    expect(result.stderr).toMatch(/optimizer broke capacity rule 'a-cap'/);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('the previous run\n');
    expect(readdirSync(dir).sort()).toEqual(['bundle.json', 'out.csv', 'proposed.csv']);
  });
});
