// `env:NAME` for simulate and diff: what environments/NAME.yaml pins (the bundle path and
// digest) and how it simulates (spec.simulation). Deliberately one small reader: the
// GitOps environment loader is the long-term home of environment documents, and this is
// the single place that would call it instead.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BundleError, parseBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { parseYamlFile } from '../config/index.js';
import { checkSchema } from '../config/index.js';
import type { Simulation } from '../config/index.js';
import { UserError } from '../errors.js';

export interface EnvironmentSide {
  name: string;
  /** environments/NAME.yaml, relative to the repository root. */
  file: string;
  /** The environment promotions into this one come from (none for the first environment). */
  promotionFrom: string | null;
  /** The pinned bundle, verified against the pin's digest; null when nothing is pinned yet. */
  pinned: { path: string; digest: string; bundle: Bundle } | null;
  simulation: Simulation | null;
}

const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Reads and checks environments/NAME.yaml under `root`, and its pinned bundle. Bad input is a UserError (exit 2) naming file:line:column. */
export async function readEnvironmentSide(root: string, name: string): Promise<EnvironmentSide> {
  if (!ENVIRONMENT_NAME.test(name)) throw new UserError(`'env:${name}': '${name}' is not an environment name (lowercase letters, digits and dashes)`);
  const file = `environments/${name}.yaml`;
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(root, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `environment '${name}' is not defined: ${file} does not exist` : `cannot read ${file}: ${code ?? (error as Error).message}`);
  }
  const parsed = parseYamlFile(file, bytes);
  const document = parsed.documents[0];
  const messages = parsed.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
  if (messages.length === 0 && parsed.documents.length !== 1) messages.push(`${file}:1:1: an environment file holds exactly one document, found ${parsed.documents.length}`);
  if (messages.length === 0 && document) messages.push(...checkSchema(document, 'Environment').map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`));
  if (messages.length > 0 || !document) throw new UserError(messages.join('\n'));
  const spec = (document.value as { metadata: { name: string }; spec: { promotion?: { from: string }; bundle?: { path: string; digest: string }; simulation?: Simulation } }).spec;
  let pinned: EnvironmentSide['pinned'] = null;
  if (spec.bundle) {
    const bundlePath = spec.bundle.path;
    let text: string;
    try {
      text = await readFile(path.resolve(root, bundlePath), 'utf8');
    } catch (error) {
      throw new UserError(`${file}: the pinned bundle ${bundlePath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let bundle: Bundle;
    try {
      bundle = parseBundle(text, bundlePath);
    } catch (error) {
      if (error instanceof BundleError) throw new UserError(`${file}: the pinned bundle is not usable: ${error.message}`);
      throw error;
    }
    if (bundle.digest !== spec.bundle.digest) {
      throw new UserError(`${file}: pins ${spec.bundle.digest} but ${bundlePath} holds ${bundle.digest}: the pin and the bundle file disagree`);
    }
    pinned = { path: bundlePath, digest: bundle.digest, bundle };
  }
  return { name, file, promotionFrom: spec.promotion?.from ?? null, pinned, simulation: spec.simulation ?? null };
}

/**
 * The environment a change reaches first (docs/simulation-and-diff.md#what-npm-start-shows):
 * the head of the promotion chain — the one no promotion feeds (staging, in the example).
 * When several are fed by release, the one at the head of the longest chain of
 * promotions (the path to production), and of those the first by name; null when the
 * repository has none. File names and their order play no part.
 */
export async function firstEnvironment(root: string): Promise<EnvironmentSide | null> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, 'environments')))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .filter((n) => ENVIRONMENT_NAME.test(n))
      .sort();
  } catch {
    return null;
  }
  const environments: EnvironmentSide[] = [];
  for (const name of names) environments.push(await readEnvironmentSide(root, name));
  const fed = new Map<string, string[]>();
  for (const e of environments) if (e.promotionFrom !== null) fed.set(e.promotionFrom, [...(fed.get(e.promotionFrom) ?? []), e.name]);
  // Environments below `name` on the chain; `seen` stops at a circle (validation reports those).
  const depth = (name: string, seen: Set<string>): number => {
    if (seen.has(name)) return 0;
    seen.add(name);
    return Math.max(0, ...(fed.get(name) ?? []).map((next) => 1 + depth(next, seen)));
  };
  let first: { environment: EnvironmentSide; depth: number } | null = null;
  for (const environment of environments) {
    if (environment.promotionFrom !== null) continue;
    const below = depth(environment.name, new Set());
    if (first === null || below > first.depth) first = { environment, depth: below };
  }
  return first?.environment ?? environments[0] ?? null;
}
