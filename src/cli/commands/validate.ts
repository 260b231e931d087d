// `offerops validate` (docs/validation.md, docs/cli.md#offerops-validate): every problem in
// the config, in one run.
import path from 'node:path';
import { compileDirectory } from '../../compile/index.js';
import { hasErrors, sortProblems } from '../../config/index.js';
import { loadEnvironments } from '../../gitops/index.js';
import { reportFormats, summaryLine, type ReportFormat } from '../../config/index.js';
import { UserError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';
import { printProblems } from '../problem-output.js';
import { findRepositoryRoot } from '../repository-root.js';
import { plural } from '../../words.js';

export const validateCommand: CommandDefinition = {
  name: 'validate',
  summary: 'check the config: schema, references, expressions, dates (every problem, one run)',
  description:
    'Check every YAML file under --config: each document against its kind\'s schema, then references, names, expressions, dates and ranges across documents. Every problem is reported at file:line:column. Exit 0 without errors (warnings allowed), 1 with errors. Codes: docs/validation.md.',
  examples: [
    { why: 'every problem with a code frame, on stderr', command: 'offerops validate' },
    { why: 'annotations on a GitHub pull request (in a workflow step)', command: 'offerops validate --format github' },
    { why: 'problems as a JSON array, for other tools', command: 'offerops validate --json' },
  ],
  configure: (command) => {
    command.option('--format <format>', `output format: ${reportFormats.join(', ')}`, 'text');
  },
  run: async (options, context) => {
    let format = String(options['format']) as ReportFormat;
    if (!reportFormats.includes(format)) throw new UserError(`--format must be one of ${reportFormats.join(', ')}, got '${format}'`);
    if (context.common.json) format = 'json';
    const root = findRepositoryRoot(context.io.cwd);
    const compiled = await compileDirectory(path.resolve(context.io.cwd, context.common.config), { root });
    // The repository's environments/*.yaml are checked too (docs/gitops.md#the-environment-file).
    const environments = await loadEnvironments(root);
    const problems = sortProblems([...compiled.problems, ...environments.problems]);
    const files = [...compiled.files, ...environments.files];
    await printProblems(problems, format, root, context);
    const summary = `${plural(files.length, 'file')} checked: ${summaryLine(problems)}`;
    if (format === 'text' || format === 'github') context.io.stderr(summary + '\n');
    return hasErrors(problems) ? 1 : 0;
  },
};
