// Enum literals (docs/config-language.md#types-and-expressions, attribute `enum`): an expression that compares an enum attribute
// with a value outside its enum (`profile.tier == "platinium"`) type-checks, yet can never
// be true — almost always a typo. This finds such literals in `==`, `!=` and `in [..]`
// comparisons against `profile.<attr>` / `session.<attr>`, and in `"x" in profile.<list>`
// for a list whose items have an enum, with the literal's range.
import type { ASTNode } from '@marcbachmann/cel-js';
import type { AttributeDeclaration } from '../bundle/index.js';
import type { ExpressionRange } from './check.js';

export interface EnumLiteralProblem {
  variable: 'profile' | 'session';
  attribute: string;
  value: string | number;
  allowed: (string | number)[];
  /** A list attribute (the literal is an item it could never hold). */
  list: boolean;
  range: ExpressionRange;
}

interface Node {
  op: string;
  args: unknown;
  range: ExpressionRange;
}

type Declarations = Partial<Record<'profile' | 'session', Record<string, AttributeDeclaration>>>;

/** The enum declaration a `profile.x` / `session.x` node reads, if any. */
function enumTarget(node: Node, declarations: Declarations): { variable: 'profile' | 'session'; attribute: string; allowed: (string | number)[]; list: boolean } | null {
  if (node.op !== '.' || !Array.isArray(node.args)) return null;
  const [object, attribute] = node.args as [Node, unknown];
  if (object?.op !== 'id' || (object.args !== 'profile' && object.args !== 'session') || typeof attribute !== 'string') return null;
  const variable = object.args;
  const declaration = declarations[variable]?.[attribute];
  if (!declaration || !declaration.enum) return null;
  return { variable, attribute, allowed: declaration.enum, list: declaration.type === 'list' };
}

function literal(node: Node): string | number | null {
  if (node?.op !== 'value') return null;
  const value = node.args;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

function isAllowed(value: string | number, allowed: (string | number)[]): boolean {
  return allowed.some((a) => a === value || (typeof a === 'number' && typeof value === 'number' && a === value));
}

export function findEnumLiteralProblems(ast: ASTNode, declarations: Declarations): EnumLiteralProblem[] {
  const problems: EnumLiteralProblem[] = [];
  const check = (target: ReturnType<typeof enumTarget>, valueNode: Node): void => {
    if (!target) return;
    const value = literal(valueNode);
    if (value === null || isAllowed(value, target.allowed)) return;
    problems.push({ ...target, value, range: { start: valueNode.range.start, end: valueNode.range.end } });
  };
  const visit = (raw: unknown): void => {
    if (!raw || typeof raw !== 'object') return;
    if (Array.isArray(raw)) {
      for (const child of raw) visit(child);
      return;
    }
    const node = raw as Node;
    if ((node.op === '==' || node.op === '!=') && Array.isArray(node.args)) {
      const [left, right] = node.args as [Node, Node];
      const scalar = (target: ReturnType<typeof enumTarget>) => (target && !target.list ? target : null);
      check(scalar(enumTarget(left, declarations)), right);
      check(scalar(enumTarget(right, declarations)), left);
    } else if (node.op === 'in' && Array.isArray(node.args)) {
      const [needle, haystack] = node.args as [Node, Node];
      const target = enumTarget(needle, declarations);
      // profile.tier in ["gold", "silvr"]
      if (target && !target.list && haystack?.op === 'list' && Array.isArray(haystack.args)) for (const item of haystack.args as Node[]) check(target, item);
      // "credit-crad" in profile.products
      const list = enumTarget(haystack, declarations);
      if (list && list.list) check(list, needle);
    }
    if (typeof node.args === 'object') visit(node.args);
  };
  visit(ast);
  return problems;
}
