// Load → validate → compile, for a config directory: what `offerops compile`, `validate`,
// the benchmarks and tests call. A config with errors gives no bundle.
import { createBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { loadConfigDirectory, type LoadedConfig, type LoadOptions } from '../config/index.js';
import type { ConfigModel } from '../config/index.js';
import { hasErrors, sortProblems, type Problem } from '../config/index.js';
import { validateConfig } from '../config/index.js';
import { compileModel } from './compile.js';

export interface CompileDirectoryResult {
  bundle: Bundle | null;
  problems: Problem[];
  /** Files read, relative to the root. */
  files: string[];
}

export async function compileDirectory(configDir: string, options: LoadOptions = {}): Promise<CompileDirectoryResult> {
  const { bundle, problems, files } = compileLoaded(await loadConfigDirectory(configDir, options));
  return { bundle, problems, files };
}

/** Validate → compile for documents already loaded (from a directory or from memory), with the validated model for what reads more than the bundle (behaviour tests). */
export function compileLoaded(loaded: LoadedConfig): CompileDirectoryResult & { model: ConfigModel } {
  const validation = validateConfig(loaded);
  if (hasErrors(validation.problems)) return { bundle: null, problems: validation.problems, files: loaded.files, model: validation.model };
  const compiled = compileModel(validation.model, validation.facts);
  return { bundle: createBundle(compiled.body), problems: sortProblems([...validation.problems, ...compiled.problems]), files: loaded.files, model: validation.model };
}

/** Validation only (no bundle): what `offerops validate` reports. Includes compile-time warnings. */
export async function validateDirectory(configDir: string, options: LoadOptions = {}): Promise<{ problems: Problem[]; files: string[] }> {
  const result = await compileDirectory(configDir, options);
  return { problems: result.problems, files: result.files };
}
