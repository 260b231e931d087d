// The two sides of a diff: `--base` / `--head` each name a bundle file, a git ref (the
// config compiled at that commit, read from git into memory), `env:NAME` (that
// environment's pinned bundle), or — the default head — the working config directory.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BundleError, parseBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { compileDirectory } from '../compile/index.js';
import { compileSources } from '../compile/index.js';
import { hasErrors, type Problem } from '../config/index.js';
import { UserError } from '../errors.js';
import { readEnvironmentSide, type EnvironmentSide } from './environment-side.js';
import { readConfigAtRef } from './git-source.js';

export interface ResolvedSide {
  /** As given (`HEAD~1`, `env:staging`, `build/bundle.json`, `config/`). */
  ref: string;
  kind: 'bundle' | 'ref' | 'env' | 'working';
  bundle: Bundle;
  commit?: string;
  environment?: EnvironmentSide;
}

/** A side whose config does not compile: the problems, for the caller to print (exit 1). */
export class SideCompileError extends Error {
  constructor(
    readonly ref: string,
    readonly problems: Problem[],
    readonly sources: ReadonlyMap<string, string>,
  ) {
    super(`the config at ${ref} does not compile`);
    this.name = 'SideCompileError';
  }
}

export interface SideContext {
  /** The repository root (file paths in output are relative to it). */
  root: string;
  /** The working directory flags are relative to. */
  cwd: string;
  /** The config directory, relative to the working directory (`--config`). */
  configDir: string;
}

function relative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/') || '.';
}

async function bundleFile(spec: string, context: SideContext): Promise<ResolvedSide> {
  const absolute = path.resolve(context.cwd, spec);
  const name = relative(context.root, absolute);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the bundle ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return { ref: spec, kind: 'bundle', bundle: parseBundle(text, name) };
  } catch (error) {
    if (error instanceof BundleError) throw new UserError(error.message);
    throw error;
  }
}

/** The working config (`--config`), compiled from the directory. */
export async function workingSide(context: SideContext): Promise<ResolvedSide> {
  const dir = path.resolve(context.cwd, context.configDir);
  const result = await compileDirectory(dir, { root: context.root });
  const ref = `${relative(context.root, dir)}/`;
  if (!result.bundle || hasErrors(result.problems)) {
    const sources = new Map<string, string>();
    for (const file of result.files) sources.set(file, await readFile(path.join(context.root, file), 'utf8').catch(() => ''));
    throw new SideCompileError(ref, result.problems, sources);
  }
  return { ref, kind: 'working', bundle: result.bundle };
}

/** The config directory as it was at a commit, compiled in memory. */
export async function refSide(spec: string, context: SideContext): Promise<ResolvedSide> {
  const configPath = relative(context.root, path.resolve(context.cwd, context.configDir));
  const tree = await readConfigAtRef(context.root, spec, configPath === '.' ? '' : configPath);
  const result = compileSources(tree.files);
  if (!result.bundle || hasErrors(result.problems)) {
    const sources = new Map([...tree.files].map(([file, bytes]) => [file, Buffer.from(bytes).toString('utf8')]));
    throw new SideCompileError(`${spec} (commit ${tree.commit.slice(0, 12)})`, result.problems, sources);
  }
  return { ref: spec, kind: 'ref', bundle: result.bundle, commit: tree.commit };
}

/**
 * Resolves a side: `env:NAME`, an existing file (a bundle), else a git ref. An
 * environment with nothing pinned, a missing file or an unknown ref is a UserError.
 */
export async function resolveSide(spec: string, context: SideContext): Promise<ResolvedSide> {
  if (spec.startsWith('env:')) {
    const environment = await readEnvironmentSide(context.root, spec.slice(4));
    if (!environment.pinned) throw new UserError(`environment '${environment.name}' has no pinned bundle yet (${environment.file} has no spec.bundle)`);
    return { ref: spec, kind: 'env', bundle: environment.pinned.bundle, environment };
  }
  const absolute = path.resolve(context.cwd, spec);
  if (existsSync(absolute) && statSync(absolute).isFile()) return bundleFile(spec, context);
  if (existsSync(absolute) && statSync(absolute).isDirectory()) {
    throw new UserError(`'${spec}' is a directory: give a bundle file, a git ref or env:NAME (the working config is the default --head)`);
  }
  try {
    return await refSide(spec, context);
  } catch (error) {
    if (error instanceof UserError && /is not a commit|not in a git repository|is not a git ref/.test(error.message)) {
      throw new UserError(`'${spec}' is neither a bundle file, nor a git ref of this repository, nor env:NAME (${error.message})`);
    }
    throw error;
  }
}
