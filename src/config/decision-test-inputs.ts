// What one case of a DecisionTest document decides on, once the test's shared values are
// applied (docs/behaviour-tests.md#the-decisiontest-kind): the profile and session (the
// test's base, then the case's own on top), the decision day, the member's id and the
// history rows with their defaults. The validator and the runner both read cases
// through these, so a case means the same to both.
import type { AttributeValues, DecisionTestCaseSpec, DecisionTestHistoryRow, DecisionTestSpec } from './model.js';

export interface TestCaseInputs {
  profile: AttributeValues;
  session: AttributeValues;
  /** The case's day, else the test's; undefined when neither gives one. */
  at: string | undefined;
}

export function testCaseInputs(spec: DecisionTestSpec, testCase: DecisionTestCaseSpec): TestCaseInputs {
  return {
    profile: { ...(spec.profile ?? {}), ...(testCase.profile ?? {}) },
    session: { ...(spec.session ?? {}), ...(testCase.session ?? {}) },
    at: testCase.at ?? spec.at,
  };
}

/** The member's id: the case's audienceId, else the profile's id field; undefined when neither is usable. */
export function testAudienceId(audienceId: string | undefined, profile: AttributeValues, idField: string | undefined): string | undefined {
  if (audienceId !== undefined) return audienceId;
  const id = idField === undefined ? undefined : profile[idField];
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

/** A case's history row as the fields of a history-file record: the member's id and the case's channel fill what the row leaves out. */
export function historyRecordOf(row: DecisionTestHistoryRow, audienceId: string | undefined, channel: string | undefined): Record<string, unknown> {
  return { ...row, customerId: row.customerId ?? audienceId, channel: row.channel ?? channel };
}
