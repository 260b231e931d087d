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
// - anything else (int arithmetic, indexes, map keys, macros, conversions) may fail, and
//   so may an offer-only expression that already failed for some offer at load.
// Per (zone, audience level) this gives the attributes to look at and whether the zone
// may fail whatever the member. A decision that may fail, or whose walk met a failure,
// runs the exhaustive error sweep (engine.ts), so `errors` is the same as if every rule
// had been evaluated.
import type { AttributeDeclaration } from '../bundle/index.js';
import type { CompiledBundle, CompiledChannel, CompiledRule, CompiledSegment, Evaluator } from './compiled-types.js';

/** Numbers read from a profile or session (and offer costs) are bounded by this for the analysis to hold. */
export const MAGNITUDE = 1e15;
const FINITE_LIMIT = 1e300;

export interface ZoneRisk {
  /** A failure is possible whatever the member. */
  always: boolean;
  /** Attributes whose absence (or out-of-bounds value) makes a failure possible. */
  profile: string[];
  session: string[];
}

interface AstNode {
  op: string;
  args: unknown;
}

type NumberKind = 'int' | 'double' | 'other';

interface Analysis {
  total: boolean;
  kind: NumberKind;
  /** Upper bound of the magnitude of a double result. */
  magnitude: number;
}

const PARTIAL: Analysis = { total: false, kind: 'other', magnitude: Infinity };
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
  reads: { profile: Set<string>; session: Set<string>; segments: Set<string> };
}

function declaredKind(declaration: AttributeDeclaration | undefined): NumberKind {
  if (declaration === undefined) return 'other';
  return declaration.type === 'int' ? 'int' : declaration.type === 'double' ? 'double' : 'other';
}

function analyse(node: unknown, scope: Scope): Analysis {
  if (!isNode(node)) return PARTIAL;
  const args = node.args;
  switch (node.op) {
    case 'value':
      if (typeof args === 'number') return { total: true, kind: 'double', magnitude: Math.abs(args) };
      if (typeof args === 'bigint') return { total: true, kind: 'int', magnitude: Infinity };
      return { total: true, kind: 'other', magnitude: Infinity };
    case 'id':
      return args === 'now' || args === 'offer' ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
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
      return { total: true, kind, magnitude: kind === 'double' ? MAGNITUDE : Infinity };
    }
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
      // Only double arithmetic cannot fail (int arithmetic can overflow or divide by zero).
      if (!left.total || !right.total || left.kind !== 'double' || right.kind !== 'double') return PARTIAL;
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
      if (name === 'inSegment' || name === 'timestamp') {
        const literal = params.length === 1 && isNode(params[0]) && params[0].op === 'value' && typeof params[0].args === 'string' ? params[0].args : null;
        if (literal === null) return PARTIAL;
        if (name === 'timestamp') return TIMESTAMP.test(literal) && !Number.isNaN(Date.parse(literal)) ? { total: true, kind: 'other', magnitude: Infinity } : PARTIAL;
        scope.reads.segments.add(literal);
        return { total: true, kind: 'other', magnitude: Infinity };
      }
      if (params.length !== 1) return PARTIAL;
      const inner = analyse(params[0], scope);
      if (!inner.total) return PARTIAL;
      if (name === 'size') return { total: true, kind: 'int', magnitude: Infinity };
      if (name === 'double' && (inner.kind === 'int' || inner.kind === 'double')) return { total: true, kind: 'double', magnitude: MAGNITUDE };
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

/** Cannot fail on present, bounded inputs? Scores must also stay finite. Adds what it reads to the scope. */
function cannotFail(evaluator: Evaluator, scope: Scope, score: boolean): boolean {
  const ast = (evaluator as unknown as { ast?: unknown }).ast;
  const analysis = analyse(ast, scope);
  if (!analysis.total) return false;
  if (!score) return true;
  return analysis.kind === 'double' && analysis.magnitude < FINITE_LIMIT;
}

/** Per audience level of the channel: the risk of a zone's rules (in precedence order). */
export function zoneRisk(compiled: CompiledBundle, channel: CompiledChannel, rules: readonly CompiledRule[], levelName: string, loadFailures: ReadonlySet<CompiledRule>): ZoneRisk {
  const level = channel.levels.find((l) => l.name === levelName);
  const risk: ZoneRisk = { always: false, profile: [], session: [] };
  if (level === undefined) return { ...risk, always: true };
  const scope: Scope = {
    profile: level.attributes,
    session: channel.sessionAttributes,
    idField: level.idField,
    reads: { profile: new Set(), session: new Set(), segments: new Set() },
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
    // Offer-only expressions were evaluated at load; the rest are analysed.
    if (rule.eligibility !== null && rule.eligibilityReads?.member && !cannotFail(rule.eligibility, scope, false)) risk.always = true;
    if (rule.scoreExpression !== null && rule.scoreReads?.member && !cannotFail(rule.scoreExpression, scope, true)) risk.always = true;
  }
  // inSegment() inside eligibility and scores.
  for (const name of [...scope.reads.segments]) {
    const used = compiled.segmentByName.get(name);
    if (used !== undefined) visitSegment(used);
  }
  risk.profile = [...scope.reads.profile];
  risk.session = [...scope.reads.session];
  return risk;
}

/** Is every attribute the zone reads present and in bounds? (Then no expression of the zone can fail for this member.) */
export function inputsAreSafe(risk: ZoneRisk, profile: Record<string, unknown>, session: Record<string, unknown>): boolean {
  if (risk.always) return false;
  for (const name of risk.profile) if (!safeValue(profile[name])) return false;
  for (const name of risk.session) if (!safeValue(session[name])) return false;
  return true;
}

function safeValue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number') return Math.abs(value) <= MAGNITUDE;
  return true;
}
