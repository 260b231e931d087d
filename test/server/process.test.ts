// docs/runtime-api.md with a real process: `offerops serve` on --port 0, an acknowledged event
// survives `kill -9` (the server is killed right after the 2xx and restarted on the same
// SQLite file), SIGTERM shuts down cleanly, tokens stay out of the logs.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { runCli } from '../cli/run-cli.js';
import { ensureFreshDist } from './fresh-dist.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { bundleText, fixtureBundle, richProfile, variantBundle } from './harness.js';

let dir: string;
let bundleFile: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  ensureFreshDist();
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-serve-'));
  bundleFile = path.join(dir, 'bundle.json');
  await writeFile(bundleFile, bundleText(await fixtureBundle()));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

type Server = ServeProcess;

/** Starts the real CLI and resolves once it prints the port it listens on. */
function serve(args: string[], env: Record<string, string> = {}): Promise<Server> {
  return startServe(args, { cwd: dir, env, children });
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function session(url: string, audienceId: string): Promise<string> {
  const created = await post(`${url}/v1/sessions`, { channel: 'web', audienceLevel: 'customer', audienceId, profile: richProfile });
  expect(created.status).toBe(201);
  return created.body['sessionId'] as string;
}

describe('offerops serve (real process)', () => {
  it('loses no acknowledged event when killed with SIGKILL right after the 2xx', async () => {
    const history = `sqlite:${path.join(dir, 'history.db')}`;
    const first = await serve(['--bundle', bundleFile, '--history', history]);

    // The member accepts gold-card; then many members log contacts concurrently and the
    // server is killed the moment the 60th acknowledgement arrives, with more in flight.
    const id = await session(first.url, 'kill-1');
    const shown = await post(`${first.url}/v1/sessions/${id}/offers`, { interactionPoint: 'home-hero' });
    const code = (shown.body['offers'] as { treatmentCode: string }[])[0]!.treatmentCode;
    expect((await post(`${first.url}/v1/sessions/${id}/events`, { event: 'offer-click', treatmentCode: code })).status).toBe(200);

    const members = Array.from({ length: 120 }, (_, i) => `member-${i}`);
    const sessions = await Promise.all(members.map((member) => session(first.url, member)));
    const acknowledged: string[] = [];
    let killed = false;
    await Promise.allSettled(
      sessions.map(async (sessionId, i) => {
        const response = await fetch(`${first.url}/v1/sessions/${sessionId}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'offer-shown', offer: 'travel-card' }) });
        if (response.status !== 200) return;
        acknowledged.push(members[i]!);
        if (acknowledged.length === 60 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }),
    );
    expect(killed).toBe(true);
    expect((await first.exited).signal).toBe('SIGKILL');

    // Every acknowledged event is in the file.
    const store = new SqliteHistoryStore(path.join(dir, 'history.db'));
    await store.open();
    for (const member of acknowledged) expect(await store.readMember(member), member).toEqual([{ customerId: member, offer: 'travel-card', channel: 'web', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), package: null, event: 'contact' }]);
    await store.close();

    // A restarted server on the same file decides with it: gold-card stays suppressed.
    const second = await serve(['--bundle', bundleFile, '--history', history]);
    const again = await session(second.url, 'kill-1');
    const offers = await post(`${second.url}/v1/sessions/${again}/offers`, { interactionPoint: 'home-hero' });
    expect((offers.body['offers'] as { offer: string }[]).map((o) => o.offer)).toEqual(['savings-plus']);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('swaps bundles through PUT /admin/bundle and never writes the admin token to its logs', async () => {
    const token = 'process-admin-token-9f8e7d6c';
    const server = await serve(['--bundle', bundleFile, '--history', `sqlite:${path.join(dir, 'admin.db')}`, '--log-level', 'trace'], { OFFEROPS_ADMIN_TOKEN: token });
    const next = await variantBundle();
    const wrong = await fetch(`${server.url}/admin/bundle`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope' }, body: bundleText(next) });
    expect(wrong.status).toBe(401);
    const swapped = await fetch(`${server.url}/admin/bundle`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: bundleText(next) });
    expect(swapped.status).toBe(200);
    const bad = await fetch(`${server.url}/admin/bundle`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"formatVersion": 7}' });
    expect(bad.status).toBe(422);
    expect(((await (await fetch(`${server.url}/v1/bundle`)).json()) as { digest: string }).digest).toBe(next.digest);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const logs = server.stderr();
    expect(logs).toContain('"msg":"bundle swapped in"');
    expect(logs).toContain('"msg":"bundle refused; the active bundle keeps serving"');
    expect(logs).not.toContain(token);
  });
});

describe('offerops serve --env', () => {
  it("serves the bundle pinned in environments/<env>.yaml", async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'environments', 'staging'), { recursive: true });
    await writeFile(path.join(dir, 'environments', 'staging', 'bundle.json'), bundleText(await variantBundle()));
    await writeFile(
      path.join(dir, 'environments', 'staging.yaml'),
      `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: staging }\nspec:\n  bundle: { digest: ${(await variantBundle()).digest}, path: environments/staging/bundle.json }\n`,
    );
    const server = await serve(['--env', 'staging', '--history', `sqlite:${path.join(dir, 'env.db')}`]);
    const info = (await (await fetch(`${server.url}/v1/bundle`)).json()) as { digest: string; source: string };
    expect(info).toMatchObject({ digest: (await variantBundle()).digest, source: 'environments/staging/bundle.json' });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});

describe('offerops serve flags', () => {
  it.each([
    [['serve'], /needs a bundle/],
    [['serve', '--bundle', 'missing.json'], /cannot read bundle missing.json/],
    [['serve', '--bundle', 'x.json', '--env', 'production'], /not both/],
    [['serve', '--bundle', 'bundle.json', '--port', 'eighty'], /--port must be a whole number/],
    [['serve', '--bundle', 'bundle.json', '--port', '70000'], /--port must be between 0 and 65535/],
    [['serve', '--bundle', 'bundle.json', '--history', 'mysql://u:pw-secret@h/db'], /--history must be sqlite:FILE or postgres:/],
    [['serve', '--bundle', 'bundle.json', '--history', 'postgre://user@host/db?password=pw-secret'], /got a 'postgre:' URL .*did you mean postgres:\/\/\?/],
    [['serve', '--bundle', 'bundle.json', '--log-level', 'loud'], /--log-level must be one of/],
    [['serve', '--env', 'nowhere'], /environment 'nowhere' has no pinned bundle/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const result = await runCli(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('pw-secret');
  });

  it('refuses to start on a tampered bundle (exit 2)', async () => {
    await writeFile(path.join(dir, 'tampered.json'), bundleText(await fixtureBundle()).replace('"score": 80', '"score": 99'));
    const result = await runCli(['serve', '--bundle', 'tampered.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bundle refused: .*digest mismatch/);
  });

  it('exits 3 when PostgreSQL cannot be reached, without printing the password', async () => {
    const result = await runCli(['serve', '--bundle', 'bundle.json', '--history', 'postgres://u:pg-secret-pw@127.0.0.1:1/db'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('pg-secret-pw');
  });
});
