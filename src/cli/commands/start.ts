// `offerops start` (what `npm start` runs): the main job on the embedded example —
// validate and compile config/, then show the evidence a pull request would get.
import path from 'node:path';
import { countBundle, describeCounts } from '../../bundle/index.js';
import { compileDirectory } from '../../compile/index.js';
import { hasErrors } from '../../config/index.js';
import { summaryLine } from '../../config/index.js';
import type { CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { printProblems } from './validate.js';

export const startCommand: CommandDefinition = {
  name: 'start',
  summary: 'run the main job on the config: validate, compile and summarise',
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
    if (context.common.json) {
      io.stdout(JSON.stringify({ digest: result.bundle.digest, counts, warnings: result.problems.length }, null, 2) + '\n');
    } else {
      io.stderr(`bundle ${result.bundle.digest}\n  ${describeCounts(counts)}\n`);
    }
    return 0;
  },
};
