// The CEL environments of the config language (docs/config-language.md#types-and-expressions): which variables each kind of
// expression sees, with the types the config declares, and the conversion of plain JSON
// values (profiles, offers, contacts) into the values CEL expects (int → BigInt,
// date → timestamp). Validation type-checks against these environments; the engine
// and optimizer evaluate with them, so both agree by construction.
import type { Environment } from '@marcbachmann/cel-js';
import type { AttributeDeclaration, MapValueType, ScalarAttributeType } from '../bundle/index.js';
import { parseIsoDate } from '../days.js';
import { SafeEnvironment } from './safe-environment.js';

/** The expression contexts of the language. */
export type ExpressionKind =
  | 'segment' // Segment.spec.expression: profile, session, now, inSegment()
  | 'eligibility' // Strategy rule eligibility: + offer
  | 'scoreExpression' // Strategy rule scoreExpression: + offer
  | 'offerAttribute' // Strategy rule attributes.<name>: + offer; typed against the offer's own value
  | 'offerListWhere' // smart OfferList: offer
  | 'contactWhere'; // OptimizationPolicy interactionsWhere: contact

/** dyn: any result type here; the caller checks it (an offer attribute against the offer's own value). */
export const expectedResultType: Record<ExpressionKind, 'bool' | 'double' | 'dyn'> = {
  segment: 'bool',
  eligibility: 'bool',
  scoreExpression: 'double',
  offerAttribute: 'dyn',
  offerListWhere: 'bool',
  contactWhere: 'bool',
};

const LIMITS = { maxAstNodes: 5000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 16 };

const celScalar: Record<ScalarAttributeType, string> = {
  int: 'int',
  double: 'double',
  string: 'string',
  bool: 'bool',
  date: 'google.protobuf.Timestamp',
};

export function celTypeOf(declaration: AttributeDeclaration): string {
  if (declaration.type === 'list') return `list<${celScalar[declaration.items]}>`;
  // `profile.modelScores[offer.name]` is then a double; a key the map lacks fails at run time.
  if (declaration.type === 'map') return `map<string, ${celScalar[declaration.values]}>`;
  return celScalar[declaration.type];
}

/** The typed shape of `profile`: the audience level's attributes plus its id field. */
export interface ProfileShape {
  idField: string;
  attributes: Record<string, AttributeDeclaration>;
}

export interface EnvironmentShape {
  profile?: ProfileShape;
  session?: Record<string, AttributeDeclaration>;
}

/** Fields every offer exposes to expressions as `offer`. */
export const offerSchema = {
  name: 'string',
  displayName: 'string',
  cost: 'double',
  labels: 'map<string, string>',
  attributes: 'map<string, dyn>',
} as const;

// `inSegment(name)` needs the member's memberships, which CEL's function handlers do not
// receive through the evaluation context; evaluation is synchronous, so the engine sets
// the lookup for the duration of one evaluation (see `withSegmentLookup`).
type SegmentLookup = (segment: string) => boolean;
let currentSegmentLookup: SegmentLookup | null = null;

export function withSegmentLookup<T>(lookup: SegmentLookup, evaluate: () => T): T {
  const previous = currentSegmentLookup;
  currentSegmentLookup = lookup;
  try {
    return evaluate();
  } finally {
    currentSegmentLookup = previous;
  }
}

/**
 * Makes `lookup` the active one and returns the one it replaces: withSegmentLookup for a
 * caller that runs the evaluation itself (no closure), and puts the previous one back with
 * a second call in a `finally`.
 */
export function swapSegmentLookup(lookup: SegmentLookup | null): SegmentLookup | null {
  const previous = currentSegmentLookup;
  currentSegmentLookup = lookup;
  return previous;
}

/** The lookup of the evaluation in progress, or null outside one (for the fast evaluator, fast-evaluator.ts). */
export function activeSegmentLookup(): SegmentLookup | null {
  return currentSegmentLookup;
}

function inSegment(segment: string): boolean {
  if (currentSegmentLookup === null) throw new Error(`inSegment("${segment}") used outside a decision`);
  return currentSegmentLookup(segment);
}

function profileSchema(shape: ProfileShape): Record<string, string> {
  const schema: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(shape.attributes)) schema[name] = celTypeOf(declaration);
  if (!(shape.idField in schema)) schema[shape.idField] = 'string';
  return schema;
}

function sessionSchema(attributes: Record<string, AttributeDeclaration>): Record<string, string> {
  const schema: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(attributes)) schema[name] = celTypeOf(declaration);
  return schema;
}

/**
 * Builds the CEL environment for one expression kind. `profile`/`session` shapes come
 * from the channel and audience level the expression belongs to.
 */
export function createEnvironment(kind: ExpressionKind, shape: EnvironmentShape = {}): Environment {
  // No function a profile value reaches takes more than linear time (safe-environment.ts).
  let env: Environment = new SafeEnvironment({ limits: LIMITS });
  if (kind === 'segment' || kind === 'eligibility' || kind === 'scoreExpression' || kind === 'offerAttribute') {
    const profile = shape.profile ?? { idField: 'id', attributes: {} };
    env = registerObject(env, 'profile', profileSchema(profile));
    env = registerObject(env, 'session', sessionSchema(shape.session ?? {}));
    env = env
      .registerVariable('now', 'google.protobuf.Timestamp')
      .registerFunction('inSegment(string): bool', inSegment);
  }
  if (kind === 'eligibility' || kind === 'scoreExpression' || kind === 'offerAttribute' || kind === 'offerListWhere') {
    env = env.registerVariable({ name: 'offer', schema: { ...offerSchema } });
  }
  if (kind === 'contactWhere') {
    // Proposed contacts may carry any extra columns (docs/file-formats.md#proposed-contacts), so `contact` is dynamic.
    env = env.registerVariable('contact', 'map<string, dyn>');
  }
  return env;
}

/**
 * The variables of an expression kind that are registered with a typed schema, and
 * their declared field types (what the fast evaluator may read; see fast-evaluator.ts).
 */
export function typedVariables(kind: ExpressionKind, shape: EnvironmentShape = {}): Record<string, Record<string, string>> {
  const variables: Record<string, Record<string, string>> = {};
  if (kind === 'segment' || kind === 'eligibility' || kind === 'scoreExpression' || kind === 'offerAttribute') {
    const profile = profileSchema(shape.profile ?? { idField: 'id', attributes: {} });
    const session = sessionSchema(shape.session ?? {});
    if (Object.keys(profile).length > 0) variables['profile'] = profile;
    if (Object.keys(session).length > 0) variables['session'] = session;
  }
  if (kind === 'eligibility' || kind === 'scoreExpression' || kind === 'offerAttribute' || kind === 'offerListWhere') variables['offer'] = { ...offerSchema };
  return variables;
}

// An object with no declared fields cannot be a cel-js schema; declare it as an empty map.
function registerObject(env: Environment, name: string, schema: Record<string, string>): Environment {
  return Object.keys(schema).length === 0
    ? env.registerVariable(name, 'map<string, dyn>')
    : env.registerVariable({ name, schema });
}

// ---------------------------------------------------------------------------
// Values: plain JSON → CEL

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

export interface ConversionError {
  field: string;
  message: string;
}

function convertScalar(type: ScalarAttributeType, value: unknown): { ok: true; value: unknown } | { ok: false } {
  switch (type) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value: BigInt(value) };
      if (typeof value === 'bigint') return { ok: true, value };
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return { ok: true, value: BigInt(value.trim()) };
      return { ok: false };
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { ok: true, value: Number(value) };
      return { ok: false };
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false };
    case 'bool':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false };
    case 'date': {
      if (value instanceof Date) return { ok: true, value };
      const date = typeof value === 'string' ? parseIsoDate(value) : null;
      return date ? { ok: true, value: date } : { ok: false };
    }
  }
}

/**
 * Converts one declared attribute. Strings are accepted for numbers, bools and dates
 * (CSV input); anything else that does not fit is an error naming the expected type.
 */
export function convertAttribute(
  declaration: AttributeDeclaration,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; expected: string } {
  if (declaration.type === 'map') return convertMap(declaration.values, value);
  if (declaration.type === 'list') {
    let items: unknown = value;
    if (typeof value === 'string') items = value === '' ? [] : value.split('|');
    if (!Array.isArray(items)) return { ok: false, expected: `a list of ${declaration.items}` };
    const out: unknown[] = [];
    const allowed = declaration.enum ?? null; // bundles compiled before list enums carry none
    for (const item of items) {
      const converted = convertScalar(declaration.items, item);
      if (!converted.ok) return { ok: false, expected: `a list of ${declaration.items}` };
      if (allowed && !inEnum(allowed, item)) return { ok: false, expected: `a list of items from ${describeEnum(allowed)}` };
      out.push(converted.value);
    }
    return { ok: true, value: out };
  }
  const converted = convertScalar(declaration.type, value);
  if (!converted.ok) return { ok: false, expected: declaration.type === 'date' ? 'a date (YYYY-MM-DD)' : `a value of type ${declaration.type}` };
  if (declaration.enum && !inEnum(declaration.enum, value)) return { ok: false, expected: `one of ${describeEnum(declaration.enum)}` };
  return converted;
}

/**
 * A map attribute (docs/config-language.md#map-attributes): a JSON object of string keys to
 * values of the declared type, or — in a CSV cell — that object as JSON text. The result
 * is a fresh object with only own keys, so a key such as `__proto__` stays data.
 */
function convertMap(values: MapValueType, value: unknown): { ok: true; value: unknown } | { ok: false; expected: string } {
  const expected = `a map of string to ${values} (a JSON object${values === 'double' ? ', e.g. {"gold-card": 0.8}' : ''})`;
  let object: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return { ok: true, value: {} };
    try {
      object = JSON.parse(text);
    } catch {
      return { ok: false, expected };
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object) || object instanceof Date) return { ok: false, expected };
  const entries = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(entries)) {
    const item = entries[key];
    // Values inside a map are JSON typed: "0.8" is not a double here (unlike a CSV cell of its own).
    let converted: unknown;
    if (values === 'double' && typeof item === 'number' && Number.isFinite(item)) converted = item;
    else if ((values === 'string' && typeof item === 'string') || (values === 'bool' && typeof item === 'boolean')) converted = item;
    else {
      const general = typeof item === 'string' && values !== 'string' ? { ok: false as const } : convertScalar(values, item);
      if (!general.ok) return { ok: false, expected: `${expected}; the value of key ${JSON.stringify(key)} is ${JSON.stringify(item) ?? String(item)}` };
      converted = general.value;
    }
    // An assignment would call Object.prototype's __proto__ setter; that one key is defined as data.
    if (key === '__proto__') Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    else out[key] = converted;
  }
  return { ok: true, value: out };
}

/** An enum holds a value given as itself, or as its text (CSV input). */
function inEnum(allowed: readonly (string | number)[], value: unknown): boolean {
  return allowed.includes(value as string | number) || allowed.some((a) => String(a) === String(value));
}

function describeEnum(allowed: readonly (string | number)[]): string {
  return allowed.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * A profile (or session) as CEL sees it: declared fields converted, undeclared ones
 * ignored (docs/decisions.md#the-steps, step 2), missing ones left absent (an expression reading them fails at
 * run time and counts as false). `idField` is always a string.
 */
// Declarations are long-lived (a loaded bundle's); their entries are listed once.
const entriesOf = new WeakMap<Record<string, AttributeDeclaration>, [string, AttributeDeclaration][]>();
function declarationEntries(attributes: Record<string, AttributeDeclaration>): [string, AttributeDeclaration][] {
  let entries = entriesOf.get(attributes);
  if (!entries) {
    entries = Object.entries(attributes);
    entriesOf.set(attributes, entries);
  }
  return entries;
}

export function toCelRecord(
  attributes: Record<string, AttributeDeclaration>,
  raw: Record<string, unknown>,
  idField?: string,
): { value: Record<string, unknown>; errors: ConversionError[] } {
  const value: Record<string, unknown> = {};
  const errors: ConversionError[] = [];
  for (const [field, declaration] of declarationEntries(attributes)) {
    if (!Object.prototype.hasOwnProperty.call(raw, field)) continue;
    const input = raw[field];
    if (input === null || input === undefined) continue;
    // The common cases of a decision's profile, without the general conversion's objects.
    if (declaration.type === 'string' && declaration.enum === null && typeof input === 'string') {
      value[field] = input;
      continue;
    }
    if (declaration.type === 'double' && declaration.enum === null && typeof input === 'number' && Number.isFinite(input)) {
      value[field] = input;
      continue;
    }
    const converted = convertAttribute(declaration, input);
    if (converted.ok) value[field] = converted.value;
    else errors.push({ field, message: `'${field}' must be ${converted.expected}, got ${JSON.stringify(input)}` });
  }
  if (idField !== undefined && !(idField in attributes) && Object.prototype.hasOwnProperty.call(raw, idField)) {
    const id = raw[idField];
    if (typeof id === 'string' || typeof id === 'number') value[idField] = String(id);
    else errors.push({ field: idField, message: `'${idField}' must be a string, got ${JSON.stringify(id)}` });
  }
  return { value, errors };
}

/** The `offer` variable for an offer of the bundle. */
export function toCelOffer(offer: {
  name: string;
  displayName: string;
  cost: number;
  labels: Record<string, string>;
  attributes: Record<string, string | number | boolean>;
}): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(offer.attributes)) attributes[key] = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
  return { name: offer.name, displayName: offer.displayName, cost: offer.cost, labels: { ...offer.labels }, attributes };
}

/** A decision time as the CEL `now` timestamp. */
export function toCelTimestamp(isoDay: string): Date {
  const date = parseIsoDate(isoDay);
  if (!date) throw new Error(`not an ISO date: ${isoDay}`);
  return date;
}

/** CEL results back to JS: BigInt → number. */
export function fromCel(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
