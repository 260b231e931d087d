// File paths in output are relative to the repository root (docs/cli.md#paths-in-output):
// the nearest ancestor of the working directory holding `.git`, else the working directory.
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

/**
 * How output names a file: relative to the repository root (forward slashes) when it is
 * inside it, else absolute, since `../../tmp/bundle.json` tells a reader less than
 * `/tmp/bundle.json`.
 */
export function displayPath(root: string, file: string): string {
  const absolute = path.resolve(root, file);
  const relative = path.relative(root, absolute);
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return absolute;
  return relative.split(path.sep).join('/');
}
