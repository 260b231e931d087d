// `offerops start` (what `npm start` runs): the main job on the embedded example —
// validate and compile config/, run its behaviour tests, then show the evidence a pull
// request would get (start-evidence.ts).
import path from 'node:path';
import { countBundle, describeCounts } from '../../bundle/index.js';
import { compileLoaded } from '../../compile/index.js';
import { hasErrors, loadConfigDirectory, summaryLine } from '../../config/index.js';
import { collectTestCases, formatTestText, runDecisionTests } from '../../decision-tests/index.js';
import { createEngine } from '../../engine/index.js';
import type { CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { startEvidence } from '../start-evidence.js';
import { colorStyle, printProblems } from '../problem-output.js';

export const startCommand: CommandDefinition = {
  name: 'start',
  summary: 'run the main job on the config: validate, compile, summarise, run the behaviour tests, and show the evidence a pull request would get',
  description:
    'Validate and compile the config (what `npm start` runs on the example in config/), print every problem, summarise the bundle, run the behaviour tests, and end with the evidence a pull request would get: the Markdown diff of the working config against what is pinned (before anything is pinned, against an earlier commit). Exit 1 when the config has errors or a behaviour test fails.',
  examples: [
    { why: 'validate, compile, test, and show the evidence', command: 'offerops start' },
    { why: 'the same for another config folder, as JSON {digest, counts, warnings, tests, evidence}', command: 'offerops start --config config --json' },
  ],
  configure: () => {},
  run: async (_options, context) => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const configDir = path.resolve(io.cwd, context.common.config);
    io.stderr(`offerops: validating and compiling ${path.relative(root, configDir) || '.'}/\n`);
    const result = compileLoaded(await loadConfigDirectory(configDir, { root }));
    if (result.problems.length > 0) await printProblems(result.problems, 'text', root, context);
    io.stderr(`${result.files.length} files: ${summaryLine(result.problems)}\n`);
    if (!result.bundle || hasErrors(result.problems)) return 1;
    const counts = countBundle(result.bundle);
    const tests = runDecisionTests(createEngine(result.bundle), collectTestCases(result.model));
    if (!context.common.json) io.stderr(`bundle ${result.bundle.digest}\n  ${describeCounts(counts)}\n`);
    io.stderr(`behaviour tests (docs/behaviour-tests.md):\n${formatTestText(tests, colorStyle(context.color))}`);
    const evidence = await startEvidence(context, root, configDir, result.bundle);
    if (context.common.json) {
      const output = { digest: result.bundle.digest, counts, warnings: result.problems.length, tests: tests.summary, evidence: evidence.report, ...(evidence.report ? {} : { noEvidence: evidence.why }) };
      io.stdout(JSON.stringify(output, null, 2) + '\n');
    }
    return tests.summary.failed + tests.summary.errors > 0 ? 1 : 0;
  },
};
