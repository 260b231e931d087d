// A command loads what it runs and no more: `offerops test` and `offerops validate` start
// without the HTTP server, the git and GitHub clients, the optimizer or the simulation
// (each costs start-up time on every CI run); `offerops diff` and `simulate` without the
// git-ops stage and the optimizer. Checked on the real bin in a child process,
// with a module hook that records every module the process resolves.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshDist } from '../server/fresh-dist.js';

const root = path.resolve(import.meta.dirname, '../..');
let temp: string;
let register: string;

beforeAll(async () => {
  ensureFreshDist();
  temp = await mkdtemp(path.join(tmpdir(), 'offerops-startup-'));
  const hooks = path.join(temp, 'hooks.mjs');
  await writeFile(
    hooks,
    `export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      process.stderr.write('MODULE ' + resolved.url + '\\n');
      return resolved;
    }\n`,
  );
  register = path.join(temp, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});

afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

/** The stages (dist/<stage>/) and packages a run of the CLI resolves. */
function modulesOf(args: string[]): { stages: Set<string>; packages: Set<string> } {
  const child = spawnSync(process.execPath, ['--import', register, path.join(root, 'bin/offerops.js'), ...args], { cwd: root, encoding: 'utf8' });
  expect(child.status, child.stderr.slice(0, 2000)).toBe(0);
  const urls = [...child.stderr.matchAll(/^MODULE (\S+)$/gm)].map((m) => m[1]!);
  expect(urls.length).toBeGreaterThan(0);
  const stages = new Set(urls.map((u) => /\/dist\/([a-z-]+)\//.exec(u)?.[1]).filter((s): s is string => s !== undefined));
  const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((s): s is string => s !== undefined));
  return { stages, packages };
}

describe('start-up', () => {
  it('offerops test loads only the stages it runs', () => {
    const { stages, packages } = modulesOf(['test', '--help']);
    expect(stages).toContain('decision-tests');
    expect(stages).toContain('engine');
    for (const stage of ['server', 'gitops', 'optimize', 'simulate', 'diff']) expect(stages, stage).not.toContain(stage);
    for (const name of ['fastify', 'ioredis', 'pg', '@octokit/rest', 'simple-git', 'highs', 'ajv-formats']) expect(packages, name).not.toContain(name);
  });

  it('offerops diff and simulate load neither the git-ops stage nor the optimizer (loaded when a policy is given)', () => {
    for (const command of ['diff', 'simulate']) {
      const { stages, packages } = modulesOf([command, '--help']);
      expect(stages, command).toContain('simulate');
      expect(stages, command).toContain('engine');
      for (const stage of ['server', 'gitops', 'optimize']) expect(stages, `${command}: ${stage}`).not.toContain(stage);
      for (const name of ['fastify', '@octokit/rest', 'highs']) expect(packages, `${command}: ${name}`).not.toContain(name);
    }
  });

  it('another command still loads its stage, and the overall help every command', () => {
    expect(modulesOf(['release', '--help']).stages).toContain('gitops');
    const all = modulesOf(['--help']).stages;
    for (const stage of ['gitops', 'optimize', 'simulate', 'diff', 'decision-tests']) expect(all, stage).toContain(stage);
  });
});
