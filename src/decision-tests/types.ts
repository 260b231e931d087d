// The behaviour-test runner's data (docs/behaviour-tests.md): the cases it is given, read
// from the validated DecisionTest documents with where each is written, and the results
// it returns. Plain data, so every output format and tool reads the same thing.
import type { ExplainEntry, SessionActivity } from '../engine/index.js';
import type { AttributeValues, DecisionTestExpectations, DecisionTestHistoryRow } from '../config/index.js';

/** A place in a test file: relative to the repository root, 1-based. */
export interface TestLocation {
  file: string;
  line: number;
  column: number;
}

/** The expectations a case may state: one entry each in the table of expectations.ts. */
export type ExpectationName = keyof DecisionTestExpectations;

/** One case, ready to decide: the test's shared values already applied to it. */
export interface TestCase extends TestLocation {
  /** The DecisionTest document's name. */
  test: string;
  /** The case's name. */
  name: string;
  /** As the test names it; omitted when the point's name is unique across channels. */
  channel?: string;
  audienceLevel?: string;
  point: string;
  /** Decision day, YYYY-MM-DD. */
  at: string;
  /** Offers asked for; omitted = the point's maxOffers, else 1. */
  count?: number;
  /** Omitted = the profile's id field. */
  audienceId?: string;
  profile: AttributeValues;
  session: AttributeValues;
  /** What the session has had before, for the channel's session rules; omitted = a fresh session. */
  sessionActivity?: SessionActivity;
  /** Offers earlier points of the same batch were given (offer → point), for batch dedupe; omitted = none. */
  givenEarlier?: Record<string, string>;
  /** History rows as written (customerId and channel are filled in when the case is decided). */
  history: DecisionTestHistoryRow[];
  expect: DecisionTestExpectations;
  /** Where each expectation is written. */
  expectAt: Partial<Record<ExpectationName, TestLocation>>;
}

/** An expectation the decision did not meet. */
export interface ExpectationFailure extends TestLocation {
  expectation: ExpectationName;
  expected: unknown;
  got: unknown;
  /** One line: what was expected and what came instead. */
  message: string;
  /** The decision's explanation of the offers (and treatment rules) in question. */
  why: ExplainEntry[];
  /** Offers in question that no treatment rule of the point's zone considered at all. */
  notConsidered: string[];
}

export type CaseStatus = 'passed' | 'failed' | 'error';

export interface CaseResult extends TestLocation {
  test: string;
  name: string;
  status: CaseStatus;
  /** The channel and point the case decided at (as the engine resolved them). */
  channel: string;
  point: string;
  at: string;
  failures: ExpectationFailure[];
  /** Why the case could not be decided (status 'error'): the engine's input errors. */
  errors: string[];
  /** What the decision gave. */
  decision: { offers: { offer: string; rule: string; score: number }[]; defaultString?: string; controlGroups: string[] };
  /** Run-time expression failures of the decision (each counted as false). */
  expressionErrors: string[];
}

export interface TestSummary {
  tests: number;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
}

/** How much of the config the cases reach (docs/behaviour-tests.md#coverage). */
export interface TestCoverage {
  /** Per strategy: its enabled rules, and how many of them a case reaches. */
  strategies: { name: string; channel: string; rules: number; reached: number }[];
  /** Every treatment rule, with the number of cases in which it is a candidate (in its segment, eligible, in its dates and zone). */
  rules: { name: string; channel: string; strategy: string; enabled: boolean; cases: number }[];
  /** Every offer, with the number of cases that return it. */
  offers: { name: string; cases: number }[];
  /** Every segment, with the number of cases whose member is in it. */
  segments: { name: string; channel: string; cases: number }[];
  /** Cases that pass while an expression failed at run time (a missing attribute counted as false). */
  passingWithExpressionErrors: (TestLocation & { test: string; name: string; errors: string[] })[];
}

export interface TestRun {
  /** The bundle the cases ran on. */
  digest: string;
  summary: TestSummary;
  results: CaseResult[];
  coverage?: TestCoverage;
}
