// `offerops compile` (docs/bundle-format.md, docs/cli.md#offerops-compile): config → bundle. Problems go to stderr; a config
// with errors writes nothing (exit 1). The digest goes to stderr, or with --json
// `{digest, out, counts}` to stdout.
import path from 'node:path';
import { formatBundle } from '../../bundle/index.js';
import { countBundle } from '../../bundle/index.js';
import { compileDirectory } from '../../compile/index.js';
import { summaryLine } from '../../config/index.js';
import type { CommandDefinition } from '../context.js';
import { displayPath, findRepositoryRoot } from '../repository-root.js';
import { writeFileAtomic } from '../write-file.js';
import { printProblems } from '../problem-output.js';
import { optionText } from '../options.js';

export const compileCommand: CommandDefinition = {
  name: 'compile',
  summary: 'compile the config into a content-addressed bundle',
  description:
    'Validate the config and compile it into one JSON bundle (docs/bundle-format.md): deterministic, with a sha256 digest of its body. The digest goes to stderr; a config with errors writes nothing and exits 1.',
  examples: [
    { why: 'write the bundle (missing folders are created); its digest on stderr', command: 'offerops compile --out build/bundle.json' },
    { why: 'and print {digest, out, counts} on stdout', command: 'offerops compile --out build/bundle.json --json' },
  ],
  configure: (command) => {
    command.option('--out <file>', 'write the bundle to FILE, atomically (default: stdout)');
  },
  run: async (options, context) => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const result = await compileDirectory(path.resolve(io.cwd, context.common.config), { root });
    if (result.problems.length > 0) await printProblems(result.problems, 'text', root, context);
    if (!result.bundle) {
      io.stderr(`compile failed: ${summaryLine(result.problems)}; no bundle written\n`);
      return 1;
    }
    const text = formatBundle(result.bundle);
    const outOption = optionText(options, 'out');
    const out = outOption === undefined ? null : path.resolve(io.cwd, outOption);
    if (out) await writeFileAtomic(out, text);
    else if (!context.common.json) io.stdout(text);
    const counts = countBundle(result.bundle);
    const outName = out ? displayPath(root, out) : null;
    if (context.common.json) io.stdout(JSON.stringify({ digest: result.bundle.digest, out: outName, counts }, null, 2) + '\n');
    io.stderr(`${result.bundle.digest}${outName ? `  ${outName}` : ''}\n`);
    return 0;
  },
};
