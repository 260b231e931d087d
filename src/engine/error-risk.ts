// Can this member's decision at this zone meet a run-time expression failure (docs/decisions.md#run-time-expression-failures
// step 2: "an expression that fails at run time is false … and is reported")? A decision
// reports the failures of every rule of the zone, also of rules whose offers could never
// reach the response; the lazy walk (ranked-walk.ts) does not evaluate those. So when a
// bundle loads, each zone's expressions are checked for the failures they can have:
// - an expression built only from operations that cannot fail on well-typed, present,
//   bounded inputs (comparisons, &&, ||, !, ?:, `in`, lists, size(), startsWith…,
//   double(), timestamp("literal"), inSegment("literal"), double arithmetic, and for
//   scores a magnitude that stays finite) fails only when an attribute it reads is absent
//   from the profile or session, or is out of bounds;
//   Also: int +, - and * whose operands' magnitudes bound the result well inside int64
//   (declared int attributes are bounded like numbers), `now ± duration("literal")`
//   (cel-js's timestamp arithmetic does not fail), and an offer-only part of a rule's
//   expression — `int(…)`, `double(…)`, `string(…)` of offer fields, `offer.labels.x` —
//   that gave a value of its type for every offer of the rule when evaluated at load (it
//   reads nothing else, so it gives the same values in every decision); `has()` of a
//   declared profile or session field (absent or present, it does not fail); and a map
//   attribute's entry by `offer.name` or a string literal, which fails only when the
//   member's map lacks it, so each such entry is checked like an attribute (MapKey);
// - anything else (other int arithmetic, indexes, map keys, macros, conversions) may
//   fail, and so may an offer-only expression that already failed for some offer at load.
// Per (zone, audience level) this gives the attributes to look at and whether the zone
// may fail whatever the member. A decision that may fail, or whose walk met a failure,
// runs the error sweep (engine.ts), so `errors` is the same as if every rule had been
// evaluated. The same analysis per rule says which rules the sweep must evaluate for a
// member (rulesAtRisk): a rule that cannot fail for this member's inputs adds no error
// whether it is evaluated or not, and the rules that can fail are evaluated in
// precedence order exactly as the exhaustive pass would, so the errors and their order
// are the same while a sweep evaluates a few rules instead of every rule of the zone.
import type { AttributeDeclaration } from '../bundle/index.js';
import type { CompiledBundle, CompiledChannel, CompiledRule, CompiledSegment, Evaluator } from './compiled-types.js';

/** Numbers read from a profile or session (and offer costs) are bounded by this for the analysis to hold. */
export const MAGNITUDE = 1e15;
const MAGNITUDE_INT = BigInt(MAGNITUDE);
const FINITE_LIMIT = 1e300;

export interface ZoneRisk {
  /** A failure is possible whatever the member. */
  always: boolean;
  /** Attributes whose absence (or out-of-bounds value) makes a failure possible. */
  profile: string[];
  session: string[];
  /** Map entries whose absence (or out-of-bounds value) makes a failure possible. */
  keys: MapKey[];
  /** The same per rule, for the zone's rules that may fail at all (precedence order). */
  rules: RuleRisk[];
  /** The rules that may fail whatever the member (precedence order). */
  alwaysRules: CompiledRule[];
  /**
   * Per attribute: the indexes into `rules` of the rules that are not `always` and read it
   * (ascending), so a member missing one attribute finds its rules at risk without
   * looking at every rule of the zone.
   */
  byProfile: Map<string, number[]>;
  bySession: Map<string, number[]>;
  /** The same per map entry, in the order of `keys` (a decision finds them without building the entry's id). */
  byKey: number[][];
  /** The indexes into `rules` of `alwaysRules`. */
  alwaysAt: number[];
}

export interface RuleRisk {
  rule: CompiledRule;
  always: boolean;
  profile: string[];
  session: string[];
  keys: MapKey[];
}

/**
 * An entry of a map attribute an expression indexes (`profile.modelScores[offer.name]`, or a
 * string literal key): the index fails when the member's map lacks the key, and a score from
 * it is bounded only when the value is, so the entry is checked like an attribute.
 */
export interface MapKey {
  variable: 'profile' | 'session';
  field: string;
  key: string;
}

function mapKeyId(key: MapKey): string {
  return `${key.variable}\0${key.field}\0${key.key}`;
}

interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
}

type NumberKind = 'int' | 'double' | 'timestamp' | 'duration' | 'other';

interface Analysis {
  total: boolean;
  kind: NumberKind;
  /** Upper bound of the magnitude of a double result. */
  magnitude: number;
}

const PARTIAL: Analysis = { total: false, kind: 'other', magnitude: Infinity };
/** int arithmetic whose result stays below this in magnitude cannot overflow int64 (≈ 9.2e18). */
const INT_LIMIT = 9e15;
/** Durations up to this many milliseconds (about 300 years) keep any decision day's `now ±` them a valid date. */
const DURATION_LIMIT_MS = 1e13;
/** A duration literal cel-js parses: a sign, then numbers with units (a strict subset of what it accepts). */
const DURATION = /^[+-]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
const CONVERSIONS: ReadonlySet<string> = new Set(['int', 'double', 'string']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const SAFE_METHODS: ReadonlySet<string> = new Set(['startsWith', 'endsWith', 'contains']);
const BOOLEAN_OPS: ReadonlySet<string> = new Set(['&&', '||', '==', '!=', '<', '<=', '>', '>=', 'in']);

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { op?: unknown }).op === 'string';
}

interface Scope {
  profile: Record<string, AttributeDeclaration>;
  session: Record<string, AttributeDeclaration>;
  idField: string;
  reads: { profile: Set<string>; session: Set<string>; segments: Set<string>; keys: Map<string, MapKey> };
  /** The names of the offers of the rule analysed (an index by `offer.name` reads one entry per offer); null for a segment. */
  offerNames: readonly string[] | null;
  /** The values of an offer-only part of the expression for each of the rule's offers (null: unknown). */
  offerTerm: ((node: AstNode) => unknown[] | null) | null;
}

/** Milliseconds of a duration literal, or null when it is not one the analysis knows cel-js parses. */
function durationMs(literal: string): number | null {
  if (!DURATION.test(literal)) return null;
  let ms = 0;
  for (const [, amount, , unit] of literal.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  return ms;
}

/** The identifiers an AST reads, and whether it calls inSegment(). */
function identifiers(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) identifiers(item, into);
  else if (isNode(node)) {
    if (node.op === 'id' && typeof node.args === 'string') into.add(node.args);
    else if (node.op === 'call' && Array.isArray(node.args) && node.args[0] === 'inSegment') into.add('inSegment()');
    identifiers(node.args, into);
  }
  return into;
}

/** `int(…)`, `double(…)`, `string(…)` of an expression reading only `offer`, or `offer.labels.x`: its type is fixed and its value depends on the offer alone. */
function offerTermKind(node: AstNode): 'int' | 'double' | 'string' | 'bool' | null {
  const args = node.args;
  if (!Array.isArray(args)) return null;
  if (node.op === '.') {
    const left: unknown = args[0];
    return isNode(left) && left.op === '.' && Array.isArray(left.args) && isNode(left.args[0]) && left.args[0].op === 'id' && left.args[0].args === 'offer' && left.args[1] === 'labels' && typeof args[1] === 'string' ? 'string' : null;
  }
  if (node.op !== 'call' || typeof args[0] !== 'string' || !Array.isArray(args[1]) || args[1].length !== 1) return null;
  const kind = CONVERSIONS.has(args[0]) ? (args[0] as 'int' | 'double' | 'string') : args[0] === 'has' ? 'bool' : null;
  if (kind === null) return null;
  const ids = identifiers(args[1], new Set());
  return ids.size === 1 && ids.has('offer') ? kind : null;
}

/** An offer-only part is total when it gave a value of its type for every offer of the rule at load. */
function offerTermAnalysis(kind: 'int' | 'double' | 'string' | 'bool', values: unknown[] | null): Analysis {
  if (values === null) return PARTIAL;
  let magnitude = 0;
  for (const value of values) {
    if (kind === 'bool') {
      if (typeof value !== 'boolean') return PARTIAL;
    } else if (kind === 'string') {
      if (typeof value !== 'string') return PARTIAL;
    } else if (kind === 'int') {
      if (typeof value !== 'bigint') return PARTIAL;
      magnitude = Math.max(magnitude, Math.abs(Number(value)));
    } else {
      if (typeof value !== 'number') return PARTIAL;
      magnitude = Number.isFinite(value) ? Math.max(magnitude, Math.abs(value)) : Infinity;
    }
  }
  return kind === 'string' || kind === 'bool' ? { total: true, kind: 'other', magnitude: Infinity } : { total: true, kind, magnitude };
}

function declaredKind(declaration: AttributeDeclaration | undefined): NumberKind {
  if (declaration === undefined) return 'other';
  return declaration.type === 'int' ? 'int' : declaration.type === 'double' ? 'double' : 'other';
}

function analyse(node: unknown, scope: Scope): Analysis {
  const analysis = analyseNode(node, scope);
  if (analysis.total || scope.offerTerm === null || !isNode(node)) return analysis;
  const kind = offerTermKind(node);
  return kind === null ? analysis : offerTermAnalysis(kind, scope.offerTerm(node));
}

function analyseNode(node: unknown, scope: Scope): Analysis {
  if (!isNode(node)) return PARTIAL;
  const args = node.args;
  switch (node.op) {
    case 'value':
      if (typeof args === 'number') return { total: true, kind: 'double', magnitude: Math.abs(args) };
      if (typeof args === 'bigint') return { total: true, kind: 'int', magnitude: Math.abs(Number(args)) };
      return { total: true, kind: 'other', magnitude: Infinity };
    case 'id':
      if (args === 'now') return { total: true, kind: 'timestamp', magnitude: Infinity };
      return args === 'offer' ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
    case '.': {
      if (!Array.isArray(args) || !isNode(args[0]) || args[0].op !== 'id' || typeof args[1] !== 'string') return PARTIAL;
      const variable = args[0].args;
      const field = args[1];
      if (variable === 'offer') {
        if (field === 'cost') return { total: true, kind: 'double', magnitude: MAGNITUDE };
        return field === 'name' || field === 'displayName' ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
      }
      const declarations = variable === 'profile' ? scope.profile : variable === 'session' ? scope.session : null;
      if (declarations === null) return PARTIAL;
      const declared = Object.prototype.hasOwnProperty.call(declarations, field) ? declarations[field] : undefined;
      if (declared === undefined && !(variable === 'profile' && field === scope.idField)) return PARTIAL;
      (variable === 'profile' ? scope.reads.profile : scope.reads.session).add(field);
      const kind = declaredKind(declared);
      return { total: true, kind, magnitude: kind === 'double' || kind === 'int' ? MAGNITUDE : Infinity };
    }
    case '[]':
      return mapIndex(args, scope);
    case '!_': {
      const inner = analyse(args, scope);
      return inner.total ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
    }
    case '-_': {
      const inner = analyse(args, scope);
      return inner.total && inner.kind === 'double' ? inner : PARTIAL;
    }
    case 'list': {
      if (!Array.isArray(args)) return PARTIAL;
      for (const item of args) if (!analyse(item, scope).total) return PARTIAL;
      return { total: true, kind: 'other', magnitude: Infinity };
    }
    case '?:': {
      if (!Array.isArray(args) || args.length !== 3) return PARTIAL;
      const [test, yes, no] = args.map((a) => analyse(a, scope)) as [Analysis, Analysis, Analysis];
      if (!test.total || !yes.total || !no.total) return PARTIAL;
      return { total: true, kind: yes.kind === no.kind ? yes.kind : 'other', magnitude: Math.max(yes.magnitude, no.magnitude) };
    }
    case '+':
    case '-':
    case '*':
    case '/': {
      if (!Array.isArray(args) || args.length !== 2) return PARTIAL;
      const left = analyse(args[0], scope);
      const right = analyse(args[1], scope);
      if (!left.total || !right.total) return PARTIAL;
      // cel-js adds and subtracts a duration to a timestamp without a range check; a bounded literal keeps the date valid.
      if ((node.op === '+' || node.op === '-') && left.kind === 'timestamp' && right.kind === 'duration' && right.magnitude <= DURATION_LIMIT_MS) {
        return { total: true, kind: 'timestamp', magnitude: Infinity };
      }
      // int +, -, * overflow only past int64; / and % may divide by zero.
      if (left.kind === 'int' && right.kind === 'int' && node.op !== '/') {
        const magnitude = node.op === '*' ? left.magnitude * right.magnitude : left.magnitude + right.magnitude;
        return magnitude <= INT_LIMIT ? { total: true, kind: 'int', magnitude } : PARTIAL;
      }
      // Double arithmetic cannot fail.
      if (left.kind !== 'double' || right.kind !== 'double') return PARTIAL;
      let magnitude: number;
      if (node.op === '+' || node.op === '-') magnitude = left.magnitude + right.magnitude;
      else if (node.op === '*') magnitude = left.magnitude * right.magnitude;
      else {
        const divisor: unknown = args[1];
        magnitude = isNode(divisor) && divisor.op === 'value' && typeof divisor.args === 'number' && divisor.args !== 0 ? left.magnitude / Math.abs(divisor.args) : Infinity;
      }
      return { total: true, kind: 'double', magnitude };
    }
    case 'call': {
      if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[1])) return PARTIAL;
      const name = args[0];
      const params = args[1] as unknown[];
      if (name === 'duration') {
        const literal = params.length === 1 && isNode(params[0]) && params[0].op === 'value' && typeof params[0].args === 'string' ? params[0].args : null;
        const ms = literal === null ? null : durationMs(literal);
        return ms === null ? PARTIAL : { total: true, kind: 'duration', magnitude: ms };
      }
      if (name === 'inSegment' || name === 'timestamp') {
        const literal = params.length === 1 && isNode(params[0]) && params[0].op === 'value' && typeof params[0].args === 'string' ? params[0].args : null;
        if (literal === null) return PARTIAL;
        if (name === 'timestamp') return TIMESTAMP.test(literal) && !Number.isNaN(Date.parse(literal)) ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
        scope.reads.segments.add(literal);
        return { total: true, kind: 'other', magnitude: Infinity };
      }
      if (name === 'has') return presence(params, scope);
      if (params.length !== 1) return PARTIAL;
      const inner = analyse(params[0], scope);
      if (!inner.total) return PARTIAL;
      if (name === 'size') return { total: true, kind: 'int', magnitude: Infinity };
      if (name === 'double' && (inner.kind === 'int' || inner.kind === 'double')) {
        // double() of a double is that double, infinite or not; an int of unknown magnitude is a size(), far below MAGNITUDE.
        return { total: true, kind: 'double', magnitude: Number.isFinite(inner.magnitude) ? Math.max(MAGNITUDE, inner.magnitude) : inner.kind === 'int' ? MAGNITUDE : Infinity };
      }
      return PARTIAL;
    }
    case 'rcall': {
      if (!Array.isArray(args) || typeof args[0] !== 'string' || !SAFE_METHODS.has(args[0]) || !Array.isArray(args[2])) return PARTIAL;
      if (!analyse(args[1], scope).total) return PARTIAL;
      for (const param of args[2] as unknown[]) if (!analyse(param, scope).total) return PARTIAL;
      return { total: true, kind: 'other', magnitude: Infinity };
    }
    default: {
      if (!BOOLEAN_OPS.has(node.op) || !Array.isArray(args) || args.length !== 2) return PARTIAL;
      if (!analyse(args[0], scope).total || !analyse(args[1], scope).total) return PARTIAL;
      return { total: true, kind: 'other', magnitude: Infinity };
    }
  }
}

/** `has(profile.x)` / `has(session.x)` of a declared field: absent or present, it does not fail on a well-typed input, and reads nothing that must be there. */
function presence(params: unknown[], scope: Scope): Analysis {
  const target = params[0];
  if (params.length !== 1 || !isNode(target) || target.op !== '.' || !Array.isArray(target.args)) return PARTIAL;
  const [left, field] = target.args as [unknown, unknown];
  if (!isNode(left) || left.op !== 'id' || typeof field !== 'string') return PARTIAL;
  const declarations = left.args === 'profile' ? scope.profile : left.args === 'session' ? scope.session : null;
  if (declarations === null || !Object.prototype.hasOwnProperty.call(declarations, field)) return PARTIAL;
  return { total: true, kind: 'other', magnitude: Infinity };
}

/**
 * `profile.m[offer.name]` or `profile.m["key"]` on a declared map attribute: fails only when
 * the member's map lacks the entry, so it is total once the entries it reads are checked like
 * attributes (present, and a number within the bounds). Any other index may fail.
 */
function mapIndex(args: unknown, scope: Scope): Analysis {
  if (!Array.isArray(args) || args.length !== 2) return PARTIAL;
  const [map, key] = args as [unknown, unknown];
  if (!isNode(map) || map.op !== '.' || !Array.isArray(map.args) || !isNode(map.args[0]) || map.args[0].op !== 'id' || typeof map.args[1] !== 'string') return PARTIAL;
  const variable = map.args[0].args;
  if (variable !== 'profile' && variable !== 'session') return PARTIAL;
  const field = map.args[1];
  const declarations = variable === 'profile' ? scope.profile : scope.session;
  const declared = Object.prototype.hasOwnProperty.call(declarations, field) ? declarations[field] : undefined;
  if (declared === undefined || declared.type !== 'map') return PARTIAL;
  let keys: readonly string[];
  if (isNode(key) && key.op === 'value' && typeof key.args === 'string') keys = [key.args];
  else if (isNode(key) && key.op === '.' && Array.isArray(key.args) && isNode(key.args[0]) && key.args[0].op === 'id' && key.args[0].args === 'offer' && key.args[1] === 'name' && scope.offerNames !== null) keys = scope.offerNames;
  else return PARTIAL;
  for (const name of keys) {
    const entry: MapKey = { variable, field, key: name };
    scope.reads.keys.set(mapKeyId(entry), entry);
  }
  const kind = declared.values === 'double' ? 'double' : declared.values === 'int' ? 'int' : 'other';
  return { total: true, kind, magnitude: kind === 'other' ? Infinity : MAGNITUDE };
}

/** Cannot fail on present, bounded inputs? Scores must also stay finite. Adds what it reads to the scope. */
function cannotFail(evaluator: Evaluator, scope: Scope, score: boolean, rule: CompiledRule | null = null): boolean {
  const ast = (evaluator as unknown as { ast?: unknown }).ast;
  const term = rule?.offerTerm ?? null;
  scope.offerTerm = term === null ? null : (node) => term(score ? 'scoreExpression' : 'eligibility', node);
  const analysis = analyse(ast, scope);
  scope.offerTerm = null;
  if (!analysis.total) return false;
  if (!score) return true;
  return analysis.kind === 'double' && analysis.magnitude < FINITE_LIMIT;
}

/**
 * Per audience level of the channel: the risk of a zone's rules (in precedence order), and
 * of each rule on its own. `always` marks every rule as one that may fail whatever the member.
 */
export function zoneRisk(compiled: CompiledBundle, channel: CompiledChannel, rules: readonly CompiledRule[], levelName: string, loadFailures: ReadonlySet<CompiledRule>, always = false): ZoneRisk {
  // The zone's risk is the union of its rules' (what one pass over all of them would find).
  const risk: ZoneRisk = { always, profile: [], session: [], keys: [], rules: [], alwaysRules: [], byProfile: new Map(), bySession: new Map(), byKey: [], alwaysAt: [] };
  const byKey = new Map<string, number[]>();
  const profile = new Set<string>();
  const session = new Set<string>();
  const keys = new Map<string, MapKey>();
  for (const rule of rules) {
    const one = analyseRules(compiled, channel, [rule], levelName, loadFailures);
    if (always) one.always = true;
    if (one.always) risk.always = true;
    for (const name of one.profile) profile.add(name);
    for (const name of one.session) session.add(name);
    for (const key of one.keys) keys.set(mapKeyId(key), key);
    if (!one.always && one.profile.length === 0 && one.session.length === 0 && one.keys.length === 0) continue;
    const at = risk.rules.length;
    risk.rules.push({ rule, ...one });
    if (one.always) {
      risk.alwaysRules.push(rule);
      risk.alwaysAt.push(at);
      continue;
    }
    for (const name of one.profile) appendIndex(risk.byProfile, name, at);
    for (const name of one.session) appendIndex(risk.bySession, name, at);
    for (const key of one.keys) appendIndex(byKey, mapKeyId(key), at);
  }
  risk.profile = [...profile];
  risk.session = [...session];
  risk.keys = [...keys.values()];
  risk.byKey = risk.keys.map((key) => byKey.get(mapKeyId(key)) ?? []);
  return risk;
}

function analyseRules(compiled: CompiledBundle, channel: CompiledChannel, rules: readonly CompiledRule[], levelName: string, loadFailures: ReadonlySet<CompiledRule>): Omit<RuleRisk, 'rule'> {
  const level = channel.levels.find((l) => l.name === levelName);
  const risk = { always: false, profile: [] as string[], session: [] as string[], keys: [] as MapKey[] };
  if (level === undefined) return { ...risk, always: true };
  const scope: Scope = {
    profile: level.attributes,
    session: channel.sessionAttributes,
    idField: level.idField,
    reads: { profile: new Set(), session: new Set(), segments: new Set(), keys: new Map() },
    offerNames: null,
    offerTerm: null,
  };
  const segmentsSeen = new Set<CompiledSegment>();
  const visitSegment = (segment: CompiledSegment): void => {
    // A segment of another channel or level is never evaluated for this member.
    if (segmentsSeen.has(segment) || segment.channel !== channel.name || segment.level !== levelName) return;
    segmentsSeen.add(segment);
    const before = new Set(scope.reads.segments);
    if (!cannotFail(segment.evaluate, scope, false)) risk.always = true;
    for (const name of scope.reads.segments) {
      if (before.has(name)) continue;
      const used = compiled.segmentByName.get(name);
      if (used !== undefined) visitSegment(used);
    }
  };
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (rule.segment !== null) {
      if (rule.segment.channel !== channel.name || rule.segment.level !== levelName) continue;
      visitSegment(rule.segment);
    }
    if (loadFailures.has(rule)) risk.always = true;
    scope.offerNames = rule.offers.map((offer) => offer.name);
    // Offer-only expressions were evaluated at load; the rest are analysed.
    if (rule.eligibility !== null && rule.eligibilityReads?.member && !cannotFail(rule.eligibility, scope, false, rule)) risk.always = true;
    if (rule.scoreExpression !== null && rule.scoreReads?.member && !cannotFail(rule.scoreExpression, scope, true, rule)) risk.always = true;
    scope.offerNames = null;
  }
  // inSegment() inside eligibility and scores.
  for (const name of [...scope.reads.segments]) {
    const used = compiled.segmentByName.get(name);
    if (used !== undefined) visitSegment(used);
  }
  risk.profile = [...scope.reads.profile];
  risk.session = [...scope.reads.session];
  risk.keys = [...scope.reads.keys.values()];
  return risk;
}

/** Is every attribute the zone reads present and in bounds? (Then no expression of the zone can fail for this member.) */
export function inputsAreSafe(risk: ZoneRisk, profile: Record<string, unknown>, session: Record<string, unknown>): boolean {
  if (risk.always) return false;
  for (const name of risk.profile) if (!safeValue(profile[name])) return false;
  for (const name of risk.session) if (!safeValue(session[name])) return false;
  for (const key of risk.keys) if (!safeEntry(key, profile, session)) return false;
  return true;
}

/** Does the member's map hold the entry, with a value in bounds? */
function safeEntry(key: MapKey, profile: Record<string, unknown>, session: Record<string, unknown>): boolean {
  const map = (key.variable === 'profile' ? profile : session)[key.field];
  if (typeof map !== 'object' || map === null || !Object.prototype.hasOwnProperty.call(map, key.key)) return false;
  return safeValue((map as Record<string, unknown>)[key.key]);
}

function appendIndex(index: Map<string, number[]>, name: string, at: number): void {
  const list = index.get(name);
  if (list === undefined) index.set(name, [at]);
  else if (list[list.length - 1] !== at) list.push(at);
}

/**
 * The rules of the zone that may fail for this member (precedence order): those that may
 * fail whatever the member, and those reading an attribute that is absent or out of bounds.
 * A member with every attribute present costs one look at each attribute the zone reads;
 * one missing some costs the rules that read those, not every rule of the zone.
 */
export function rulesAtRisk(risk: ZoneRisk, profile: Record<string, unknown>, session: Record<string, unknown>): CompiledRule[] {
  let unsafe: number[][] | null = null;
  for (const name of risk.profile) if (!safeValue(profile[name])) (unsafe ??= []).push(risk.byProfile.get(name) ?? []);
  for (const name of risk.session) if (!safeValue(session[name])) (unsafe ??= []).push(risk.bySession.get(name) ?? []);
  for (let k = 0; k < risk.keys.length; k++) if (!safeEntry(risk.keys[k]!, profile, session)) (unsafe ??= []).push(risk.byKey[k]!);
  if (unsafe === null) return risk.alwaysRules;
  const at: number[] = risk.alwaysAt.slice();
  for (const list of unsafe) for (const index of list) at.push(index);
  at.sort((a, b) => a - b);
  const rules: CompiledRule[] = [];
  let previous = -1;
  for (const index of at) {
    if (index === previous) continue;
    previous = index;
    rules.push(risk.rules[index]!.rule);
  }
  return rules;
}

function safeValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number') return Math.abs(value) <= MAGNITUDE;
  if (typeof value === 'bigint') return value <= MAGNITUDE_INT && value >= -MAGNITUDE_INT;
  return true;
}
