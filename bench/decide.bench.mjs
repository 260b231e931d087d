// Decide benchmark (docs/benchmarks.md#targets): in-process decisions for one interaction point against the
// large bundle (1,000 offers, 500 segments, 20,000 treatment rules, 50 policies):
// ≥ 50,000 decisions a second on one core, p99 under 1 ms.
//
// Figures:   decisions/s, p50 and p99 (hrtime around each call) at web / home-sidebar
//            (count 3), for seeded members with a few history rows each, in two modes:
//            - cold member: every decision is a member's first (no session cache), so
//              every segment, eligibility and score it needs is evaluated: what a
//              simulation and most real traffic look like;
//            - warm session: each member's session cache is reused (what the server
//              does between `resegment` events): segments and the ranking produced so
//              far are memoised, suppression and policies are checked again.
//            Then the same bundle with the Interact-style extensions switched on
//            (docs/decisions.md#ties-and-top-priority, docs/config-language.md#suppression-windows-and-families):
//            `ties: rotate` on the channel, every 25th rule `priority: top`, every offer
//            in a family of 20 with afterReject {2, 30 days} and related, every other
//            offer afterAccept {90 days}, session rules on the channel (suppressAccepted,
//            suppressRejected, maxOffers 12) with each member's session activity (the
//            offers of their accept and reject rows, 0..11 offers given before, so one
//            member in six gets fewer than 3); every offer a discountPct that every 10th
//            rule sets per member (docs/decisions.md#offer-attributes), and every 100th
//            single-offer rule scoring from a `map` profile attribute
//            (`profile.modelScores[offer.name] * 100.0`, the members holding a score for
//            each such offer); every 5th offer-list rule of the channel (with 3 offers or
//            more) picking 2 of its list, by score, rotate and newest in turn
//            (docs/decisions.md#list-picking); cold and warm again ("all extensions").
// Reference: in the same run, one bare CEL evaluation of a segment expression of the
//            same bundle (the unit of work a decision is made of), timed the same way in
//            bulk; each decision figure is printed as a multiple of it.
//
//   node --expose-gc bench/decide.bench.mjs          (npm run bench -- decide)
//   BENCH_SCALE=0.1 BENCH_DECISIONS=20000 node bench/decide.bench.mjs
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AT, CHANNEL, MEMBERS, POINT, SCALE, SEED, members, sessionActivityOf, withExtensions } from './decide-workload.mjs';
import { seededRandom, writeLargeConfig } from './generate/large-config.mjs';

const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 50000);
const COLD_DECISIONS = Number(process.env.BENCH_COLD_DECISIONS ?? DECISIONS);
const TARGET_PER_SECOND = 50000;
const TARGET_P99_MS = 1;
const dist = new URL('../dist/', import.meta.url);

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

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

async function main() {
  const { compileDirectory } = await import(new URL('compile/compile-directory.js', dist).href);
  const { createEngine } = await import(new URL('engine/engine.js', dist).href);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-decide-bench-'));
  try {
    const { counts } = await writeLargeConfig(dir, { seed: SEED, scale: SCALE });
    const compiled = await compileDirectory(dir, { root: dir });
    if (!compiled.bundle) throw new Error(`the generated config does not compile: ${compiled.problems.find((p) => p.severity === 'error')?.message}`);
    const bundle = compiled.bundle;
    let t = performance.now();
    const engine = createEngine(bundle);
    const loadMs = performance.now() - t;
    const pointRules = bundle.body.indexes.rulesByChannelZone[CHANNEL][bundle.body.indexes.zoneByInteractionPoint[CHANNEL][POINT]].length;
    const audience = members(bundle, seededRandom(SEED));
    process.stdout.write(
      `decide: ${fmt(counts.offers)} offers, ${fmt(counts.segments)} segments, ${fmt(counts.rules)} rules, ${fmt(counts.policies)} policies; ${CHANNEL}/${POINT}: ${fmt(pointRules)} candidate rules; engine load ${fmt(loadMs)} ms; ${fmt(DECISIONS)} warm / ${fmt(COLD_DECISIONS)} cold decisions over ${fmt(MEMBERS)} members\n`,
    );

    // Warm up the JIT on both paths, with the same requests the timed loops send.
    const warm = audience.map(() => engine.newSegmentCache());
    for (let i = 0; i < 5000; i++) engine.decide({ channel: CHANNEL, interactionPoint: POINT, audience: { id: audience[i % MEMBERS].id, profile: audience[i % MEMBERS].profile }, session: audience[i % MEMBERS].session, history: audience[i % MEMBERS].history, at: AT, count: 3 }, i % 2 ? warm[i % MEMBERS] : undefined);

    const reference = await timeReference(bundle, audience);
    globalThis.gc?.();
    const cold = timeDecisions(engine, audience, null, COLD_DECISIONS);
    globalThis.gc?.();
    const caches = audience.map(() => engine.newSegmentCache());
    for (let i = 0; i < MEMBERS; i++) engine.decide({ channel: CHANNEL, interactionPoint: POINT, audience: { id: audience[i].id, profile: audience[i].profile }, session: audience[i].session, history: audience[i].history, at: AT, count: 3 }, caches[i]);
    const warmRun = timeDecisions(engine, audience, caches);

    // The same decisions with every extension on; each member's session activity is derived
    // from their history, so the plain members (and figures) are untouched.
    audience.forEach((m, i) => {
      m.sessionActivity = sessionActivityOf(m, i);
    });
    const { bundle: extendedBundle, modelScored } = withExtensions(bundle);
    const extended = createEngine(extendedBundle);
    const scoreRandom = seededRandom(SEED + 1);
    const audienceX = audience.map((m) => ({ ...m, profile: { ...m.profile, modelScores: Object.fromEntries(modelScored.map((offer) => [offer, scoreRandom.next()])) } }));
    const warmX = audienceX.map(() => extended.newSegmentCache());
    for (let i = 0; i < 5000; i++) extended.decide({ channel: CHANNEL, interactionPoint: POINT, audience: { id: audienceX[i % MEMBERS].id, profile: audienceX[i % MEMBERS].profile }, session: audienceX[i % MEMBERS].session, history: audienceX[i % MEMBERS].history, sessionActivity: audienceX[i % MEMBERS].sessionActivity, at: AT, count: 3 }, i % 2 ? warmX[i % MEMBERS] : undefined);
    globalThis.gc?.();
    const coldExtended = timeDecisions(extended, audienceX, null, COLD_DECISIONS, true);
    globalThis.gc?.();
    const cachesX = audienceX.map(() => extended.newSegmentCache());
    for (let i = 0; i < MEMBERS; i++) extended.decide({ channel: CHANNEL, interactionPoint: POINT, audience: { id: audienceX[i].id, profile: audienceX[i].profile }, session: audienceX[i].session, history: audienceX[i].history, sessionActivity: audienceX[i].sessionActivity, at: AT, count: 3 }, cachesX[i]);
    const warmExtended = timeDecisions(extended, audienceX, cachesX, DECISIONS, true);

    const verdict = (r) => (r.perSecond >= TARGET_PER_SECOND && r.p99 / 1e3 < TARGET_P99_MS ? 'ok' : 'OVER TARGET');
    for (const [name, r] of [
      ['cold member ', cold],
      ['warm session', warmRun],
      ['cold member  (all extensions)', coldExtended],
      ['warm session (all extensions)', warmExtended],
    ]) {
      process.stdout.write(
        `decide ${name}: ${fmt(r.perSecond)} decisions/s  p50 ${fmt(r.p50, 1)} µs  p99 ${fmt(r.p99, 1)} µs  (${fmt(r.offered, 2)} offers each)  = ${fmt((r.meanUs * 1e3) / reference.ns)} × the reference  [target ≥ ${fmt(TARGET_PER_SECOND)}/s, p99 < ${TARGET_P99_MS} ms: ${verdict(r)}]\n`,
      );
    }
    process.stdout.write(`reference: one CEL segment evaluation ${fmt(reference.ns, 1)} ns (${fmt(1e9 / reference.ns)}/s) of \`${reference.expression}\`\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
