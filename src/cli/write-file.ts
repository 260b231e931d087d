// Atomic file output: write a temporary sibling, then rename, so a reader never sees a
// half-written file and a failed command leaves the old file in place (SPEC §12).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UserError(`cannot write ${file}: ${(error as Error).message}`);
  }
}
