// Parse and type-check one expression against its environment (docs/config-language.md#types-and-expressions): syntax and
// type errors come back with the character range inside the expression, which the
// validator maps onto the YAML file.
import { ParseError } from '@marcbachmann/cel-js';
import type { ASTNode, Environment } from '@marcbachmann/cel-js';
import { expectedResultType, type ExpressionKind } from './environment.js';
import { findPatternProblems } from './re2-matches.js';

export interface ExpressionRange {
  start: number; // offset in the expression source
  end: number;
}

export type ExpressionCheck =
  | { ok: true; type: string; segmentReferences: { name: string; range: ExpressionRange }[]; ast: ASTNode }
  | { ok: false; code: 'expression-syntax' | 'expression-type' | 'expression-regex'; message: string; range: ExpressionRange };

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function rangeOf(error: unknown, source: string): ExpressionRange {
  const range = (error as { range?: ExpressionRange } | null)?.range;
  // "Unexpected end of input" points past trailing white space: show it after the last token.
  const last = source.trimEnd().length;
  if (range && Number.isInteger(range.start) && Number.isInteger(range.end)) {
    const start = Math.min(range.start, last);
    return { start, end: Math.min(Math.max(range.end, start), Math.max(last, start)) };
  }
  return { start: 0, end: last };
}

/** Result types an expression of `kind` may have (an int score is fine where a double is expected). */
function acceptsResult(kind: ExpressionKind, type: string): boolean {
  const expected = expectedResultType[kind];
  if (type === expected || type === 'dyn' || expected === 'dyn') return true;
  return expected === 'double' && (type === 'int' || type === 'uint');
}

export function checkExpression(env: Environment, kind: ExpressionKind, source: string): ExpressionCheck {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (error) {
    const code = error instanceof ParseError ? 'expression-syntax' : 'expression-type';
    return { ok: false, code, message: firstLine((error as Error).message), range: rangeOf(error, source) };
  }
  let result: { valid: boolean; type?: string; error?: Error };
  try {
    result = parsed.check();
  } catch (error) {
    return { ok: false, code: 'expression-type', message: firstLine((error as Error).message), range: rangeOf(error, source) };
  }
  if (!result.valid) {
    return {
      ok: false,
      code: 'expression-type',
      message: humanizeTypeError(firstLine(result.error?.message ?? 'type error')),
      range: rangeOf(result.error, source),
    };
  }
  const type = String(result.type);
  if (!acceptsResult(kind, type)) {
    return {
      ok: false,
      code: 'expression-type',
      message: `expression must give a ${expectedResultType[kind]}, but gives ${type}`,
      range: { start: 0, end: source.length },
    };
  }
  const segmentReferences: { name: string; range: ExpressionRange }[] = [];
  const nonLiteral = collectSegmentReferences(parsed.ast, segmentReferences);
  if (nonLiteral) {
    return {
      ok: false,
      code: 'expression-type',
      message: 'inSegment() takes a segment name as a string literal, e.g. inSegment("high-value")',
      range: nonLiteral,
    };
  }
  // `matches` patterns are RE2's (re2-matches.ts): one RE2 refuses is an error here, not at run time.
  const badPattern = findPatternProblems(parsed.ast)[0];
  if (badPattern) return { ok: false, code: 'expression-regex', message: badPattern.message, range: badPattern.range };
  return { ok: true, type, segmentReferences, ast: parsed.ast };
}

function humanizeTypeError(message: string): string {
  const noKey = /^No such key: (.+)$/.exec(message);
  if (noKey) return `unknown attribute '${noKey[1]}': it is not declared`;
  return message;
}

/** Walks the AST for inSegment("name") calls; returns the range of a non-literal argument, if any. */
function collectSegmentReferences(node: unknown, out: { name: string; range: ExpressionRange }[]): ExpressionRange | null {
  if (!node || typeof node !== 'object') return null;
  const n = node as { op?: string; args?: unknown; range?: ExpressionRange };
  if (n.op === 'call' && Array.isArray(n.args) && n.args[0] === 'inSegment') {
    const args = n.args[1] as { op: string; args: unknown; range: ExpressionRange }[];
    const arg = args[0];
    if (!arg || arg.op !== 'value' || typeof arg.args !== 'string') return arg?.range ?? n.range ?? { start: 0, end: 0 };
    out.push({ name: arg.args, range: arg.range });
  }
  if (Array.isArray(n.args)) {
    for (const child of n.args) {
      const found = Array.isArray(child)
        ? child.map((c) => collectSegmentReferences(c, out)).find((r) => r !== null) ?? null
        : collectSegmentReferences(child, out);
      if (found) return found;
    }
  } else if (n.args && typeof n.args === 'object') {
    return collectSegmentReferences(n.args, out);
  }
  return null;
}
