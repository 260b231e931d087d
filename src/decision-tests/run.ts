// The behaviour-test runner (docs/behaviour-tests.md): each case decided by the engine
// as the runtime would decide it (profile, session, history, day, count), then checked
// against its expectations. Pure: cases and an engine in, results out; no IO, no clock.
// A case that fails is decided again with an explanation, so its report says why the
// offers in question were chosen or dropped (the decision itself is the same).
import type { Engine } from '../engine/index.js';
import type { Decision, DecisionRequest, ExplainEntry, ExplainOutcome, HistoryRow } from '../engine/index.js';
import { historyRecordOf, testAudienceId } from '../config/index.js';
import { historyRowFromFields } from '../io/index.js';
import { CoverageCollector } from './coverage.js';
import { checkExpectation, expectationNames, type Mismatch } from './expectations.js';
import type { CaseResult, ExpectationFailure, TestCase, TestRun } from './types.js';

export interface RunOptions {
  /** Also measure which rules, offers and segments the cases reach (every case is then decided with an explanation). */
  coverage?: boolean;
}

/** Where a case's point is: its channel's name, the channel and the audience level (the same for every case at that point). */
interface PointPlace {
  found: boolean;
  channelName: string;
  idField: string | undefined;
  maxOffers: number | null | undefined;
}

/** Finding a point's channel and level once per (channel, point, level), not once per case. */
type PlaceCache = Map<string, PointPlace>;

function placeOf(engine: Engine, testCase: TestCase, cache: PlaceCache): PointPlace {
  const key = `${testCase.channel ?? ''}\0${testCase.point}\0${testCase.audienceLevel ?? ''}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const where = engine.findInteractionPoint(testCase.point, testCase.channel);
  const channelName = where?.channel ?? testCase.channel ?? '';
  const channel = engine.bundle.body.channels.find((c) => c.name === channelName);
  const level = channel?.audienceLevels.find((l) => l.name === (testCase.audienceLevel ?? channel.audienceLevels[0]?.name));
  const place: PointPlace = { found: where !== null, channelName, idField: level?.idField, maxOffers: channel?.interactionPoints[testCase.point]?.maxOffers };
  cache.set(key, place);
  return place;
}

/** A case's request, or why it cannot be made. */
function requestOf(engine: Engine, testCase: TestCase, explain: boolean, cache: PlaceCache): { request: DecisionRequest; channel: string } | { errors: string[]; channel: string } {
  const { found, channelName, idField, maxOffers } = placeOf(engine, testCase, cache);
  const audienceId = testAudienceId(testCase.audienceId, testCase.profile, idField);
  const history: HistoryRow[] = [];
  const errors: string[] = [];
  testCase.history.forEach((record, i) => {
    const converted = historyRowFromFields(historyRecordOf(record, audienceId, channelName || undefined));
    if ('problem' in converted) errors.push(`history[${i}]: ${converted.problem.reason}`);
    else history.push(converted.row);
  });
  // A point the bundle lacks is the error worth reporting (decide() names it); rows then lack their channel too.
  if (errors.length > 0 && found) return { errors, channel: channelName };
  const request: DecisionRequest = {
    interactionPoint: testCase.point,
    audience: { id: testCase.audienceId ?? '', profile: testCase.profile },
    session: testCase.session,
    history,
    at: testCase.at,
    count: testCase.count ?? maxOffers ?? 1,
    explain,
  };
  if (testCase.channel !== undefined) request.channel = testCase.channel;
  if (testCase.audienceLevel !== undefined) request.audience.level = testCase.audienceLevel;
  if (testCase.sessionActivity !== undefined) request.sessionActivity = testCase.sessionActivity;
  if (testCase.givenEarlier !== undefined) request.givenEarlier = testCase.givenEarlier;
  return { request, channel: channelName };
}

/**
 * For "every offer considered" (too few offers): what came closest first — offers a rule
 * proposed and something then dropped — then offers whose rule did not apply to the member.
 */
const closeness: Partial<Record<ExplainOutcome, number>> = { 'not-eligible': 1, 'not-in-segment': 1, 'rule-disabled': 2 };

/** The explanation entries of the offers and rules a mismatch is about. */
function explanationOf(mismatch: Mismatch, explain: readonly ExplainEntry[]): { why: ExplainEntry[]; notConsidered: string[] } {
  const rules = new Set(mismatch.rules ?? []);
  if (mismatch.offers === 'considered') {
    const dropped = explain.filter((e) => e.outcome !== 'chosen' || rules.has(e.rule));
    // A stable sort: the explanation's own order within each group.
    return { why: dropped.sort((a, b) => (closeness[a.outcome] ?? 0) - (closeness[b.outcome] ?? 0)), notConsidered: [] };
  }
  const offers = new Set(mismatch.offers);
  const why = explain.filter((e) => offers.has(e.offer) || rules.has(e.rule));
  const considered = new Set(explain.map((e) => e.offer));
  return { why, notConsidered: mismatch.offers.filter((o) => !considered.has(o)) };
}

function summariseDecision(decision: Decision): CaseResult['decision'] {
  const out: CaseResult['decision'] = { offers: decision.offers.map((o) => ({ offer: o.offer, rule: o.rule, score: o.score })), controlGroups: [...decision.controlGroups] };
  if (decision.defaultString !== undefined) out.defaultString = decision.defaultString;
  return out;
}

/** A case's result, its fields in the order the JSON report prints them (one object literal: no copying per case). */
function resultOf(
  testCase: TestCase,
  channel: string,
  status: CaseResult['status'],
  failures: ExpectationFailure[],
  errors: string[],
  decision: CaseResult['decision'],
  expressionErrors: string[],
): CaseResult {
  return { file: testCase.file, line: testCase.line, column: testCase.column, test: testCase.test, name: testCase.name, point: testCase.point, at: testCase.at, channel, status, failures, errors, decision, expressionErrors };
}

function runCase(engine: Engine, testCase: TestCase, coverage: CoverageCollector | null, places: PlaceCache): CaseResult {
  const made = requestOf(engine, testCase, coverage !== null, places);
  const empty: CaseResult['decision'] = { offers: [], controlGroups: [] };
  if ('errors' in made) return resultOf(testCase, made.channel, 'error', [], made.errors, empty, []);
  const { request } = made;
  const decision = engine.decide(request);
  const inputErrors = decision.errors.filter((e) => e.code === 'input');
  if (inputErrors.length > 0) {
    return resultOf(testCase, made.channel, 'error', [], inputErrors.map((e) => e.message), empty, []);
  }
  const mismatches: [ExpectationFailure['expectation'], Mismatch][] = [];
  for (const name of expectationNames) {
    const expected = testCase.expect[name];
    if (expected === undefined) continue;
    const mismatch = checkExpectation(name, expected, decision);
    if (mismatch !== null) mismatches.push([name, mismatch]);
  }
  // The explanation of a failure comes from the same decision made with explain.
  const explain = mismatches.length === 0 ? [] : (decision.explain ?? engine.decide({ ...request, explain: true }).explain ?? []);
  const failures: ExpectationFailure[] = mismatches.map(([name, mismatch]) => ({
    ...(testCase.expectAt[name] ?? { file: testCase.file, line: testCase.line, column: testCase.column }),
    expectation: name,
    expected: testCase.expect[name],
    got: mismatch.got,
    message: mismatch.message,
    ...explanationOf(mismatch, explain),
  }));
  const result = resultOf(
    testCase,
    decision.channel,
    failures.length === 0 ? 'passed' : 'failed',
    failures,
    [],
    summariseDecision(decision),
    decision.errors.filter((e) => e.code === 'expression-error').map((e) => e.message),
  );
  coverage?.add(result, decision, engine.segmentMembership(request));
  return result;
}

/** Runs every case on the engine's bundle. */
export function runDecisionTests(engine: Engine, cases: readonly TestCase[], options: RunOptions = {}): TestRun {
  const coverage = options.coverage ? new CoverageCollector(engine.bundle) : null;
  const places: PlaceCache = new Map();
  const results = cases.map((testCase) => runCase(engine, testCase, coverage, places));
  const run: TestRun = {
    digest: engine.digest,
    summary: {
      tests: new Set(cases.map((c) => `${c.file}\0${c.test}`)).size,
      cases: results.length,
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status === 'failed').length,
      errors: results.filter((r) => r.status === 'error').length,
    },
    results,
  };
  if (coverage) run.coverage = coverage.result();
  return run;
}
