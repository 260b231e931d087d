// The fast path of reading a config file (docs/validation.md#how-files-are-read): the
// plain, well-formed YAML that config files nearly always are, read through js-yaml's
// event parser, about ten times faster than building `yaml` documents with source tokens.
// It returns the documents' values and a compact index of where each collection, key and
// scalar starts (enough for a behaviour-test case's file:line:column). Anything it is not
// sure to read exactly as the `yaml` loader would (anchors, aliases, tags, directives,
// tabs, lone carriage returns, complex or reserved keys, duplicate keys, numbers that
// overflow, syntax errors, a document that is not a mapping, nesting deeper than the
// limit) makes it give up on the whole file: the caller then reads the file the full way,
// which reports the problem at its position exactly as before.
import { constructFromEvents, EVENT_ID, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';

/** Where a node starts; for a collection also where its keys or items are. */
export type PositionNode = PositionMap | PositionSeq | PositionScalar;

export interface PositionMap {
  kind: 'map';
  start: number;
  keys: string[];
  keyStarts: number[];
  values: PositionNode[];
}

export interface PositionSeq {
  kind: 'seq';
  start: number;
  items: PositionNode[];
}

export interface PositionScalar {
  kind: 'scalar';
  /** Offset of the node's first character as the `yaml` loader ranges it, or -1 when this index cannot tell (block scalars, empty values): ask the full loader. */
  start: number;
}

export interface FastDocument {
  value: Record<string, unknown>;
  positions: PositionNode;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Plain keys whose text is their own string value in YAML 1.2 core (not a number, bool or null). */
const PLAIN_TEXT_KEY = /^[A-Za-z_$][\w$.\-/ ]*$/;
const CORE_NON_STRING = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
/** The `yaml` loader's YAML 1.2 core float form: a number too large for a double becomes Infinity there, a string in js-yaml. */
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

class GiveUp extends Error {}

/**
 * Reads `text` (one file) on the fast path, or returns null when the full loader must read
 * it. `maxDepth` is the nesting limit of the full loader: deeper input is left to it.
 */
export function readFast(text: string, maxDepth: number): FastDocument[] | null {
  if (text.includes('\t') || /\r(?!\n)/.test(text)) return null;
  let events: Event[];
  let values: unknown[];
  try {
    // One more level than allowed, so that too deep input stops early and is left to the full loader.
    events = parseEvents(text, { maxDepth: maxDepth + 1 });
    values = constructFromEvents(events, { source: text });
  } catch {
    return null;
  }
  try {
    const positions = indexEvents(text, events, maxDepth);
    if (positions.length !== values.length) return null;
    const documents: FastDocument[] = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // An empty document holds nothing to check (as in the full loader).
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value) || positions[i]!.kind !== 'map') return null;
      documents.push({ value: value as Record<string, unknown>, positions: positions[i]! });
    }
    // The full loader numbers documents including the empty ones; keep the fast path to files where that cannot differ.
    if (documents.length !== values.length) return null;
    return documents;
  } catch (error) {
    if (error instanceof GiveUp) return null;
    throw error;
  }
}

interface Frame {
  node: PositionMap | PositionSeq;
  /** For a map: the key just read, waiting for its value. */
  pendingKey: string | null;
  pendingKeyStart: number;
}

/** Builds each document's position tree from the event stream, giving up on anything unusual. */
function indexEvents(text: string, events: readonly Event[], maxDepth: number): PositionNode[] {
  const roots: PositionNode[] = [];
  const stack: Frame[] = [];
  const attach = (node: PositionNode): void => {
    const frame = stack[stack.length - 1];
    if (!frame) {
      roots.push(node);
      return;
    }
    if (frame.node.kind === 'seq') {
      frame.node.items.push(node);
      return;
    }
    if (frame.pendingKey === null) throw new GiveUp();
    frame.node.keys.push(frame.pendingKey);
    frame.node.keyStarts.push(frame.pendingKeyStart);
    frame.node.values.push(node);
    frame.pendingKey = null;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (event.directives.length > 0 || stack.length > 0) throw new GiveUp();
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) throw new GiveUp();
        const frame = stack[stack.length - 1];
        // A collection as a mapping key (`? [a]`): the full loader stringifies it; leave it to it.
        if (frame?.node.kind === 'map' && frame.pendingKey === null) throw new GiveUp();
        const node: PositionMap | PositionSeq = event.type === EVENT_ID.MAPPING ? { kind: 'map', start: event.start, keys: [], keyStarts: [], values: [] } : { kind: 'seq', start: event.start, items: [] };
        attach(node);
        stack.push({ node, pendingKey: null, pendingKeyStart: -1 });
        if (stack.length > maxDepth) throw new GiveUp();
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) throw new GiveUp();
        const frame = stack[stack.length - 1];
        const style = event.style;
        if (frame?.node.kind === 'map' && frame.pendingKey === null) {
          // A key: only plain identifiers and quoted strings, whose text is their value.
          let key: string;
          let start: number;
          if (style === SCALAR_STYLE.PLAIN) {
            key = text.slice(event.valueStart, event.valueEnd);
            if (!PLAIN_TEXT_KEY.test(key) || CORE_NON_STRING.test(key)) throw new GiveUp();
            start = event.valueStart;
          } else if (style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED) {
            key = text.slice(event.valueStart, event.valueEnd);
            // Escapes or folded lines in a quoted key: rare enough to leave to the full loader.
            if (/['"\\\n]/.test(key)) throw new GiveUp();
            start = event.valueStart - 1;
          } else throw new GiveUp();
          if (FORBIDDEN_KEYS.has(key)) throw new GiveUp();
          frame.pendingKey = key;
          frame.pendingKeyStart = start;
          break;
        }
        let start = -1;
        if (style === SCALAR_STYLE.PLAIN) {
          if (event.valueEnd > event.valueStart) {
            start = event.valueStart;
            const first = text.charCodeAt(start);
            // digits, '+', '-', '.': a number the two loaders might read differently
            if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46) {
              const source = text.slice(event.valueStart, event.valueEnd);
              if (CORE_FLOAT.test(source) && !Number.isFinite(Number.parseFloat(source))) throw new GiveUp();
            }
          }
        } else if (style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED) start = event.valueStart - 1;
        attach({ kind: 'scalar', start });
        break;
      }
      case EVENT_ID.ALIAS:
        throw new GiveUp();
      case EVENT_ID.POP:
        // Closes a collection, or a document (nothing open then).
        if (stack.length > 0) {
          if (stack[stack.length - 1]!.pendingKey !== null) throw new GiveUp();
          stack.pop();
        }
        break;
      default:
        throw new GiveUp();
    }
  }
  if (stack.length > 0) throw new GiveUp();
  return roots;
}

/**
 * The offset where the node at `path` starts (with `key`, where the key of its last segment
 * starts), or -1 when the index does not hold it exactly: the caller then asks the full loader.
 */
export function startOffset(root: PositionNode, path: readonly (string | number)[], key: boolean): number {
  let node: PositionNode = root;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = path[i]!;
    if (node.kind === 'map') {
      const at = node.keys.indexOf(String(segment));
      if (at === -1) return -1;
      if (key && i === last) return node.keyStarts[at]!;
      node = node.values[at]!;
    } else if (node.kind === 'seq') {
      if (key && i === last) return -1;
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      const item = node.items[index];
      if (item === undefined) return -1;
      node = item;
    } else return -1;
  }
  return key && path.length > 0 ? -1 : node.start;
}
