// Every refusal and failure leaves the repository, the remote and the targets as they
// were: dirty trees, rejected pushes, freeze windows, missing checks, tampered bundles,
// unsigned bundles where signatures are required, drift.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { newKey } from './keys.js';

let demo: Demo;
beforeEach(async () => {
  demo = await createDemo();
});
afterEach(async () => demo?.cleanup());

/** Everything a failed command must leave as it was. */
function snapshot() {
  return {
    head: demo.git(['rev-parse', 'HEAD']),
    status: demo.git(['status', '--porcelain']),
    remote: demo.git(['ls-remote', demo.remote]),
  };
}

async function releasedAndChecked(): Promise<void> {
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  expectExit(await demo.cli(['check', '--env', 'staging']), 0);
}

describe('release', () => {
  it('refuses uncommitted config and changes nothing; --allow-dirty releases HEAD without it', async () => {
    await demo.write('config/strategy.yaml', (await demo.read('config/strategy.yaml')).replace('score: 20', 'score: 21'));
    const before = snapshot();
    expect(expectExit(await demo.cli(['release', '--env', 'staging']), 2).stderr).toContain('uncommitted changes in config/');
    expect(snapshot()).toEqual(before);
    expectExit(await demo.cli(['release', '--env', 'staging', '--allow-dirty']), 0);
    // The released bundle is HEAD's config: the uncommitted score is not in it.
    const released = JSON.parse(await demo.read('environments/staging/bundle.json')) as { body: { rules: { name: string; score: number }[] } };
    expect(released.body.rules.find((r) => r.name === 'everyone-voucher')!.score).toBe(20);
    expect(demo.git(['status', '--porcelain'])).toBe('M config/strategy.yaml');
  });

  it('leaves everything as it was when the remote rejects the push', async () => {
    const hook = path.join(demo.remote, 'hooks/pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are closed for maintenance" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const before = snapshot();
    const result = expectExit(await demo.cli(['release', '--env', 'staging']), 3);
    expect(result.stderr).toContain('pushes are closed for maintenance');
    expect(snapshot()).toEqual(before);
    expect(expectExit(await demo.cli(['status', '--history']), 0).stdout).toBe('no records yet\n');
  });

  it('refuses to release over commits it has not pulled', async () => {
    const other = demo.clone('other');
    await demo.commitEdit('README.md', 'Offer decisioning config', 'Offer decisioning config (team B)', 'docs: team B', other);
    demo.git(['push', '--quiet', 'origin', 'main'], other);
    const before = snapshot();
    expect(expectExit(await demo.cli(['release', '--env', 'staging']), 2).stderr).toContain('pull (or rebase) first');
    expect(snapshot()).toEqual({ ...before, remote: demo.git(['ls-remote', demo.remote]) });
  });

  it('reports config errors at their file:line:column and releases nothing', async () => {
    await demo.commitEdit('config/strategy.yaml', 'offer: welcome-voucher', 'offer: welcome-vouchr', 'broken');
    const before = snapshot();
    const result = expectExit(await demo.cli(['release', '--env', 'staging']), 1);
    expect(result.stderr).toMatch(/config\/strategy\.yaml:\d+:\d+: error OO201 .*welcome-vouchr/);
    expect(snapshot()).toEqual(before);
  });
});

describe('promote', () => {
  it('without --no-pr says how to proceed and changes nothing', async () => {
    await releasedAndChecked();
    const before = snapshot();
    expect(expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production']), 2).stderr).toContain('--no-pr');
    expect(snapshot()).toEqual(before);
  });

  it('is refused without a check of the digest, inside a freeze window, and goes through forced with a reason', async () => {
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    expect(expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 1).stderr).toContain('staging has no runtime check of');
    // A window that holds every instant: daily, 24 hours, in Auckland time.
    await demo.commitEdit('environments/production.yaml', '  # Promotions are refused', '  freeze: [{ rrule: "FREQ=DAILY", duration: 24h, timezone: Pacific/Auckland, reason: always }]\n  # Promotions are refused', 'chore: freeze production');
    demo.git(['push', '--quiet', 'origin', 'main']);
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
    expectExit(await demo.cli(['check', '--env', 'staging']), 0);
    const before = snapshot();
    const refused = expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr']), 1);
    expect(refused.stderr).toMatch(/production is frozen: always \(FREQ=DAILY for 24 hours, Pacific\/Auckland\) until \d{4}-\d\d-\d\d \d\d:\d\d Pacific\/Auckland/);
    expect(snapshot()).toEqual(before);
    expect(existsSync(path.join(demo.work, '.offerops/pull-requests'))).toBe(false);
    expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr', '--force', '--reason', 'INC-7: fix a wrong price']), 0);
    const body = await demo.read('.offerops/pull-requests/offerops-promote-production.md');
    expect(body).toContain('> **Forced** past production is frozen');
    expect(body).toContain('> Reason given: INC-7: fix a wrong price');
    const history = (JSON.parse(expectExit(await demo.cli(['status', '--history', '--json']), 0).stdout) as { records: { kind: string; forced?: { reason: string } }[] }).records;
    expect(history.find((r) => r.kind === 'promotion')!.forced).toEqual({ reason: 'INC-7: fix a wrong price' });
  });

  it('--auto waits for the soak time and says why, exit 0, nothing pushed', async () => {
    await demo.commitEdit('environments/production.yaml', 'promotion: { from: staging }', 'promotion: { from: staging, auto: { soak: 24h } }', 'chore: auto promotion');
    demo.git(['push', '--quiet', 'origin', 'main']);
    await releasedAndChecked();
    const before = snapshot();
    const waiting = expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr', '--auto']), 0);
    expect(waiting.stderr).toMatch(/staging has run it for (less than a minute|\d+ minutes?) of the 24 hours soak/);
    expect(snapshot()).toEqual(before);
    expect(expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr', '--auto', '--force', '--reason', 'x']), 2).stderr).toContain('--auto never forces');
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    await releasedAndChecked();
    const before = snapshot();
    const dry = expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr', '--dry-run']), 0);
    expect(dry.stdout).toMatch(/^plan: promote production — nothing → sha256:/);
    expect(dry.stdout).toContain('push offerops/promote-production to origin, only if it is still absent (lease)');
    expect(snapshot()).toEqual(before);
  });
});

describe('deploy and verify', () => {
  it('refuse a bundle file that does not hold the pinned digest, and the target keeps what it ran', async () => {
    await releasedAndChecked();
    const running = await demo.read('.offerops/targets/staging/bundle.json');
    const file = 'environments/staging/bundle.json';
    await demo.write(file, (await demo.read(file)).replace('"score": 20', '"score": 99'));
    expect(expectExit(await demo.cli(['verify']), 1).stderr).toMatch(/FAIL staging: .*digest mismatch/);
    expect(expectExit(await demo.cli(['deploy', '--env', 'staging']), 1).stderr).toContain('not deploying');
    expect(await demo.read('.offerops/targets/staging/bundle.json')).toBe(running);
  });

  it('verify --fresh fails when config/ changed since the release', async () => {
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    expectExit(await demo.cli(['verify', '--fresh']), 0);
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 22', 'feat: voucher 22');
    expect(expectExit(await demo.cli(['verify', '--fresh']), 1).stderr).toContain('release it (offerops release --env staging)');
  });

  it('fails (exit 3) when a directory target cannot be written, and changes nothing', async () => {
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    // A file where the target folder should be: no write can succeed, root or not.
    mkdirSync(path.join(demo.work, '.offerops/targets'), { recursive: true });
    writeFileSync(path.join(demo.work, '.offerops/targets/staging'), 'not a folder');
    const result = expectExit(await demo.cli(['deploy', '--env', 'staging']), 3);
    expect(result.stderr).toContain('directory .offerops/targets/staging');
    expect(await demo.read('.offerops/targets/staging')).toBe('not a folder');
  });

  it('status --check exits 1 when a target runs something else than its pin', async () => {
    await releasedAndChecked();
    expectExit(await demo.cli(['status', '--check']), 0);
    await demo.write('.offerops/targets/staging/bundle.json', await demo.read('.offerops/targets/staging/bundle.json').then(() => demo.read('environments/staging/bundle.json')));
    await demo.commitEdit('config/strategy.yaml', 'score: 20', 'score: 23', 'feat: 23');
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    const drift = expectExit(await demo.cli(['status', '--check']), 1);
    expect(drift.stdout).toContain('← DRIFT');
    expect(drift.stderr).toMatch(/staging: directory \.offerops\/targets\/staging runs sha256:/);
  });
});

describe('signing', () => {
  it('release --sign with the key from the environment; deploy and verify refuse unsigned bundles where required', async () => {
    const key = newKey();
    await demo.commitEdit('environments/staging.yaml', '  targets:', `  signing: { publicKey: "${key.keyId}", required: true }\n  targets:`, 'chore: staging requires signatures');
    expect(expectExit(await demo.cli(['release', '--env', 'staging']), 2).stderr).toContain('requires signed bundles');
    expect(expectExit(await demo.cli(['release', '--env', 'staging', '--sign']), 2).stderr).toContain('OFFEROPS_SIGNING_KEY');
    expectExit(await demo.cli(['release', '--env', 'staging', '--sign'], { env: { OFFEROPS_SIGNING_KEY: key.pem } }), 0);
    expect(await demo.read('environments/staging/bundle.json')).toContain(`"keyId": "${key.keyId}"`);
    expectExit(await demo.cli(['verify']), 0);
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
    // Strip the signature: same digest, but unsigned.
    const signed = JSON.parse(await demo.read('environments/staging/bundle.json')) as Record<string, unknown>;
    delete signed['signature'];
    await demo.write('environments/staging/bundle.json', JSON.stringify(signed, null, 2) + '\n');
    expect(expectExit(await demo.cli(['verify']), 1).stderr).toContain('the bundle is not signed');
    expect(expectExit(await demo.cli(['deploy', '--env', 'staging']), 1).stderr).toContain('requires signed bundles');
  });
});

describe('init', () => {
  it('refuses a folder that is not empty', async () => {
    expect(expectExit(await demo.cli(['init', 'work'], { cwd: demo.dir }), 2).stderr).toContain('is not empty');
  });

  it('reports environment files with errors at their line before doing anything', async () => {
    await demo.commitEdit('environments/production.yaml', 'promotion: { from: staging }', 'promotion: { from: stagign }', 'typo');
    const result = expectExit(await demo.cli(['deploy', '--env', 'production']), 1);
    expect(result.stderr).toMatch(/environments\/production\.yaml:\d+:\d+: error OO201 .*did you mean 'staging'\?/);
    expectExit(await demo.cli(['validate']), 1);
  });
});
