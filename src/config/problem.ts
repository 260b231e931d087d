// Problems: every finding about user input is data with a location (docs/validation.md).
// Validators return lists of problems; only programming errors throw.

export type Severity = 'error' | 'warning';

/** Stable problem codes. The number is the contract; the slug is for humans. */
export const problemCodes = {
  'yaml-syntax': 'OO001',
  'duplicate-key': 'OO002',
  'forbidden-key': 'OO003',
  'alias-limit': 'OO004',
  'file-too-large': 'OO005',
  'invalid-utf8': 'OO006',
  'tab-indentation': 'OO007',
  'unreadable-file': 'OO008',
  'nesting-limit': 'OO009',
  envelope: 'OO100',
  schema: 'OO101',
  'unknown-reference': 'OO201',
  'duplicate-name': 'OO202',
  'segment-cycle': 'OO203',
  'date-order': 'OO204',
  'min-greater-than-max': 'OO205',
  'unreachable-interaction-point': 'OO206',
  'expired-rule': 'OO207',
  'channel-mismatch': 'OO208',
  'empty-offer-list': 'OO209',
  'no-family': 'OO210',
  'session-rule-without-event': 'OO211',
  'pick-without-list': 'OO212',
  'pick-takes-whole-list': 'OO213',
  'unknown-offer-attribute': 'OO220',
  'expression-syntax': 'OO300',
  'expression-type': 'OO301',
  // Behaviour tests (DecisionTest documents, docs/behaviour-tests.md).
  'test-input': 'OO501',
  'test-expectation': 'OO502',
  // Environments (environments/<name>.yaml, docs/gitops.md#the-environment-file).
  'environment-name': 'OO400',
  'promotion-cycle': 'OO401',
  'freeze-window': 'OO402',
  'environment-setting': 'OO403',
  'expression-regex': 'OO302',
} as const;

export type ProblemSlug = keyof typeof problemCodes;
export type ProblemCode = (typeof problemCodes)[ProblemSlug];

export interface Location {
  line: number; // 1-based
  column: number; // 1-based
  endLine?: number;
  endColumn?: number;
}

export interface Problem extends Location {
  /** Relative to the repository root, with forward slashes. */
  file: string;
  severity: Severity;
  code: ProblemCode;
  /** The slug of the code, e.g. `unknown-reference`. */
  rule: ProblemSlug;
  message: string;
  /** JSON pointer inside the document (`/spec/rules/3/offer`), '' for the whole file. */
  path: string;
}

export function makeProblem(
  rule: ProblemSlug,
  severity: Severity,
  message: string,
  file: string,
  location: Location,
  path: string,
): Problem {
  return { file, ...location, severity, code: problemCodes[rule], rule, message, path };
}

/** Sorted by file, line, column, then code: the order every output format uses. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Code-unit comparison: locale-independent, so output is identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON pointer (RFC 6901) from path segments. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export { didYouMean, suggest } from '../did-you-mean.js';
