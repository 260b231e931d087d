// Compares the decide benchmark's decisions between two (or more) builds of the engine in ONE
// process (docs/benchmarks.md#decide--benchdecidebenchmjs): on a shared machine two separate
// runs see different loads, so the same requests are decided by each build alternately, in
// chunks of 1,000 (ROUNDS chunks each, the order reversed every other round), and the median
// CPU time per decision (user + system, so time the process waits for a core is left out) and
// the median of the per-chunk ratios to the first build are printed. The members and the
// all-extensions bundle are those of bench/decide.bench.mjs (copied here: that file runs on import).
// Another build: `git worktree add --detach /tmp/before <commit>` (or `git archive <commit> | tar -x`),
// then `npx tsc -p tsconfig.build.json` there.
//
//   VARIANTS=before=/tmp/before/dist/,after=dist/ ROUNDS=30 node bench/compare/decide.mjs
//   VARIANTS=before=/tmp/before/dist/,after=dist/ EXT=1 WARM=1 node bench/compare/decide.mjs
//   VARIANTS=plain=dist/,extensions=dist/:ext node bench/compare/decide.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seededRandom, writeLargeConfig } from '../generate/large-config.mjs';

const SEED = 20260101;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 50000);
const MEMBERS = 2000;
const COLD_DECISIONS = Number(process.env.BENCH_COLD_DECISIONS ?? DECISIONS);
const TARGET_PER_SECOND = 50000;
const TARGET_P99_MS = 1;
const CHANNEL = 'web';
const POINT = 'home-sidebar';
const AT = '2026-07-15';


const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function members(bundle, random) {
  const offers = bundle.body.offers.map((o) => o.name);
  const tiers = ['bronze', 'silver', 'gold', 'platinum'];
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const out = [];
  for (let i = 0; i < MEMBERS; i++) {
    const id = `cust-${String(i).padStart(6, '0')}`;
    const profile = {
      customerId: id,
      age: random.int(18, 85),
      income: random.int(10, 250) * 1000,
      balance: random.round(random.next() * 50000),
      creditScore: random.int(300, 850),
      tier: random.pick(tiers),
      region: random.pick(regions),
      tags: random.chance(0.5) ? ['vip'] : [],
      products: random.chance(0.5) ? ['checking', 'savings'] : ['checking'],
      joined: `20${random.int(10, 25)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      optIn: random.chance(0.7),
      lastPurchaseDays: random.int(0, 400),
    };
    const history = [];
    const rows = random.int(0, 6);
    for (let k = 0; k < rows; k++) {
      history.push({ customerId: id, offer: random.pick(offers), channel: random.pick(['web', 'email']), date: `2026-07-0${random.int(1, 9)}`, event: random.pick(['contact', 'contact', 'accept', 'reject']) });
    }
    out.push({ id, profile, session: { device: random.pick(['desktop', 'mobile', 'app']), visits: random.int(1, 20) }, history });
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timeDecisions(engine, audience, caches, decisions = DECISIONS, withActivity = false) {
  const DECISIONS = decisions;
  const samples = new Float64Array(DECISIONS);
  let offered = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < DECISIONS; i++) {
    const member = audience[i % audience.length];
    const request = { channel: CHANNEL, interactionPoint: POINT, audience: { id: member.id, profile: member.profile }, session: member.session, history: member.history, at: AT, count: 3 };
    if (withActivity) request.sessionActivity = member.sessionActivity;
    const t0 = process.hrtime.bigint();
    const decision = engine.decide(request, caches ? caches[i % audience.length] : undefined);
    samples[i] = Number(process.hrtime.bigint() - t0);
    offered += decision.offers.length;
  }
  const totalNs = Number(process.hrtime.bigint() - started);
  samples.sort();
  return { perSecond: DECISIONS / (totalNs / 1e9), p50: percentile(samples, 50) / 1e3, p99: percentile(samples, 99) / 1e3, meanUs: totalNs / DECISIONS / 1e3, offered: offered / DECISIONS };
}

/** The reference: one compiled segment expression evaluated against the same profiles. */
async function timeReference(bundle, audience) {
  const { createEnvironment, toCelRecord, toCelTimestamp } = await import(new URL('expr/environment.js', dist).href);
  const channel = bundle.body.channels.find((c) => c.name === CHANNEL);
  const level = channel.audienceLevels[0];
  const segment = bundle.body.segments.find((s) => s.channel === CHANNEL && s.audienceLevel === level.name && !s.expression.includes('inSegment') && !s.expression.includes('session'));
  const evaluate = createEnvironment('segment', { profile: { idField: level.idField, attributes: level.attributes }, session: channel.sessionAttributes }).parse(segment.expression);
  const now = toCelTimestamp(AT);
  const contexts = audience.map((m) => ({ profile: toCelRecord(level.attributes, m.profile, level.idField).value, session: toCelRecord(channel.sessionAttributes, m.session).value, now }));
  const n = DECISIONS * 20;
  let hits = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    try {
      if (evaluate(contexts[i % contexts.length]) === true) hits++;
    } catch {
      // a failing evaluation costs what it costs
    }
  }
  const ns = Number(process.hrtime.bigint() - started) / n;
  return { ns, expression: segment.expression, hits };
}

/** The bundle with the extensions on (see the header); the body is changed in place of a new config, which only the engine reads. */
function withExtensions(bundle) {
  const body = structuredClone(bundle.body);
  for (const channel of body.channels) {
    if (channel.name !== CHANNEL) continue;
    channel.ties = 'rotate';
    channel.session = { suppressAccepted: true, suppressRejected: true, maxOffers: 12 };
  }
  body.rules.forEach((rule, i) => {
    if (i % 25 === 0) rule.priority = 'top';
  });
  body.offers.forEach((offer, i) => {
    offer.attributes = { ...offer.attributes, family: `f${i % 20}` };
    offer.suppression = { ...offer.suppression, afterReject: { count: 2, days: 30 }, related: 'family' };
    if (i % 2 === 0) offer.suppression = { ...offer.suppression, afterAccept: true, afterAcceptDays: 90 };
  });
  const modelScored = withRuleAttributes(body);
  return { bundle: { ...bundle, body }, modelScored };
}

/** Rule-set offer attributes and model scores from a map attribute (see the header); returns the offers scored from the map. */
function withRuleAttributes(body) {
  const level = body.channels.find((c) => c.name === CHANNEL).audienceLevels[0];
  level.attributes = Object.fromEntries(Object.entries({ ...level.attributes, modelScores: { type: 'map', values: 'double', enum: null } }).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const offer of body.offers) offer.attributes = { ...offer.attributes, discountPct: 10 };
  const scored = new Set();
  body.rules.forEach((rule, i) => {
    if (rule.channel !== CHANNEL) return;
    if (i % 10 === 0) rule.attributes = { discountPct: 'profile.tier == "gold" ? 20 : 10' };
    if (i % 100 === 0 && rule.offer !== null) {
      rule.scoreExpression = 'profile.modelScores[offer.name] * 100.0';
      scored.add(rule.offer);
    }
  });
  return [...scored].sort();
}


// A/B in one process: the same requests decided by two versions of the engine, alternating chunks.
if (!process.env.VARIANTS) {
  process.stderr.write('usage: VARIANTS=before=/path/to/other/dist/,after=dist/ [EXT=1] [WARM=1] [ROUNDS=30] node bench/compare/decide.mjs\n  a variant dir:ext decides the all-extensions bundle\n');
  process.exit(2);
}
const variants = process.env.VARIANTS.split(',').map((v) => v.split('=')).map(([name, dir]) => [name, path.resolve(dir.split(':')[0]) + '/' + (dir.includes(':') ? ':' + dir.split(':')[1] : '')]);
const EXT_ALL = !!process.env.EXT;
const CHUNK = 1000, ROUNDS = Number(process.env.ROUNDS ?? 30);
async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-ab-'));
  const runs = [];
  let audience;
  for (const [name, spec] of variants) {
    const [d, mode] = spec.split(':');
    const EXT = EXT_ALL || mode === 'ext';
    const { compileDirectory } = await import(`file://${d}compile/compile-directory.js`);
    const { createEngine } = await import(`file://${d}engine/engine.js`);
    if (runs.length === 0) await writeLargeConfig(dir, { seed: SEED, scale: SCALE });
    const bundle = (await compileDirectory(dir, { root: dir })).bundle;
    audience ??= members(bundle, seededRandom(SEED));
    let engine, aud = audience;
    if (EXT) {
      const m = audience.map((x, i) => ({ ...x, sessionActivity: { offered: i % 12, accepted: x.history.filter((r) => r.event === 'accept').map((r) => r.offer), rejected: x.history.filter((r) => r.event === 'reject').map((r) => r.offer) } }));
      const { bundle: xb, modelScored } = withExtensions(bundle);
      engine = createEngine(xb);
      const scoreRandom = seededRandom(SEED + 1);
      aud = m.map((x) => ({ ...x, profile: { ...x.profile, modelScores: Object.fromEntries(modelScored.map((offer) => [offer, scoreRandom.next()])) } }));
    } else engine = createEngine(bundle);
    const reqs = aud.map((x) => { const r = { channel: CHANNEL, interactionPoint: POINT, audience: { id: x.id, profile: x.profile }, session: x.session, history: x.history, at: AT, count: 3 }; if (EXT) r.sessionActivity = x.sessionActivity; return r; });
    for (let i = 0; i < 5000; i++) engine.decide(reqs[i % reqs.length]);
    const caches = process.env.WARM ? reqs.map(() => engine.newSegmentCache()) : null;
    if (caches) reqs.forEach((q, i) => engine.decide(q, caches[i]));
    runs.push({ name, engine, reqs, caches, times: [], offers: 0 });
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of (r % 2 ? [...runs].reverse() : runs)) {
      const c0 = process.cpuUsage();
      let offered = 0;
      for (let i = 0; i < CHUNK; i++) { const k = (r * CHUNK + i) % run.reqs.length; offered += run.engine.decide(run.reqs[k], run.caches ? run.caches[k] : undefined).offers.length; }
      const c = process.cpuUsage(c0);
      run.times.push((c.user + c.system) / CHUNK);
      run.offers += offered;
    }
  }
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  const ratios = runs.slice(1).map((run) => med(run.times.map((t, i) => t / runs[0].times[i])));
  console.log(`A/B ${EXT_ALL ? 'all extensions' : 'plain'} ${process.env.WARM ? 'warm' : 'cold'}, ${ROUNDS} alternating chunks of ${CHUNK}: ` + runs.map((run, k) => `${run.name} median ${med(run.times).toFixed(1)} CPU-µs/decision (${(run.offers / ROUNDS / CHUNK).toFixed(2)} offers)${k ? ` ratio to ${runs[0].name} ${ratios[k - 1].toFixed(2)}` : ''}`).join('; ') + ` load ${os.loadavg()[0].toFixed(1)}`);
  await rm(dir, { recursive: true, force: true });
}
main();
