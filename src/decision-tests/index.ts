// Behaviour tests on config (docs/behaviour-tests.md): the public face of the stage.
// DecisionTest documents are read and validated with the config (src/config); this stage
// turns them into cases, decides them with the engine, checks the expectations and
// reports the results.
export { collectTestCases, casesOfTest } from './cases.js';
export { runDecisionTests, type RunOptions } from './run.js';
export { expectationChecks, expectationNames, type Mismatch } from './expectations.js';
export { formatTestText, formatCoverageText, summaryOf } from './format/text.js';
export { formatTestJson } from './format/json.js';
export { formatTestGithub } from './format/github.js';
export type * from './types.js';
