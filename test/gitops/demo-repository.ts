// A config repository made by `offerops init`, with a bare remote in a temp dir: what the
// GitOps tests run the real commands against (real git, no mocks).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, type CliResult } from '../cli/run-cli.js';

export interface Demo {
  dir: string;
  remote: string;
  work: string;
  env: Record<string, string>;
  /** git in `cwd` (default: the work clone); returns stdout trimmed. */
  git: (args: string[], cwd?: string) => string;
  /** offerops in `cwd` (default: the work clone). */
  cli: (args: string[], options?: { cwd?: string; env?: Record<string, string>; now?: () => Date }) => Promise<CliResult>;
  /** Another clone of the remote. */
  clone: (name: string) => string;
  read: (file: string, cwd?: string) => Promise<string>;
  write: (file: string, text: string, cwd?: string) => Promise<void>;
  /** Edits a file with a replacement and commits it. */
  commitEdit: (file: string, from: string | RegExp, to: string, message: string, cwd?: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

/** The demo's p99 limit for checks (ms): loose enough for a loaded CI machine. */
export const DEMO_MAX_P99_MS = 60_000;

export async function createDemo(): Promise<Demo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offerops-gitops-'));
  const home = path.join(dir, 'home');
  execFileSync('mkdir', ['-p', home]);
  await writeFile(path.join(home, '.gitconfig'), '[user]\n\tname = Test Author\n\temail = author@example.test\n[init]\n\tdefaultBranch = main\n');
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
  const remote = path.join(dir, 'remote.git');
  const work = path.join(dir, 'work');
  const git = (args: string[], cwd = work): string => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git(['init', '--quiet', '--bare', remote], dir);
  const cli = (args: string[], options: { cwd?: string; env?: Record<string, string>; now?: () => Date } = {}) => runCli(args, { cwd: options.cwd ?? work, env: { ...env, ...options.env }, ...(options.now ? { now: options.now } : {}) });
  const created = await cli(['init', 'work'], { cwd: dir });
  if (created.code !== 0) throw new Error(`offerops init failed: ${created.stderr}`);
  // The template's latency limits (p99 500 ms, 10 requests/s) are for a real runtime; these
  // tests replay over loopback on a CI machine shared with other jobs, where a p99 of a
  // second happens. Their judging is tested at its boundaries on fixed timings
  // (check-judging.test.ts); here a check fails only for what the test makes fail.
  for (const name of ['staging', 'production']) {
    const file = path.join(work, 'environments', `${name}.yaml`);
    const text = await readFile(file, 'utf8');
    if (!text.includes('maxP99Ms: 500, minRps: 10')) throw new Error(`${file}: the template's check limits moved; update createDemo`);
    await writeFile(file, text.replace('maxP99Ms: 500, minRps: 10', `maxP99Ms: ${DEMO_MAX_P99_MS}, minRps: 0.01`));
  }
  git(['commit', '--quiet', '--all', '--amend', '--no-edit']);
  git(['remote', 'add', 'origin', remote]);
  git(['push', '--quiet', '-u', 'origin', 'main']);
  const read = (file: string, cwd = work) => readFile(path.join(cwd, file), 'utf8');
  const write = (file: string, text: string, cwd = work) => writeFile(path.join(cwd, file), text);
  return {
    dir,
    remote,
    work,
    env,
    git,
    cli,
    clone: (name) => {
      const target = path.join(dir, name);
      git(['clone', '--quiet', remote, target], dir);
      return target;
    },
    read,
    write,
    commitEdit: async (file, from, to, message, cwd = work) => {
      const before = await read(file, cwd);
      const after = before.replace(from, to);
      if (after === before) throw new Error(`${file}: nothing to replace`);
      await write(file, after, cwd);
      git(['commit', '--quiet', '-am', message], cwd);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Fails the test with the command's output when it did not exit as expected. */
export function expectExit(result: CliResult, code: number): CliResult {
  if (result.code !== code) throw new Error(`expected exit ${code}, got ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}
