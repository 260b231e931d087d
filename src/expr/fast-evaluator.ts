// A fast evaluator for a common subset of CEL (docs/decisions.md#performance; docs/benchmarks.md#targets: ≥ 50,000 decisions/s),
// used in front of cel-js with identical results by construction. When an expression
// loads, its cel-js AST is translated into plain JS closures, but only when every node
// is one the subset handles exactly: field reads of the typed `profile`, `session` and
// `offer` variables (and `offer.labels.x`), `now`, literals, `==`/`!=` on values of the
// same scalar type, `<` `<=` `>` `>=` on numbers (int, double, mixed: JS compares a
// BigInt and a number exactly, as cel-js does), strings, bools and timestamps, `&&`,
// `||`, `!`, `?:`, `x in [literals]` / `x in list`, `size(list)`, `double()`, double
// arithmetic, `startsWith`/`endsWith`/`contains`, `inSegment("name")`, constant
// calls such as `timestamp("…")` (folded at load by cel-js itself), a timestamp ±
// `duration("…")` (cel-js's own Duration object does the arithmetic, as its overload
// does), and `int(…)`, `double(…)`, `string(…)` of an expression reading only `offer`
// (evaluated by cel-js once per offer object and remembered: offers are read-only).
// At run time a closure answers only when it is certain: a missing variable or key, a
// value whose JS type is not the declared one, a context that is not a plain object, a
// list that is not a plain array of the expected type — anything unexpected — gives
// UNSURE, and the caller evaluates the whole expression with cel-js, so results and
// errors (messages included) are cel-js's. `&&`/`||` evaluate left to right and stop
// as cel-js does; an UNSURE operand makes the whole expression UNSURE (so cel-js's
// error absorption is never imitated, only delegated).

/** The answer of a fast closure that is not certain: evaluate with cel-js instead. */
export const UNSURE: unique symbol = Symbol('unsure');
export type FastResult = unknown;
export type FastEvaluator = (context: Record<string, unknown>) => FastResult;

/** A compiled cel-js expression: a function with its AST. */
export type CelEvaluator = ((context: Record<string, unknown>) => unknown) & { ast?: unknown };

/** Per variable, its declared fields and their CEL types (e.g. `int`, `list<string>`). */
export type VariableFields = Record<string, Record<string, string>>;

export interface FastOptions {
  /** Declared field types of the message variables (profile, session, offer). */
  variables: VariableFields;
  /** Variables declared as `map<string, dyn>` whose entries may be compared (e.g. `contact`). */
  dynamicMaps: readonly string[];
  /** Is `now` a declared timestamp variable? */
  hasNow: boolean;
  /** Is `inSegment(string)` declared? */
  hasInSegment: boolean;
  /** The `inSegment` lookup of the evaluation in progress (null outside a decision). */
  segmentLookup: () => ((name: string) => boolean) | null;
  /** Evaluates a constant sub-expression with cel-js at load (throws when it cannot). */
  constant: (node: AstNode) => unknown;
  /** Compiles a sub-expression reading only `offer` with cel-js (throws when it cannot); absent when `offer` is not a variable. */
  offerPart?: (node: AstNode) => CelEvaluator;
}

export interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
}

/**
 * `dyn`: a value of a `map<string, dyn>` variable (`contact.x`), only ever compared with `<` `<=` `>` `>=`.
 * `map`: a declared `map<string, V>` attribute (its `item` is V), only ever indexed (`m[key]`) or searched (`key in m`).
 */
type Kind = 'int' | 'double' | 'string' | 'bool' | 'timestamp' | 'list' | 'map' | 'dyn';

interface Typed {
  kind: Kind;
  /** Item kind of a list. */
  item?: Kind;
  run: FastEvaluator;
  /** A literal list's values (only literal lists are lists here besides declared list fields). */
  literal?: readonly unknown[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// Called only as hasOwn.call(object, key), with its `this` given: unbound on purpose (fast in V8's hot paths).
// eslint-disable-next-line @typescript-eslint/unbound-method
const hasOwn = Object.prototype.hasOwnProperty;

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { op?: unknown }).op === 'string';
}

/** The kind of a declared CEL type, or null when the subset does not read it. */
function kindOfType(type: string): { kind: Kind; item?: Kind } | null {
  switch (type) {
    case 'int':
    case 'double':
    case 'string':
    case 'bool':
      return { kind: type };
    case 'google.protobuf.Timestamp':
      return { kind: 'timestamp' };
    case 'list<int>':
    case 'list<double>':
    case 'list<string>':
    case 'list<bool>':
      return { kind: 'list', item: type.slice(5, -1) as Kind };
    case 'map<string, int>':
    case 'map<string, double>':
    case 'map<string, string>':
    case 'map<string, bool>':
      return { kind: 'map', item: type.slice(12, -1) as Kind };
    default:
      return null;
  }
}

/** The kind of a JS value as cel-js types it, or null for values the subset does not handle. */
function kindOfValue(value: unknown): Kind | null {
  switch (typeof value) {
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? 'int' : null;
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'object':
      return value instanceof Date && value.constructor === Date ? 'timestamp' : null;
    default:
      return null;
  }
}

/** Does `value` have the JS type cel-js requires of a value of `kind`? */
function matches(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'int':
      return typeof value === 'bigint';
    case 'double':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'object' && value !== null && value.constructor === Date;
    case 'list':
      return Array.isArray(value) && value.constructor === Array;
    case 'map':
      return plainObject(value) !== null;
    case 'dyn':
      return false;
  }
}

/** A plain object (what cel-js reads fields of, through its own conversion). */
function plainObject(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null) return null;
  return Object.getPrototypeOf(value) === Object.prototype ? (value as Record<string, unknown>) : null;
}

class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

function constantOf(options: FastOptions, node: AstNode): Typed {
  let value: unknown;
  try {
    value = options.constant(node);
  } catch {
    return unsupported();
  }
  const kind = kindOfValue(value);
  if (kind === null) return unsupported();
  return { kind, run: () => value };
}

function literalList(node: AstNode): Typed {
  const items = node.args;
  if (!Array.isArray(items)) return unsupported();
  const values: unknown[] = [];
  let item: Kind | null = null;
  for (const element of items) {
    if (!isNode(element) || element.op !== 'value') return unsupported();
    const kind = kindOfValue(element.args);
    if (kind === null || kind === 'timestamp' || (item !== null && kind !== item)) return unsupported();
    item = kind;
    values.push(element.args);
  }
  if (item === null) return unsupported(); // empty list literal: leave it to cel-js
  const frozen = Object.freeze(values);
  return { kind: 'list', item, literal: frozen, run: () => frozen };
}

function fieldOf(options: FastOptions, node: AstNode): Typed {
  const args = node.args;
  if (!Array.isArray(args) || args.length !== 2 || !isNode(args[0]) || typeof args[1] !== 'string') return unsupported();
  const [left, field] = args as [AstNode, string];
  // offer.labels.x: a map<string, string> entry.
  if (left.op === '.' && Array.isArray(left.args) && isNode(left.args[0]) && left.args[0].op === 'id' && left.args[0].args === 'offer' && left.args[1] === 'labels') {
    if (options.variables['offer']?.['labels'] !== 'map<string, string>') return unsupported();
    return {
      kind: 'string',
      run: (context) => {
        if (!hasOwn.call(context, 'offer')) return UNSURE;
        const offer = plainObject(context['offer']);
        if (offer === null || !hasOwn.call(offer, 'labels')) return UNSURE;
        const labels = plainObject(offer['labels']);
        if (labels === null || !hasOwn.call(labels, field)) return UNSURE;
        const value = labels[field];
        return typeof value === 'string' ? value : UNSURE;
      },
    };
  }
  if (left.op !== 'id' || typeof left.args !== 'string') return unsupported();
  const variable = left.args;
  if (options.dynamicMaps.includes(variable)) {
    return {
      kind: 'dyn',
      run: (context) => {
        if (!hasOwn.call(context, variable)) return UNSURE;
        const map = plainObject(context[variable]);
        if (map === null || !hasOwn.call(map, field)) return UNSURE;
        const value = map[field];
        return value === undefined ? UNSURE : value;
      },
    };
  }
  const fields = options.variables[variable];
  if (fields === undefined || !hasOwn.call(fields, field)) return unsupported();
  const type = kindOfType(fields[field]!);
  if (type === null) return unsupported();
  const kind = type.kind;
  return {
    kind,
    item: type.item,
    run: (context) => {
      if (!hasOwn.call(context, variable)) return UNSURE;
      const object = plainObject(context[variable]);
      if (object === null || !hasOwn.call(object, field)) return UNSURE;
      const value = object[field];
      return matches(kind, value) ? value : UNSURE;
    },
  };
}

function bool(options: FastOptions, node: unknown): FastEvaluator {
  const typed = build(options, node);
  if (typed.kind !== 'bool') return unsupported();
  return typed.run;
}

function pair(options: FastOptions, node: AstNode): [Typed, Typed] {
  const args = node.args;
  if (!Array.isArray(args) || args.length !== 2) return unsupported();
  return [build(options, args[0]), build(options, args[1])];
}

const NUMERIC: ReadonlySet<Kind> = new Set<Kind>(['int', 'double']);

/** The kind a `dyn` value has at run time for an ordered comparison, or null (then UNSURE). */
function runtimeKind(value: unknown): Kind | null {
  switch (typeof value) {
    case 'number':
      return 'double';
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? 'int' : null;
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      return null;
  }
}

/** Can cel-js order values of these kinds (its overloads: numbers with numbers, else the same kind)? */
function orderable(a: Kind, b: Kind): boolean {
  return (NUMERIC.has(a) && NUMERIC.has(b)) || (a === b && (a === 'string' || a === 'bool' || a === 'timestamp'));
}

/** The JS operator of a CEL ordering comparison (`<` `<=` `>` `>=`). */
function ordering(op: string): (a: never, b: never) => boolean {
  return op === '<' ? (a, b) => a < b : op === '<=' ? (a, b) => a <= b : op === '>' ? (a, b) => a > b : (a, b) => a >= b;
}

function comparison(options: FastOptions, node: AstNode): Typed {
  const [left, right] = pair(options, node);
  if (left.kind === 'dyn' || right.kind === 'dyn') return dynamicComparison(node, left, right);
  const comparable =
    (NUMERIC.has(left.kind) && NUMERIC.has(right.kind)) ||
    (left.kind === right.kind && (left.kind === 'string' || left.kind === 'bool' || left.kind === 'timestamp'));
  if (!comparable) return unsupported();
  const l = left.run;
  const r = right.run;
  // cel-js's overloads are these JS operators (a BigInt and a number compare exactly; Dates by time).
  const compare = ordering(node.op);
  return {
    kind: 'bool',
    run: (context) => {
      const a = l(context);
      if (a === UNSURE) return UNSURE;
      const b = r(context);
      if (b === UNSURE) return UNSURE;
      return compare(a as never, b as never);
    },
  };
}

// A comparison with a `dyn` operand: cel-js picks the overload by the run-time types, and
// every ordering overload it has is the JS operator; other type pairs are UNSURE (cel-js throws).
function dynamicComparison(node: AstNode, left: Typed, right: Typed): Typed {
  if (left.kind === 'list' || right.kind === 'list' || left.kind === 'map' || right.kind === 'map' || left.kind === 'timestamp' || right.kind === 'timestamp') return unsupported();
  const l = left.run;
  const r = right.run;
  const lk = left.kind;
  const rk = right.kind;
  const compare = ordering(node.op);
  return {
    kind: 'bool',
    run: (context) => {
      const a = l(context);
      if (a === UNSURE) return UNSURE;
      const b = r(context);
      if (b === UNSURE) return UNSURE;
      const ak = lk === 'dyn' ? runtimeKind(a) : lk;
      const bk = rk === 'dyn' ? runtimeKind(b) : rk;
      if (ak === null || bk === null || !orderable(ak, bk)) return UNSURE;
      return compare(a as never, b as never);
    },
  };
}

function equality(options: FastOptions, node: AstNode): Typed {
  const [left, right] = pair(options, node);
  if (left.kind !== right.kind || left.kind === 'list' || left.kind === 'map' || left.kind === 'timestamp' || left.kind === 'dyn') return unsupported();
  const l = left.run;
  const r = right.run;
  const negate = node.op === '!=';
  return {
    kind: 'bool',
    run: (context) => {
      const a = l(context);
      if (a === UNSURE) return UNSURE;
      const b = r(context);
      if (b === UNSURE) return UNSURE;
      return negate ? a !== b : a === b;
    },
  };
}

function membership(options: FastOptions, node: AstNode): Typed {
  const [needle, haystack] = pair(options, node);
  if (haystack.kind === 'map') return mapMembership(needle, haystack);
  if (haystack.kind !== 'list' || haystack.item !== needle.kind) return unsupported();
  const n = needle.run;
  const h = haystack.run;
  const kind = needle.kind;
  return {
    kind: 'bool',
    run: (context) => {
      const value = n(context);
      if (value === UNSURE) return UNSURE;
      const list = h(context);
      if (list === UNSURE) return UNSURE;
      // cel-js: some element equal by its isEqual; for elements of the needle's JS type that is ===.
      for (const element of list as unknown[]) {
        if (!matches(kind, element)) return UNSURE;
        if (element === value) return true;
      }
      return false;
    },
  };
}

/** `key in m` on a declared map: cel-js's mapIncludes on a plain object (an own key whose value is not undefined). */
function mapMembership(needle: Typed, haystack: Typed): Typed {
  if (needle.kind !== 'string') return unsupported();
  const n = needle.run;
  const h = haystack.run;
  return {
    kind: 'bool',
    run: (context) => {
      const key = n(context);
      if (key === UNSURE) return UNSURE;
      const map = h(context);
      if (map === UNSURE) return UNSURE;
      const object = map as Record<string, unknown>;
      return hasOwn.call(object, key as string) ? object[key as string] !== undefined : false;
    },
  };
}

/** `m[key]` on a declared map: the entry when the map has it with a value of the declared type; else cel-js (which fails: no such key, or the wrong type). */
function mapIndex(options: FastOptions, node: AstNode): Typed {
  const [map, key] = pair(options, node);
  if (map.kind !== 'map' || map.item === undefined || key.kind !== 'string') return unsupported();
  const m = map.run;
  const k = key.run;
  const item = map.item;
  return {
    kind: item,
    run: (context) => {
      const object = m(context);
      if (object === UNSURE) return UNSURE;
      const name = k(context);
      if (name === UNSURE) return UNSURE;
      const entries = object as Record<string, unknown>;
      if (!hasOwn.call(entries, name as string)) return UNSURE;
      const value = entries[name as string];
      return matches(item, value) ? value : UNSURE;
    },
  };
}

/**
 * `has(profile.x)` / `has(session.x)` on a declared field: false when the member lacks it,
 * true when it holds a value of the declared type; anything else (a value of another type,
 * which cel-js refuses, or a name an object inherits) goes to cel-js.
 */
function presence(options: FastOptions, params: unknown[]): Typed {
  const target = params[0];
  if (params.length !== 1 || !isNode(target) || target.op !== '.' || !Array.isArray(target.args)) return unsupported();
  const [left, field] = target.args as [unknown, unknown];
  if (!isNode(left) || left.op !== 'id' || typeof left.args !== 'string' || typeof field !== 'string') return unsupported();
  const variable = left.args;
  if (options.dynamicMaps.includes(variable)) return unsupported();
  const fields = options.variables[variable];
  if (fields === undefined || !hasOwn.call(fields, field)) return unsupported();
  const type = kindOfType(fields[field]!);
  if (type === null) return unsupported();
  const kind = type.kind;
  return {
    kind: 'bool',
    run: (context) => {
      if (!hasOwn.call(context, variable)) return UNSURE;
      const object = plainObject(context[variable]);
      if (object === null) return UNSURE;
      if (!hasOwn.call(object, field)) return field in object ? UNSURE : false;
      const value = object[field];
      if (value === undefined) return false;
      return matches(kind, value) ? true : UNSURE;
    },
  };
}

function logical(options: FastOptions, node: AstNode): Typed {
  const args = node.args;
  if (!Array.isArray(args) || args.length !== 2) return unsupported();
  const l = bool(options, args[0]);
  const r = bool(options, args[1]);
  const stop = node.op === '||'; // the left value that decides the result
  return {
    kind: 'bool',
    run: (context) => {
      const a = l(context);
      if (a === stop) return stop;
      if (a === UNSURE) return UNSURE;
      return r(context);
    },
  };
}

/** A cel-js Duration: the methods its timestamp overloads call (`t + d`, `t - d`). */
interface CelDuration {
  extendTimestamp(timestamp: Date): Date;
  subtractTimestamp(timestamp: Date): Date;
}

function isCelDuration(value: unknown): value is CelDuration {
  return typeof value === 'object' && value !== null && typeof (value as Partial<CelDuration>).extendTimestamp === 'function' && typeof (value as Partial<CelDuration>).subtractTimestamp === 'function';
}

/** `timestamp ± duration("literal")`: the literal folded at load, the arithmetic done by cel-js's Duration as its overload does. */
function timestampShift(options: FastOptions, node: AstNode): Typed | null {
  const args = node.args;
  if ((node.op !== '+' && node.op !== '-') || !Array.isArray(args) || args.length !== 2) return null;
  const shift: unknown = args[1];
  if (!isNode(shift) || shift.op !== 'call' || !Array.isArray(shift.args) || shift.args[0] !== 'duration') return null;
  const params: unknown = shift.args[1];
  if (!Array.isArray(params) || params.length !== 1 || !isNode(params[0]) || params[0].op !== 'value') return null;
  const left = build(options, args[0]);
  if (left.kind !== 'timestamp') return unsupported();
  let duration: unknown;
  try {
    duration = options.constant(shift);
  } catch {
    return unsupported();
  }
  if (!isCelDuration(duration)) return unsupported();
  const d = duration;
  const l = left.run;
  const add = node.op === '+';
  return {
    kind: 'timestamp',
    run: (context) => {
      const t = l(context);
      if (t === UNSURE) return UNSURE;
      return add ? d.extendTimestamp(t as Date) : d.subtractTimestamp(t as Date);
    },
  };
}

const CONVERSIONS: Readonly<Record<string, Kind>> = { int: 'int', double: 'double', string: 'string', has: 'bool' };

/** Does the AST read the identifier `offer` and nothing else (no other variable, no inSegment, no macro variable)? */
function readsOfferOnly(node: unknown): boolean {
  let offer = false;
  const visit = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.every(visit);
    if (!isNode(n)) return true;
    if (n.op === 'id') {
      if (n.args !== 'offer') return false;
      offer = true;
      return true;
    }
    if (n.op === 'call' && Array.isArray(n.args) && n.args[0] === 'inSegment') return false;
    return visit(n.args);
  };
  return visit(node) && offer;
}

/** `int(…)`, `double(…)`, `string(…)` or `has(…)` of an offer-only expression: cel-js's value, once per offer object. */
function offerConversion(options: FastOptions, node: AstNode, name: string, params: unknown[]): Typed | null {
  const kind = hasOwn.call(CONVERSIONS, name) ? CONVERSIONS[name]! : null;
  if (kind === null || options.offerPart === undefined || params.length !== 1 || !readsOfferOnly(params[0])) return null;
  let evaluate: CelEvaluator;
  try {
    evaluate = options.offerPart(node);
  } catch {
    return unsupported();
  }
  const memo = new WeakMap<object, unknown>();
  return {
    kind,
    run: (context) => {
      if (!hasOwn.call(context, 'offer')) return UNSURE;
      const offer = plainObject(context['offer']);
      if (offer === null) return UNSURE;
      let value = memo.get(offer);
      if (value === undefined) {
        try {
          value = evaluate({ offer });
        } catch {
          value = UNSURE; // cel-js evaluates the whole expression and reports its error
        }
        if (value !== UNSURE && (!matches(kind, value) || (kind === 'int' && kindOfValue(value) !== 'int'))) value = UNSURE;
        memo.set(offer, value);
      }
      return value;
    },
  };
}

function arithmetic(options: FastOptions, node: AstNode): Typed {
  const shifted = timestampShift(options, node);
  if (shifted !== null) return shifted;
  const [left, right] = pair(options, node);
  if (left.kind === 'int' && right.kind === 'int' && node.op !== '/') return intArithmetic(node, left, right);
  if (left.kind !== 'double' || right.kind !== 'double') return unsupported();
  const l = left.run;
  const r = right.run;
  const op: (a: number, b: number) => number =
    node.op === '+' ? (a, b) => a + b : node.op === '-' ? (a, b) => a - b : node.op === '*' ? (a, b) => a * b : (a, b) => a / b;
  return {
    kind: 'double',
    run: (context) => {
      const a = l(context);
      if (a === UNSURE) return UNSURE;
      const b = r(context);
      if (b === UNSURE) return UNSURE;
      return op(a as number, b as number);
    },
  };
}

/** int `+`, `-`, `*`: BigInt arithmetic, as cel-js's overloads; a result outside int64 (cel-js: integer overflow) goes to cel-js. */
function intArithmetic(node: AstNode, left: Typed, right: Typed): Typed {
  const l = left.run;
  const r = right.run;
  const op: (a: bigint, b: bigint) => bigint = node.op === '+' ? (a, b) => a + b : node.op === '-' ? (a, b) => a - b : (a, b) => a * b;
  return {
    kind: 'int',
    run: (context) => {
      const a = l(context);
      if (a === UNSURE) return UNSURE;
      const b = r(context);
      if (b === UNSURE) return UNSURE;
      const result = op(a as bigint, b as bigint);
      return result < INT64_MIN || result > INT64_MAX ? UNSURE : result;
    },
  };
}

const STRING_METHODS: Record<string, (a: string, b: string) => boolean> = {
  startsWith: (a, b) => a.startsWith(b),
  endsWith: (a, b) => a.endsWith(b),
  contains: (a, b) => a.includes(b),
};

function call(options: FastOptions, node: AstNode): Typed {
  const args = node.args;
  if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[1])) return unsupported();
  const name = args[0];
  const params = args[1] as unknown[];
  if (name === 'inSegment') {
    if (!options.hasInSegment || params.length !== 1 || !isNode(params[0]) || params[0].op !== 'value' || typeof params[0].args !== 'string') return unsupported();
    const segment = params[0].args;
    const lookup = options.segmentLookup;
    return {
      kind: 'bool',
      run: () => {
        const current = lookup();
        if (current === null) return UNSURE;
        let member: unknown;
        try {
          member = current(segment);
        } catch {
          return UNSURE;
        }
        return typeof member === 'boolean' ? member : UNSURE;
      },
    };
  }
  if ((name === 'timestamp' || name === 'duration') && params.length === 1 && isNode(params[0]) && params[0].op === 'value') return constantOf(options, node);
  const converted = offerConversion(options, node, name, params);
  if (converted !== null) return converted;
  if (name === 'has') return presence(options, params);
  if (params.length !== 1) return unsupported();
  const arg = build(options, params[0]);
  const run = arg.run;
  if (name === 'size' && arg.kind === 'list') {
    return {
      kind: 'int',
      run: (context) => {
        const list = run(context);
        return list === UNSURE ? UNSURE : BigInt((list as unknown[]).length);
      },
    };
  }
  if (name === 'double' && arg.kind === 'double') return arg;
  if (name === 'double' && arg.kind === 'int') {
    return {
      kind: 'double',
      run: (context) => {
        const value = run(context);
        return value === UNSURE ? UNSURE : Number(value);
      },
    };
  }
  return unsupported();
}

function receiverCall(options: FastOptions, node: AstNode): Typed {
  const args = node.args;
  if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[2]) || args[2].length !== 1) return unsupported();
  const method = STRING_METHODS[args[0]];
  if (method === undefined || !hasOwn.call(STRING_METHODS, args[0])) return unsupported();
  const receiver = build(options, args[1]);
  const argument = build(options, (args[2] as unknown[])[0]);
  if (receiver.kind !== 'string' || argument.kind !== 'string') return unsupported();
  const a = receiver.run;
  const b = argument.run;
  return {
    kind: 'bool',
    run: (context) => {
      const text = a(context);
      if (text === UNSURE) return UNSURE;
      const search = b(context);
      if (search === UNSURE) return UNSURE;
      return method(text as string, search as string);
    },
  };
}

function build(options: FastOptions, node: unknown): Typed {
  if (!isNode(node)) return unsupported();
  switch (node.op) {
    case 'value': {
      const value = node.args;
      const kind = kindOfValue(value);
      if (kind === null) return unsupported();
      return { kind, run: () => value };
    }
    case 'list':
      return literalList(node);
    case 'id':
      if (node.args === 'now' && options.hasNow) {
        return {
          kind: 'timestamp',
          run: (context) => (hasOwn.call(context, 'now') && matches('timestamp', context['now']) ? context['now'] : UNSURE),
        };
      }
      return unsupported();
    case '.':
      return fieldOf(options, node);
    case '[]':
      return mapIndex(options, node);
    case '!_': {
      const operand = bool(options, node.args);
      return {
        kind: 'bool',
        run: (context) => {
          const value = operand(context);
          return value === UNSURE ? UNSURE : !value;
        },
      };
    }
    case '-_': {
      if (isNode(node.args) && node.args.op === 'value') return constantOf(options, node);
      const operand = build(options, node.args);
      if (operand.kind !== 'double') return unsupported();
      const run = operand.run;
      return {
        kind: 'double',
        run: (context) => {
          const value = run(context);
          return value === UNSURE ? UNSURE : -(value as number);
        },
      };
    }
    case '&&':
    case '||':
      return logical(options, node);
    case '==':
    case '!=':
      return equality(options, node);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(options, node);
    case 'in':
      return membership(options, node);
    case '+':
    case '-':
    case '*':
    case '/':
      return arithmetic(options, node);
    case '?:': {
      const args = node.args;
      if (!Array.isArray(args) || args.length !== 3) return unsupported();
      const condition = bool(options, args[0]);
      const yes = build(options, args[1]);
      const no = build(options, args[2]);
      if (yes.kind !== no.kind || yes.kind === 'list' || yes.kind === 'map' || yes.kind === 'dyn') return unsupported();
      const y = yes.run;
      const n = no.run;
      return {
        kind: yes.kind,
        run: (context) => {
          const c = condition(context);
          if (c === UNSURE) return UNSURE;
          return c ? y(context) : n(context);
        },
      };
    }
    case 'call':
      return call(options, node);
    case 'rcall':
      return receiverCall(options, node);
    default:
      return unsupported();
  }
}

/**
 * The fast closure of an expression's AST, or null when the expression uses anything
 * outside the subset. The closure returns UNSURE whenever it is not certain.
 */
export function buildFastEvaluator(ast: unknown, options: FastOptions): FastEvaluator | null {
  let typed: Typed;
  try {
    typed = build(options, ast);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  if (typed.kind === 'list' || typed.kind === 'map' || typed.kind === 'dyn') return null;
  const run = typed.run;
  return (context) => (plainObject(context) !== null ? run(context) : UNSURE);
}

/** The cel-js evaluator behind a fast closure: same function signature and AST. */
export function withFastPath<E extends CelEvaluator>(cel: E, fast: FastEvaluator): E {
  const evaluate = (context: Record<string, unknown>): unknown => {
    const result = fast(context);
    return result === UNSURE ? cel(context) : result;
  };
  return Object.assign(evaluate, { ast: cel.ast }) as unknown as E;
}
