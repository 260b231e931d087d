// The planners are pure: (repository state, now) → a plan, nothing to do, or a refusal.
// These tests hold them to the rules of docs/gitops.md without git or targets.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatBundle } from '../../src/bundle/bundle.js';
import { signBundle } from '../../src/bundle/signature.js';
import type { Bundle } from '../../src/bundle/types.js';
import { planDeploy } from '../../src/gitops/deploy.js';
import type { Environment } from '../../src/gitops/environment.js';
import type { Plan, PlanOutcome } from '../../src/gitops/plan.js';
import { planPromote, type PromoteState } from '../../src/gitops/promote.js';
import type { CheckRecord, DeploymentRecord, GitopsRecord } from '../../src/gitops/records.js';
import { planRelease, type ReleaseState } from '../../src/gitops/release.js';
import { planRollback, type RollbackState } from '../../src/gitops/rollback.js';
import { targetTypes } from '../../src/gitops/targets/registry.js';
import { fixtureBundle, variantBundle } from '../server/harness.js';
import { environment } from './environment-files.js';
import { newKey } from './keys.js';

let staged: Bundle;
let live: Bundle;

beforeAll(async () => {
  staged = await variantBundle();
  live = await fixtureBundle();
});

const plan = (outcome: PlanOutcome): Plan => {
  if (outcome.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(outcome)}`);
  return outcome.plan;
};

const stagingWith = (bundle: Bundle, extra = '') => environment('staging', `  bundle: { digest: ${bundle.digest}, path: environments/staging/bundle.json, source: { commit: 1a2b3c4d, ref: main } }\n  targets: [{ type: directory, path: t/staging }]${extra}`);
const productionWith = (extra = '', pinned: Bundle | null = null) =>
  environment('production', `  promotion: { from: staging${extra.includes('auto') ? ', auto: { soak: 24h }' : ''} }\n${pinned ? `  bundle: { digest: ${pinned.digest}, path: environments/production/bundle.json }\n` : ''}  targets: [{ type: directory, path: t/production }]${extra.replace('auto', '')}`, {
    staging: 'apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: staging }\nspec: {}\n',
  });

const passedCheck = (digest: string, at = '2026-11-27T10:00:00.000Z'): CheckRecord => ({ kind: 'check', environment: 'staging', digest, at, actor: 'ci', passed: true, day: at.slice(0, 10), limits: { maxP99Ms: 25, minRps: 500 }, targets: [] });
const deployed = (digest: string, at: string): DeploymentRecord => ({ kind: 'deployment', environment: 'staging', digest, at, actor: 'ci', ok: true, commit: 'c', targets: [] });

function promoteState(overrides: Partial<PromoteState> & { records?: GitopsRecord[] } = {}): PromoteState {
  return {
    from: stagingWith(staged),
    to: productionWith('', live),
    remote: 'origin',
    base: { branch: 'main', commit: 'b'.repeat(40) },
    candidateText: formatBundle(staged),
    branch: { name: 'offerops/promote-production', tip: null, merged: false, parent: null, pinnedDigest: null },
    records: [passedCheck(staged.digest)],
    evidence: '## Simulation evidence\n\nnot available\n',
    bodyFile: '.offerops/pull-requests/offerops-promote-production.md',
    actor: 'ci',
    now: new Date('2026-11-27T12:00:00.000Z'),
    ...overrides,
  };
}

const manual = { force: false, reason: null, auto: false };

describe('promote', () => {
  it('copies staging\'s bundle byte for byte on the promotion branch, pushed under a lease, with the body and a record', () => {
    const p = plan(planPromote(promoteState(), manual));
    expect(p.steps.map((s) => s.kind)).toEqual(['commit', 'push', 'pull-request', 'record']);
    const commit = p.steps[0] as Extract<Plan['steps'][number], { kind: 'commit' }>;
    expect(commit.parent).toBe('b'.repeat(40));
    expect(commit.files[0]).toMatchObject({ path: 'environments/production/bundle.json', content: formatBundle(staged) });
    expect(commit.files[1]!.content).toContain(`digest: ${staged.digest}`);
    expect(p.steps[1]).toEqual({ kind: 'push', remote: 'origin', branch: 'offerops/promote-production', lease: { kind: 'replace', expect: null } });
    const body = (p.steps[2] as { body: string }).body;
    expect(body).toContain('## Simulation evidence');
    expect(body).toContain('**Passed**');
    expect(body).toContain('compiled from commit `1a2b3c4d` (main)');
    expect(body).toContain('## Checklist for approvers');
    expect(body).toContain(`<!-- offerops:promotion {"kind":"promotion","environment":"production","base":"${live.digest}","head":"${staged.digest}"} -->`);
  });

  it('does nothing when production already pins the digest', () => {
    expect(planPromote(promoteState({ to: productionWith('', staged) }), manual)).toEqual({ kind: 'nothing', message: expect.stringContaining('nothing to promote') });
  });

  it('only refreshes the body when the branch already holds this promotion on the current base', () => {
    const branch = { name: 'offerops/promote-production', tip: 'c'.repeat(40), merged: false, parent: 'b'.repeat(40), pinnedDigest: staged.digest };
    expect(plan(planPromote(promoteState({ branch }), manual)).steps.map((s) => s.kind)).toEqual(['pull-request']);
    // Base moved, or another digest on the branch, or merged: a new commit replacing the tip under its lease.
    for (const changed of [{ parent: 'd'.repeat(40) }, { pinnedDigest: live.digest }, { merged: true }]) {
      const p = plan(planPromote(promoteState({ branch: { ...branch, ...changed } }), manual));
      expect(p.steps[1]).toMatchObject({ kind: 'push', lease: { kind: 'replace', expect: 'c'.repeat(40) } });
    }
  });

  it('is refused, naming every closed gate, while frozen, paused and without a passing check', () => {
    const to = productionWith('\n  freeze: [{ from: 2026-11-26, to: 2026-11-30, reason: Black Friday }]\n  paused: { reason: "rollback: too generous", since: 2026-11-25 }', live);
    const refused = planPromote(promoteState({ to, records: [] }), manual);
    expect(refused.kind).toBe('refused');
    expect(refused).toMatchObject({ exitCode: 1 });
    const message = (refused as { message: string }).message;
    expect(message).toContain('production is frozen: Black Friday (2026-11-26 to 2026-11-30, UTC) until 2026-12-01 00:00 UTC');
    expect(message).toContain('paused since 2026-11-25: rollback: too generous');
    expect(message).toContain(`staging has no runtime check of ${staged.digest}`);
    expect(message).toContain('--force --reason TEXT');
  });

  it('is refused when the latest check of the digest failed, even after an earlier pass', () => {
    const failed = { ...passedCheck(staged.digest, '2026-11-27T11:00:00.000Z'), passed: false };
    expect(planPromote(promoteState({ records: [passedCheck(staged.digest), failed] }), manual)).toMatchObject({ kind: 'refused', message: expect.stringContaining('latest runtime check') });
  });

  it('goes through when forced with a reason, which the body and the record keep', () => {
    const to = productionWith('\n  freeze: [{ from: 2026-11-26, to: 2026-11-30 }]', live);
    expect(planPromote(promoteState({ to }), { ...manual, force: true })).toMatchObject({ kind: 'refused', exitCode: 2 });
    const p = plan(planPromote(promoteState({ to }), { force: true, reason: 'INC-42 hotfix', auto: false }));
    expect((p.steps[2] as { body: string }).body).toContain('> Reason given: INC-42 hotfix');
    expect(p.steps[3]).toMatchObject({ kind: 'record', draft: { forced: { reason: 'INC-42 hotfix' } } });
  });

  it('holds the freeze to its last instant', () => {
    const to = productionWith('\n  freeze: [{ from: 2026-11-26, to: 2026-11-27 }]', live);
    expect(planPromote(promoteState({ to, now: new Date('2026-11-27T23:59:59.999Z') }), manual).kind).toBe('refused');
    expect(planPromote(promoteState({ to, now: new Date('2026-11-28T00:00:00.000Z') }), manual).kind).toBe('plan');
  });

  it.each([
    ['23h59m', '2026-11-26T12:01:00.000Z', 'nothing'],
    ['24h', '2026-11-26T12:00:00.000Z', 'plan'],
    ['24h01m', '2026-11-26T11:59:00.000Z', 'plan'],
  ])('--auto waits for the soak time (staging has run it %s of 24h)', (_ran, since, kind) => {
    const records = [passedCheck(staged.digest), deployed(staged.digest, since)];
    const outcome = planPromote(promoteState({ to: productionWith('auto', live), records }), { force: false, reason: null, auto: true });
    expect(outcome.kind).toBe(kind);
    if (kind === 'nothing') expect((outcome as { message: string }).message).toContain('has run it for 1439 minutes of the 24 hours soak');
  });

  it('--auto waits, rather than failing, while gates are closed, and does nothing without promotion.auto', () => {
    const paused = productionWith('auto\n  paused: { reason: rollback }', live);
    expect(planPromote(promoteState({ to: paused, records: [passedCheck(staged.digest), deployed(staged.digest, '2026-11-01T00:00:00Z')] }), { ...manual, auto: true })).toMatchObject({ kind: 'nothing', message: expect.stringContaining('paused') });
    expect(planPromote(promoteState(), { ...manual, auto: true })).toMatchObject({ kind: 'nothing', message: expect.stringContaining('not enabled') });
  });

  it('refuses an unsigned candidate when production requires signatures, and takes a signed one', () => {
    const key = newKey();
    const to = productionWith(`\n  signing: { publicKey: "${key.keyId}", required: true }`, live);
    expect(planPromote(promoteState({ to }), manual)).toMatchObject({ kind: 'refused', message: expect.stringContaining('the bundle is not signed') });
    const signed = signBundle(staged, key.privateKey);
    expect(planPromote(promoteState({ to, candidateText: formatBundle(signed) }), manual).kind).toBe('plan');
  });

  it('refuses a candidate file that is not what staging pins', () => {
    expect(planPromote(promoteState({ candidateText: formatBundle(live) }), manual)).toMatchObject({ kind: 'refused', message: expect.stringContaining('run offerops verify') });
    expect(planPromote(promoteState({ candidateText: '{' }), manual)).toMatchObject({ kind: 'refused', message: expect.stringContaining('not valid JSON') });
    expect(planPromote(promoteState({ candidateText: null }), manual)).toMatchObject({ kind: 'refused', message: expect.stringContaining('not in main') });
  });

  it('refuses promoting into an environment fed from elsewhere', () => {
    expect(planPromote(promoteState({ to: stagingWith(live) }), manual)).toMatchObject({ kind: 'refused', exitCode: 2, message: expect.stringContaining('takes no promotions') });
  });
});

function releaseState(overrides: Partial<ReleaseState> = {}): ReleaseState {
  return {
    environment: environment('staging', '  targets: [{ type: directory, path: t }]'),
    head: { commit: 'e'.repeat(40), branch: 'main' },
    remote: { name: 'origin', tip: 'd'.repeat(40), headContainsTip: true },
    dirty: [],
    bundle: staged,
    pinnedText: null,
    signingKey: null,
    actor: 'ci',
    now: new Date('2026-11-27T12:00:00Z'),
    ...overrides,
  };
}

describe('release', () => {
  const plain = { sign: false, allowDirty: false };

  it('commits the bundle and the pin on the branch, pushes as a fast-forward, moves the branch, records', () => {
    const p = plan(planRelease(releaseState(), plain));
    expect(p.steps.map((s) => s.kind)).toEqual(['commit', 'push', 'fast-forward', 'record']);
    expect(p.steps[1]).toMatchObject({ lease: { kind: 'fast-forward', expect: 'd'.repeat(40) } });
    expect((p.steps[0] as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['environments/staging/bundle.json', 'environments/staging.yaml']);
  });

  it('refuses uncommitted config unless told, and never releases over changes to its own files', () => {
    expect(planRelease(releaseState({ dirty: ['config/offers.yaml'] }), plain)).toMatchObject({ kind: 'refused', exitCode: 2, message: expect.stringContaining('--allow-dirty') });
    expect(planRelease(releaseState({ dirty: ['config/offers.yaml'] }), { sign: false, allowDirty: true }).kind).toBe('plan');
    expect(planRelease(releaseState({ dirty: ['environments/staging.yaml'] }), { sign: false, allowDirty: true })).toMatchObject({ kind: 'refused', message: expect.stringContaining('commit or discard them first') });
  });

  it('refuses a detached HEAD, a branch behind its remote, a config with errors, and a promoted environment', () => {
    expect(planRelease(releaseState({ head: { commit: 'e'.repeat(40), branch: null } }), plain)).toMatchObject({ kind: 'refused', message: expect.stringContaining('detached') });
    expect(planRelease(releaseState({ remote: { name: 'origin', tip: 'd'.repeat(40), headContainsTip: false } }), plain)).toMatchObject({ kind: 'refused', message: expect.stringContaining('pull') });
    expect(planRelease(releaseState({ bundle: null }), plain)).toMatchObject({ kind: 'refused', exitCode: 1 });
    expect(planRelease(releaseState({ environment: productionWith() }), plain)).toMatchObject({ kind: 'refused', message: expect.stringContaining('offerops promote --from staging --to production') });
  });

  it('does nothing when the pin already holds the same bytes', () => {
    const environment = stagingWith(staged);
    expect(planRelease(releaseState({ environment, pinnedText: formatBundle(staged) }), plain)).toMatchObject({ kind: 'nothing' });
  });

  it('signs with the key, refuses a key the environment does not trust, and requires --sign where signing is required', () => {
    const key = newKey();
    const other = newKey();
    const trusting = environment('staging', `  signing: { publicKey: "${key.keyId}", required: true }`);
    const p = plan(planRelease(releaseState({ environment: trusting, signingKey: key.privateKey }), { sign: true, allowDirty: false }));
    expect((p.steps[0] as { files: { content: string }[] }).files[0]!.content).toContain(`"keyId": "${key.keyId}"`);
    expect(planRelease(releaseState({ environment: trusting, signingKey: other.privateKey }), { sign: true, allowDirty: false })).toMatchObject({ kind: 'refused', message: expect.stringContaining('trusts') });
    expect(planRelease(releaseState({ environment: trusting }), plain)).toMatchObject({ kind: 'refused', message: expect.stringContaining('release --sign') });
    expect(planRelease(releaseState(), { sign: true, allowDirty: false })).toMatchObject({ kind: 'refused', message: expect.stringContaining('OFFEROPS_SIGNING_KEY') });
  });
});

describe('rollback', () => {
  function rollbackState(overrides: Partial<RollbackState> = {}): RollbackState {
    return {
      environment: productionWith('', staged),
      remote: 'origin',
      base: { branch: 'main', commit: 'b'.repeat(40) },
      target: { digest: live.digest, text: formatBundle(live), recoveredFrom: 'f'.repeat(40), how: 'the previous pin', source: { commit: '0a0b0c0', ref: 'main' } },
      branch: { name: 'offerops/rollback-production', tip: null, merged: false, parent: null, pinnedDigest: null },
      evidence: '',
      bodyFile: 'rb.md',
      actor: 'ci',
      now: new Date('2026-11-28T09:00:00Z'),
      ...overrides,
    };
  }

  it('pins the earlier bundle with its own provenance and pauses promotions, even inside a freeze', () => {
    const frozen = productionWith('\n  freeze: [{ from: 2026-11-26, to: 2026-11-30 }]', staged);
    const p = plan(planRollback(rollbackState({ environment: frozen }), { reason: 'cashback over budget' }));
    const yaml = (p.steps[0] as { files: { content: string }[] }).files[1]!.content;
    expect(yaml).toContain(`digest: ${live.digest}`);
    expect(yaml).toContain('commit: 0a0b0c0');
    expect(yaml).toContain('reason: "rollback: cashback over budget"');
    expect(yaml).toContain('since: 2026-11-28');
    expect(p.notes.join(' ')).toContain('not held by freeze windows');
  });

  it('needs a reason, something pinned, and another digest', () => {
    expect(planRollback(rollbackState(), { reason: '  ' })).toMatchObject({ kind: 'refused', exitCode: 2 });
    expect(planRollback(rollbackState({ environment: productionWith() }), { reason: 'x' })).toMatchObject({ kind: 'refused', message: expect.stringContaining('nothing to roll back') });
    expect(planRollback(rollbackState({ target: { problem: 'no earlier pin' } }), { reason: 'x' })).toMatchObject({ kind: 'refused', message: 'no earlier pin' });
    expect(planRollback(rollbackState({ environment: productionWith('', live) }), { reason: 'x' }).kind).toBe('nothing');
  });
});

describe('deploy', () => {
  const context = { root: '/tmp', env: {}, timeoutMs: 1000 };

  it('refuses a pin the file does not hold, a missing file, a missing token, and no targets', () => {
    const env = (extra: string): Environment => environment('staging', `  bundle: { digest: ${staged.digest}, path: b.json }\n${extra}`);
    expect(planDeploy({ environment: env('  targets: [{ type: directory, path: t }]'), pinnedText: formatBundle(live), commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', exitCode: 1, message: expect.stringContaining(`holds ${live.digest}`) });
    expect(planDeploy({ environment: env('  targets: [{ type: directory, path: t }]'), pinnedText: null, commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', message: expect.stringContaining('does not exist') });
    expect(planDeploy({ environment: env('  targets: [{ type: http, url: "http://127.0.0.1:1", tokenEnv: NO_SUCH_TOKEN }]'), pinnedText: formatBundle(staged), commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', exitCode: 2, message: expect.stringContaining('NO_SUCH_TOKEN is not set') });
    expect(planDeploy({ environment: env('  targets: []'), pinnedText: formatBundle(staged), commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', exitCode: 2 });
  });

  it('refuses an unsigned bundle where signatures are required, and a tampered signature by the trusted key anywhere', () => {
    const key = newKey();
    const required = environment('staging', `  bundle: { digest: ${staged.digest}, path: b.json }\n  targets: [{ type: directory, path: t }]\n  signing: { publicKey: "${key.keyId}", required: true }`);
    expect(planDeploy({ environment: required, pinnedText: formatBundle(staged), commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', message: expect.stringContaining('requires signed bundles') });
    expect(planDeploy({ environment: required, pinnedText: formatBundle(signBundle(staged, key.privateKey)), commit: 'c' }, targetTypes, context).kind).toBe('plan');
    const optional = environment('staging', `  bundle: { digest: ${staged.digest}, path: b.json }\n  targets: [{ type: directory, path: t }]\n  signing: { publicKey: "${key.keyId}" }`);
    const forged = { ...staged, signature: { keyId: key.keyId, value: signBundle(live, key.privateKey).signature!.value } };
    expect(planDeploy({ environment: optional, pinnedText: formatBundle(forged), commit: 'c' }, targetTypes, context)).toMatchObject({ kind: 'refused', message: expect.stringContaining('does not match the digest') });
    expect(planDeploy({ environment: optional, pinnedText: formatBundle(staged), commit: 'c' }, targetTypes, context).kind).toBe('plan');
  });
});
