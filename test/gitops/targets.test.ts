// Deploy and check against real targets: `offerops serve` child processes as http
// targets (one killed mid-deploy) and folders (one made read-only mid-deploy). A failed
// deploy exits 3 and every target runs what it ran before.
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/bundle/bundle.js';
import { applyPlan, type ApplyEvent } from '../../src/gitops/apply.js';
import { planDeploy } from '../../src/gitops/deploy.js';
import { loadEnvironments } from '../../src/gitops/environment.js';
import { openSession } from '../../src/gitops/state.js';
import { targetTypes } from '../../src/gitops/targets/registry.js';
import { ensureFreshDist } from '../server/fresh-dist.js';
import { createDemo, DEMO_MAX_P99_MS, expectExit, type Demo } from './demo-repository.js';

const bin = path.resolve(import.meta.dirname, '../../bin/offerops.js');
const TOKEN = 'test-admin-token-0123456789';
const children: ChildProcessWithoutNullStreams[] = [];

interface Server {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<unknown>;
}

/** The real CLI's server; resolves once it says where it listens. */
function serve(cwd: string, args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--log-level', 'warn', ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', OFFEROPS_ADMIN_TOKEN: TOKEN } });
  children.push(child);
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) resolve({ child, url: match[1]!, exited });
    });
    void exited.then(() => reject(new Error(`offerops serve exited before listening:\n${stderr}`)));
  });
}

async function kill(server: Server): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

async function runs(server: Server): Promise<string> {
  return ((await (await fetch(`${server.url}/v1/bundle`)).json()) as { digest: string }).digest;
}

let demo: Demo;
const env = () => ({ OFFEROPS_ADMIN_TOKEN: TOKEN });
const digestOf = async (file: string) => parseBundle(await demo.read(file), file).digest;

/** Points staging at `targets` (YAML flow items), commits and pushes. */
async function stagingTargets(targets: string[]): Promise<void> {
  const text = await demo.read('environments/staging.yaml');
  const replaced = text.replace(/ {2}targets:\n( {4}.*\n)+/, `  targets:\n${targets.map((t) => `    - ${t}\n`).join('')}`);
  await demo.write('environments/staging.yaml', replaced);
  demo.git(['commit', '--quiet', '-am', 'chore: staging targets']);
  demo.git(['push', '--quiet', 'origin', 'main']);
}

async function newRelease(score: number): Promise<string> {
  await demo.commitEdit('config/strategy.yaml', /score: \d+\n(\s+)controlGroup/, `score: ${score}\n$1controlGroup`, `feat: travel ${score}`);
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  return digestOf('environments/staging/bundle.json');
}

/** Deploys staging through the library, calling `hook` on every event (as the CLI does, with a hook). */
async function deployWith(hook: (event: ApplyEvent) => Promise<void>) {
  const session = await openSession(demo.work, { ...demo.env, ...env() }, new Date());
  const set = await loadEnvironments(session.root);
  const environment = set.environments.get('staging')!;
  const context = { root: session.root, env: session.env, timeoutMs: 5000 };
  const outcome = planDeploy({ environment, pinnedText: await demo.read(environment.spec.bundle!.path), commit: demo.git(['rev-parse', 'HEAD']) }, targetTypes, context);
  if (outcome.kind !== 'plan') throw new Error(JSON.stringify(outcome));
  return applyPlan(outcome.plan, { session, targets: targetTypes, environments: [...set.environments.values()], timeoutMs: 5000, onEvent: hook });
}

beforeAll(() => ensureFreshDist());
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('http targets (real offerops serve processes)', () => {
  let first: Server;
  let second: Server;
  let initial: string;

  beforeEach(async () => {
    demo = await createDemo();
    expectExit(await demo.cli(['compile', '--out', 'build/initial.json']), 0);
    initial = await digestOf('build/initial.json');
    first = await serve(demo.work, ['--bundle', 'build/initial.json', '--history', `sqlite:${path.join(demo.dir, 'one.db')}`]);
    second = await serve(demo.work, ['--bundle', 'build/initial.json', '--history', `sqlite:${path.join(demo.dir, 'two.db')}`]);
    await stagingTargets(['{ type: directory, path: .offerops/targets/staging }', `{ type: http, url: "${first.url}" }`, `{ type: http, url: "${second.url}", tokenEnv: OFFEROPS_ADMIN_TOKEN }`]);
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    expectExit(await demo.cli(['deploy', '--env', 'staging'], { env: env() }), 0);
  });
  afterEach(async () => {
    for (const server of [first, second]) if (server.child.exitCode === null && server.child.signalCode === null) await kill(server);
    await demo.cleanup();
  });

  it('deploys to every target, confirmed by GET /v1/bundle, and check replays members over HTTP', async () => {
    const next = await newRelease(61);
    const result = expectExit(await demo.cli(['deploy', '--env', 'staging', '--json'], { env: env() }), 0);
    expect((JSON.parse(result.stdout) as { deployment: { targets: { ok: boolean; previousDigest: string }[] } }).deployment.targets.map((t) => [t.ok, t.previousDigest])).toEqual([
      [true, initial],
      [true, initial],
      [true, initial],
    ]);
    expect([await runs(first), await runs(second), await digestOf('.offerops/targets/staging/bundle.json')]).toEqual([next, next, next]);
    const check = JSON.parse(expectExit(await demo.cli(['check', '--env', 'staging', '--json'], { env: env() }), 0).stdout) as { check: { targets: { target: string; decisions: number; mismatches: number; passed: boolean }[] } };
    expect(check.check.targets.map((t) => [t.target.split(' ')[0], t.decisions, t.mismatches, t.passed])).toEqual([
      ['directory', 100, 0, true],
      ['http', 100, 0, true],
      ['http', 100, 0, true],
    ]);
  });

  it('fails the check when a limit is missed, and when a server runs another bundle', async () => {
    await demo.commitEdit('environments/staging.yaml', `maxP99Ms: ${DEMO_MAX_P99_MS}`, 'maxP99Ms: 0.001', 'chore: an impossible latency limit');
    expect(expectExit(await demo.cli(['check', '--env', 'staging'], { env: env() }), 1).stderr).toMatch(/p99 [\d.]+ ms is over the limit of 0\.001 ms/);
    const other = await newRelease(62);
    expectExit(await demo.cli(['deploy', '--env', 'staging'], { env: env() }), 0);
    // Someone swaps the second server back by hand.
    const put = await fetch(`${second.url}/admin/bundle`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: await demo.read('build/initial.json') });
    expect(put.status).toBe(200);
    const result = expectExit(await demo.cli(['check', '--env', 'staging'], { env: env() }), 3);
    expect(result.stderr).toContain(`it runs ${initial}, not the pinned ${other}: deploy first`);
  });

  it('refuses a wrong token before the bundle lands, and changes nothing anywhere', async () => {
    await newRelease(63);
    const result = expectExit(await demo.cli(['deploy', '--env', 'staging'], { env: { OFFEROPS_ADMIN_TOKEN: 'wrong-token-wrong-token' } }), 3);
    expect(result.stderr).toContain('refused the token from OFFEROPS_ADMIN_TOKEN (401)');
    expect(result.stderr).not.toContain('wrong-token-wrong-token');
    expect([await runs(first), await runs(second), await digestOf('.offerops/targets/staging/bundle.json')]).toEqual([initial, initial, initial]);
  });

  it('a server killed mid-deploy: exit 3, every target back on the old bundle, and the old bundle serves on restart', async () => {
    const next = await newRelease(64);
    const seen: string[] = [];
    const result = await deployWith(async (event) => {
      seen.push(event.kind);
      // The folder and the first server have the new bundle: the second server dies now.
      if (event.kind === 'target-activated' && event.index === 1) await kill(second);
    });
    expect(result.exitCode).toBe(3);
    expect(result.message).toMatch(new RegExp(`failed at http ${second.url.replace(/[.]/g, '\\.')}: .*PUT /admin/bundle failed \\(ECONNREFUSED\\)`));
    // The dead server cannot be asked what it runs (it runs nothing now); the others are put back.
    expect(seen).toEqual(['target-read', 'target-read', 'target-read', 'target-activated', 'target-activated', 'target-failed', 'restore-failed', 'target-restored', 'target-restored', 'recorded']);
    expect(result.message).toContain(`NOT restored: http ${second.url}`);
    expect(await runs(first)).toBe(initial);
    expect(await digestOf('.offerops/targets/staging/bundle.json')).toBe(initial);
    expect(result.deployment).toMatchObject({ ok: false, digest: next });
    // Restarted on the folder it would watch, it serves the old bundle too.
    const restarted = await serve(demo.work, ['--watch', '.offerops/targets/staging', '--history', `sqlite:${path.join(demo.dir, 'two.db')}`]);
    second = restarted;
    expect(await runs(restarted)).toBe(initial);
  });

  it('a server unreachable before the deploy starts: exit 3, nothing written anywhere', async () => {
    await newRelease(65);
    await kill(second);
    const result = expectExit(await demo.cli(['deploy', '--env', 'staging'], { env: env() }), 3);
    expect(result.stderr).toContain('nothing was deployed');
    expect([await runs(first), await digestOf('.offerops/targets/staging/bundle.json')]).toEqual([initial, initial]);
  });
});

/** Makes `dir` truly read-only, for root too: a read-only bind mount; chmod for anyone else. Returns the undo. */
function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['-o', 'remount,ro,bind', dir]);
    return () => execFileSync('umount', [dir]);
  }
  execFileSync('chmod', ['-R', 'a-w', dir]);
  return () => execFileSync('chmod', ['-R', 'u+w', dir]);
}

describe('directory targets', () => {
  let undo: (() => void) | null = null;
  beforeEach(async () => {
    demo = await createDemo();
    await stagingTargets(['{ type: directory, path: .offerops/targets/a }', '{ type: directory, path: .offerops/targets/b }']);
    expectExit(await demo.cli(['release', '--env', 'staging']), 0);
    expectExit(await demo.cli(['deploy', '--env', 'staging']), 0);
  });
  afterEach(async () => {
    undo?.();
    undo = null;
    await demo.cleanup();
  });

  it('one made read-only mid-deploy: exit 3, and the other is put back on the old bundle', async () => {
    const old = await digestOf('.offerops/targets/a/bundle.json');
    const oldText = await demo.read('.offerops/targets/a/bundle.json');
    const next = await newRelease(66);
    const folderB = path.join(demo.work, '.offerops/targets/b');
    const result = await deployWith(async (event) => {
      if (event.kind === 'target-activated' && event.index === 0) {
        undo = makeReadOnly(folderB);
        expect(() => writeFileSync(path.join(folderB, 'probe'), 'x')).toThrow();
      }
    });
    expect(result.exitCode).toBe(3);
    expect(result.message).toMatch(/failed at directory \.offerops\/targets\/b: directory \.offerops\/targets\/b: cannot write the bundle \((EROFS|EACCES)\)/);
    expect(await demo.read('.offerops/targets/a/bundle.json')).toBe(oldText);
    expect(await digestOf('.offerops/targets/b/bundle.json')).toBe(old);
    // The new bundle stays kept in a's bundles/ for next time; the active one is the old.
    expect(await digestOf(`.offerops/targets/a/bundles/${next.slice(7)}.json`)).toBe(next);
  });
});
