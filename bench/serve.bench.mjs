// Serve benchmark (docs/benchmarks.md#targets): offer requests per second over loopback HTTP on two cores,
// with p99 latency (target ≥ 10,000/s, p99 < 10 ms).
//
// Figure:    POST /v1/sessions/:id/offers for one session (one interaction point, three
//            offers, the member's history read from the SQLite store on every request),
//            against the large config's bundle (bench/generate/large-config.mjs, the
//            full size: the engine's cost dominates) and against a 1% one (the server's
//            own cost dominates: HTTP, validation, history read, serialisation).
// Reference: a no-op POST route registered on the same server instance, measured in
//            the same run with the same load: the cost of fastify + loopback HTTP + the
//            load generator, which moves with the machine.
// The server runs in a child process (one core), autocannon in this one (the other
// core). Only 127.0.0.1 is ever addressed. Each run is bounded (BENCH_SECONDS each).
//
// Figure:    offers calls for members with 100,000 history rows against a new member on
//            the same server, same load, measured in turns (the history is read as a
//            bounded window: target ≤ 2×). Three histories isolate three costs:
//            - years of contacts, all before the rules' windows: the same decision as a
//              new member's, so the figure is the cost of the history's size alone;
//            - a burst in the last 3 days on 3 offers (what a load test or a bot leaves):
//              maxContacts suppresses those offers, so the decision itself differs;
//            - 100 rows a day for 1,000 days over every offer: the rules' windows are full,
//              and what is read grows with the window's days (not the history's rows).
// Figure:    `offerops serve --workers 2` against `--workers 1`, both with sessions in a
//            Redis started for the run (skipped when redis-server is not installed).
//
//   node --expose-gc bench/serve.bench.mjs           (npm run bench -- serve)
//   BENCH_SCALES=1,0.1 BENCH_SECONDS=3 node bench/serve.bench.mjs   bundles to measure (default 1,0.01)
//   node bench/serve.bench.mjs --child-server DIR    the server half (prints its port)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { writeLargeConfig } from './generate/large-config.mjs';

const TARGET_RPS = 10_000;
const TARGET_P99_MS = 10;
const SEED = 20260101;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SCALE = 1;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const self = fileURLToPath(import.meta.url);
const dist = new URL('../dist/', import.meta.url);
const bin = fileURLToPath(new URL('../bin/offerops.js', import.meta.url));
const HEAVY_ROWS = 100_000;
const DAY_MS = 86_400_000;

const profile = {
  age: 42,
  income: 95000.0,
  balance: 12000.0,
  creditScore: 710,
  tier: 'gold',
  region: 'north',
  tags: ['family', 'digital'],
  products: ['current-account', 'credit-card'],
  joined: '2015-06-01',
  optIn: true,
  lastPurchaseDays: 12,
};

if (process.argv[2] === '--child-server') await runServer(process.argv[3]);
else await runBenchmark();

/** The server half: compile the config, serve it on 127.0.0.1:0, print the port. */
async function runServer(dir) {
  const { compileDirectory } = await import(new URL('compile/compile-directory.js', dist));
  const { createEngine } = await import(new URL('engine/engine.js', dist));
  const { createServer } = await import(new URL('server/app.js', dist));
  const { SqliteHistoryStore } = await import(new URL('server/sqlite-history-store.js', dist));
  const { pino } = await import('pino');

  const compiled = await compileDirectory(path.join(dir, 'config'), { root: dir });
  if (!compiled.bundle) throw new Error('the large config did not compile');
  const history = new SqliteHistoryStore(path.join(dir, 'history.db'));
  await history.open();
  await writeHeavyMembers(history, compiled.bundle);
  // Logs as in production (info level), written nowhere.
  const logger = pino({ level: 'info' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
  const app = createServer({ engine: createEngine(compiled.bundle), bundleSource: 'bench', history, logger });
  app.post('/bench/noop', async () => ({ ok: true }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(JSON.stringify({ address, digest: compiled.bundle.digest, rules: compiled.bundle.body.rules.length }) + '\n');
  process.on('SIGTERM', async () => {
    await app.close();
    await history.close();
    process.exit(0);
  });
}

/**
 * Three members with 100,000 history rows each, dated back from today (the server's
 * decision day): years of contacts before every rule window (day 200 back and older:
 * the longest window is 182 days), a burst (the last 3 days, 3 offers), and a full
 * history (100 rows a day for 1,000 days, every offer in turn, 80% contacts, 10%
 * accepts, 10% rejects).
 */
async function writeHeavyMembers(history, bundle) {
  const offers = bundle.body.offers.map((offer) => offer.name);
  const channel = bundle.body.channels[0].name;
  const today = Date.now();
  const day = (back) => new Date(today - back * DAY_MS).toISOString().slice(0, 10);
  const events = ['contact', 'contact', 'contact', 'contact', 'contact', 'contact', 'contact', 'contact', 'accept', 'reject'];
  for (let start = 0; start < HEAVY_ROWS; start += 10_000) {
    const rows = [];
    for (let i = start; i < start + 10_000; i++) {
      rows.push({ customerId: 'bench-heavy-old', offer: offers[(i * 7919) % offers.length], channel, date: day(200 + Math.floor(i / 100)), package: null, event: 'contact' });
      rows.push({ customerId: 'bench-heavy-burst', offer: offers[i % 3], channel, date: day(i % 3), package: null, event: 'contact' });
      rows.push({ customerId: 'bench-heavy-full', offer: offers[(i * 7919) % offers.length], channel, date: day(Math.floor(i / 100)), package: null, event: events[i % 10] });
    }
    await history.append(rows);
  }
}

async function runBenchmark() {
  // Two bundles: the targets' large config (the engine's cost dominates), and a 1% one
  // (HTTP, validation, the history read and serialisation dominate).
  const scales = (process.env.BENCH_SCALES ?? `${SCALE},0.01`).split(',').map(Number).filter((n, i, all) => n > 0 && all.indexOf(n) === i);
  process.stdout.write(`${CONNECTIONS} connections, ${SECONDS} s per measurement, server and load generator on separate cores, 127.0.0.1 only\n`);
  for (const scale of scales) await measureScale(scale);
  for (const scale of scales) await measureWorkers(scale);
}

async function measureScale(scale) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-serve-bench-'));
  let child;
  try {
    await writeLargeConfig(path.join(dir, 'config'), { seed: SEED, scale });
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server half.
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    child = spawn(process.execPath, [...nodeArgs, self, '--child-server', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const base = ready.address;
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) throw new Error(`refusing a non-loopback address ${base}`);

    const session = await post(`${base}/v1/sessions`, { channel: 'web', audienceLevel: 'customer', audienceId: 'bench-member', profile, session: { device: 'desktop', visits: 3 } });
    const sessionId = session.sessionId;
    const offerBody = JSON.stringify({ interactionPoint: 'home-sidebar', count: 3 });
    const first = await post(`${base}/v1/sessions/${sessionId}/offers`, JSON.parse(offerBody));
    // Some history to read on every request: contacts for the offers shown.
    for (const offer of first.offers) await post(`${base}/v1/sessions/${sessionId}/events`, { event: 'offer-shown', treatmentCode: offer.treatmentCode });

    const offersRequest = { url: `${base}/v1/sessions/${sessionId}/offers`, body: offerBody };
    const noopRequest = { url: `${base}/bench/noop`, body: offerBody };
    await load(offersRequest, 2); // warm-up: JIT, caches
    await load(noopRequest, 1);
    const reference = await load(noopRequest, SECONDS);
    const figure = await load(offersRequest, SECONDS);

    process.stdout.write(`\nbundle at scale ${scale}: ${ready.rules.toLocaleString('en-US')} treatment rules; ${first.offers.length} offers per response, ${first.offers.length} history rows read per request\n`);
    process.stdout.write(line(`serve: POST offers, scale ${scale}`, figure) + '\n');
    process.stdout.write(line('reference: no-op POST route, same server', reference) + '\n');
    process.stdout.write(
      `ratio offers/no-op: ${(figure.rps / reference.rps).toFixed(2)}; target ≥ ${TARGET_RPS.toLocaleString('en-US')}/s and p99 < ${TARGET_P99_MS} ms: ${figure.rps >= TARGET_RPS && figure.p99 < TARGET_P99_MS ? 'ok' : 'OVER TARGET'}\n`,
    );

    // A member with 100,000 history rows against a new member, same server, same load.
    const heavyOffers = async (member) => {
      const id = (await post(`${base}/v1/sessions`, { channel: 'web', audienceLevel: 'customer', audienceId: member, profile, session: { device: 'desktop', visits: 3 } })).sessionId;
      return { url: `${base}/v1/sessions/${id}/offers`, body: offerBody };
    };
    const members = [
      ['serve: offers, new member (reference)', await heavyOffers('bench-new-member')],
      ['serve: offers, 100,000 rows, years back', await heavyOffers('bench-heavy-old')],
      ['serve: offers, 100,000 rows, a 3-day burst', await heavyOffers('bench-heavy-burst')],
      ['serve: offers, 100,000 rows, 100 a day', await heavyOffers('bench-heavy-full')],
    ];
    // Requests a measurement left in flight are still answered after it ends: each
    // measurement starts once a request sent after them has its answer.
    const drain = () => fetch(`${base}/healthz`).then((response) => response.arrayBuffer());
    for (const [, request] of members) {
      await load(request, 1);
      await drain();
    }
    // In turns, so a change in the machine's load over the run weighs on every member alike.
    const turns = 3;
    const totals = members.map(() => ({ requests: 0, seconds: 0, p99: 0, errors: 0, non2xx: 0 }));
    for (let turn = 0; turn < turns; turn++) {
      for (let m = 0; m < members.length; m++) {
        const r = await load(members[m][1], Math.max(1, Math.round(SECONDS / turns)));
        await drain();
        const t = totals[m];
        t.requests += r.requests;
        t.seconds += r.seconds;
        t.p99 = Math.max(t.p99, r.p99);
        t.errors += r.errors;
        t.non2xx += r.non2xx;
      }
    }
    const figures = totals.map((t) => ({ ...t, rps: t.requests / t.seconds }));
    process.stdout.write(line(members[0][0], figures[0]) + '\n');
    for (let m = 1; m < members.length; m++) {
      const ratio = figures[0].rps / figures[m].rps;
      process.stdout.write(line(members[m][0], figures[m]) + `   cost ${ratio.toFixed(2)}× a new member's${m === 1 ? ` (target ≤ 2×: ${ratio <= 2 ? 'ok' : 'OVER TARGET'})` : ''}\n`);
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** 1 worker against 2, `offerops serve` with sessions in a Redis started for this run. */
async function measureWorkers(scale) {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stdout.write(`\nworkers, scale ${scale}: skipped (redis-server is not installed; apt-get install redis-server)\n`);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-serve-workers-'));
  const children = [];
  try {
    await writeLargeConfig(path.join(dir, 'config'), { seed: SEED, scale });
    const compiled = spawnSync(process.execPath, [bin, 'compile', '--config', path.join(dir, 'config'), '--out', path.join(dir, 'bundle.json')], { cwd: dir });
    if (compiled.status !== 0) throw new Error(`compile failed: ${compiled.stderr}`);
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(redis);
    await new Promise((resolve) => redis.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept connections') && resolve()));
    const results = {};
    for (const workers of [1, 2]) {
      const server = spawn(
        process.execPath,
        [bin, 'serve', '--bundle', 'bundle.json', '--port', '0', '--log-level', 'warn', '--workers', String(workers), '--sessions', `redis://127.0.0.1:${redisPort}/${workers}`, '--history', `sqlite:history-${workers}.db`],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(server);
      const base = await new Promise((resolve, reject) => {
        let err = '';
        server.stderr.on('data', (chunk) => {
          err += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (match) resolve(match[1]);
        });
        server.on('exit', (code) => reject(new Error(`serve --workers ${workers} exited with ${code}: ${err}`)));
      });
      const id = (await post(`${base}/v1/sessions`, { channel: 'web', audienceLevel: 'customer', audienceId: 'bench-member', profile, session: { device: 'desktop', visits: 3 } })).sessionId;
      const request = { url: `${base}/v1/sessions/${id}/offers`, body: JSON.stringify({ interactionPoint: 'home-sidebar', count: 3 }) };
      await load(request, 2);
      results[workers] = await load(request, SECONDS);
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    process.stdout.write(`\nserve --workers, scale ${scale} (sessions in Redis, SQLite history, autocannon on the same ${os.availableParallelism()} cores)\n`);
    process.stdout.write(line('serve --workers 1 (reference)', results[1]) + '\n');
    process.stdout.write(line('serve --workers 2', results[2]) + `   ${(results[2].rps / results[1].rps).toFixed(2)}× --workers 1\n`);
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function line(label, r) {
  return `${label.padEnd(44)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s   p99 ${r.p99.toFixed(2).padStart(6)} ms   (${r.errors} errors, ${r.non2xx} non-2xx)`;
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function load({ url, body }, seconds) {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, requests: result.requests.total, seconds: result.duration, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}
