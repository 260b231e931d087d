// Stale evidence is refused: `offerops evidence --check` against a real repository with a
// bare remote (the body --no-pr writes) and against the GitHub-compatible test server
// (the body of the pull request), plus the pure check's rules case by case.
import { randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkEvidence, parseEvidenceClaim, type Environment } from '../../src/gitops/index.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { GitHubServer } from './github-server.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const AUDIENCE = `sha256:${'a'.repeat(64)}`;
const promotionMarker = (base: string | null, head: string, environment = 'production') => `<!-- offerops:promotion ${JSON.stringify({ kind: 'promotion', environment, base, head })} -->`;
const evidenceMarker = (base: string, head: string) => `<!-- offerops:evidence ${JSON.stringify({ base, head, audience: AUDIENCE, version: '0.1.0' })} -->`;

function environment(digest: string | null): Environment {
  const spec = digest === null ? {} : { bundle: { digest, path: 'environments/production/bundle.json' } };
  return { name: 'production', file: 'environments/production.yaml', spec, targets: [] } as unknown as Environment;
}

describe('the evidence claim of a body', () => {
  it('reads the promotion marker and the evidence marker together', () => {
    const parsed = parseEvidenceClaim(`# Promote\n${evidenceMarker(D1, D2)}\n...\n${promotionMarker(D1, D2)}\n`);
    expect(parsed).toEqual({ claim: { environment: 'production', kind: 'promotion', base: D1, head: D2, evidence: { base: D1, head: D2, audience: AUDIENCE, version: '0.1.0' } } });
  });

  it('reads a first promotion, which has no diff to carry', () => {
    expect(parseEvidenceClaim(promotionMarker(null, D2))).toMatchObject({ claim: { base: null, head: D2, evidence: null } });
  });

  it.each([
    ['no marker at all', 'just a pull request', /no offerops:evidence marker found/],
    ['two promotion markers', `${promotionMarker(D1, D2)}\n${promotionMarker(D1, D3)}`, /more than one offerops:promotion\/rollback marker/],
    ['two evidence markers', `${evidenceMarker(D1, D2)}\n${evidenceMarker(D1, D3)}`, /more than one offerops:evidence marker/],
    ['markers that disagree on the head', `${evidenceMarker(D1, D3)}\n${promotionMarker(D1, D2)}`, /the markers disagree/],
    ['markers that disagree on the base', `${evidenceMarker(D3, D2)}\n${promotionMarker(D1, D2)}`, /the markers disagree/],
    ['a digest one hex digit short', promotionMarker(null, `sha256:${'2'.repeat(63)}`), /head must be sha256: followed by 64/],
    ['a digest one hex digit long', promotionMarker(null, `sha256:${'2'.repeat(65)}`), /head must be sha256: followed by 64/],
    ['broken JSON', '<!-- offerops:promotion {"kind": } -->', /not valid JSON/],
    ['an environment that is no name', promotionMarker(null, D2, '../etc'), /environment must be an environment name/],
  ])('refuses %s', (_what, body, message) => {
    const parsed = parseEvidenceClaim(body);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

describe('checking the claim against the pin', () => {
  const claim = { environment: 'production', kind: 'promotion' as const, base: D1, head: D2, evidence: null };
  // The bundle file is not read for a mismatching pin; for a matching one it must hold the digest.
  it('verifies the pinned bundle file once the pin and the base are what the evidence names', () => {
    const result = checkEvidence({ claim, environment: environment(D2), at: 'HEAD', pinnedText: null, current: { where: 'origin/main', digest: D1 } });
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([expect.stringContaining('pins environments/production/bundle.json, which does not exist')]);
  });

  it('refuses a pin that moved after the evidence was made, naming both digests and how to refresh', () => {
    const result = checkEvidence({ claim, environment: environment(D3), at: 'HEAD (abc)', pinnedText: null, current: { where: 'origin/main', digest: D1 } });
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([`stale evidence: it was computed for ${D2.slice(0, 19)}…, but production pins ${D3.slice(0, 19)}… at HEAD (abc) (the pin changed after the evidence was made): run offerops promote --to production again to refresh it`]);
  });

  it('refuses evidence whose base is no longer what the branch it merges into pins', () => {
    const result = checkEvidence({ claim, environment: environment(D3), at: 'HEAD', pinnedText: null, current: { where: 'origin/main', digest: D3 } });
    expect(result.findings).toHaveLength(2);
    expect(result.findings[1]).toMatch(/compares against sha256:1111111111.*pins sha256:3333333333.* on origin\/main now/);
  });

  it('refuses evidence about another environment, and an environment with no pin', () => {
    const result = checkEvidence({ claim: { ...claim, environment: 'staging' }, environment: environment(null), at: 'HEAD', pinnedText: null });
    expect(result.findings).toEqual(['the evidence is about staging, not production', `production pins no bundle at HEAD, but the evidence was computed for ${D2.slice(0, 19)}…`]);
    expect(result.notes.join('\n')).toContain('was not compared');
  });
});

const token = `ghp_${randomBytes(18).toString('hex')}`;
let demo: Demo;
let github: GitHubServer | null = null;

beforeEach(async () => {
  demo = await createDemo();
});
afterEach(async () => {
  await github?.close();
  github = null;
  await demo?.cleanup();
});

async function releaseChecked(): Promise<string> {
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
  return /digest: (sha256:[0-9a-f]{64})/.exec(await demo.read('environments/staging.yaml'))![1]!;
}

const BODY = '.offerops/pull-requests/offerops-promote-production.md';

describe('offerops evidence --check with git alone', () => {
  it('passes on the promotion branch, and refuses the body once the pin moved after it', async () => {
    const first = await releaseChecked();
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    const oldBody = path.join(demo.dir, 'old-body.md');
    await copyFile(path.join(demo.work, BODY), oldBody);
    demo.git(['fetch', '--quiet']);
    const atBranch = ['evidence', '--check', '--file', BODY, '--ref', 'origin/offerops/promote-production', '--base-ref', 'origin/main'];
    const current = expectExit(await demo.cli(atBranch), 0);
    expect(current.stderr).toContain('is current for production');

    // main does not pin production yet: the evidence is not about what main has.
    const onMain = expectExit(await demo.cli(['evidence', '--check', '--file', BODY, '--ref', 'origin/main']), 1);
    expect(onMain.stderr).toContain(`production pins no bundle at origin/main`);

    // A new staging bundle, promoted again: the branch now pins it, so the body made before is stale.
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    const second = await releaseChecked();
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    const stale = expectExit(await demo.cli(['evidence', '--check', '--json', '--file', oldBody, '--ref', 'origin/offerops/promote-production']), 1);
    expect(stale.stderr).toContain(`stale evidence: it was computed for ${first.slice(0, 19)}…, but production pins ${second.slice(0, 19)}…`);
    expect(JSON.parse(stale.stdout)).toMatchObject({ ok: false, environment: 'production', claim: { head: first } });
    expectExit(await demo.cli(['evidence', '--check', '--file', BODY, '--ref', 'origin/offerops/promote-production', '--base-ref', 'origin/main']), 0);
  });

  it('says what is wrong with its flags and input', async () => {
    expect((await demo.cli(['evidence', '--file', 'x.md'])).stderr).toContain('add --check');
    expect((await demo.cli(['evidence', '--check'])).stderr).toContain('give one of --pr NUMBER');
    expect((await demo.cli(['evidence', '--check', '--pr', '0'])).code).toBe(2);
    expect((await demo.cli(['evidence', '--check', '--pr', '1', '--file', 'x.md'])).stderr).toContain('give one of');
    expect((await demo.cli(['evidence', '--check', '--commit', 'abc123', '--env', 'production'])).stderr).toContain('--commit must be a full commit id');
    const missing = await demo.cli(['evidence', '--check', '--file', 'nowhere.md']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('cannot read --file nowhere.md: ENOENT')]);
    await demo.write('plain.md', 'a body without markers\n');
    const plain = await demo.cli(['evidence', '--check', '--file', 'plain.md']);
    expect([plain.code, plain.stderr]).toEqual([1, expect.stringContaining('plain.md: no offerops:evidence marker found')]);
    await demo.write('evidence-only.md', `${evidenceMarker(D1, D2)}\n`);
    const noEnv = await demo.cli(['evidence', '--check', '--file', 'evidence-only.md']);
    expect([noEnv.code, noEnv.stderr]).toEqual([2, expect.stringContaining('add --env NAME')]);
  });
});

describe('offerops evidence --check on GitHub', () => {
  it('reads the pull request body: current after promote, stale when the pin moved after it, and the token never printed', async () => {
    github = await GitHubServer.start({ token });
    const env = github.env();
    await releaseChecked();
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production'], { env }), 0);
    expect(github.pulls).toHaveLength(1);
    const oldBody = github.pulls[0]!.body;
    demo.git(['fetch', '--quiet']);
    demo.git(['checkout', '--quiet', '--detach', 'origin/offerops/promote-production']);
    const current = expectExit(await demo.cli(['evidence', '--check', '--pr', '1'], { env }), 0);
    expect(current.stderr).toContain('what production pins on origin/main');

    demo.git(['checkout', '--quiet', 'main']);
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 35', 'feat: voucher scores 35');
    await releaseChecked();
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production'], { env }), 0);
    expect(github.pulls).toHaveLength(1);
    demo.git(['fetch', '--quiet']);
    demo.git(['checkout', '--quiet', '--detach', 'origin/offerops/promote-production']);
    expectExit(await demo.cli(['evidence', '--check', '--pr', '1'], { env }), 0);
    const currentBody = github.pulls[0]!.body;
    // The body as it was before the second push: its evidence is about the earlier pin.
    github.pulls[0]!.body = oldBody;
    const stale = await demo.cli(['evidence', '--check', '--pr', '1'], { env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('stale evidence');

    // Merged: deploy checks the pull request merged as main's new commit.
    github.pulls[0]!.body = currentBody;
    demo.git(['checkout', '--quiet', 'main']);
    demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
    demo.git(['push', '--quiet', 'origin', 'main']);
    const merged = demo.git(['rev-parse', 'HEAD']);
    github.merge(1, merged);
    const atMerge = expectExit(await demo.cli(['evidence', '--check', '--commit', merged, '--env', 'production'], { env }), 0);
    expect(atMerge.stderr).toContain('is current for production');
    const other = expectExit(await demo.cli(['evidence', '--check', '--commit', merged, '--env', 'staging'], { env }), 0);
    expect(other.stderr).toContain('no promotion or rollback pull request into staging was merged as');
    github.pulls[0]!.body = oldBody;
    expectExit(await demo.cli(['evidence', '--check', '--commit', merged, '--env', 'production'], { env }), 1);

    github.fail('GET', /\/pulls\/1$/, ...Array.from({ length: 4 }, () => ({ kind: 'echo-authorization' as const })));
    const failed = await demo.cli(['evidence', '--check', '--pr', '1'], { env });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('reading pull request #1 on acme/offers failed');
    for (const result of [current, stale, atMerge, other, failed]) expect(result.stdout + result.stderr).not.toContain(token);
  });
});
