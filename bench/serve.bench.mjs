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
//   node --expose-gc bench/serve.bench.mjs           (npm run bench -- serve)
//   BENCH_SCALES=1,0.1 BENCH_SECONDS=3 node bench/serve.bench.mjs   bundles to measure (default 1,0.01)
//   node bench/serve.bench.mjs --child-server DIR    the server half (prints its port)
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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

async function runBenchmark() {
  // Two bundles: the targets' large config (the engine's cost dominates), and a 1% one
  // (HTTP, validation, the history read and serialisation dominate).
  const scales = (process.env.BENCH_SCALES ?? `${SCALE},0.01`).split(',').map(Number).filter((n, i, all) => n > 0 && all.indexOf(n) === i);
  process.stdout.write(`${CONNECTIONS} connections, ${SECONDS} s per measurement, server and load generator on separate cores, 127.0.0.1 only\n`);
  for (const scale of scales) await measureScale(scale);
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

    const line = (label, r) => `${label.padEnd(44)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s   p99 ${r.p99.toFixed(2).padStart(6)} ms   (${r.errors} errors, ${r.non2xx} non-2xx)`;
    process.stdout.write(`\nbundle at scale ${scale}: ${ready.rules.toLocaleString('en-US')} treatment rules; ${first.offers.length} offers per response, ${first.offers.length} history rows read per request\n`);
    process.stdout.write(line(`serve: POST offers, scale ${scale}`, figure) + '\n');
    process.stdout.write(line('reference: no-op POST route, same server', reference) + '\n');
    process.stdout.write(
      `ratio offers/no-op: ${(figure.rps / reference.rps).toFixed(2)}; target ≥ ${TARGET_RPS.toLocaleString('en-US')}/s and p99 < ${TARGET_P99_MS} ms: ${figure.rps >= TARGET_RPS && figure.p99 < TARGET_P99_MS ? 'ok' : 'OVER TARGET'}\n`,
    );
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function post(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function load({ url, body }, seconds) {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}
