// The process tests run the real CLI (bin/offerops.js → dist/). Rebuild dist/ first when
// any source file is newer than the last build, so the tests never run stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureFreshDist(): void {
  const marker = path.join(root, 'dist/cli/main.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(path.join(root, 'src'))) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits JavaScript when only types are wrong; the tests then show what breaks.
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`tsc -p tsconfig.build.json reported problems (continuing with what it emitted):\n${output.slice(0, 2000)}\n`);
  }
  // The rest of `npm run build`: the precompiled schema validators (without them the CLI compiles the schemas itself).
  execFileSync(process.execPath, [path.join(root, 'scripts/build-validators.mjs')], { cwd: root, stdio: 'pipe' });
}
