// `offerops validate` (docs/validation.md, docs/cli.md#offerops-validate): every problem in
// the config, in one run.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import pc from 'picocolors';
import { compileDirectory } from '../../compile/index.js';
import { hasErrors, sortProblems, type Problem } from '../../config/index.js';
import { loadEnvironments } from '../../gitops/index.js';
import { formatGithub, formatJson, formatSarif, formatText, plainStyle, reportFormats, summaryLine, type ReportFormat, type TextStyle } from '../../config/index.js';
import { UserError } from '../../errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { findRepositoryRoot } from '../repository-root.js';
import { packageVersion } from '../version.js';

export function colorStyle(enabled: boolean): TextStyle {
  return enabled ? { red: pc.red, yellow: pc.yellow, dim: pc.dim, bold: pc.bold } : plainStyle;
}

/** Reads the files problems point at, for code frames. */
export async function readSources(root: string, problems: readonly Problem[]): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const file of new Set(problems.map((p) => p.file))) {
    try {
      sources.set(file, await readFile(path.join(root, file), 'utf8'));
    } catch {
      // unreadable files have their own problem; no frame
    }
  }
  return sources;
}

export async function printProblems(problems: readonly Problem[], format: ReportFormat, root: string, context: CommandContext): Promise<void> {
  const { io } = context;
  switch (format) {
    case 'json':
      io.stdout(formatJson(problems));
      return;
    case 'github':
      io.stdout(formatGithub(problems));
      return;
    case 'sarif':
      io.stdout(formatSarif(problems, await packageVersion()));
      return;
    case 'text':
      io.stderr(formatText(problems, await readSources(root, problems), colorStyle(context.color)));
  }
}

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
    const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${summaryLine(problems)}`;
    if (format === 'text' || format === 'github') context.io.stderr(summary + '\n');
    return hasErrors(problems) ? 1 : 0;
  },
};
