// `offerops comment --pr N` (docs/github.md#the-sticky-comment): the one sticky comment on a
// config pull request — validation, behaviour tests, and the diff against the environment
// the change reaches first — created or updated in place, never a second one; the same
// text in the job summary. `--no-post --out FILE` makes the text without posting (a fork's
// pull request, whose run has a read-only token); `--body-file FILE` posts such a text
// later, from a job that never runs the pull request's code.
import { readFile, appendFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { compileLoaded } from '../../compile/index.js';
import { formatGithub, hasErrors, loadConfigDirectory, sortProblems } from '../../config/index.js';
import { collectTestCases, formatTestGithub, runDecisionTests, type TestRun } from '../../decision-tests/index.js';
import { renderHtml } from '../../diff/index.js';
import { createEngine } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { loadEnvironments, renderPullRequestComment, requireGithub, workflowRunUrl, type GitHubScm } from '../../gitops/index.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { openRepository, repoOption } from '../gitops.js';
import { optionText, pullRequestNumber } from '../options.js';
import { findRepositoryRoot } from '../repository-root.js';
import { workingEvidence } from '../start-evidence.js';
import { writeFileAtomic } from '../write-file.js';

/** A prepared body larger than this is not a comment offerops made. */
const MAX_BODY_FILE_BYTES = 1024 * 1024;


async function readBodyFile(file: string, cwd: string): Promise<string> {
  const absolute = path.resolve(cwd, file);
  let size: number;
  try {
    size = (await stat(absolute)).size;
  } catch (error) {
    throw new UserError(`cannot read --body-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size > MAX_BODY_FILE_BYTES) throw new UserError(`--body-file ${file} is ${size} bytes, more than a comment can hold (${MAX_BODY_FILE_BYTES} at most)`);
  const bytes = await readFile(absolute);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '') throw new UserError(`--body-file ${file} is empty`);
  return text;
}

async function post(github: GitHubScm, number: number, body: string, context: CommandContext): Promise<{ url: string; created: boolean }> {
  const result = await github.upsertStickyComment(number, body);
  context.io.stderr(`comment ${result.created ? 'created' : 'updated'} on pull request #${number}: ${result.url}${result.removed > 0 ? ` (${result.removed} duplicate(s) removed)` : ''}\n`);
  return { url: result.url, created: result.created };
}

/** Posts a body made earlier (the comment job of a fork's pull request). */
async function postPrepared(options: Record<string, unknown>, context: CommandContext, number: number): Promise<0 | 1> {
  const body = await readBodyFile(String(optionText(options, 'bodyFile')), context.io.cwd);
  const session = await openRepository(options, context);
  const github = requireGithub(session, 'posting the comment');
  if (options['headSha'] !== undefined) {
    const expected = String(optionText(options, 'headSha')).trim().toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(expected)) throw new UserError(`--head-sha must be a full commit id (40 hex digits), got '${expected}'`);
    const pull = await github.pullRequest(number);
    if (pull.headSha !== expected) {
      const message = `pull request #${number} is at ${pull.headSha.slice(0, 12)}, not ${expected.slice(0, 12)}: the comment was made for another commit (or another pull request), so it is not posted`;
      if (context.common.json) context.io.stdout(JSON.stringify({ pr: number, posted: false, message }, null, 2) + '\n');
      context.io.stderr(`${message}\n`);
      return 0;
    }
  }
  const posted = await post(github, number, body, context);
  if (context.common.json) context.io.stdout(JSON.stringify({ pr: number, posted: true, ...posted }, null, 2) + '\n');
  return 0;
}

export const commentCommand: CommandDefinition = {
  name: 'comment',
  summary: 'create or update the one sticky comment on a config pull request: validation, behaviour tests and the diff',
  description:
    'Validate and compile the config, run its behaviour tests and diff it against the bundle pinned for the environment the change reaches first (or --base env:NAME), then create the one sticky comment on pull request --pr N — or update it in place: it is found by a hidden marker, and never posted twice. The same text goes to the job summary (GITHUB_STEP_SUMMARY). The diff shrinks through its size tiers so the comment never exceeds 65,536 characters. Needs GITHUB_TOKEN unless --no-post. Exit 1 when the config has errors, a behaviour test fails or a guardrail fails (the comment is posted all the same), 3 when GitHub fails.',
  examples: [
    { why: 'the comment on pull request 42, in a workflow step with GITHUB_TOKEN', command: 'offerops comment --pr 42' },
    { why: 'only the text (job summary and a file), without posting: a read-only run', command: 'offerops comment --no-post --out build/comment.md' },
    { why: 'post a text made earlier, if pull request 42 is still at that commit', command: 'offerops comment --pr 42 --body-file comment/body.md --head-sha 0123456789abcdef0123456789abcdef01234567' },
  ],
  configure: (command) => {
    command
      .option('--pr <number>', 'the pull request to comment on')
      .option('--base <env>', 'env:NAME to diff against (default: the environment the change reaches first)')
      .option('--no-post', 'make the text (job summary, --out) without posting it')
      .option('--out <file>', 'also write the comment text to this file')
      .option('--html <file>', 'also write the full diff report as one HTML file (for a workflow artifact)')
      .option('--report-url <url>', 'where the full report is published, linked from a shortened diff')
      .option('--annotations', 'print validation problems and failing behaviour tests as GitHub workflow annotations on stdout')
      .option('--body-file <file>', 'post this text (made earlier with --out) instead of making one; runs nothing from the config')
      .option('--head-sha <commit>', 'with --body-file: post only if the pull request is still at this commit');
    repoOption(command);
  },
  run: async (options, context) => {
    const { io } = context;
    const posting = options['post'] !== false;
    const number = options['pr'] === undefined ? null : pullRequestNumber(options['pr']);
    if (posting && number === null) throw new UserError('--pr NUMBER is required to post the comment (or --no-post to only make the text)');
    if (options['bodyFile'] !== undefined) {
      if (!posting) throw new UserError('--body-file posts a prepared text: it does not go with --no-post');
      return postPrepared(options, context, number!);
    }
    if (options['headSha'] !== undefined) throw new UserError('--head-sha goes with --body-file');

    const root = findRepositoryRoot(io.cwd);
    const configDir = path.resolve(io.cwd, context.common.config);
    const compiled = compileLoaded(await loadConfigDirectory(configDir, { root }));
    const environments = await loadEnvironments(root);
    const problems = sortProblems([...compiled.problems, ...environments.problems]);
    let tests: TestRun | null = null;
    let evidence: Awaited<ReturnType<typeof workingEvidence>> = { report: null, why: 'the config does not compile, so there is nothing to compare' };
    if (compiled.bundle && !hasErrors(compiled.problems)) {
      tests = runDecisionTests(createEngine(compiled.bundle), collectTestCases(compiled.model));
      try {
        evidence = await workingEvidence(context, root, configDir, compiled.bundle, optionText(options, 'base') ?? null);
      } catch (error) {
        // A base that cannot be read is a finding of the comment, not a reason to post none.
        if (!(error instanceof UserError) || options['base'] !== undefined) throw error;
        evidence = { report: null, why: `no diff: ${error.message}` };
      }
    }
    const reportUrl = options['reportUrl'] === undefined ? (workflowRunUrl(io.env) ?? null) : String(optionText(options, 'reportUrl'));
    const comment = renderPullRequestComment({ problems, files: compiled.files.length + environments.files.length, tests, evidence, reportUrl, commit: null });

    if (options['annotations']) io.stdout(formatGithub(problems) + (tests ? formatTestGithub(tests) : ''));
    const summaryFile = io.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) {
      try {
        await appendFile(summaryFile, comment.body + '\n');
      } catch (error) {
        throw new UserError(`cannot write the job summary (GITHUB_STEP_SUMMARY=${summaryFile}): ${(error as Error).message}`, 3);
      }
    }
    const written: string[] = [];
    if (options['out'] !== undefined) {
      await writeFileAtomic(path.resolve(io.cwd, String(optionText(options, 'out'))), comment.body);
      written.push(String(optionText(options, 'out')));
    }
    if (options['html'] !== undefined && evidence.report) {
      await writeFileAtomic(path.resolve(io.cwd, String(optionText(options, 'html'))), renderHtml(evidence.report));
      written.push(String(optionText(options, 'html')));
    }
    if (written.length > 0) io.stderr(`comment text → ${written.join(', ')}\n`);
    io.stderr(`${comment.body.split('\n')[1]!.replace(/^## /, '')} (${comment.body.length} characters${comment.tier ? `, diff ${comment.tier}` : ''})\n`);

    let posted: { url: string; created: boolean } | null = null;
    if (posting) {
      const session = await openRepository(options, context);
      posted = await post(requireGithub(session, 'posting the comment'), number!, comment.body, context);
    }
    if (context.common.json) {
      io.stdout(JSON.stringify({ pr: number, posted: posted !== null, ...(posted ?? {}), characters: comment.body.length, tier: comment.tier, failed: comment.failed, problems: problems.length, tests: tests?.summary ?? null, verdict: evidence.report?.verdict ?? null }, null, 2) + '\n');
    }
    return comment.failed ? 1 : 0;
  },
};
