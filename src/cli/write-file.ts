// Atomic file output: write a temporary sibling, then rename, so a reader never sees a
// half-written file and a failed command leaves the old file in place
// (docs/cli.md#output-files). Missing folders are created.
import { statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  if (isDeviceOrPipe(file)) {
    try {
      await writeFile(file, content);
    } catch (error) {
      throw new UserError(`cannot write ${file}: ${fileErrorReason(error)}`);
    }
    return;
  }
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UserError(`cannot write ${file}: ${fileErrorReason(error)}`);
  }
}

/** Why a file operation failed, without the temporary names Node's messages carry. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    EEXIST: 'a file is in the way',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
  };
  if (code && reasons[code]) return `${reasons[code]} (${code})`;
  return code ?? (error as Error).message;
}

/**
 * Is FILE an existing device, pipe or socket (`/dev/null`, `/dev/stdout`, a FIFO)? Those
 * are written to directly: renaming a temporary file onto them would replace the device
 * itself (as root, `/dev/null` would become a regular file).
 */
export function isDeviceOrPipe(file: string): boolean {
  try {
    const info = statSync(file);
    return !info.isFile() && !info.isDirectory();
  } catch {
    return false;
  }
}
