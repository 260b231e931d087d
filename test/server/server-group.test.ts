// A server group with real processes (docs/runtime-api.md#running-several-instances):
// two `offerops serve` instances sharing Redis (sessions) and PostgreSQL (history) behave
// as one, and killing one loses nothing acknowledged; `serve --workers 2` shares one port
// between two worker processes, replaces a worker that dies, and carries a bundle swap
// to every worker. Redis and PostgreSQL come from OFFEROPS_TEST_REDIS and
// OFFEROPS_TEST_POSTGRES (.ci/redis.sh, .ci/postgres.sh); under CI their absence fails.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresHistoryStore } from '../../src/server/postgres-history-store.js';
import { runCli } from '../cli/run-cli.js';
import { ensureFreshDist } from './fresh-dist.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { bundleText, fixtureBundle, richProfile, variantBundle } from './harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/offerops.js');
const redisUrl = process.env['OFFEROPS_TEST_REDIS'];
const postgresUrl = process.env['OFFEROPS_TEST_POSTGRES'];
const inCi = process.env['CI'] === 'true';
const token = 'group-admin-token-5c4b3a2918';

let dir: string;
let bundleFile: string;
const children: ChildProcessWithoutNullStreams[] = [];
/** Members are unique to this run: the PostgreSQL table is shared with earlier runs. */
const run = `${process.pid}-${Date.now()}`;

beforeAll(async () => {
  ensureFreshDist();
  dir = await mkdtemp(path.join(tmpdir(), 'offerops-group-'));
  bundleFile = path.join(dir, 'bundle.json');
  await writeFile(bundleFile, bundleText(await fixtureBundle()));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

type Server = ServeProcess;

function serve(args: string[]): Promise<Server> {
  return startServe(['--log-level', 'warn', ...args], { cwd: dir, env: { OFFEROPS_ADMIN_TOKEN: token }, children });
}

/** One request on a connection of its own (a cluster spreads new connections over its workers). */
function call(url: string, method: string, body?: unknown, raw?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const req = httpRequest(url, { method, agent: false, headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } }));
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function startSession(url: string, audienceId: string): Promise<string> {
  const created = await call(`${url}/v1/sessions`, 'POST', { channel: 'web', audienceId, profile: richProfile });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body['sessionId'] as string;
}

const offersOf = (response: { body: Record<string, unknown> }) => ((response.body['offers'] ?? []) as { offer: string; treatmentCode: string }[]);

/** A Redis database of its own, emptied: sessions of earlier runs must not count toward limits. */
async function freshRedis(db: number): Promise<string> {
  const url = new URL(redisUrl!);
  url.pathname = `/${db}`;
  const client = new Redis(url.toString());
  await client.flushdb();
  await client.quit();
  return url.toString();
}

describe('services for the server-group tests', () => {
  it.runIf(inCi)('are configured under CI', () => {
    expect(redisUrl, 'OFFEROPS_TEST_REDIS is not set: .ci/run must eval "$(.ci/redis.sh)"').toBeTruthy();
    expect(postgresUrl, 'OFFEROPS_TEST_POSTGRES is not set: .ci/run must eval "$(.ci/postgres.sh)"').toBeTruthy();
  });
});

describe.runIf(Boolean(redisUrl && postgresUrl))('two instances sharing Redis and PostgreSQL', () => {
  it('continue each other’s sessions, see each other’s events, and lose nothing acknowledged when one is killed', async () => {
    const sessions = await freshRedis(5);
    const args = ['--bundle', bundleFile, '--history', postgresUrl!, '--sessions', sessions];
    const [a, b] = await Promise.all([serve(args), serve(args)]);

    // A session started on A continues on B, and B's events reach A's decisions.
    const member = `group-${run}-1`;
    const id = await startSession(a.url, member);
    const onB = await call(`${b.url}/v1/sessions/${id}/offers`, 'POST', { interactionPoint: 'home-hero' });
    expect(onB.status).toBe(200);
    expect(offersOf(onB).map((o) => o.offer)).toEqual(['gold-card']);
    // The treatment code B returned is known to A (remembered in the shared session).
    const accepted = await call(`${a.url}/v1/sessions/${id}/events`, 'POST', { event: 'offer-click', treatmentCode: offersOf(onB)[0]!.treatmentCode });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    // An accept on A suppresses on B (afterAccept), in this session and in a new one.
    expect(offersOf(await call(`${b.url}/v1/sessions/${id}/offers`, 'POST', { interactionPoint: 'home-hero' })).map((o) => o.offer)).toEqual(['savings-plus']);
    const other = await startSession(b.url, member);
    expect(offersOf(await call(`${a.url}/v1/sessions/${other}/offers`, 'POST', { interactionPoint: 'home-hero' })).map((o) => o.offer)).toEqual(['savings-plus']);
    // A profile update on B is the session's on A (resegmented: no longer high-value).
    expect((await call(`${b.url}/v1/sessions/${id}/events`, 'POST', { event: 'page-view', profile: { income: 1000.0 } })).status).toBe(200);
    expect(offersOf(await call(`${a.url}/v1/sessions/${id}/offers`, 'POST', { interactionPoint: 'checkout-upsell', count: 3 })).map((o) => o.offer)).toEqual(['savings-plus', 'travel-card']);
    // Ending it on A ends it on B.
    expect((await call(`${a.url}/v1/sessions/${id}`, 'DELETE')).status).toBe(204);
    expect((await call(`${b.url}/v1/sessions/${id}/offers`, 'POST', { interactionPoint: 'home-hero' })).status).toBe(404);

    // Load on both; A is killed the moment its 40th event is acknowledged, with more in flight.
    const members = Array.from({ length: 100 }, (_, i) => `group-${run}-load-${i}`);
    const ids = await Promise.all(members.map((m, i) => startSession(i % 2 === 0 ? a.url : b.url, m)));
    const acknowledged: string[] = [];
    let acknowledgedByA = 0;
    let killed = false;
    await Promise.allSettled(
      ids.map(async (sessionId, i) => {
        const server = i % 2 === 0 ? b : a; // each session on the other instance than the one it started on
        const response = await call(`${server.url}/v1/sessions/${sessionId}/events`, 'POST', { event: 'offer-shown', offer: 'travel-card' });
        if (response.status !== 200) return;
        acknowledged.push(members[i]!);
        if (server === a && ++acknowledgedByA === 40 && !killed) {
          killed = true;
          a.child.kill('SIGKILL');
        }
      }),
    );
    expect(killed).toBe(true);
    expect((await a.exited).signal).toBe('SIGKILL');
    // Every acknowledged event is in PostgreSQL, once.
    const store = new PostgresHistoryStore({ url: postgresUrl! });
    await store.open();
    for (const m of acknowledged) expect((await store.readMember(m)).map((r) => `${r.offer}:${r.event}`), m).toEqual(['travel-card:contact']);
    await store.close();
    // B serves on: the sessions started on A continue there.
    for (let i = 0; i < ids.length; i += 2) expect((await call(`${b.url}/v1/sessions/${ids[i]}/offers`, 'POST', { interactionPoint: 'home-hero' })).status).toBe(200);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });
});

describe.runIf(Boolean(redisUrl))('serve --workers 2', () => {
  it('serves from two worker processes on one port, carries a bundle swap to both, and replaces a worker that dies', async () => {
    const sessions = await freshRedis(6);
    const server = await serve(['--bundle', bundleFile, '--history', `sqlite:${path.join(dir, 'workers.db')}`, '--sessions', sessions, '--workers', '2']);
    expect(server.stderr()).toContain('(2 workers, sessions');
    const workerPids = (): number[] =>
      execFileSync('pgrep', ['-P', String(server.child.pid)])
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(Number);
    expect(workerPids()).toHaveLength(2);

    // Sessions move between workers freely (each request on a new connection).
    const id = await startSession(server.url, `workers-${run}`);
    for (let i = 0; i < 6; i++) expect(offersOf(await call(`${server.url}/v1/sessions/${id}/offers`, 'POST', { interactionPoint: 'home-hero' })).map((o) => o.offer)).toEqual(['gold-card']);

    // A swap through one worker is active on every worker before it is answered.
    const next = await variantBundle();
    const swapped = await call(`${server.url}/admin/bundle`, 'PUT', undefined, bundleText(next));
    expect(swapped.status, JSON.stringify(swapped.body)).toBe(200);
    const digests = await Promise.all(Array.from({ length: 12 }, async () => (await call(`${server.url}/v1/bundle`, 'GET')).body['digest']));
    expect(new Set(digests)).toEqual(new Set([next.digest]));

    // /metrics counts every worker's requests (aggregated by the primary), whichever worker
    // answers. (A worker records a request once its answer is written: polled until then.)
    await expect
      .poll(async () => (await call(`${server.url}/metrics`, 'GET')).body['text'] as string, { timeout: 20_000 })
      .toMatch(/offerops_http_requests_total\{method="POST",route="\/v1\/sessions\/:sessionId\/offers",status="200"\} 6\n[^]*offerops_http_requests_total\{method="GET",route="\/v1\/bundle",status="200"\} 12\n|offerops_http_requests_total\{method="GET",route="\/v1\/bundle",status="200"\} 12\n[^]*offerops_http_requests_total\{method="POST",route="\/v1\/sessions\/:sessionId\/offers",status="200"\} 6\n/);

    // A worker killed is replaced, on the swapped bundle; the group keeps answering.
    const [victim] = workerPids();
    process.kill(victim!, 'SIGKILL');
    await new Promise<void>((resolve) => {
      const check = () => {
        if (server.stderr().includes('listening (a replacement)')) {
          server.child.stderr.off('data', check);
          resolve();
        }
      };
      server.child.stderr.on('data', check);
      check();
    });
    expect(server.stderr()).toMatch(/worker \d+ exited \(SIGKILL\); starting another/);
    // New connections are spread over both workers again: every answer is on the swapped bundle.
    const answers = await Promise.all(Array.from({ length: 12 }, async () => (await call(`${server.url}/v1/bundle`, 'GET')).body['digest']));
    expect(new Set(answers)).toEqual(new Set([next.digest]));
    expect(workerPids()).toHaveLength(2);
    expect(workerPids()).not.toContain(victim);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('exits 3, with every worker stopped, when the workers cannot reach Redis', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--bundle', bundleFile, '--history', `sqlite:${path.join(dir, 'unreachable.db')}`, '--workers', '2', '--sessions', 'redis://:redis-pw-secret@127.0.0.1:1/0'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const { code } = await new Promise<{ code: number | null }>((resolve) => child.on('exit', (exitCode) => resolve({ code: exitCode })));
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(/cannot reach the Redis session store/);
    expect(stderr).not.toContain('redis-pw-secret');
    // (The primary exits only once every worker has exited: a worker still starting when
    // another failed is stopped too, or this would never resolve.)
  });

  it('refuses more than one worker with sessions in memory (exit 2)', async () => {
    const result = await runCli(['serve', '--bundle', bundleFile, '--workers', '2'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--workers 2 needs --sessions redis:\/\//);
  });

  it('exits 3 when Redis cannot be reached, without printing its password', async () => {
    const result = await runCli(['serve', '--bundle', bundleFile, '--history', `sqlite:${path.join(dir, 'nored.db')}`, '--sessions', 'redis://:redis-pw-secret@127.0.0.1:1/0'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot reach the Redis session store/);
    expect(result.stderr).not.toContain('redis-pw-secret');
  });
});
