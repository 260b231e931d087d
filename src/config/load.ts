// Reads every .yaml/.yml file under a config directory (docs/config-language.md,
// docs/validation.md#hostile-input): several documents per file, positions kept. Hostile
// input is refused with a located problem, never a crash or a hang: syntax errors,
// duplicate keys, alias bombs, `__proto__` / `constructor` / `prototype` keys, oversized
// files, invalid UTF-8, tab indentation, collections nested too deep.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Composer, isMap, isScalar, LineCounter, Parser, visit, type CST, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { readFast } from './fast-yaml.js';
import { makeProblem, type Problem, type ProblemSlug } from './problem.js';
import { SourceFile, type LoadedDocument } from './source.js';

export interface LoadOptions {
  /** Directory that file paths in problems are relative to (the repository root). */
  root?: string;
  /** Largest YAML file accepted, in bytes (default 4 MiB). */
  maxFileBytes?: number;
}

export interface LoadedConfig {
  documents: LoadedDocument[];
  problems: Problem[];
  /** Every file read, relative to the root, sorted. */
  files: string[];
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_ALIAS_COUNT = 100;
/** Collections nested deeper than this are refused before they are composed. */
export const MAX_NESTING_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const COMPOSER_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

const yamlErrorRule: Record<string, ProblemSlug> = {
  DUPLICATE_KEY: 'duplicate-key',
  TAB_AS_INDENT: 'tab-indentation',
};

/** Loads a config directory. Throws UserError (exit 2) only when the directory itself cannot be read. */
export async function loadConfigDirectory(configDir: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const root = path.resolve(options.root ?? process.cwd());
  const dir = path.resolve(root, configDir);
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new UserError(`config directory ${relativeTo(root, dir)} does not exist`);
  }
  if (!info.isDirectory()) throw new UserError(`${relativeTo(root, dir)} is not a directory`);
  const files = await findYamlFiles(dir);
  const result: LoadedConfig = { documents: [], problems: [], files: [] };
  for (const absolute of files) {
    const file = relativeTo(root, absolute);
    result.files.push(file);
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      result.problems.push(makeProblem('unreadable-file', 'error', `cannot read the file: ${(error as Error).message}`, file, { line: 1, column: 1 }, ''));
      continue;
    }
    const loaded = parseYamlFile(file, bytes, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    result.documents.push(...loaded.documents);
    result.problems.push(...loaded.problems);
  }
  return result;
}

async function findYamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (skippedName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findYamlFiles(full)));
    else if (entry.isFile() && isYamlName(entry.name)) out.push(full);
  }
  return out;
}

// Hidden files and folders and node_modules are never config, wherever they are.
const skippedName = (name: string): boolean => name.startsWith('.') || name === 'node_modules';
const isYamlName = (name: string): boolean => /\.ya?ml$/i.test(name);

/** Whether a file path (relative, `/`-separated) is one the directory loader would read. */
export function isConfigFilePath(file: string): boolean {
  const parts = file.split('/');
  return isYamlName(parts[parts.length - 1]!) && !parts.some(skippedName);
}

/**
 * Loads config files held in memory (path relative to the root → bytes or text), e.g. a
 * config tree read from git at a ref: the same files, order and checks as
 * loadConfigDirectory, with no file system. Paths the directory loader would skip are skipped.
 */
export function loadConfigSources(sources: ReadonlyMap<string, Uint8Array | string>, options: Pick<LoadOptions, 'maxFileBytes'> = {}): LoadedConfig {
  const result: LoadedConfig = { documents: [], problems: [], files: [] };
  // Folder by folder, names in code-unit order: the order findYamlFiles walks a directory in.
  const files = [...sources.keys()].filter(isConfigFilePath).sort(comparePathSegments);
  for (const file of files) {
    const content = sources.get(file)!;
    result.files.push(file);
    const loaded = parseYamlFile(file, typeof content === 'string' ? Buffer.from(content, 'utf8') : content, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    result.documents.push(...loaded.documents);
    result.problems.push(...loaded.problems);
  }
  return result;
}

function comparePathSegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

export function relativeTo(root: string, absolute: string): string {
  const rel = path.relative(root, absolute);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** Parses one file's bytes into documents; pure (no IO), so it is tested directly. */
export function parseYamlFile(file: string, bytes: Uint8Array, maxFileBytes = DEFAULT_MAX_FILE_BYTES): { documents: LoadedDocument[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const at1 = { line: 1, column: 1 };
  if (bytes.length > maxFileBytes) {
    problems.push(makeProblem('file-too-large', 'error', `file is ${bytes.length} bytes; config files may be at most ${maxFileBytes} bytes (split it into several files)`, file, at1, ''));
    return { documents: [], problems };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = Buffer.from(bytes.subarray(0, offset)).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    problems.push(makeProblem('invalid-utf8', 'error', `invalid UTF-8 byte 0x${bytes[offset]!.toString(16).padStart(2, '0')} at byte ${offset}; config files must be UTF-8`, file, { line, column }, ''));
    return { documents: [], problems };
  }
  const fast = readFast(text, MAX_NESTING_DEPTH);
  if (fast !== null) {
    // Well-formed and plain: the values and where nodes start come from the fast path; the
    // `yaml` nodes, needed only to locate a problem, are built the first time one is asked for.
    const source = new SourceFile(file, text);
    let full: Document.Parsed[] | undefined;
    const fullDocuments = (): Document.Parsed[] => (full ??= Array.from(new Composer(COMPOSER_OPTIONS).compose(new Parser().parse(text))));
    const documents = fast.map(
      ({ value, positions }, index): LoadedDocument => ({
        source,
        index,
        value,
        positions,
        get yaml() {
          return fullDocuments()[index]!;
        },
      }),
    );
    return { documents, problems };
  }
  const lineCounter = new LineCounter();
  const source = new SourceFile(file, text, lineCounter);
  // Two steps instead of parseAllDocuments: the CST parser is iterative, the composer that
  // builds nodes from it is recursive. The composer catches its own stack overflow and keeps
  // running at the very edge of the stack, where V8 may abort the whole process
  // ("RegExpCompiler Allocation failed") as soon as a regular expression is compiled there.
  // So the nesting depth is measured on the CST first, and a file too deep is never composed.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const tooDeep = firstCollectionTooDeep(tokens, MAX_NESTING_DEPTH);
  if (tooDeep !== null) {
    problems.push(
      makeProblem('nesting-limit', 'error', `collections are nested more than ${MAX_NESTING_DEPTH} levels deep here; config documents never need that many`, file, source.span(tooDeep, tooDeep + 1), ''),
    );
    return { documents: [], problems };
  }
  const docs: Document.Parsed[] = Array.from(new Composer(COMPOSER_OPTIONS).compose(tokens));
  const documents: LoadedDocument[] = [];
  docs.forEach((doc, index) => {
    let broken = false;
    for (const error of doc.errors) {
      broken = true;
      const rule = yamlErrorRule[error.code] ?? 'yaml-syntax';
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.push(makeProblem(rule, 'error', rule === 'duplicate-key' ? `duplicate key: ${message}` : message, file, source.span(error.pos[0], error.pos[1]), ''));
    }
    // An empty document (e.g. after a trailing ---) holds nothing to check.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.errors.length === 0)) return;
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
          broken = true;
          const range = pair.key.range ?? [0, 0];
          problems.push(makeProblem('forbidden-key', 'error', `the key '${String(pair.key.value)}' is not allowed (it could alter object prototypes)`, file, source.span(range[0], range[1]), ''));
        }
      },
    });
    if (broken) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const message = (error as Error).message;
      const rule: ProblemSlug = /alias/i.test(message) ? 'alias-limit' : 'yaml-syntax';
      const range = doc.contents?.range ?? [0, 0];
      problems.push(
        makeProblem(rule, 'error', rule === 'alias-limit' ? `too many alias expansions (over ${MAX_ALIAS_COUNT}): the document looks like an alias bomb` : message, file, source.span(range[0], range[0]), ''),
      );
      return;
    }
    if (!isMap(doc.contents)) {
      const range = doc.contents?.range ?? [0, 0];
      problems.push(makeProblem('envelope', 'error', 'a config document must be a mapping with apiVersion, kind, metadata and spec', file, source.span(range[0], range[1]), ''));
      return;
    }
    documents.push({ source, index, value, yaml: doc });
  });
  return { documents, problems };
}

/**
 * The offset of the first collection (mapping or sequence, block or flow) nested deeper than
 * `limit`, counting the document's top-level collection as 1; null when none is. Walks the
 * CST with an explicit stack, so hostile depth cannot overflow the call stack here either.
 */
export function firstCollectionTooDeep(tokens: readonly CST.Token[], limit: number): number | null {
  let first: number | null = null;
  const stack: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) {
        if (first === null || token.offset < first) first = token.offset;
        continue;
      }
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if ('value' in item && item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return first;
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}
