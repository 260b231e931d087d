// A loaded YAML document with its positions: turns a JSON path inside the document into
// the file:line:column of the offending node (docs/validation.md), using the yaml package's node
// ranges and LineCounter (STYLE: yaml `doc.getIn(path, true)` + `range`). A file read on the
// fast path (fast-yaml.ts) builds those nodes only when a position beyond a start is asked
// for, that is when a problem is reported in it.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, Scalar } from 'yaml';
import { startOffset, type PositionNode } from './fast-yaml.js';
import type { Location } from './problem.js';

export type PathSegment = string | number;

export class SourceFile {
  #lineCounter: LineCounter | undefined;

  constructor(
    /** Relative to the repository root, forward slashes. */
    readonly file: string,
    readonly text: string,
    lineCounter?: LineCounter,
  ) {
    this.#lineCounter = lineCounter;
  }

  /** The start of every line; counted from the text when no parser filled it (the same starts: after each LF). */
  get lineCounter(): LineCounter {
    if (this.#lineCounter === undefined) {
      const counter = new LineCounter();
      counter.addNewLine(0);
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
      this.#lineCounter = counter;
    }
    return this.#lineCounter;
  }

  /** 1-based line/column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, column: col };
  }

  span(start: number, end: number): Location {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

export interface LoadedDocument {
  source: SourceFile;
  /** 0-based index of the document in its file. */
  index: number;
  /** The document as plain JSON. */
  value: unknown;
  /** The document's `yaml` nodes (built on first use for a file read on the fast path). */
  readonly yaml: Document.Parsed;
  /** Where nodes start, for a file read on the fast path. */
  positions?: PositionNode;
}

/**
 * The line and column where the node at `path` starts (with `key: true`, its key): what
 * `locate` gives as line and column, from the fast path's index when it holds the node,
 * so that naming where each of thousands of test cases is written builds no `yaml` nodes.
 */
export function locateStart(document: LoadedDocument, path: readonly PathSegment[], options: { key?: boolean } = {}): { line: number; column: number } {
  if (document.positions !== undefined) {
    const offset = startOffset(document.positions, path, options.key ?? false);
    if (offset >= 0) return document.source.position(offset);
  }
  const { line, column } = locate(document, path, options);
  return { line, column };
}

/** The node at `path`, or the deepest existing ancestor, with whether it was found. */
function nodeAt(doc: Document.Parsed, path: readonly PathSegment[]): { node: Node | Pair | null; exact: boolean; depth: number } {
  let current: unknown = doc.contents;
  let depth = 0;
  for (const segment of path) {
    let next: unknown;
    if (isMap(current)) next = current.items.find((pair) => keyText(pair) === String(segment));
    else if (isSeq(current)) next = typeof segment === 'number' || /^\d+$/.test(String(segment)) ? current.items[Number(segment)] : undefined;
    if (next === undefined) return { node: current as Node, exact: false, depth };
    current = isPair(next) ? next.value ?? next : next;
    depth++;
  }
  return { node: (current as Node | null) ?? null, exact: true, depth };
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? undefined : JSON.stringify(key);
}

function rangeOf(node: Node | Pair | null | undefined): [number, number] | null {
  if (!node) return null;
  if (isPair(node)) {
    const k = rangeOf(node.key as Node);
    const v = rangeOf(node.value as Node);
    return k && v ? [k[0], v[1]] : k ?? v;
  }
  const range = node.range;
  return range ? [range[0], range[1]] : null;
}

/**
 * Where a problem about `path` points: the value node (default), or with `key: true`
 * the key of the last segment (for unknown fields). Falls back to the nearest ancestor.
 */
export function locate(document: LoadedDocument, path: readonly PathSegment[], options: { key?: boolean } = {}): Location {
  const { source, yaml } = document;
  if (options.key && path.length > 0) {
    const parent = nodeAt(yaml, path.slice(0, -1));
    if (parent.exact && isMap(parent.node)) {
      const pair = parent.node.items.find((p) => keyText(p) === String(path[path.length - 1]));
      const range = rangeOf(pair?.key as Node | undefined);
      if (range) return source.span(range[0], range[1]);
    }
  }
  const found = nodeAt(yaml, path);
  let range = rangeOf(found.node);
  if (!found.exact && found.depth > 0) {
    // Point at the key of the deepest existing ancestor rather than its whole body.
    const parentPath = path.slice(0, found.depth);
    const grand = nodeAt(yaml, parentPath.slice(0, -1));
    if (isMap(grand.node)) {
      const pair = grand.node.items.find((p) => keyText(p) === String(parentPath[parentPath.length - 1]));
      range = rangeOf(pair?.key as Node | undefined) ?? range;
    }
  }
  if (!range) range = rangeOf(yaml.contents) ?? [0, 0];
  return source.span(range[0], range[1]);
}

/**
 * Location of a character range inside a string scalar (an expression), mapping the
 * value's offsets onto the source through quoting and block-scalar indentation.
 */
export function locateInScalar(document: LoadedDocument, path: readonly PathSegment[], start: number, end: number): Location {
  const found = nodeAt(document.yaml, path);
  const node = found.node;
  if (!found.exact || !(node instanceof Scalar) || typeof node.value !== 'string' || !node.range) return locate(document, path);
  const map = scalarOffsetMap(document.source.text, node);
  if (!map) return locate(document, path);
  const from = map[Math.min(start, map.length - 1)]!;
  const to = map[Math.min(Math.max(end, start), map.length - 1)]!;
  return document.source.span(from, to);
}

/** For each offset 0..value.length of the scalar's value, the offset in the source text. */
function scalarOffsetMap(text: string, node: Scalar): number[] | null {
  const value = node.value as string;
  const [begin, valueEnd] = node.range!;
  const map: number[] = [];
  switch (node.type) {
    case Scalar.PLAIN: {
      let s = begin;
      for (let i = 0; i < value.length; i++) {
        // Folded line breaks in multi-line plain scalars: skip source white space.
        if (value[i] === ' ' && (text[s] === '\n' || text[s] === '\r')) {
          map.push(s);
          while (s < valueEnd && /\s/.test(text[s]!)) s++;
          continue;
        }
        map.push(s++);
      }
      map.push(s);
      return map;
    }
    case Scalar.QUOTE_SINGLE: {
      let s = begin + 1;
      for (let i = 0; i < value.length; i++) {
        map.push(s);
        s += text[s] === "'" && text[s + 1] === "'" ? 2 : 1;
      }
      map.push(s);
      return map;
    }
    case Scalar.QUOTE_DOUBLE: {
      let s = begin + 1;
      for (let i = 0; i < value.length; i++) {
        map.push(s);
        if (text[s] === '\\') {
          const c = text[s + 1];
          s += c === 'x' ? 4 : c === 'u' ? 6 : c === 'U' ? 10 : 2;
        } else s += 1;
      }
      map.push(s);
      return map;
    }
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED: {
      // Content starts on the line after the header; each line carries the block indent.
      let s = text.indexOf('\n', begin) + 1;
      if (s <= 0) return null;
      const indent = /^[ ]*/.exec(text.slice(s))![0].length;
      s += indent;
      for (let i = 0; i < value.length; i++) {
        map.push(s);
        if (text[s] === '\n') {
          s++;
          let spaces = 0;
          while (spaces < indent && text[s] === ' ') {
            s++;
            spaces++;
          }
        } else s++;
      }
      map.push(s);
      return map;
    }
    default:
      return null;
  }
}
