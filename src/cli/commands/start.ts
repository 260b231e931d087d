// `offerops start` (what `npm start` runs): the main job on the embedded example —
// validate and compile config/, then show the evidence a pull request would get
// (start-evidence.ts).
import path from 'node:path';
import { countBundle, describeCounts } from '../../bundle/summary.js';
import { compileDirectory } from '../../compile/compile-directory.js';
import { hasErrors } from '../../config/problem.js';
import { summaryLine } from '../../config/report-formats.js';
import type { CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { startEvidence } from '../start-evidence.js';
import { printProblems } from './validate.js';

export const startCommand: CommandDefinition = {
  name: 'start',
  summary: 'run the main job on the config: validate, compile, summarise, and show the evidence a pull request would get',
  configure: () => {},
  run: async (_options, context) => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const configDir = path.resolve(io.cwd, context.common.config);
    io.stderr(`offerops: validating and compiling ${path.relative(root, configDir) || '.'}/\n`);
    const result = await compileDirectory(configDir, { root });
    if (result.problems.length > 0) await printProblems(result.problems, 'text', root, context);
    io.stderr(`${result.files.length} files: ${summaryLine(result.problems)}\n`);
    if (!result.bundle || hasErrors(result.problems)) return 1;
    const counts = countBundle(result.bundle);
    if (!context.common.json) io.stderr(`bundle ${result.bundle.digest}\n  ${describeCounts(counts)}\n`);
    const evidence = await startEvidence(context, root, configDir, result.bundle);
    if (context.common.json) io.stdout(JSON.stringify({ digest: result.bundle.digest, counts, warnings: result.problems.length, evidence: evidence.report, ...(evidence.report ? {} : { noEvidence: evidence.why }) }, null, 2) + '\n');
    return 0;
  },
};
