// `offerops test` (docs/behaviour-tests.md): the behaviour tests of the config — its
// DecisionTest documents — decided on the config compiled in memory, or on a bundle file
// with --bundle (the tests still come from --config: they are never in a bundle).
// Exit 0 when every case passes, 1 when one fails (or cannot be decided), 2 when the
// config or its tests do not validate, or for bad flags.
import path from 'node:path';
import type { Bundle } from '../../bundle/index.js';
import { compileLoaded } from '../../compile/index.js';
import { loadConfigDirectory } from '../../config/index.js';
import { hasErrors } from '../../config/index.js';
import { summaryLine, type ReportFormat } from '../../config/index.js';
import { collectTestCases, formatCoverageText, formatTestGithub, formatTestJson, formatTestText, runDecisionTests, summaryOf } from '../../decision-tests/index.js';
import { createEngine, type Engine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { readBundleFile } from '../bundle-input.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { optionText } from '../options.js';
import { findRepositoryRoot } from '../repository-root.js';
import { colorStyle, printProblems } from '../problem-output.js';

const testFormats = ['text', 'json', 'github'] as const;
type TestFormat = (typeof testFormats)[number];

/**
 * The engine the cases run on: the --bundle file (read as every command reads one:
 * cli/bundle-input.ts), else the bundle just compiled from --config.
 */
async function openEngine(options: Record<string, unknown>, compiled: Bundle, context: CommandContext): Promise<Engine> {
  const flag = optionText(options, 'bundle');
  return createEngine(flag === undefined ? compiled : (await readBundleFile(flag, context)).bundle);
}

export const testCommand: CommandDefinition = {
  name: 'test',
  summary: 'run the behaviour tests (DecisionTest documents) against the compiled config or a bundle',
  description:
    'Run the behaviour tests of the config: its DecisionTest documents (by convention in config/tests/, docs/behaviour-tests.md), each case decided by the engine and checked against its expectations. The cases run on the config compiled in memory, or on --bundle (the tests still come from --config: they are never in a bundle). Exit 0 when every case passes, 1 when a case fails or cannot be decided, 2 when the config or its tests do not validate.',
  examples: [
    { why: 'every case, on the config compiled in memory', command: 'offerops test' },
    { why: 'and what no case reaches', command: 'offerops test --coverage' },
    { why: 'failures as annotations on the pull request', command: 'offerops test --format github' },
    { why: 'the cases on a compiled bundle', command: 'offerops test --bundle build/bundle.json' },
  ],
  configure: (command) => {
    command
      .option('--bundle <file>', 'decide on this bundle instead of the config compiled in memory (the tests still come from --config)')
      .option('--format <format>', `output format: ${testFormats.join(', ')}`, 'text')
      .option('--coverage', 'also report the rules, offers and segments no case reaches');
  },
  run: async (options, context) => {
    const { io } = context;
    let format = String(options['format']) as TestFormat;
    if (!testFormats.includes(format)) throw new UserError(`--format must be one of ${testFormats.join(', ')}, got '${format}'`);
    if (context.common.json) format = 'json';
    const root = findRepositoryRoot(io.cwd);
    const configDir = path.resolve(io.cwd, context.common.config);
    const compiled = compileLoaded(await loadConfigDirectory(configDir, { root }));
    const problemFormat: ReportFormat = format;
    if (hasErrors(compiled.problems) || !compiled.bundle) {
      await printProblems(compiled.problems, problemFormat, root, context);
      io.stderr(`offerops test: the config or its tests do not validate (${summaryLine(compiled.problems)}); no case was run\n`);
      return 2;
    }
    // Warnings (e.g. a history row after the decision day) are worth seeing beside the results; JSON stays one document.
    if (compiled.problems.length > 0 && format !== 'json') await printProblems(compiled.problems, problemFormat, root, context);
    const cases = collectTestCases(compiled.model);
    const engine = await openEngine(options, compiled.bundle, context);
    const run = runDecisionTests(engine, cases, { coverage: Boolean(options['coverage']) });
    const style = colorStyle(context.color);
    switch (format) {
      case 'json':
        io.stdout(formatTestJson(run));
        break;
      case 'github':
        io.stdout(formatTestGithub(run));
        if (run.coverage) io.stderr(formatCoverageText(run.coverage, style));
        io.stderr(`${summaryOf(run)} (bundle ${run.digest})\n`);
        break;
      case 'text':
        io.stderr(cases.length === 0 ? `no DecisionTest documents under ${path.relative(root, configDir) || '.'}/: nothing to run\n` : formatTestText(run, style));
    }
    return run.summary.failed + run.summary.errors > 0 ? 1 : 0;
  },
};
