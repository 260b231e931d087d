// Promotion and rollback pull requests on GitHub: real octokit over real HTTP against the
// GitHub-compatible test server, and a real git repository with a bare remote. One pull
// request per branch (also when two runs race), updated in place with the current
// evidence, labelled; transient failures retried; the token never printed.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEvidenceClaim } from '../../src/gitops/index.js';
import { GitHubApiError, GitHubClient } from '../../src/gitops/scm/github-client.js';
import { GitHubScm } from '../../src/gitops/scm/github.js';
import { LocalGit } from '../../src/gitops/scm/local.js';
import type { CliResult } from '../cli/run-cli.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { GitHubServer } from './github-server.js';

const token = `ghp_${randomBytes(18).toString('hex')}`;
let demo: Demo;
let github: GitHubServer;
const printed: CliResult[] = [];

async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const result = await demo.cli(args, { ...options, env: { ...github.env(), ...options.env } });
  printed.push(result);
  return result;
}

async function releaseChecked(): Promise<string> {
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
  return /digest: (sha256:[0-9a-f]{64})/.exec(await demo.read('environments/staging.yaml'))![1]!;
}

beforeEach(async () => {
  demo = await createDemo();
  github = await GitHubServer.start({ token });
  printed.length = 0;
});
afterEach(async () => {
  // Whatever a test printed, the token is not in it.
  for (const result of printed) expect(result.stdout + result.stderr).not.toContain(token);
  await github?.close();
  await demo?.cleanup();
});

const promote = ['promote', '--from', 'staging', '--to', 'production'];

describe('promote on GitHub', () => {
  it('opens one labelled pull request, and run again updates it in place with the current evidence', async () => {
    const first = await releaseChecked();
    const opened = JSON.parse(expectExit(await run([...promote, '--json']), 0).stdout) as { pullRequest: string };
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(opened.pullRequest).toBe(pull.html_url);
    expect(pull).toMatchObject({ state: 'open', head: { ref: 'offerops/promote-production' }, base: { ref: 'main' }, user: { login: 'offerops-bot' } });
    expect(pull.labels.map((l) => l.name).sort()).toEqual(['env:production', 'offerops:promotion']);
    expect(pull.body).toContain(first);
    expect(pull.body).toContain(`"head":"${first}"`);

    // Again with nothing new: the same pull request, body refreshed, no second one.
    expectExit(await run(promote), 0);
    expect(github.pulls).toHaveLength(1);
    expect(github.callsTo('POST', /\/pulls$/)).toHaveLength(1);
    expect(github.callsTo('PATCH', /\/pulls\/1$/)).toHaveLength(1);

    // A new staging bundle: the branch is replaced and the same pull request now shows it.
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    const second = await releaseChecked();
    expect(second).not.toBe(first);
    expectExit(await run(promote), 0);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain(`"head":"${second}"`);
    expect(github.pulls[0]!.body).not.toContain(first.slice(7));
    expect(github.pulls[0]!.title).toContain(second.slice(0, 19));
    demo.git(['fetch', '--quiet']);
    expect(demo.git(['show', 'origin/offerops/promote-production:environments/production.yaml'])).toContain(second);
  });

  it('promote twice gives one pull request whose markers name the current evidence: what production pins, and the newest candidate', async () => {
    // Production runs A (promoted and merged without GitHub).
    const a = await releaseChecked();
    expectExit(await demo.cli([...promote, '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    const claim = () => {
      expect(github.pulls).toHaveLength(1);
      const parsed = parseEvidenceClaim(github.pulls[0]!.body);
      if ('error' in parsed) throw new Error(parsed.error);
      return parsed.claim;
    };
    // Staging runs B: the pull request's evidence is A → B.
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    const b = await releaseChecked();
    expectExit(await run(promote), 0);
    expect(claim()).toMatchObject({ kind: 'promotion', environment: 'production', base: a, head: b, evidence: { base: a, head: b } });
    // Staging moves on to C before the pull request is merged: the same pull request now says A → C.
    await demo.commitEdit('config/strategy.yaml', 'score: 35', 'score: 45', 'feat: voucher scores 45');
    const c = await releaseChecked();
    expect(new Set([a, b, c]).size).toBe(3);
    expectExit(await run(promote), 0);
    expect(claim()).toMatchObject({ kind: 'promotion', environment: 'production', base: a, head: c, evidence: { base: a, head: c } });
    expect(github.callsTo('POST', /\/pulls$/)).toHaveLength(1);
    expect(github.pulls[0]!.body).not.toContain(b);
    // And the evidence check on that pull request agrees it is current.
    demo.git(['fetch', '--quiet']);
    demo.git(['checkout', '--quiet', '-b', 'review', 'origin/offerops/promote-production']);
    expectExit(await run(['evidence', '--check', '--pr', String(github.pulls[0]!.number)]), 0);
  });

  it('opens no pull request when there is nothing to promote', async () => {
    await releaseChecked();
    expectExit(await run([...promote, '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    const result = expectExit(await run(promote), 0);
    expect(result.stderr).toContain('nothing to promote');
    expect(github.pulls).toHaveLength(0);
    expect(github.callsTo('POST', /\/pulls$/)).toHaveLength(0);
  });

  it('two runs racing to open the pull request end with one, the later one updating it', async () => {
    await releaseChecked();
    expectExit(await demo.cli([...promote, '--no-pr']), 0);
    const session = await LocalGit.open(demo.work, demo.env);
    const client = () => new GitHubScm(session, new GitHubClient({ apiUrl: github.url, repository: { owner: github.owner, name: github.repo }, token }, { unitMs: 1, requestTimeoutMs: 5000, maxWaitSeconds: 60, retries: 3 }));
    const draft = (title: string) => ({ head: 'offerops/promote-production', base: 'main', title, body: `body of ${title}`, bodyFile: 'x.md', labels: ['offerops:promotion', 'env:production'] });
    // Both have looked and found none; both ask GitHub to open one at the same moment.
    const held = github.hold('POST', /\/pulls$/, 2);
    const both = Promise.all([client().openPullRequest(draft('a')), client().openPullRequest(draft('b'))]);
    await held.arrived;
    held.release();
    const [a, b] = await both;
    expect(a.id).toBe(b.id);
    expect(github.pulls).toHaveLength(1);
    expect(github.callsTo('POST', /\/pulls$/).map((c) => c.status).sort()).toEqual([201, 422]);
    expect(github.callsTo('PATCH', /\/pulls\/\d+$/)).toHaveLength(1);
    expect(github.pulls[0]!.labels.map((l) => l.name).sort()).toEqual(['env:production', 'offerops:promotion']);
  });

  it('two whole promote runs from two clones at once leave one pull request', async () => {
    await releaseChecked();
    const other = demo.clone('other');
    const [a, b] = await Promise.all([run(promote), run(promote, { cwd: other })]);
    for (const result of [a, b]) expect([0, 3], `${result.code}: ${result.stderr}`).toContain(result.code);
    expect([a.code, b.code]).toContain(0);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.state).toBe('open');
  });

  it('retries a 502 and a secondary rate limit in the middle, and the run succeeds', async () => {
    await releaseChecked();
    github.fail('POST', /\/pulls$/, { kind: 'status', status: 502, message: 'Bad Gateway' }, { kind: 'secondary-rate-limit', retryAfter: 3 });
    github.fail('POST', /\/labels$/, { kind: 'primary-rate-limit', resetInSeconds: 2 });
    expectExit(await run(promote), 0);
    expect(github.callsTo('POST', /\/pulls$/).map((c) => c.status)).toEqual([502, 403, 201]);
    expect(github.callsTo('POST', /\/labels$/).map((c) => c.status)).toEqual([403, 200]);
    expect(github.pulls).toHaveLength(1);
  });

  it('gives up with exit 3 and a clear message when GitHub keeps failing, the token not in it', async () => {
    await releaseChecked();
    github.fail('GET', /\/pulls$/, ...Array.from({ length: 4 }, () => ({ kind: 'echo-authorization' as const })));
    const result = expectExit(await run(promote), 3);
    expect(result.stderr).toMatch(/finding the pull request from offerops\/promote-production on acme\/offers failed: GitHub failed \(500: .*\*\*\*.*\) after 4 attempt\(s\)/);
    expect(github.callsTo('GET', /\/pulls$/)).toHaveLength(4);
    // Every attempt carried the token in its header, and only there.
    for (const call of github.callsTo('GET', /\/pulls$/)) expect(call.authorization).toBe(`token ${token}`);
    for (const call of github.calls) expect(call.path + JSON.stringify(call.query)).not.toContain(token);
    expect(github.pulls).toHaveLength(0);
  });

  it("keeps the token out of octokit's own errors: the thrown error, its causes, and --debug's stack", async () => {
    await releaseChecked();
    // The server echoes the Authorization header into every error body.
    github.fail('GET', /\/pulls$/, ...Array.from({ length: 8 }, () => ({ kind: 'echo-authorization' as const })));
    const debug = expectExit(await run([...promote, '--debug']), 3);
    expect(debug.stdout + debug.stderr).not.toContain(token);
    expect(debug.stderr).toContain('***');
    const git = await LocalGit.open(demo.work, demo.env);
    const scm = new GitHubScm(git, new GitHubClient({ apiUrl: github.url, repository: { owner: github.owner, name: github.repo }, token }, { unitMs: 1, requestTimeoutMs: 5000, maxWaitSeconds: 60, retries: 3 }));
    const error: unknown = await scm.findPullRequest('offerops/promote-production', 'main').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    // Everything reachable from the error — message, stack, cause chain, request and response — is redacted.
    expect(inspect(error, { depth: 12, showHidden: true })).not.toContain(token);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(token);
  });

  it('needs GitHub to open a pull request, and says how to connect it', async () => {
    await releaseChecked();
    const result = await demo.cli(promote);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set GITHUB_TOKEN');
    const noRepository = await demo.cli(promote, { env: { GITHUB_TOKEN: token } });
    expect(noRepository.code).toBe(2);
    expect(noRepository.stderr).toContain('set GITHUB_REPOSITORY=owner/name');
    expect(noRepository.stderr).not.toContain(token);
  });
});

describe('rollback on GitHub', () => {
  it('opens a pull request labelled offerops:rollback', async () => {
    await releaseChecked();
    expectExit(await demo.cli([...promote, '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    await releaseChecked();
    expectExit(await demo.cli([...promote, '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    expectExit(await run(['rollback', '--env', 'production', '--to', 'previous', '--reason', 'over budget']), 0);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.head.ref).toBe('offerops/rollback-production');
    expect(github.pulls[0]!.labels.map((l) => l.name).sort()).toEqual(['env:production', 'offerops:rollback']);
    expect(github.pulls[0]!.body).toContain('over budget');
  });
});
