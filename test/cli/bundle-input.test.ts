// One reading of "the bundle from --bundle or --config" for every command that reads a
// bundle (src/cli/bundle-input.ts): the same exit code and message for the same fault,
// whichever command meets it (README.md#exit-codes).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/sample');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-bundle-input-'));
  await writeFile(path.join(dir, 'broken.yaml'), 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: s }\nspec: { channel: nowhere, expression: "true" }\n');
  await writeFile(path.join(dir, 'proposed.csv'), 'customerId,offer,channel,date,score\nc1,gold-card,email,2026-01-01,1\n');
  expect((await runCli(['compile', '--config', fixture, '--out', 'bundle.json'], { cwd: dir })).code).toBe(0);
  const text = await readFile(path.join(dir, 'bundle.json'), 'utf8');
  await writeFile(path.join(dir, 'tampered.json'), text.replace('"gold-card"', '"gold-kard"'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each command with the flags it needs besides the bundle.
const commands: [string, string[]][] = [
  ['decide', ['--ip', 'home-hero', '--profile', '{"customerId":"c1"}']],
  ['optimize', ['--proposed', 'proposed.csv']],
  ['sample', ['--channel', 'web']],
];
// And those that read a bundle file beside the config (`test` takes its cases from --config).
const fileCommands: [string, string[]][] = [...commands, ['test', ['--config', fixture]]];

describe('the bundle a command reads', () => {
  it.each(commands)('%s: a config with errors prints its problems and exits 1, as validate does', async (command, args) => {
    const result = await runCli([command, '--config', '.', ...args], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("channel 'nowhere' is not defined");
    expect(result.stderr).toContain('offerops: the config in . has errors (1 error, 0 warnings); fix them (offerops validate) or pass --bundle FILE');
  });

  it.each(fileCommands)('%s: a bundle that fails verification exits 2 naming the file', async (command, args) => {
    const result = await runCli([command, '--bundle', 'tampered.json', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^offerops: tampered\.json: digest mismatch/);
  });

  it.each(fileCommands)('%s: a bundle file that cannot be read exits 2', async (command, args) => {
    const result = await runCli([command, '--bundle', 'nope.json', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('offerops: cannot read the bundle nope.json: ENOENT\n');
  });
});
