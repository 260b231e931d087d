// The audience member's inputs (docs/decisions.md): the profile against the audience
// level's declared attributes, the session against the channel's session attributes.
// Undeclared fields are ignored; a declared field of the wrong type is an input error
// naming it (`profile.age`, `session.device`).
//
// Values are typed JSON and are never coerced: `"age": "30"`, `"optIn": "true"` or
// `"products": "app|savings"` are input errors, not 30, true and a list. A touchpoint
// that sends the wrong type has a bug, and coercing would hide it until the day a value
// does not convert (docs/runtime-api.md#types-are-checked-never-coerced). Text inputs
// (CSV files) are converted by their readers, at their line and column, before they
// reach the engine.
import type { AttributeDeclaration, ScalarAttributeType } from '../bundle/index.js';
import { canonicalJson } from '../bundle/index.js';
import { convertAttribute, toCelRecord, type ConversionError } from '../expr/index.js';
import type { CompiledChannel, CompiledLevel } from './compiled-types.js';
import type { DecisionError } from './types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inputError(field: string, message: string): DecisionError {
  return { code: 'input', field, message };
}

const expectedJson: Record<ScalarAttributeType, string> = {
  int: 'a whole number',
  double: 'a number',
  string: 'a string',
  bool: 'true or false',
  date: 'a date as a "YYYY-MM-DD" string',
};

/** Is the value of the declared JSON type (or already the CEL value a reader converted it to)? */
function hasScalarType(type: ScalarAttributeType, value: unknown): boolean {
  switch (type) {
    case 'int':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' || value instanceof Date;
  }
}

function describeJson(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** The first key of a map whose value is not of the declared type, or null. */
function wrongMapKey(values: ScalarAttributeType, map: Record<string, unknown>): string | null {
  for (const key of Object.keys(map)) if (!hasScalarType(values, map[key])) return key;
  return null;
}

/** The error of one declared field whose JSON type is not the declared one, or null (never coerced: see the header). */
function fieldTypeError(prefix: string, field: string, declaration: AttributeDeclaration, value: unknown): DecisionError | null {
  if (value === null || value === undefined) return null;
  if (declaration.type === 'map') {
    if (!isPlainObject(value)) return inputError(`${prefix}.${field}`, `${prefix}.${field} must be a map of string to ${declaration.values} (a JSON object), got ${describeJson(value)}`);
    const wrong = wrongMapKey(declaration.values, value);
    return wrong === null ? null : inputError(`${prefix}.${field}`, `${prefix}.${field}[${JSON.stringify(wrong)}] must be ${expectedJson[declaration.values]}, got ${describeJson(value[wrong])}`);
  }
  if (declaration.type === 'list') {
    if (!Array.isArray(value)) return inputError(`${prefix}.${field}`, `${prefix}.${field} must be a list of ${declaration.items} (a JSON array), got ${describeJson(value)}`);
    const bad = value.findIndex((item) => !hasScalarType(declaration.items, item));
    return bad < 0 ? null : inputError(`${prefix}.${field}`, `${prefix}.${field}[${bad}] must be ${expectedJson[declaration.items]}, got ${describeJson(value[bad])}`);
  }
  return hasScalarType(declaration.type, value) ? null : inputError(`${prefix}.${field}`, `${prefix}.${field} must be ${expectedJson[declaration.type]}, got ${describeJson(value)}`);
}

/** Declared fields whose JSON type is not the declared one, in the input's order. */
function typeErrors(prefix: string, attributes: Record<string, AttributeDeclaration>, raw: Record<string, unknown>): DecisionError[] {
  const errors: DecisionError[] = [];
  for (const field of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(attributes, field)) continue;
    const error = fieldTypeError(prefix, field, attributes[field]!, raw[field]);
    if (error !== null) errors.push(error);
  }
  return errors;
}

/** toCelRecord says `'age' must be …`; we say `profile.age must be …`. */
function fieldError(prefix: string, error: { field: string; message: string }): DecisionError {
  const quoted = `'${error.field}'`;
  const rest = error.message.startsWith(quoted) ? error.message.slice(quoted.length) : `: ${error.message}`;
  return inputError(`${prefix}.${error.field}`, `${prefix}.${error.field}${rest}`);
}

/**
 * One member's profile attributes as converted so far, shared by the session memos of the
 * member's visit to several channels (Engine.newSegmentCache's `sibling`): an attribute
 * that two channels' audience levels declare alike converts the member's value alike, so
 * it is converted once for the visit. It holds one profile object at a time (the same
 * object, unchanged, as for the session memo itself), and only attributes that converted
 * without a problem: any problem sends the profile through the full conversion, which
 * reports it as without the memo.
 */
export class ProfileMemo {
  raw: object | null = null;
  generation = 0;
  /** By attribute declaration number (attributeNumbers): the generation the value belongs to, and the value (ABSENT when the profile has none). */
  readonly stamps: number[] = [];
  readonly values: unknown[] = [];
}

const ABSENT = Symbol('absent');

// A number per distinct (field, declaration): equal declarations on two channels (or two
// bundles) get the same number. Declarations are a loaded bundle's, so they are numbered once.
const declarationNumbers = new Map<string, number>();
const numbersOf = new WeakMap<Record<string, AttributeDeclaration>, { entries: [string, AttributeDeclaration][]; numbers: Int32Array }>();

function attributeNumbers(attributes: Record<string, AttributeDeclaration>): { entries: [string, AttributeDeclaration][]; numbers: Int32Array } {
  let known = numbersOf.get(attributes);
  if (known === undefined) {
    const entries = Object.entries(attributes);
    const numbers = Int32Array.from(entries, ([field, declaration]) => {
      const text = canonicalJson({ field, declaration });
      let n = declarationNumbers.get(text);
      if (n === undefined) declarationNumbers.set(text, (n = declarationNumbers.size));
      return n;
    });
    numbersOf.set(attributes, (known = { entries, numbers }));
  }
  return known;
}

const PROBLEM = Symbol('problem');

/**
 * One declared field of an input as toCelRecord converts it: ABSENT when the input has no
 * value for it, PROBLEM when its value is not of the declared type or does not convert
 * (the full conversion then reports it).
 */
function cleanField(prefix: string, field: string, declaration: AttributeDeclaration, raw: Record<string, unknown>): unknown {
  const input = Object.prototype.hasOwnProperty.call(raw, field) ? raw[field] : undefined;
  if (input === null || input === undefined) return ABSENT;
  if (fieldTypeError(prefix, field, declaration, input) !== null) return PROBLEM;
  const result = convertAttribute(declaration, input);
  return result.ok ? result.value : PROBLEM;
}

/** The profile as toCelRecord converts it, taking and keeping attributes in `memo`; null when any attribute has a problem. */
function convertThroughMemo(level: CompiledLevel, raw: Record<string, unknown>, memo: ProfileMemo): Record<string, unknown> | null {
  if (memo.raw !== raw) {
    memo.raw = raw;
    memo.generation++;
  }
  const { entries, numbers } = attributeNumbers(level.attributes);
  const { stamps, values, generation } = memo;
  const value: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i++) {
    const [field, declaration] = entries[i]!;
    const n = numbers[i]!;
    let converted: unknown;
    if (stamps[n] === generation) converted = values[n];
    else {
      converted = cleanField('profile', field, declaration, raw);
      if (converted === PROBLEM) return null;
      stamps[n] = generation;
      values[n] = converted;
    }
    if (converted !== ABSENT) value[field] = converted;
  }
  const idField = level.idField;
  if (!(idField in level.attributes) && Object.prototype.hasOwnProperty.call(raw, idField)) {
    const id = raw[idField];
    if (typeof id !== 'string' && typeof id !== 'number') return null;
    value[idField] = String(id);
  }
  return value;
}

/**
 * The common case in one pass: every declared field the input has is of its declared type
 * and converts. Null when one does not: the full conversion then reports every problem
 * (typeErrors, then toCelRecord), so the result is the same either way.
 */
function convertClean(prefix: string, attributes: Record<string, AttributeDeclaration>, raw: Record<string, unknown>): Record<string, unknown> | null {
  const { entries } = attributeNumbers(attributes);
  const value: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i++) {
    const [field, declaration] = entries[i]!;
    const converted = cleanField(prefix, field, declaration, raw);
    if (converted === PROBLEM) return null;
    if (converted !== ABSENT) value[field] = converted;
  }
  return value;
}

/** The audience level a request names, or the channel's first. */
export function resolveLevel(channel: CompiledChannel, level: unknown): CompiledLevel | DecisionError {
  if (level === undefined || level === null || level === '') {
    const first = channel.levels[0];
    return first ?? inputError('audienceLevel', `channel '${channel.name}' declares no audience level`);
  }
  if (typeof level !== 'string') return inputError('audienceLevel', `audienceLevel must be a string, got ${JSON.stringify(level)}`);
  const found = channel.levels.find((l) => l.name === level);
  return found ?? inputError('audienceLevel', `audience level '${level}' is not declared on channel '${channel.name}' (declared: ${channel.levels.map((l) => l.name).join(', ')})`);
}

/** The profile as CEL sees it, with the id field set to the audience id. */
export function convertProfile(level: CompiledLevel, raw: unknown, audienceId: string | null, memo?: ProfileMemo): { value: Record<string, unknown>; errors: DecisionError[] } {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) return { value: {}, errors: [inputError('profile', `profile must be a JSON object, got ${JSON.stringify(raw)}`)] };
  const shared = memo === undefined ? null : convertThroughMemo(level, raw, memo);
  let converted: { value: Record<string, unknown>; errors: ConversionError[] };
  if (shared !== null) converted = { value: shared, errors: [] };
  else {
    const wrongTypes = typeErrors('profile', level.attributes, raw);
    if (wrongTypes.length > 0) return { value: {}, errors: wrongTypes };
    converted = toCelRecord(level.attributes, raw, level.idField);
  }
  const errors = converted.errors.map((e) => fieldError('profile', e));
  if (audienceId !== null) {
    // The id field as sent, the way resolveAudienceId reads an id from it: a string as it is, a
    // number by its digits. Not the converted value: an int becomes a bigint and a date a timestamp.
    // The message is written only on a mismatch: a profile usually carries its id field.
    const given = Object.prototype.hasOwnProperty.call(raw, level.idField) ? raw[level.idField] : undefined;
    if (given !== undefined && given !== null && (typeof given === 'string' ? given : typeof given === 'number' ? String(given) : JSON.stringify(given)) !== audienceId) {
      errors.push(inputError(`profile.${level.idField}`, `profile.${level.idField} is ${JSON.stringify(given)} but the audience id is ${JSON.stringify(audienceId)}`));
    }
    if (!(level.idField in level.attributes)) converted.value[level.idField] = audienceId;
  }
  return { value: converted.value, errors };
}

export function convertSession(channel: CompiledChannel, raw: unknown): { value: Record<string, unknown>; errors: DecisionError[] } {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) return { value: {}, errors: [inputError('session', `session must be a JSON object, got ${JSON.stringify(raw)}`)] };
  const clean = convertClean('session', channel.sessionAttributes, raw);
  if (clean !== null) return { value: clean, errors: [] };
  const wrongTypes = typeErrors('session', channel.sessionAttributes, raw);
  if (wrongTypes.length > 0) return { value: {}, errors: wrongTypes };
  const converted = toCelRecord(channel.sessionAttributes, raw);
  return { value: converted.value, errors: converted.errors.map((e) => fieldError('session', e)) };
}

/** The audience id of a request: `audience.id`, else the profile's id field. */
export function resolveAudienceId(level: CompiledLevel, id: unknown, profile: unknown): string | DecisionError {
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (id === undefined || id === null || id === '') {
    const fromProfile = isPlainObject(profile) ? profile[level.idField] : undefined;
    if (typeof fromProfile === 'string' && fromProfile !== '') return fromProfile;
    if (typeof fromProfile === 'number' && Number.isFinite(fromProfile)) return String(fromProfile);
    return inputError('audienceId', `an audience id is needed: give it, or ${level.idField} in the profile`);
  }
  return inputError('audienceId', `audience id must be a non-empty string, got ${JSON.stringify(id)}`);
}

export function isDecisionError(value: unknown): value is DecisionError {
  return isPlainObject(value) && value['code'] === 'input' && typeof value['message'] === 'string';
}
