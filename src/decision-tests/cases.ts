// From validated DecisionTest documents to the cases the runner decides: the test's
// shared channel, audience level, day, profile and session applied to each case, and
// where the case and each of its expectations are written (the file:line:column a
// failure is reported at).
import { testCaseInputs } from '../config/index.js';
import type { ConfigDocument, ConfigModel } from '../config/index.js';
import { compareText } from '../config/index.js';
import { locateStart } from '../config/index.js';
import type { ExpectationName, TestCase, TestLocation } from './types.js';

function at(document: ConfigDocument<'DecisionTest'>, path: (string | number)[], key = false): TestLocation {
  const { line, column } = locateStart(document.source, path, { key });
  return { file: document.source.source.file, line, column };
}

/** The cases of one DecisionTest document, in written order. */
export function casesOfTest(document: ConfigDocument<'DecisionTest'>): TestCase[] {
  const { spec } = document;
  const cases: TestCase[] = [];
  // forEach: a document pruned to its valid part may have holes.
  spec.cases.forEach((testCase, i) => {
    const inputs = testCaseInputs(spec, testCase);
    const expectAt: Partial<Record<ExpectationName, TestLocation>> = {};
    for (const name of Object.keys(testCase.expect) as ExpectationName[]) expectAt[name] = at(document, ['spec', 'cases', i, 'expect', name], true);
    const result: TestCase = {
      ...at(document, ['spec', 'cases', i]),
      test: document.metadata.name,
      name: testCase.name,
      point: testCase.point,
      at: inputs.at ?? '',
      profile: inputs.profile,
      session: inputs.session,
      history: (testCase.history ?? []).map((row) => ({ ...row })),
      expect: testCase.expect,
      expectAt,
    };
    if (spec.channel !== undefined) result.channel = spec.channel;
    if (spec.audienceLevel !== undefined) result.audienceLevel = spec.audienceLevel;
    if (testCase.count !== undefined) result.count = testCase.count;
    if (testCase.audienceId !== undefined) result.audienceId = testCase.audienceId;
    if (testCase.sessionActivity !== undefined) result.sessionActivity = testCase.sessionActivity;
    if (testCase.givenEarlier !== undefined) result.givenEarlier = { ...testCase.givenEarlier };
    cases.push(result);
  });
  return cases;
}

/** Every case of the config's tests: by file, then position in the file. */
export function collectTestCases(model: Pick<ConfigModel, 'decisionTests'>): TestCase[] {
  const documents = [...model.decisionTests].sort((a, b) => compareText(a.source.source.file, b.source.source.file) || a.source.index - b.source.index);
  return documents.flatMap(casesOfTest);
}
