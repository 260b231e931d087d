// The sticky comment on a config pull request: `offerops comment --pr N` against the
// GitHub-compatible test server and a real repository — one comment, found by its marker
// and edited on every push, never a second one (also when two runs race), the same text
// in the job summary, never over GitHub's limit, the token never printed.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProblem, type Problem } from '../../src/config/index.js';
import { fitToLimit, GITHUB_TEXT_LIMIT, GitHubClient, GitHubScm, LocalGit, renderPullRequestComment, STICKY_MARKER } from '../../src/gitops/index.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { GitHubServer } from './github-server.js';

const token = `ghp_${randomBytes(18).toString('hex')}`;

describe('the comment text', () => {
  const problem = (n: number): Problem => makeProblem('unknown-reference', 'error', `offer 'o${n}' is not defined`, 'config/strategy.yaml', { line: n, column: 3 }, '/spec');
  const input = (problems: Problem[], limit?: number) => ({ problems, files: 3, tests: null, evidence: { report: null, why: 'the config does not compile, so there is nothing to compare' }, reportUrl: null, commit: null, ...(limit === undefined ? {} : { limit }) });

  it('is kept whole at exactly the limit and cut, saying so, one character below it', () => {
    const whole = renderPullRequestComment(input([problem(1), problem(2)])).body;
    expect(whole.startsWith(STICKY_MARKER)).toBe(true);
    expect(renderPullRequestComment(input([problem(1), problem(2)], whole.length)).body).toBe(whole);
    const cut = renderPullRequestComment(input([problem(1), problem(2)], whole.length - 1)).body;
    expect(cut.length).toBeLessThanOrEqual(whole.length - 1);
    expect(cut).toContain('cut to fit the comment size limit');
    expect(cut.startsWith(STICKY_MARKER)).toBe(true);
  });

  it('lists at most 50 problems and counts the rest', () => {
    const body = renderPullRequestComment(input(Array.from({ length: 51 }, (_, i) => problem(i + 1)))).body;
    expect(body).toContain('config/strategy.yaml:50:3');
    expect(body).not.toContain('config/strategy.yaml:51:3');
    expect(body).toContain('…and 1 more');
    expect(renderPullRequestComment(input(Array.from({ length: 50 }, (_, i) => problem(i + 1)))).body).not.toContain('more:');
  });

  it('fits any text into 65,536 characters: 65,536 kept, 65,537 cut', () => {
    const line = 'x'.repeat(99) + '\n';
    const exact = line.repeat(655) + 'y'.repeat(GITHUB_TEXT_LIMIT - 65_500);
    expect(exact.length).toBe(GITHUB_TEXT_LIMIT);
    expect(fitToLimit(exact)).toBe(exact);
    const over = fitToLimit(exact + 'z');
    expect(over.length).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(over).toContain('cut to fit');
  });
});

let demo: Demo;
let github: GitHubServer;

beforeEach(async () => {
  demo = await createDemo();
  github = await GitHubServer.start({ token });
});
afterEach(async () => {
  await github?.close();
  await demo?.cleanup();
});

const marked = () => github.comments.filter((c) => c.body.includes(STICKY_MARKER));

describe('offerops comment on GitHub', () => {
  it('creates one comment, updates it in place on the next push, and writes the job summary', async () => {
    const pull = github.addPull({ title: 'voucher scores 35', body: 'please review', head: 'feature', base: 'main' });
    github.addComment(pull.number, `I quoted the marker: ${STICKY_MARKER}`, 'reviewer');
    const summary = path.join(demo.dir, 'summary.md');
    const env = github.env({ GITHUB_STEP_SUMMARY: summary });
    const first = expectExit(await demo.cli(['comment', '--pr', String(pull.number), '--json'], { env }), 0);
    expect(JSON.parse(first.stdout)).toMatchObject({ pr: pull.number, posted: true, created: true });
    const ours = () => marked().filter((c) => c.user.login === 'offerops-bot');
    expect(ours()).toHaveLength(1);
    const id = ours()[0]!.id;
    expect(ours()[0]!.body).toContain('Validation: no problems');
    expect(await readFile(summary, 'utf8')).toContain(ours()[0]!.body);

    // The next push breaks a behaviour: the same comment now says so.
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    const second = await demo.cli(['comment', '--pr', String(pull.number), '--json'], { env });
    expect([0, 1]).toContain(second.code);
    expect(JSON.parse(second.stdout)).toMatchObject({ posted: true, created: false });
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(id);
    expect(github.callsTo('POST', /\/issues\/\d+\/comments$/)).toHaveLength(1);
    // Ours is edited once; the reviewer's comment quoting the marker is refused to us (403) and left alone.
    expect(github.callsTo('PATCH', /\/issues\/comments\/\d+$/).filter((c) => c.status === 200).map((c) => c.path)).toEqual([`/repos/acme/offers/issues/comments/${id}`]);
    expect(github.callsTo('DELETE', /\/issues\/comments\/\d+$/)).toHaveLength(0);
    expect(github.comments.find((c) => c.user.login === 'reviewer')!.body).toContain('I quoted the marker');
    for (const result of [first, second]) expect(result.stdout + result.stderr).not.toContain(token);
    expect(await readFile(summary, 'utf8')).not.toContain(token);
  });

  it('two runs racing to post end with one comment', async () => {
    const pull = github.addPull({ title: 'change', body: '', head: 'feature', base: 'main' });
    const git = await LocalGit.open(demo.work, demo.env);
    const scm = () => new GitHubScm(git, new GitHubClient({ apiUrl: github.url, repository: { owner: github.owner, name: github.repo }, token }, { unitMs: 1, requestTimeoutMs: 5000, maxWaitSeconds: 60, retries: 3 }));
    // Both have listed the comments and found none; both post at the same moment.
    const held = github.hold('POST', /\/issues\/\d+\/comments$/, 2);
    const both = Promise.all([scm().upsertStickyComment(pull.number, 'run a'), scm().upsertStickyComment(pull.number, 'run b')]);
    await held.arrived;
    held.release();
    const [a, b] = await both;
    expect(a.id).toBe(b.id);
    expect(marked()).toHaveLength(1);
    expect(github.callsTo('POST', /\/issues\/\d+\/comments$/)).toHaveLength(2);
    expect(github.callsTo('DELETE', /\/issues\/comments\/\d+$/).filter((c) => c.status === 204)).toHaveLength(1);
  });

  it('retries a 502 and a secondary rate limit while posting, and needs GitHub to post at all', async () => {
    const pull = github.addPull({ title: 'change', body: '', head: 'feature', base: 'main' });
    github.fail('POST', /\/issues\/\d+\/comments$/, { kind: 'status', status: 502, message: 'Bad Gateway' }, { kind: 'secondary-rate-limit', retryAfter: 2 });
    expectExit(await demo.cli(['comment', '--pr', String(pull.number)], { env: github.env() }), 0);
    expect(github.callsTo('POST', /\/issues\/\d+\/comments$/).map((c) => c.status)).toEqual([502, 403, 201]);
    expect(marked()).toHaveLength(1);
    const without = await demo.cli(['comment', '--pr', String(pull.number)]);
    expect([without.code, without.stderr]).toEqual([2, expect.stringContaining('set GITHUB_TOKEN')]);
    expect((await demo.cli(['comment'])).stderr).toContain('--pr NUMBER is required');
  });

  it('posts a text made earlier only while the pull request is at that commit (the fork flow)', async () => {
    const head = demo.git(['rev-parse', 'HEAD']);
    const pull = github.addPull({ title: 'from a fork', body: '', head: 'feature', base: 'main', sha: head });
    expectExit(await demo.cli(['comment', '--no-post', '--out', 'comment.md']), 0);
    expect(github.calls).toHaveLength(0);
    const env = github.env();
    const moved = expectExit(await demo.cli(['comment', '--pr', String(pull.number), '--body-file', 'comment.md', '--head-sha', 'f'.repeat(40)], { env }), 0);
    expect(moved.stderr).toContain('not posted');
    expect(marked()).toHaveLength(0);
    expectExit(await demo.cli(['comment', '--pr', String(pull.number), '--body-file', 'comment.md', '--head-sha', head], { env }), 0);
    expect(marked()).toHaveLength(1);
    expect(marked()[0]!.body).toBe(await demo.read('comment.md'));
    expect((await demo.cli(['comment', '--pr', '1', '--body-file', 'comment.md', '--head-sha', 'abc'], { env })).code).toBe(2);
  });
});
