// CEL's `string.matches(pattern)` with RE2 semantics (docs/config-language.md#regular-expressions-matches):
// a linear-time engine (re2js, a pure-JavaScript port of RE2), so no pattern and no
// profile value can make one evaluation run for long. cel-js evaluates `matches` with
// JavaScript's backtracking RegExp, where `"aaaa…!".matches("^(a+)+$")` takes time
// exponential in the length of the text; every expression this project parses is
// rewired to the RE2 implementation instead (safe-environment.ts).
//
// Patterns are compiled once: a literal pattern when its expression is type-checked,
// a pattern computed at run time on first use (kept in a bounded cache). A literal
// pattern RE2 refuses (backreferences, lookarounds, bad repeat counts…) is reported by
// `findPatternProblems` at validate time, with its range in the expression.
import { RE2JS, RE2JSException } from 're2js';
import { celTypeName, findCalls, literalString, replaceHandler } from './ast-calls.js';

/** A pattern RE2 refuses, with RE2's reason. */
export class PatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`matches(): RE2 does not accept the pattern ${JSON.stringify(pattern.length > 80 ? pattern.slice(0, 80) + '…' : pattern)}: ${reason}`);
    this.name = 'PatternError';
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^error parsing regexp: /, '');
}

/** Compiles a pattern with RE2 syntax; throws PatternError when RE2 refuses it. */
export function compilePattern(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof RE2JSException) throw new PatternError(pattern, reasonOf(error));
    throw error;
  }
}

// Patterns computed at run time (e.g. from a profile attribute): compiled on first use,
// at most this many kept, least recently used dropped first.
const RUNTIME_PATTERN_CACHE = 1000;
const runtimePatterns = new Map<string, RE2JS | PatternError>();

function runtimePattern(pattern: string): RE2JS {
  let compiled = runtimePatterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = compilePattern(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      compiled = error;
    }
    if (runtimePatterns.size >= RUNTIME_PATTERN_CACHE) runtimePatterns.delete(runtimePatterns.keys().next().value as string);
  } else {
    runtimePatterns.delete(pattern);
  }
  runtimePatterns.set(pattern, compiled);
  if (compiled instanceof PatternError) throw compiled;
  return compiled;
}

/** CEL `text.matches(pattern)`: true when the pattern matches any part of the text (RE2 partial match). */
export function re2Matches(text: string, pattern: string | RE2JS): boolean {
  return (typeof pattern === 'string' ? runtimePattern(pattern) : pattern).test(text);
}

export interface PatternProblem {
  message: string;
  /** The pattern literal's range in the expression source. */
  range: { start: number; end: number };
}

/** Literal `matches` patterns RE2 does not accept. */
export function findPatternProblems(ast: unknown): PatternProblem[] {
  const problems: PatternProblem[] = [];
  for (const call of findCalls(ast, 'matches', 1, 'method')) {
    const pattern = literalString(call.args[0]!);
    if (pattern === null) continue;
    try {
      compilePattern(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      problems.push({ message: error.message, range: { start: call.args[0]!.start, end: call.args[0]!.end } });
    }
  }
  return problems;
}

/** Rewires every `matches` call of a parsed expression to RE2; a literal pattern is compiled here, once. */
export function useRe2Matches(ast: unknown): void {
  for (const site of findCalls(ast, 'matches', 1, 'method')) {
    const literal = literalString(site.args[0]!);
    let compiled: RE2JS | PatternError | null = null;
    if (literal !== null) {
      try {
        compiled = compilePattern(literal);
      } catch (error) {
        if (!(error instanceof PatternError)) throw error;
        compiled = error;
      }
    }
    replaceHandler(site, () => (values, evaluator, node) => {
      const [text, pattern] = values;
      if (typeof text !== 'string' || typeof pattern !== 'string') {
        const message = `found no matching overload for '${celTypeName(text)}.matches(${celTypeName(pattern)})'`;
        throw evaluator.createError ? evaluator.createError('no_matching_overload', message, node) : new Error(message);
      }
      if (compiled instanceof PatternError) throw compiled;
      return re2Matches(text, compiled ?? pattern);
    });
  }
}
