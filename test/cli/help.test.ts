// `--help` is documentation too: every command has examples, defaults read as a user types
// them, flags that mean nothing for a command are not offered, and docs/cli.md describes
// every flag and shows every example (where the doctest runs them).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../../src/cli/commands.js';
import { runCli } from './run-cli.js';

const commands = await loadCommands();

const repo = path.resolve(import.meta.dirname, '../..');
const cliPage = readFileSync(path.join(repo, 'docs/cli.md'), 'utf8');
const names = commands.map((c) => c.name);

async function help(command: string): Promise<string> {
  const result = await runCli([command, '--help'], { cwd: repo });
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The long flags a help text lists, e.g. `--out`. */
function flagsOf(helpText: string): string[] {
  const options = helpText.slice(helpText.indexOf('Options:'), helpText.indexOf('Examples:') >= 0 ? helpText.indexOf('Examples:') : undefined);
  return [...options.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!).filter((f) => f !== '--help');
}

/** The section of docs/cli.md about one command. */
function section(command: string): string {
  const start = cliPage.indexOf(`## \`offerops ${command}\``);
  if (start < 0) return '';
  const end = cliPage.indexOf('\n## ', start + 1);
  return cliPage.slice(start, end < 0 ? undefined : end);
}

describe('offerops --help', () => {
  it('lists every command, with examples', async () => {
    const result = await runCli(['--help'], { cwd: repo });
    expect(result.code).toBe(0);
    for (const name of names) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).toContain('Examples:');
  });

  it.each(names)('%s --help has examples of the command itself', async (name) => {
    const text = await help(name);
    const examples = text.slice(text.indexOf('Examples:'));
    expect(text).toContain('Examples:');
    expect(examples).toMatch(new RegExp(`^  offerops ${name}\\b`, 'm'));
    expect(commands.find((c) => c.name === name)!.examples!.length).toBeGreaterThan(0);
  });

  it.each(names)('%s --help shows defaults as typed: no quoted numbers, no (default: false)', async (name) => {
    const text = await help(name);
    expect(text).not.toMatch(/\(default: "\d+"\)/);
    expect(text).not.toContain('(default: false)');
    expect(text).not.toMatch(/default:\s+"/);
  });

  it('offers --config and --json only where they mean something', async () => {
    expect(flagsOf(await help('serve'))).not.toContain('--config');
    expect(flagsOf(await help('serve'))).not.toContain('--json');
    expect(flagsOf(await help('inspect'))).not.toContain('--config');
    expect(flagsOf(await help('inspect'))).toContain('--json');
    expect(flagsOf(await help('compile'))).toEqual(expect.arrayContaining(['--config', '--json', '--debug']));
    const refused = await runCli(['serve', '--config', 'config'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("unknown option '--config'");
  });

  it('says why the --at defaults differ', async () => {
    const oneLine = async (name: string): Promise<string> => (await help(name)).replace(/\s+/g, ' ');
    expect(await oneLine('decide')).toMatch(/--at <date> .*?default: today, as the runtime decides/);
    expect(await oneLine('sample')).toMatch(/--at <date> .*?does not depend on the day it is made\) \(default: 2026-01-01\)/);
    expect(await oneLine('optimize')).toMatch(/--at <date> .*?default: the earliest proposed date/);
  });
});

describe('docs/cli.md', () => {
  it.each(names)('describes %s: a section, every flag, and every --help example', async (name) => {
    const text = await help(name);
    const doc = section(name);
    expect(doc, `docs/cli.md has no "## \`offerops ${name}\`" section`).not.toBe('');
    const undocumented = flagsOf(text).filter((flag) => !['--config', '--json', '--debug'].includes(flag) && !doc.includes(flag));
    expect(undocumented, `flags of ${name} missing from its section of docs/cli.md`).toEqual([]);
    for (const example of commands.find((c) => c.name === name)!.examples ?? []) {
      const shown = doc.includes(`npx ${example.command}`) || doc.includes(example.command);
      expect(shown, `docs/cli.md does not show the --help example:\n${example.command}`).toBe(true);
    }
  });
});
