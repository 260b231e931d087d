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
import { toCelRecord } from '../expr/index.js';
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

/** Declared fields whose JSON type is not the declared one: never coerced (see the header). */
function typeErrors(prefix: string, attributes: Record<string, AttributeDeclaration>, raw: Record<string, unknown>): DecisionError[] {
  const errors: DecisionError[] = [];
  for (const field of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(attributes, field)) continue;
    const declaration = attributes[field]!;
    const value = raw[field];
    if (value === null || value === undefined) continue;
    if (declaration.type === 'map') {
      if (!isPlainObject(value)) {
        errors.push(inputError(`${prefix}.${field}`, `${prefix}.${field} must be a map of string to ${declaration.values} (a JSON object), got ${describeJson(value)}`));
        continue;
      }
      const wrong = wrongMapKey(declaration.values, value);
      if (wrong !== null) errors.push(inputError(`${prefix}.${field}`, `${prefix}.${field}[${JSON.stringify(wrong)}] must be ${expectedJson[declaration.values]}, got ${describeJson(value[wrong])}`));
      continue;
    }
    if (declaration.type === 'list') {
      const bad = Array.isArray(value) ? value.findIndex((item) => !hasScalarType(declaration.items, item)) : -1;
      if (!Array.isArray(value)) errors.push(inputError(`${prefix}.${field}`, `${prefix}.${field} must be a list of ${declaration.items} (a JSON array), got ${describeJson(value)}`));
      else if (bad >= 0) errors.push(inputError(`${prefix}.${field}`, `${prefix}.${field}[${bad}] must be ${expectedJson[declaration.items]}, got ${describeJson(value[bad])}`));
      continue;
    }
    if (!hasScalarType(declaration.type, value)) errors.push(inputError(`${prefix}.${field}`, `${prefix}.${field} must be ${expectedJson[declaration.type]}, got ${describeJson(value)}`));
  }
  return errors;
}

/** toCelRecord says `'age' must be …`; we say `profile.age must be …`. */
function fieldError(prefix: string, error: { field: string; message: string }): DecisionError {
  const quoted = `'${error.field}'`;
  const rest = error.message.startsWith(quoted) ? error.message.slice(quoted.length) : `: ${error.message}`;
  return inputError(`${prefix}.${error.field}`, `${prefix}.${error.field}${rest}`);
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
export function convertProfile(level: CompiledLevel, raw: unknown, audienceId: string | null): { value: Record<string, unknown>; errors: DecisionError[] } {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) return { value: {}, errors: [inputError('profile', `profile must be a JSON object, got ${JSON.stringify(raw)}`)] };
  const wrongTypes = typeErrors('profile', level.attributes, raw);
  if (wrongTypes.length > 0) return { value: {}, errors: wrongTypes };
  const converted = toCelRecord(level.attributes, raw, level.idField);
  const errors = converted.errors.map((e) => fieldError('profile', e));
  if (audienceId !== null) {
    const given = converted.value[level.idField];
    if (given !== undefined && (typeof given === 'string' ? given : JSON.stringify(given)) !== audienceId) {
      errors.push(inputError(`profile.${level.idField}`, `profile.${level.idField} is ${JSON.stringify(given)} but the audience id is ${JSON.stringify(audienceId)}`));
    }
    if (!(level.idField in level.attributes)) converted.value[level.idField] = audienceId;
  }
  return { value: converted.value, errors };
}

export function convertSession(channel: CompiledChannel, raw: unknown): { value: Record<string, unknown>; errors: DecisionError[] } {
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) return { value: {}, errors: [inputError('session', `session must be a JSON object, got ${JSON.stringify(raw)}`)] };
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
