// Function calls in a cel-js AST, and a way to put our own implementation behind one.
// cel-js gives no supported way to replace a built-in function (its registry refuses an
// overlapping overload), but every call node is type-checked once before it is first
// evaluated, and the check installs the node's handler. Wrapping the node's check lets
// us install ours right after, whichever check runs first: validation's explicit one
// or cel-js's own before the first evaluation. Used for `matches` (re2-matches.ts) and
// `duration` (bounded-duration.ts).
import type { ASTNode } from '@marcbachmann/cel-js';

export interface CallSite {
  node: ASTNode;
  /** The receiver of a method call (`x` in `x.matches(p)`), null for a function call. */
  receiver: ASTNode | null;
  args: ASTNode[];
}

function isAstNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string' && typeof (value as { setMeta?: unknown }).setMeta === 'function';
}

/** Calls of `name` with `arity` arguments — methods (`x.name(…)`) or functions (`name(…)`) — including those inside macros. */
export function findCalls(ast: unknown, name: string, arity: number, kind: 'method' | 'function'): CallSite[] {
  const calls: CallSite[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (isAstNode(value)) {
      const args = value.args as unknown;
      if (Array.isArray(args) && args[0] === name) {
        if (kind === 'method' && value.op === 'rcall' && isAstNode(args[1]) && Array.isArray(args[2]) && args[2].length === arity && args[2].every(isAstNode)) {
          calls.push({ node: value, receiver: args[1], args: args[2] });
        }
        if (kind === 'function' && value.op === 'call' && Array.isArray(args[1]) && args[1].length === arity && args[1].every(isAstNode)) {
          calls.push({ node: value, receiver: null, args: args[1] });
        }
      }
      visit(args);
      // Macros keep their expansion beside the node (`exists` → a comprehension).
      const meta = (value as unknown as { meta?: Record<string, unknown> }).meta;
      if (meta) {
        visit(meta['alternate']);
        visit(meta['macro']);
      }
      return;
    }
    if (Object.getPrototypeOf(value) === Object.prototype) for (const item of Object.values(value)) visit(item);
  };
  visit(ast);
  return calls;
}

/** The string of a literal argument, or null. */
export function literalString(node: ASTNode): string | null {
  return node.op === 'value' && typeof node.args === 'string' ? node.args : null;
}

/** What cel-js hands an evaluation error factory (its evaluator). */
export interface EvaluatorLike {
  createError?: (code: string, message: string, ast: unknown) => Error;
}

/**
 * cel-js calls a method node's handler as `(values, evaluator, node)` and a function
 * node's as `(values, node, evaluator)`, where `values` are the receiver (for a method)
 * and the arguments, evaluated. `wrap` gets the handler cel-js installed and returns the
 * one to use, normalised to `(values, evaluator, node)`.
 */
export type CallHandler = (values: unknown[], evaluator: EvaluatorLike, node: unknown) => unknown;

type CheckFn = (checker: unknown, node: unknown, context: unknown) => unknown;

export function replaceHandler(site: CallSite, wrap: (installed: CallHandler) => CallHandler): void {
  // `meta`, `setMeta` and `handle` are on every cel-js AST node, though not in its type declarations.
  const node = site.node as unknown as { meta: { check: CheckFn }; setMeta: (key: string, value: CheckFn) => void };
  const check = node.meta.check;
  const method = site.receiver !== null;
  node.setMeta('check', (checker, checked, context) => {
    const type = check(checker, checked, context);
    const target = checked as { handle: (a: unknown, b: unknown, c: unknown) => unknown };
    const original = target.handle;
    const installed: CallHandler = method ? (values, evaluator, at) => original(values, evaluator, at) : (values, evaluator, at) => original(values, at, evaluator);
    const ours = wrap(installed);
    // Arguments of an async function arrive as promises; none of our environments has one, but stay correct.
    const settled: CallHandler = (values, evaluator, at) =>
      values.some((value) => value instanceof Promise) ? Promise.all(values).then((resolved) => ours(resolved, evaluator, at)) : ours(values, evaluator, at);
    target.handle = method ? (values, evaluator, at) => settled(values as unknown[], evaluator as EvaluatorLike, at) : (values, at, evaluator) => settled(values as unknown[], evaluator as EvaluatorLike, at);
    return type;
  });
}

export function celTypeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'boolean') return 'bool';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'list' : typeof value;
}
