// `offerops verify [--fresh]` (docs/gitops.md#verify): environment files valid, pins and
// bundle files agreeing (signatures too); --fresh: every released environment equals a
// fresh compile of config/.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileDirectory } from '../../compile/index.js';
import { loadEnvironments, type VerifyFinding, verifyFresh, verifyPin } from '../../gitops/index.js';
import { findRepositoryRoot } from '../repository-root.js';
import type { CommandDefinition } from '../context.js';
import { repoOption, withGitopsErrors } from '../gitops.js';
import { printProblems } from '../problem-output.js';
import { optionText } from '../options.js';

export const verifyCommand: CommandDefinition = {
  name: 'verify',
  summary: 'check that environment files are valid and every pin, bundle file and signature agree',
  description:
    'Check every environments/*.yaml (problems at file:line:column), and that each pin names a bundle file holding that digest, with a valid signature where one is required; with --fresh, also that each released environment pins exactly what the config compiles to now (docs/gitops.md#verify). Changes nothing; exit 1 on any failure.',
  examples: [
    { why: 'environment files valid, every pin matching its bundle file (and signature)', command: 'offerops verify' },
    { why: 'also: each released environment pins what config/ compiles to now (CI on main, after a release)', command: 'offerops verify --fresh' },
  ],
  configure: (command) => {
    command.option('--fresh', 'also check that each released environment (no promotion.from) equals a fresh compile of the config', false);
    repoOption(command);
  },
  run: async (options, context) =>
    withGitopsErrors(options, context, async () => {
      const { io } = context;
      const base = options['repo'] === undefined ? io.cwd : path.resolve(io.cwd, String(optionText(options, 'repo')));
      const root = findRepositoryRoot(base);
      const set = await loadEnvironments(root);
      if (set.problems.length > 0) await printProblems(set.problems, 'text', root, context);
      const findings: VerifyFinding[] = [];
      for (const environment of set.environments.values()) {
        const pin = environment.spec.bundle;
        const text = pin ? await readFile(path.join(root, pin.path), 'utf8').catch(() => null) : null;
        findings.push(verifyPin(environment, text));
      }
      if (options['fresh']) {
        const released = [...set.environments.values()].filter((e) => e.spec.promotion === undefined);
        if (released.length > 0) {
          const compiled = await compileDirectory(path.resolve(base === io.cwd ? io.cwd : root, context.common.config), { root });
          if (!compiled.bundle) await printProblems(compiled.problems, 'text', root, context);
          for (const environment of released) findings.push(verifyFresh(environment, compiled.bundle?.digest ?? null));
        }
      }
      const failed = findings.filter((f) => !f.ok);
      const errors = set.problems.filter((p) => p.severity === 'error');
      if (context.common.json) io.stdout(JSON.stringify({ ok: failed.length === 0 && errors.length === 0, findings, problems: set.problems }, null, 2) + '\n');
      for (const finding of findings) io.stderr(`${finding.ok ? 'ok  ' : 'FAIL'} ${finding.environment}: ${finding.message}\n`);
      if (set.files.length === 0) io.stderr('no environments/*.yaml in this repository\n');
      return failed.length > 0 || errors.length > 0 ? 1 : 0;
    }),
};
