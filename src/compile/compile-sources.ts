// Load → validate → compile for a config held in memory: file name (relative to the
// repository root) → text or bytes. `offerops diff` compiles the config at a git ref this
// way, read from git without touching the work tree or the index. The files, their order,
// the hostile-input checks and the bundle are exactly those of compiling the same files
// from a directory (compile-directory.ts).
import { loadConfigSources } from '../config/index.js';
import { compileLoaded, type CompileDirectoryResult } from './compile-directory.js';

export interface CompileSourcesOptions {
  /** Largest YAML file accepted, in bytes (the directory loader's default when omitted). */
  maxFileBytes?: number;
}

export function compileSources(sources: ReadonlyMap<string, Uint8Array | string>, options: CompileSourcesOptions = {}): CompileDirectoryResult {
  return compileLoaded(loadConfigSources(sources, options));
}
