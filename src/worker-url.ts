// Where a worker thread's module is (kernel): beside the module that starts it when that
// module is the compiled one, or in dist/ when it runs from the TypeScript sources (the
// test runner), which cannot start a worker from a .ts file.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker `name` (e.g. `solve-worker.js`) of the module at `moduleUrl`
 * (its `import.meta.url`), whose folder under src/ and dist/ is `folder` (e.g.
 * `optimize/io`); null when neither is there (the sources, not yet built).
 */
export function builtWorkerUrl(moduleUrl: string, folder: string, name: string): URL | null {
  const here = new URL(`./${name}`, moduleUrl);
  if (existsSync(fileURLToPath(here))) return here;
  const depth = folder.split('/').length + 1; // up from src/<folder>/ to the root
  const built = new URL(`${'../'.repeat(depth)}dist/${folder}/${name}`, moduleUrl);
  return existsSync(fileURLToPath(built)) ? built : null;
}
