// How the CLI prints a config's problems (docs/validation.md): JSON, GitHub annotations,
// SARIF, or text with code frames on stderr. Kept apart from the validate command so a
// command that only prints problems (test, compile, …) does not load what validate
// itself needs (the environments of the repository, and with them the GitOps stage).
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import pc from 'picocolors';
import { formatGithub, formatJson, formatSarif, formatText, plainStyle, type Problem, type ReportFormat, type TextStyle } from '../config/index.js';
import type { CommandContext } from './context.js';
import { packageVersion } from './version.js';

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

