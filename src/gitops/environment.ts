// Environments (docs/gitops.md#the-environment-file): every environments/<name>.yaml,
// loaded with positions and validated like config — the same YAML loader (hostile input
// refused), the same schema check (schema/v1/environment.schema.json) and the same
// located Problems — then the checks a schema cannot make: the file is named for the
// environment, promotions come from an environment that exists without cycles, freeze
// windows parse (RRULE, time zone, duration), the pin's path stays in the repository.
//
// Parsing is pure (file texts in, environments and problems out), so the same code reads
// the work tree and a git ref. Writing the pin or a pause edits the YAML document in
// place, keeping the file's comments and layout.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseDocument, type Document, type YAMLMap } from 'yaml';
import { parsePublicKey } from '../bundle/index.js';
import { parseYamlFile } from '../config/index.js';
import { didYouMean, makeProblem, sortProblems, toPointer, type Problem, type ProblemSlug } from '../config/index.js';
import { checkSchema } from '../config/index.js';
import { locate, type LoadedDocument, type PathSegment } from '../config/index.js';
import type { BundlePin, EnvironmentSpec, Paused } from '../config/index.js';
import { API_VERSION } from '../config/index.js';
import { InternalError } from '../errors.js';
import { parseDuration } from './duration.js';
import { checkFreezeWindow } from './freeze.js';

export const ENVIRONMENTS_DIR = 'environments';

export type DirectoryTarget = { type: 'directory'; path: string };
export type HttpTarget = { type: 'http'; url: string; tokenEnv?: string };
export type TargetSpec = DirectoryTarget | HttpTarget;
export type TargetType = TargetSpec['type'];

/** The admin token variable of an http target when it names none. */
export const DEFAULT_TOKEN_ENV = 'OFFEROPS_ADMIN_TOKEN';

export interface Environment {
  name: string;
  /** environments/<name>.yaml, relative to the repository root. */
  file: string;
  spec: Omit<EnvironmentSpec, 'targets'>;
  targets: TargetSpec[];
  /** The file's text, for rewriting the pin in place. */
  text: string;
}

export interface EnvironmentFile {
  /** Relative to the repository root, forward slashes. */
  file: string;
  bytes: Uint8Array;
}

export interface EnvironmentSet {
  /** The environments whose files have no errors, by name. */
  environments: Map<string, Environment>;
  problems: Problem[];
  files: string[];
}

/** environments/<x>.yaml directly in the folder (environments/<x>/ holds bundles). */
export function isEnvironmentFile(file: string): boolean {
  return /^environments\/[^/]+\.ya?ml$/i.test(file);
}

/** Reads environments/*.yaml from the work tree; an absent folder is no environments. */
export async function loadEnvironments(root: string): Promise<EnvironmentSet> {
  const dir = path.join(root, ENVIRONMENTS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name)).map((e) => e.name);
  } catch {
    names = [];
  }
  const files: EnvironmentFile[] = [];
  for (const name of names.sort()) files.push({ file: `${ENVIRONMENTS_DIR}/${name}`, bytes: await readFile(path.join(dir, name)) });
  return parseEnvironmentFiles(files);
}

interface Checked {
  document: LoadedDocument;
  environment: Environment;
}

/** Parses and validates environment files: every problem, located. */
export function parseEnvironmentFiles(files: readonly EnvironmentFile[]): EnvironmentSet {
  const problems: Problem[] = [];
  const checked: Checked[] = [];
  for (const { file, bytes } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const loaded = parseYamlFile(file, bytes);
    problems.push(...loaded.problems);
    if (loaded.problems.length > 0) continue;
    if (loaded.documents.length !== 1) {
      problems.push(makeProblem('envelope', 'error', loaded.documents.length === 0 ? 'the file holds no Environment document' : 'an environment file holds one document: split the others into their own files', file, { line: 1, column: 1 }, ''));
      continue;
    }
    const document = loaded.documents[0]!;
    const own = checkDocument(document, file);
    problems.push(...own);
    if (own.length > 0) continue;
    const value = document.value as { metadata: { name: string }; spec: EnvironmentSpec };
    const { targets, ...spec } = value.spec;
    checked.push({ document, environment: { name: value.metadata.name, file, spec, targets: (targets ?? []) as TargetSpec[], text: new TextDecoder().decode(bytes) } });
  }
  problems.push(...checkPromotions(checked));
  const broken = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.file));
  const environments = new Map<string, Environment>();
  for (const { environment } of checked) if (!broken.has(environment.file)) environments.set(environment.name, environment);
  return { environments, problems: sortProblems(problems), files: files.map((f) => f.file).sort() };
}

function problemAt(document: LoadedDocument, rule: ProblemSlug, message: string, at: PathSegment[], key = false): Problem {
  return makeProblem(rule, 'error', message, document.source.file, locate(document, at, { key }), toPointer(at));
}

function checkDocument(document: LoadedDocument, file: string): Problem[] {
  const value = document.value as Record<string, unknown>;
  if (value['apiVersion'] !== API_VERSION) {
    const got = value['apiVersion'];
    return [problemAt(document, 'envelope', got === undefined ? `missing apiVersion: every document starts with 'apiVersion: ${API_VERSION}'` : `unsupported apiVersion ${JSON.stringify(got)}; this offerops reads '${API_VERSION}'`, got === undefined ? [] : ['apiVersion'])];
  }
  if (value['kind'] !== 'Environment') {
    return [problemAt(document, 'envelope', `files in environments/ hold kind Environment, got ${JSON.stringify(value['kind'] ?? null)}`, value['kind'] === undefined ? [] : ['kind'])];
  }
  const schema = checkSchema(document, 'Environment');
  if (schema.length > 0) return schema;
  const problems: Problem[] = [];
  const name = (value['metadata'] as { name: string }).name;
  const stem = path.posix.basename(file).replace(/\.ya?ml$/i, '');
  if (name !== stem) problems.push(problemAt(document, 'environment-name', `the environment is named '${name}' but its file is ${file}: name the file ${ENVIRONMENTS_DIR}/${name}.yaml (commands find an environment by its file)`, ['metadata', 'name']));
  const spec = value['spec'] as EnvironmentSpec;

  (spec.freeze ?? []).forEach((window, index) => {
    for (const problem of checkFreezeWindow(window)) {
      const at: PathSegment[] = ['spec', 'freeze', index, ...(problem.field ? [problem.field] : [])];
      problems.push(problemAt(document, problem.field === 'to' && window.rrule === undefined ? 'date-order' : 'freeze-window', problem.message, at, problem.field === 'to' && window.rrule !== undefined));
    }
  });
  const soak = spec.promotion?.auto?.soak;
  if (soak !== undefined && parseDuration(soak) === null) problems.push(problemAt(document, 'environment-setting', `soak must be weeks, days, hours and minutes such as 24h or 2d, and more than zero; got '${soak}'`, ['spec', 'promotion', 'auto', 'soak']));
  if (spec.simulation?.audience !== undefined && spec.simulation.sample !== undefined) {
    problems.push(problemAt(document, 'environment-setting', "give the simulation audience as a file ('audience') or a seeded sample ('sample'), not both", ['spec', 'simulation', 'sample'], true));
  }
  for (const [field, relative] of [['bundle', spec.bundle?.path], ['audience', spec.simulation?.audience]] as const) {
    if (relative === undefined) continue;
    const normal = path.posix.normalize(relative);
    if (path.posix.isAbsolute(relative) || normal.startsWith('../') || normal === '..') {
      const at = field === 'bundle' ? ['spec', 'bundle', 'path'] : ['spec', 'simulation', 'audience'];
      problems.push(problemAt(document, 'environment-setting', `${field === 'bundle' ? 'the bundle path' : 'the audience file'} must be relative to the repository root and inside it, got '${relative}'`, at));
    }
  }
  if (spec.signing) {
    try {
      parsePublicKey(spec.signing.publicKey);
    } catch (error) {
      problems.push(problemAt(document, 'environment-setting', (error as Error).message, ['spec', 'signing', 'publicKey']));
    }
  }
  (spec.targets ?? []).forEach((target, index) => {
    const t = target as TargetSpec;
    if (t.type !== 'http') return;
    let url: URL | null = null;
    try {
      url = new URL(t.url);
    } catch {
      // the schema already said so
    }
    if (url && (url.username || url.password)) problems.push(problemAt(document, 'environment-setting', 'a target URL must not hold credentials: put the admin token in the variable tokenEnv names', ['spec', 'targets', index, 'url']));
  });
  return problems;
}

/** promotion.from names another environment that exists, and promotions do not go round in a circle. */
function checkPromotions(checked: readonly Checked[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Set(checked.map((c) => c.environment.name));
  const from = new Map<string, string>();
  for (const { document, environment } of checked) {
    const source = environment.spec.promotion?.from;
    if (source === undefined) continue;
    if (source === environment.name) {
      problems.push(problemAt(document, 'promotion-cycle', `environment '${source}' cannot be promoted from itself`, ['spec', 'promotion', 'from']));
    } else if (!names.has(source)) {
      problems.push(problemAt(document, 'unknown-reference', `promotion.from names environment '${source}', which has no file ${ENVIRONMENTS_DIR}/${source}.yaml${didYouMean(source, names)}`, ['spec', 'promotion', 'from']));
    } else from.set(environment.name, source);
  }
  for (const { document, environment } of checked) {
    const seen = [environment.name];
    let current = from.get(environment.name);
    while (current !== undefined && !seen.includes(current)) {
      seen.push(current);
      current = from.get(current);
    }
    if (current !== undefined && current === environment.name) {
      problems.push(problemAt(document, 'promotion-cycle', `promotions go round in a circle: ${[...seen, current].join(' ← ')}; one environment must be fed by release (no promotion)`, ['spec', 'promotion', 'from']));
    }
  }
  return problems;
}

/** The environment with `name`, or a message saying which exist. */
export function findEnvironment(set: EnvironmentSet, name: string): Environment | string {
  const found = set.environments.get(name);
  if (found) return found;
  const failing = set.problems.find((p) => p.severity === 'error' && p.file.replace(/\.ya?ml$/i, '') === `${ENVIRONMENTS_DIR}/${name}`);
  if (failing) return `${failing.file} has errors; fix them first (offerops verify lists them)`;
  const known = [...set.environments.keys()];
  return `no environment '${name}' (${known.length > 0 ? `environments: ${known.join(', ')}` : `no ${ENVIRONMENTS_DIR}/*.yaml found`})${didYouMean(name, known)}`;
}

/** Where an environment's bundle lives when it has no pin yet. */
export function defaultBundlePath(name: string): string {
  return `${ENVIRONMENTS_DIR}/${name}/bundle.json`;
}

// ---------------------------------------------------------------------------
// Rewriting the file in place (comments and layout kept)

function editSpec(text: string, edit: (spec: YAMLMap, document: Document) => void, file: string): string {
  const document = parseDocument(text);
  const spec = document.get('spec', true);
  if (!isMap(spec)) throw new InternalError(`${file}: spec is not a mapping (the file was validated before)`);
  edit(spec, document);
  return document.toString({ lineWidth: 0 });
}

/** The file with its pin set to `pin`. */
export function withPin(environment: Pick<Environment, 'text' | 'file'>, pin: BundlePin): string {
  return editSpec(
    environment.text,
    (spec, document) => {
      const value: Record<string, unknown> = { digest: pin.digest, path: pin.path };
      if (pin.source) value['source'] = { ...(pin.source.commit ? { commit: pin.source.commit } : {}), ...(pin.source.ref ? { ref: pin.source.ref } : {}) };
      spec.set('bundle', document.createNode(value));
    },
    environment.file,
  );
}

/** The file with `paused` set (or removed with null). */
export function withPause(environment: Pick<Environment, 'text' | 'file'>, paused: Paused | null): string {
  return editSpec(
    environment.text,
    (spec, document) => {
      if (paused === null) spec.delete('paused');
      else {
        const node = document.createNode({ ...paused });
        node.commentBefore = ' Written by offerops rollback: promotions are refused until this block is removed.';
        spec.set('paused', node);
      }
    },
    environment.file,
  );
}
