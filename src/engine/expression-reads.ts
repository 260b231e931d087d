// What a compiled rule expression reads (docs/config-language.md#types-and-expressions: eligibility and scoreExpression see
// `profile`, `session`, `now`, `inSegment()` and `offer`). The engine uses it when a
// bundle loads (docs/bundle-format.md: "compiled once when a runtime loads the bundle") to decide what can be computed
// once per (rule, offer) at load, what once per member, and what per (member, offer):
// - an expression that reads no member input (no profile, session, now, inSegment) is
//   a function of the offer alone: evaluated at load for every (rule, offer);
// - one that does not read `offer` is evaluated at most once per rule and decision;
// - a score of the form `offerPart ± memberPart` splits into its two halves, so the
//   offers of such a rule can be ordered at load and bounded per member (see pair-plan.ts).
// The walk is over cel-js's AST (`evaluator.ast`, nodes `{op, args, start, end}`); a
// node it does not understand counts as reading everything (a false "yes" only costs time).
import type { Evaluator } from '../expr/index.js';

export interface ExpressionReads {
  offer: boolean;
  /** profile, session, now or inSegment(). */
  member: boolean;
}

interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
}

const MEMBER_VARIABLES: ReadonlySet<string> = new Set(['profile', 'session', 'now']);

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { op?: unknown }).op === 'string';
}

function astOf(evaluator: Evaluator): unknown {
  return (evaluator as unknown as { ast?: unknown }).ast;
}

function readsOfNode(root: unknown): ExpressionReads {
  const reads: ExpressionReads = { offer: false, member: false };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isNode(node)) return;
    if (node.op === 'id') {
      if (node.args === 'offer') reads.offer = true;
      else if (typeof node.args === 'string' && MEMBER_VARIABLES.has(node.args)) reads.member = true;
      return;
    }
    if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && node.args[0] === 'inSegment') reads.member = true;
    visit(node.args);
  };
  visit(root);
  return reads;
}

/** What the expression reads; an evaluator without an AST reads everything. */
export function expressionReads(evaluator: Evaluator): ExpressionReads {
  const ast = astOf(evaluator);
  return ast === undefined ? { offer: true, member: true } : readsOfNode(ast);
}

/** `offerPart ± memberPart` (either order), as source texts and signs: score = offerSign·offer + memberSign·member. */
export interface ScoreSplit {
  offerSource: string;
  memberSource: string;
  offerSign: 1 | -1;
  memberSign: 1 | -1;
}

/** Splits a score expression whose top is a binary + or − of an offer-only and a member-only operand; null otherwise. */
export function splitScore(evaluator: Evaluator, source: string): ScoreSplit | null {
  const ast = astOf(evaluator);
  if (!isNode(ast) || (ast.op !== '+' && ast.op !== '-') || !Array.isArray(ast.args) || ast.args.length !== 2) return null;
  const [left, right] = ast.args as unknown[];
  if (!isNode(left) || !isNode(right)) return null;
  const text = (node: AstNode): string | null =>
    typeof node.start === 'number' && typeof node.end === 'number' && node.end > node.start && node.end <= source.length ? source.slice(node.start, node.end) : null;
  const l = readsOfNode(left);
  const r = readsOfNode(right);
  const leftText = text(left);
  const rightText = text(right);
  if (leftText === null || rightText === null) return null;
  const minus = ast.op === '-';
  if (!l.member && !r.offer) return { offerSource: leftText, memberSource: rightText, offerSign: 1, memberSign: minus ? -1 : 1 };
  if (!l.offer && !r.member) return { offerSource: rightText, memberSource: leftText, offerSign: minus ? -1 : 1, memberSign: 1 };
  return null;
}
