// The sticky comment on a config pull request (docs/github.md#the-sticky-comment), built
// as a value: a one-line verdict, the validation problems, the behaviour tests, and the
// Markdown evidence of the diff against the environment the change reaches first — in
// the largest of the diff's size tiers that keeps the whole comment within GitHub's
// 65,536 characters. The same text goes to the job summary and, on a fork's pull
// request, to the artifact the comment job posts.
import type { Problem } from '../config/index.js';
import type { TestRun } from '../decision-tests/index.js';
import { renderMarkdown, type DiffReport, type MarkdownTier } from '../diff/index.js';
import { GITHUB_TEXT_LIMIT, STICKY_MARKER } from './scm/github.js';

/** Problems and failing cases listed at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;
export const MAX_LISTED_FAILURES = 20;

export interface PullRequestCommentInput {
  /** Validation problems of the config and the environment files. */
  problems: readonly Problem[];
  /** Files checked. */
  files: number;
  /** The behaviour tests, or null when they could not run (the config does not compile). */
  tests: TestRun | null;
  /** The diff, or why there is none. */
  evidence: { report: DiffReport; why: string } | { report: null; why: string };
  /** Where the full report is (the workflow run's artifacts); linked from a shortened diff. */
  reportUrl: string | null;
  /** The commit the comment is about (the pull request's head), shown in the footer. */
  commit: string | null;
  /** The size limit (default GitHub's). */
  limit?: number;
}

export interface PullRequestComment {
  body: string;
  /** The diff's size tier, or null without a diff. */
  tier: MarkdownTier | null;
  /** Exit status the findings call for: validation errors, failed cases or guardrails. */
  failed: boolean;
}

/** Text for a table cell: one line, pipes escaped, no HTML. */
function cell(text: string, max = 300): string {
  const line = text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

function validationSection(problems: readonly Problem[], files: number): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const head = errors > 0 ? `### ❌ Validation: ${errors} error(s), ${warnings} warning(s)` : warnings > 0 ? `### ⚠️ Validation: ${warnings} warning(s)` : `### ✅ Validation: no problems in ${files} file(s)`;
  if (problems.length === 0) return `${head}\n\n`;
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
  const rows = shown.map((p) => `| ${p.severity === 'error' ? '❌' : '⚠️'} | \`${cell(`${p.file}:${p.line}:${p.column}`)}\` | ${p.code} | ${cell(p.message)} |`);
  const more = problems.length > shown.length ? `\n_…and ${problems.length - shown.length} more: \`offerops validate\` lists them all._\n` : '';
  return `${head}\n\n| | where | code | problem |\n|---|---|---|---|\n${rows.join('\n')}\n${more}\n`;
}

function testsSection(tests: TestRun | null): string {
  if (tests === null) return '### Behaviour tests: not run (the config does not compile)\n\n';
  const { summary } = tests;
  if (summary.cases === 0) return '### Behaviour tests: none (no `DecisionTest` documents in the config)\n\n';
  const bad = summary.failed + summary.errors;
  const head = bad > 0 ? `### ❌ Behaviour tests: ${bad} of ${summary.cases} case(s) failed` : `### ✅ Behaviour tests: ${summary.cases} case(s) passed`;
  const failing = tests.results.filter((r) => r.status !== 'passed');
  if (failing.length === 0) return `${head}\n\n`;
  const shown = failing.slice(0, MAX_LISTED_FAILURES);
  const rows = shown.map((r) => {
    const why = r.status === 'error' ? r.errors.join('; ') : r.failures.map((f) => `expect.${f.expectation}: ${f.message}`).join('; ');
    return `| \`${cell(`${r.file}:${r.line}:${r.column}`)}\` | ${cell(`${r.test} › ${r.name}`)} | ${cell(why)} |`;
  });
  const more = failing.length > shown.length ? `\n_…and ${failing.length - shown.length} more: \`offerops test\` lists them all._\n` : '';
  return `${head}\n\n| where | case | what went wrong |\n|---|---|---|\n${rows.join('\n')}\n${more}\n`;
}

/** The comment, within the limit whatever the size of the change. */
export function renderPullRequestComment(input: PullRequestCommentInput): PullRequestComment {
  const limit = input.limit ?? GITHUB_TEXT_LIMIT;
  const errors = input.problems.some((p) => p.severity === 'error');
  const testsFailed = input.tests !== null && input.tests.summary.failed + input.tests.summary.errors > 0;
  const report = input.evidence.report;
  const guardrailsFailed = report?.guardrails.some((g) => !g.ok) ?? false;
  const verdict = errors ? '❌ The config has errors' : testsFailed ? '❌ Behaviour tests fail' : guardrailsFailed ? '❌ A guardrail fails' : report ? `${report.config.breaking.length > 0 ? '⚠️' : '✅'} ${report.verdict}` : '✅ The config validates';
  const head = `${STICKY_MARKER}\n## offerops: ${cell(verdict, 500)}\n\n`;
  const validation = validationSection(input.problems, input.files);
  const tests = testsSection(input.tests);
  const footer = `\n---\n<sub>Updated by offerops${input.commit ? ` for ${input.commit.slice(0, 12)}` : ''}; this comment is edited in place on every push.</sub>\n`;
  let evidence: string;
  let tier: MarkdownTier | null = null;
  if (report) {
    const intro = `### Evidence: the diff against ${cell(report.base.ref)}\n\n_${cell(input.evidence.why)}._\n\n`;
    const room = limit - head.length - validation.length - tests.length - footer.length - intro.length;
    const rendered = renderMarkdown(report, { reportUrl: input.reportUrl, limit: Math.max(0, room) });
    tier = rendered.tier;
    evidence = intro + rendered.markdown;
  } else {
    evidence = `### Evidence: none\n\n${cell(input.evidence.why, 1000)}.\n`;
  }
  let body = head + validation + tests + evidence + footer;
  if (body.length > limit) {
    // Only pathological input gets here (the diff could not shrink enough): cut, keeping the top.
    const note = '\n\n_…cut to fit the comment size limit._\n';
    body = body.slice(0, Math.max(0, body.lastIndexOf('\n', limit - note.length))) + note;
  }
  return { body, tier, failed: errors || testsFailed || guardrailsFailed };
}
