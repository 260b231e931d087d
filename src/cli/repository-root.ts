// File paths in output are relative to the repository root (SPEC §10): the nearest
// ancestor of the working directory holding `.git`, else the working directory.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findRepositoryRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}
