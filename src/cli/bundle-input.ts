// "The bundle from --bundle FILE, or else the config in --config compiled in memory",
// for every command that reads a bundle (decide, optimize, sample, test, and the commands
// to come), so they read it alike: a bundle file that does not verify is an input error
// (exit 2, through exit-codes.ts); a config with errors prints its problems and exits 1,
// as `offerops validate` and `offerops compile` do (README.md#exit-codes).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle, type Bundle } from '../bundle/index.js';
import { compileDirectory } from '../compile/index.js';
import { summaryLine } from '../config/index.js';
import { UserError } from '../errors.js';
import { printProblems } from './problem-output.js';
import type { CommandContext } from './context.js';
import { findRepositoryRoot } from './repository-root.js';
import { optionText } from './options.js';

export interface BundleInput {
  bundle: Bundle;
  /** Where it came from, as output names it: the bundle file, or the config directory with a trailing `/` (`config/`), relative to the repository root. */
  source: string;
}

/** A path as output shows it: relative to the repository root, with `/`. */
function shown(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

/**
 * The bundle file given with --bundle, digest and format verified: unreadable or not a
 * bundle is an input error (exit 2). For commands whose other input still comes from
 * --config (`offerops test` takes its cases from the config, never from a bundle).
 */
export async function readBundleFile(flag: string, context: CommandContext): Promise<BundleInput> {
  const root = findRepositoryRoot(context.io.cwd);
  const file = path.resolve(context.io.cwd, flag);
  const name = shown(root, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the bundle ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
  return { bundle: parseBundle(text, name), source: name };
}

export async function readBundleInput(options: Record<string, unknown>, context: CommandContext): Promise<BundleInput> {
  const { io } = context;
  const root = findRepositoryRoot(io.cwd);
  const flag = optionText(options, 'bundle');
  if (flag !== undefined) return readBundleFile(flag, context);
  const dir = path.resolve(io.cwd, context.common.config);
  const result = await compileDirectory(dir, { root });
  if (!result.bundle) {
    await printProblems(result.problems, 'text', root, context);
    throw new UserError(`the config in ${shown(root, dir)} has errors (${summaryLine(result.problems)}); fix them (offerops validate) or pass --bundle FILE`, 1);
  }
  return { bundle: result.bundle, source: `${shown(root, dir)}/` };
}
