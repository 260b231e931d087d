// The sticky comment on a config pull request: `offerops comment --pr N` against the
// GitHub-compatible test server and a real repository — one comment, found by its marker
// and edited on every push, never a second one (also when two runs race), the same text
// in the job summary, never over GitHub's limit, the token never printed.
import { randomBytes } from 'node:crypto';
import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProblem, type Problem } from '../../src/config/index.js';
import { parseEvidenceMarker } from '../../src/diff/index.js';
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

/**
 * Environments whose promotion order is neither their names' order nor any file order:
 * adhoc (fed by release, feeds nothing), qa → canary → production. A change reaches qa
 * first — the head of the longest promotion chain — though adhoc and canary sort before it.
 */
describe('the environment the comment diffs against', () => {
  const environmentFile = (name: string, from: string | null, pin: { digest: string; path: string } | null): string =>
    [
      '# the comment test',
      'apiVersion: offerops/v1',
      'kind: Environment',
      `metadata: { name: ${name} }`,
      'spec:',
      ...(from ? [`  promotion: { from: ${from} }`] : []),
      ...(pin ? [`  bundle: { digest: "${pin.digest}", path: ${pin.path} }`] : []),
      `  targets: [{ type: directory, path: .offerops/targets/${name} }]`,
      '  simulation: { sample: { customers: 40, seed: 3 }, at: 2026-01-01 }',
      '',
    ].join('\n');

  /** Compiles the working config into FILE and returns its digest. */
  const compileTo = async (file: string): Promise<string> => (JSON.parse(expectExit(await demo.cli(['compile', '--out', file, '--json']), 0).stdout) as { digest: string }).digest;

  /**
   * qa pins the config as init wrote it (A); canary, production and adhoc pin a variant
   * no commit holds (C); the branch then commits "voucher scores 25" (B) and
   * "voucher scores 35" (the head). Returns the digests.
   */
  async function layOut(qaPinned: boolean): Promise<{ a: string; b: string; c: string; head: string }> {
    const a = await compileTo('environments/a.json');
    await demo.write('config/strategy.yaml', (await demo.read('config/strategy.yaml')).replace('score: 20', 'score: 28'));
    const c = await compileTo('environments/c.json');
    demo.git(['checkout', '--', 'config/strategy.yaml']);
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 25', 'feat: voucher scores 25');
    const b = await compileTo('build-b.json');
    await rm(path.join(demo.work, 'build-b.json'));
    await rm(path.join(demo.work, 'environments/staging.yaml'));
    const pinC = { digest: c, path: 'environments/c.json' };
    await demo.write('environments/adhoc.yaml', environmentFile('adhoc', null, pinC));
    await demo.write('environments/canary.yaml', environmentFile('canary', 'qa', pinC));
    await demo.write('environments/production.yaml', environmentFile('production', 'canary', pinC));
    await demo.write('environments/qa.yaml', environmentFile('qa', null, qaPinned ? { digest: a, path: 'environments/a.json' } : null));
    demo.git(['add', '-A', 'environments']);
    demo.git(['commit', '--quiet', '-m', 'chore: adhoc, qa, canary and production']);
    await demo.commitEdit('config/strategy.yaml', 'score: 25', 'score: 35', 'feat: voucher scores 35');
    const head = await compileTo('build-head.json');
    await rm(path.join(demo.work, 'build-head.json'));
    expect(new Set([a, b, c, head]).size).toBe(4);
    return { a, b, c, head };
  }

  async function postedComment(): Promise<string> {
    const pull = github.addPull({ title: 'voucher scores 35', body: '', head: 'feature', base: 'main' });
    const result = await demo.cli(['comment', '--pr', String(pull.number), '--json'], { env: github.env() });
    expect([0, 1], result.stderr).toContain(result.code);
    expect(marked()).toHaveLength(1);
    return marked()[0]!.body;
  }

  it("is the one at the head of the promotion chain, and the marker carries that environment's pinned digest as base", async () => {
    const { a, head } = await layOut(true);
    const body = await postedComment();
    expect(body).toContain('### Evidence: the diff against env:qa');
    expect(body).toContain('_the bundle pinned for qa._');
    const parsed = parseEvidenceMarker(body);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.marker).toMatchObject({ base: a, head });
  });

  it('while that environment pins nothing, says so and diffs against the config before the latest change', async () => {
    const { b, head } = await layOut(false);
    const body = await postedComment();
    const last = demo.git(['log', '-1', '--format=%H', '--', 'config']).slice(0, 12);
    expect(body).toContain(`### Evidence: the diff against ${last}^`);
    expect(body).toContain(`_qa pins no bundle yet: the config before "feat: voucher scores 35" (${last}), the latest commit that changed the bundle._`);
    expect(body).not.toContain('env:canary');
    const parsed = parseEvidenceMarker(body);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.marker).toMatchObject({ base: b, head });
  });

  it('in a repository where nothing is pinned and no history holds an earlier config, posts the comment saying there is no diff', async () => {
    // A repository of one commit: nothing pinned anywhere, no earlier config to compare with.
    const single = path.join(demo.dir, 'single');
    await cp(demo.work, single, { recursive: true, filter: (source) => path.basename(source) !== '.git' });
    demo.git(['init', '--quiet', single], demo.dir);
    demo.git(['add', '-A', '.'], single);
    demo.git(['commit', '--quiet', '-m', 'the whole config'], single);
    const pull = github.addPull({ title: 'first config', body: '', head: 'feature', base: 'main' });
    const posted = expectExit(await demo.cli(['comment', '--pr', String(pull.number)], { cwd: single, env: github.env() }), 0);
    expect(posted.stdout + posted.stderr).not.toContain(token);
    const body = marked()[0]!.body;
    expect(body).toContain('### Evidence: none');
    expect(body).toMatch(/staging pins no bundle yet, and "the whole config" \([0-9a-f]{12}\) is the first commit of the config: there is no earlier version to compare with\./);
    expect(body).not.toContain('offerops:evidence');
  });
});
