// A throwaway copy of the example organisation as a git repository: the shipped config/
// and environments/, committed, so commands that read git refs and environments run
// against a real repository the way they do in a user's checkout.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
}

export async function exampleProject(options: { git?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-example-'));
  await cp(path.join(repo, 'config'), path.join(dir, 'config'), { recursive: true });
  await cp(path.join(repo, 'environments'), path.join(dir, 'environments'), { recursive: true });
  if (options.git !== false) {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'the example');
  }
  return dir;
}
