// Structure first (STYLE, changesets): each document is validated against its kind's
// JSON Schema (schema/v1, the single source of truth), and ajv's errors are turned into
// plain messages at the offending node ("score must be at most 100, got 165").
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { DocumentKind } from './kinds.js';
import { didYouMean, makeProblem, toPointer, type Problem } from './problem.js';
import { schemaValidators } from './schema-validators.js';
import { locate, type LoadedDocument, type PathSegment } from './source.js';

/** Raw schema errors of a value (for pruning a document to its valid part). */
export function schemaErrors(value: unknown, kind: DocumentKind): ErrorObject[] {
  const validate = schemaValidators().get(kind)!;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/**
 * The part of a document that passes its schema, so the cross-document checks still see
 * the rest (one bad field does not hide an unknown reference beside it): numbers out of
 * range are clamped, other bad values removed — the whole array item (e.g. one treatment
 * rule) when the error is inside one. Removed items leave holes, so the indexes of the
 * others, and with them every problem's position, stay right. Null when nothing usable
 * is left.
 */
export function pruneToSchema(value: unknown, kind: DocumentKind): unknown {
  const pruned: unknown = structuredClone(value);
  const errors = schemaErrors(pruned, kind).filter((e) => !['if', 'then', 'else'].includes(e.keyword));
  if (errors.length === 0) return pruned;
  for (const error of errors) {
    const path = parsePointer(error.instancePath);
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') path.push(String(params['additionalProperty']));
    if (error.keyword === 'unevaluatedProperties') path.push(String(params['unevaluatedProperty']));
    if ((error.keyword === 'minimum' || error.keyword === 'maximum') && typeof params['limit'] === 'number') {
      setAt(pruned, path, params['limit']);
      continue;
    }
    let cut = -1;
    for (let i = path.length - 1; i >= 2; i--) if (typeof path[i] === 'number') { cut = i; break; }
    const target = cut >= 0 ? path.slice(0, cut + 1) : path;
    if (target.length < 3) return null; // the envelope or the spec itself is broken
    removeAt(pruned, target);
  }
  return schemaErrors(compact(pruned), kind).length === 0 ? pruned : null;
}

/** A copy without array holes, for re-validation. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter(() => true).map(compact);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

function parentOf(root: unknown, path: PathSegment[]): unknown {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment as string];
  }
  return node;
}

function setAt(root: unknown, path: PathSegment[], value: unknown): void {
  const parent = parentOf(root, path);
  if (parent !== null && typeof parent === 'object') (parent as Record<string, unknown>)[path[path.length - 1] as string] = value;
}

function removeAt(root: unknown, path: PathSegment[]): void {
  const parent = parentOf(root, path);
  // `delete` on an array leaves a hole that forEach/map/filter skip.
  if (parent !== null && typeof parent === 'object') delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
}

/** Validates one document against its kind's schema; returns located problems. */
export function checkSchema(document: LoadedDocument, kind: DocumentKind): Problem[] {
  const validate = schemaValidators().get(kind)!;
  if (validate(document.value)) return [];
  return mapSchemaErrors(document, validate.errors ?? []);
}

function parsePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
  return JSON.stringify(value) ?? typeof value;
}

const typeWords: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function fieldName(path: readonly PathSegment[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]!;
    if (typeof segment === 'string') {
      const index = path[i + 1];
      return typeof index === 'number' ? `${segment}[${index}]` : segment;
    }
  }
  return 'the document';
}

interface ParentSchema {
  properties?: Record<string, unknown>;
  oneOf?: { required?: string[] }[];
  anyOf?: { required?: string[] }[];
  not?: { required?: string[] };
  pattern?: string;
  format?: string;
}

function requiredSets(branches: { required?: string[] }[] | undefined): string[][] | null {
  if (!branches || branches.length === 0) return null;
  const sets = branches.map((b) => b.required ?? []);
  return sets.every((s) => s.length > 0) ? sets : null;
}

function quoteList(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  return quoted.length <= 2 ? quoted.join(' or ') : quoted.slice(0, -1).join(', ') + ' or ' + quoted[quoted.length - 1];
}

function messageFor(error: ErrorObject, path: PathSegment[]): { message: string; path: PathSegment[]; key: boolean } | null {
  const field = fieldName(path);
  const parent = (error.parentSchema ?? {}) as ParentSchema;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      const where = path.length === 0 ? 'the document' : `'${field}'`;
      return { message: `missing required field '${missing}' in ${where}`, path, key: path.length > 0 };
    }
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      const allowed = Object.keys(parent.properties ?? {});
      const hint = didYouMean(extra, allowed);
      const list = allowed.length > 0 && allowed.length <= 12 && !hint ? ` (allowed: ${allowed.join(', ')})` : '';
      return { message: `unknown field '${extra}'${path.length ? ` in '${field}'` : ''}${hint}${list}`, path: [...path, extra], key: true };
    }
    case 'type':
      return { message: `${field} must be ${String(params['type']).split(',').map((t) => typeWords[t] ?? t).join(' or ')}, got ${describeValue(error.data)}`, path, key: false };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[error.keyword];
      return { message: `${field} must be ${words} ${String(params['limit'])}, got ${describeValue(error.data)}`, path, key: false };
    }
    case 'multipleOf':
      return { message: `${field} must be a multiple of ${String(params['multipleOf'])}, got ${describeValue(error.data)}`, path, key: false };
    case 'minLength':
      return { message: `${field} must not be shorter than ${String(params['limit'])} characters`, path, key: false };
    case 'maxLength':
      return { message: `${field} must not be longer than ${String(params['limit'])} characters, got ${String((error.data as string).length)}`, path, key: false };
    case 'minItems':
      return { message: `${field} must have at least ${String(params['limit'])} item(s)`, path, key: false };
    case 'maxItems':
      return { message: `${field} must have at most ${String(params['limit'])} items`, path, key: false };
    case 'uniqueItems':
      return { message: `${field} has duplicate items (positions ${String(params['j'])} and ${String(params['i'])})`, path, key: false };
    case 'pattern': {
      const pattern = String(params['pattern']);
      if (pattern.includes('[a-z0-9]([a-z0-9-]')) {
        return { message: `${field} ${describeValue(error.data)} is not a valid name: use lowercase letters, digits and '-', start and end with a letter or digit, at most 63 characters`, path, key: false };
      }
      if (pattern.includes('\\d{4}-\\d{2}-\\d{2}')) return { message: `${field} must be a date YYYY-MM-DD, got ${describeValue(error.data)}`, path, key: false };
      if (pattern.includes('sha256')) return { message: `${field} must be "sha256:" followed by 64 lowercase hex digits, got ${describeValue(error.data)}`, path, key: false };
      return { message: `${field} ${describeValue(error.data)} does not match the pattern ${pattern}`, path, key: false };
    }
    case 'format':
      if (params['format'] === 'date') return { message: `${field} must be a real calendar date YYYY-MM-DD, got ${describeValue(error.data)}`, path, key: false };
      return { message: `${field} must be a valid ${String(params['format'])}, got ${describeValue(error.data)}`, path, key: false };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => String(v));
      return { message: `${field} must be one of ${allowed.join(', ')}; got ${describeValue(error.data)}${didYouMean(String(error.data), allowed)}`, path, key: false };
    }
    case 'const':
      return { message: `${field} must be ${JSON.stringify(params['allowedValue'])}, got ${describeValue(error.data)}`, path, key: false };
    case 'oneOf': {
      const sets = requiredSets(parent.oneOf);
      if (sets) {
        const names = [...new Set(sets.flat())];
        const given = names.filter((n) => error.data && typeof error.data === 'object' && n in error.data);
        const which = path.length ? ` in '${field}'` : '';
        if (given.length > 1) return { message: `give only one of ${quoteList(names)}${which}, not ${given.map((g) => `'${g}'`).join(' and ')}`, path, key: path.length > 0 };
        return { message: `give exactly one of ${quoteList(names)}${which}`, path, key: path.length > 0 };
      }
      return { message: `${field} does not match exactly one of its allowed forms`, path, key: path.length > 0 };
    }
    case 'anyOf': {
      const sets = requiredSets(parent.anyOf);
      if (sets) return { message: `give at least one of ${quoteList([...new Set(sets.flat())])}${path.length ? ` in '${field}'` : ''}`, path, key: path.length > 0 };
      return { message: `${field} does not match any of its allowed forms`, path, key: path.length > 0 };
    }
    case 'not': {
      const names = parent.not?.required;
      if (names && names.length > 1) return { message: `give only one of ${quoteList(names)}${path.length ? ` in '${field}'` : ''}`, path, key: path.length > 0 };
      return { message: `${field} is not allowed here`, path, key: true };
    }
    case 'dependentRequired':
      return { message: `'${String(params['property'])}' needs '${String(params['missingProperty'])}' as well`, path, key: path.length > 0 };
    case 'if':
    case 'then':
    case 'else':
    case 'false schema':
      return null;
    default:
      return { message: `${field}: ${error.message ?? 'is invalid'}`, path, key: false };
  }
}

export function mapSchemaErrors(document: LoadedDocument, errors: readonly ErrorObject[]): Problem[] {
  // Errors inside a failed oneOf/anyOf branch are noise once the oneOf itself is reported.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (combinators.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const mapped = messageFor(error, parsePointer(error.instancePath));
    if (!mapped) continue;
    const pointer = toPointer(mapped.path);
    const key = pointer + '\0' + mapped.message;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(makeProblem('schema', 'error', mapped.message, document.source.file, locate(document, mapped.path, { key: mapped.key }), pointer));
  }
  return problems;
}
