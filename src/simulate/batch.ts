// One batch of a simulation (pure): every member of the batch decided at every point by
// one bundle (simulate) or two (diff), the decisions tallied into mergeable accumulators.
// Workers run batches in parallel; results are merged in batch order (merge.ts), so the
// output is the same whatever the number of workers.
//
// Per member and point: one plain decision per bundle, timed for a sample of the members
// (isTimed: the latency figures); for
// members the options mark as explained (index % explainStride === 0) and for the first
// changed members of each point (the examples), a second decision with `explain: true`,
// whose entries give the funnel, segment sizes, the step that left a member with no offer
// and the step at which two decisions part.
//
// In a diff, a point whose decision inputs are the same in both bundles (the engine's
// pointDecisionDigests) is decided once per member, with the base, and that decision, its
// latency and its explanation count for both sides (docs/simulation-and-diff.md#zones-decided-once).
import type { BundleBody } from '../bundle/index.js';
import { pointDecisionDigests, type Engine, type SegmentCache } from '../engine/index.js';
import type { Decision, DecisionRequest, ExplainEntry, HistoryRow } from '../engine/index.js';
import { emptiedStep, funnelSteps, partingStep, stepOf, type EmptyStep, type PartingStep } from './explanation-steps.js';
import { bandOf, numericBandLabels } from './fairness.js';
import { recordLatency, type LatencyHistogram } from './latency.js';
import type { MemberBatch, SimulationOptions } from './types.js';

/** What one bundle did at one point, over the members seen so far. */
export interface SideTally {
  /** Members decided (0 when the point is not in this bundle). */
  members: number;
  /** Members given at least one offer. */
  filled: number;
  /** offer → members whose list holds it, then by rank: [impressions, rank 1, rank 2, …]. */
  offers: Map<string, number[]>;
  /** rule → offers it gave (one per member and offer). */
  ruleHits: Map<string, number>;
  /** rule → members held out in its control group. */
  holdouts: Map<string, number>;
  /** Sum of the chosen offers' scores. */
  score: number;
  /** Decisions refused for their input, and decisions with a run-time expression failure. */
  inputErrors: number;
  expressionErrors: number;
  /** Members with no offer (all members), and among the explained ones, by the step that emptied their list. */
  noOffer: number;
  noOfferSteps: Map<EmptyStep, number>;
  /** Explained members, their (rule, offer) candidates, and how many each step removed / how many were chosen. */
  explained: number;
  candidates: number;
  removed: number[];
  chosen: number;
  /** segment → [members in it, members it was evaluated for], among explained members. */
  segments: Map<string, [number, number]>;
  /** Fairness bands: band → offer → members whose list holds it; the key '' counts the band's members. */
  fairness: Map<string, Map<string, number>>;
  latency: LatencyHistogram;
}

export interface ExampleDecision {
  offers: Decision['offers'];
  defaultString?: string;
  controlGroups: string[];
  explain: ExplainEntry[];
}

export interface ChangeExample {
  audienceId: string;
  index: number;
  channel: string;
  point: string;
  step: PartingStep;
  why: string;
  base: ExampleDecision;
  head: ExampleDecision;
}

/** How base and head differ at one point. */
export interface ChangeTally {
  changed: number;
  /** Changed members among the explained ones, and why they changed (sentence → [step, members]). */
  explainedChanged: number;
  reasons: Map<string, [PartingStep, number]>;
  examples: ChangeExample[];
}

export interface PointTally {
  sides: SideTally[];
  change: ChangeTally | null;
}

export interface BatchTally {
  index: number;
  members: number;
  /** Members whose decision changed at one point at least (diff only). */
  changedMembers: number;
  points: PointTally[];
}

export function emptySide(): SideTally {
  return {
    members: 0,
    filled: 0,
    offers: new Map(),
    ruleHits: new Map(),
    holdouts: new Map(),
    score: 0,
    inputErrors: 0,
    expressionErrors: 0,
    noOffer: 0,
    noOfferSteps: new Map(),
    explained: 0,
    candidates: 0,
    removed: funnelSteps.map(() => 0),
    chosen: 0,
    segments: new Map(),
    fairness: new Map(),
    latency: new Map(),
  };
}

export function emptyChange(): ChangeTally {
  return { changed: 0, explainedChanged: 0, reasons: new Map(), examples: [] };
}

const add = <K>(map: Map<K, number>, key: K, n = 1): void => void map.set(key, (map.get(key) ?? 0) + n);

/**
 * Members whose decisions are timed (docs/simulation-and-diff.md#latency): every one of the
 * first TIMED_MEMBERS by index, then every TIMED_STRIDE-th. Reading the clock twice a
 * decision cost several percent of a large diff; its quantiles need far fewer samples.
 */
export const TIMED_MEMBERS = 1000;
export const TIMED_STRIDE = 8;

/** Whether the member at `index` (its place in the audience) has its decisions timed. */
export function isTimed(index: number): boolean {
  return index < TIMED_MEMBERS || index % TIMED_STRIDE === 0;
}

/** The visit's memos keep no ranking: each point is decided once per visit (Engine.newSegmentCache). */
const NO_RANKINGS = { keepRankings: false } as const;

/** Members (by their place in the audience) of whom any changed one may become an example (later, only explained ones). */
export const EXAMPLE_MEMBERS = 2048;

/** What a side needs to know about its bundle, prepared once per worker. */
export interface PreparedSide {
  engine: Engine;
  /** Per point of the options: whether this bundle has it, and its maxOffers. */
  present: boolean[];
  maxOffers: (number | null)[];
  /** channel → rule → the rule's segment (null when it has none). */
  ruleSegment: Map<string, Map<string, string | null>>;
  /**
   * Per point of the options: the digest of what a decision there reads from the bundle (null
   * when the point is not in it); worked out by the first batch of a diff (a simulation needs none).
   */
  decisionDigests: (string | null)[] | null;
  /** Numbers for the bundle's offers and rules, to count decisions by (SideCounts). */
  index: SideIndex;
}

export function prepareSide(engine: Engine, options: SimulationOptions): PreparedSide {
  const body: BundleBody = engine.bundle.body;
  const channels = new Map(body.channels.map((c) => [c.name, c]));
  const present: boolean[] = [];
  const maxOffers: (number | null)[] = [];
  for (const { channel, point } of options.points) {
    const found = channels.get(channel)?.interactionPoints[point];
    present.push(found !== undefined);
    maxOffers.push(found?.maxOffers ?? null);
  }
  const ruleSegment = new Map<string, Map<string, string | null>>();
  for (const rule of body.rules) {
    let rules = ruleSegment.get(rule.channel);
    if (!rules) ruleSegment.set(rule.channel, (rules = new Map<string, string | null>()));
    rules.set(rule.name, rule.segment);
  }
  const index = { offers: new NameIndex(body.offers.map((offer) => offer.name)), rules: new NameIndex(body.rules.map((rule) => rule.name)) };
  return { engine, present, maxOffers, ruleSegment, decisionDigests: null, index };
}

function sameOffers(a: Decision | null, b: Decision | null): boolean {
  const x = a?.offers ?? [];
  const y = b?.offers ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.offer !== y[i]!.offer || x[i]!.rule !== y[i]!.rule) return false;
  return true;
}

/**
 * A name → a small number, for counting in arrays rather than string-keyed maps; every
 * offer and rule of the bundle is known up front, anything else gets the next number.
 */
class NameIndex {
  readonly numbers = new Map<string, number>();
  readonly names: string[] = [];

  constructor(names: Iterable<string>) {
    for (const name of names) this.of(name);
  }

  of(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) {
      this.numbers.set(name, (n = this.names.length));
      this.names.push(name);
    }
    return n;
  }
}

/** Counts by number, remembering the order in which each number was first counted (the order of the map it becomes). */
class OrderedCounts {
  readonly counts: number[];
  readonly order: number[] = [];

  constructor(size: number) {
    this.counts = new Array<number>(size).fill(0);
  }

  add(n: number): void {
    const was = this.counts[n];
    if (was === undefined || was === 0) {
      this.counts[n] = 1;
      this.order.push(n);
    } else this.counts[n] = was + 1;
  }

  /** Adds the counts into `into`, keyed by name, in first-counted order. */
  addTo(into: Map<string, number>, names: readonly string[]): void {
    for (const n of this.order) into.set(names[n]!, (into.get(names[n]!) ?? 0) + this.counts[n]!);
  }
}

/** One fairness band's counts at one side and point: its members, and the members whose list holds each offer. */
interface BandCounts {
  members: number;
  offers: OrderedCounts;
}

/**
 * The per-decision counts of one side at one point during a batch, by offer and rule number:
 * what would otherwise be counted into the side's string-keyed maps, written into them, in
 * the same order, when the batch ends (writeCounts).
 */
class SideCounts {
  /** By offer number: [impressions, rank 1, rank 2, …]. */
  readonly offers: (number[] | undefined)[] = [];
  readonly offerOrder: number[] = [];
  readonly ruleHits: OrderedCounts;
  readonly holdouts: OrderedCounts;
  /** By band number (the batch's), and the order in which bands were first seen. */
  readonly bands: (BandCounts | undefined)[] = [];
  readonly bandOrder: number[] = [];

  constructor(readonly index: SideIndex) {
    this.ruleHits = new OrderedCounts(index.rules.names.length);
    this.holdouts = new OrderedCounts(index.rules.names.length);
  }
}

/** Offer and rule numbers of one bundle. */
interface SideIndex {
  offers: NameIndex;
  rules: NameIndex;
}

/** Counts one decision; `micros` is its latency, or negative when it was not timed. */
function tallyDecision(side: SideTally, counts: SideCounts, decision: Decision, band: number, micros: number): void {
  side.members++;
  if (micros >= 0) recordLatency(side.latency, micros);
  const offers = decision.offers;
  if (offers.length > 0) side.filled++;
  else side.noOffer++;
  const { offers: offerNumbers, rules: ruleNumbers } = counts.index;
  let bandCounts: BandCounts | undefined;
  if (band >= 0) {
    bandCounts = counts.bands[band];
    if (bandCounts === undefined) {
      counts.bands[band] = bandCounts = { members: 0, offers: new OrderedCounts(offerNumbers.names.length) };
      counts.bandOrder.push(band);
    }
    bandCounts.members++;
  }
  for (let rank = 0; rank < offers.length; rank++) {
    const chosen = offers[rank]!;
    const offer = offerNumbers.of(chosen.offer);
    let ranks = counts.offers[offer];
    if (ranks === undefined) {
      counts.offers[offer] = ranks = [0];
      counts.offerOrder.push(offer);
    }
    ranks[0]!++;
    while (ranks.length <= rank + 1) ranks.push(0);
    ranks[rank + 1]!++;
    counts.ruleHits.add(ruleNumbers.of(chosen.rule));
    side.score += chosen.score;
    if (bandCounts !== undefined) bandCounts.offers.add(offer);
  }
  const holdouts = decision.controlGroups;
  for (let i = 0; i < holdouts.length; i++) counts.holdouts.add(ruleNumbers.of(holdouts[i]!));
  let input = false;
  let expression = false;
  for (const error of decision.errors) {
    if (error.code === 'input') input = true;
    else expression = true;
  }
  if (input) side.inputErrors++;
  if (expression) side.expressionErrors++;
}

/** Writes a batch's counts into its side's (empty) tally: the same maps, in the same order, as counting into them directly. */
function writeCounts(side: SideTally, counts: SideCounts, bandNames: readonly string[]): void {
  const { offers, rules } = counts.index;
  for (const offer of counts.offerOrder) side.offers.set(offers.names[offer]!, counts.offers[offer]!);
  counts.ruleHits.addTo(side.ruleHits, rules.names);
  counts.holdouts.addTo(side.holdouts, rules.names);
  for (const band of counts.bandOrder) {
    const bandCounts = counts.bands[band]!;
    const byOffer = new Map<string, number>([['', bandCounts.members]]);
    bandCounts.offers.addTo(byOffer, offers.names);
    side.fairness.set(bandNames[band]!, byOffer);
  }
}

function tallyExplanation(side: SideTally, prepared: PreparedSide, channel: string, decision: Decision, explain: readonly ExplainEntry[]): void {
  side.explained++;
  side.candidates += explain.length;
  const seen = new Map<string, boolean>();
  const ruleSegment = prepared.ruleSegment.get(channel);
  for (const entry of explain) {
    const step = stepOf(entry.outcome);
    if (step === 'chosen') side.chosen++;
    else side.removed[funnelSteps.indexOf(step)]!++;
    // A rule's segment was evaluated unless the rule was skipped before it (disabled, dates).
    const segment = ruleSegment?.get(entry.rule) ?? null;
    if (segment === null || step === 'disabled' || entry.outcome === 'rule-not-effective') continue;
    const member = !(entry.outcome === 'not-in-segment' || (entry.outcome === 'expression-error' && entry.segment === segment));
    seen.set(segment, (seen.get(segment) ?? false) || member);
  }
  for (const [segment, member] of seen) {
    let counts = side.segments.get(segment);
    if (!counts) side.segments.set(segment, (counts = [0, 0]));
    if (member) counts[0]++;
    counts[1]++;
  }
  if (decision.offers.length === 0) add(side.noOfferSteps, emptiedStep(explain));
}

function exampleDecision(decision: Decision | null, explain: ExplainEntry[]): ExampleDecision {
  const out: ExampleDecision = { offers: decision?.offers ?? [], controlGroups: decision?.controlGroups ?? [], explain };
  if (decision?.defaultString !== undefined) out.defaultString = decision.defaultString;
  return out;
}

/**
 * Decides one batch with one bundle (simulate) or two (diff: sides[0] is the base,
 * sides[1] the head). `now` times one decision (performance.now in practice).
 */
export function runBatch(sides: PreparedSide[], batch: MemberBatch, options: SimulationOptions, now: () => number): BatchTally {
  const points: PointTally[] = options.points.map(() => ({ sides: sides.map(() => emptySide()), change: sides.length === 2 ? emptyChange() : null }));
  const counts = options.points.map(() => sides.map((side) => new SideCounts(side.index)));
  const labels = options.fairness?.kind === 'numeric' ? numericBandLabels(options.fairness) : null;
  const bands = new NameIndex([]);
  let changedMembers = 0;
  // Points whose decisions cannot differ between base and head: decided once (see the header).
  if (sides.length === 2) for (const side of sides) side.decisionDigests ??= pointDecisionDigests(side.engine.bundle.body, options.points);
  const decidedOnce = options.points.map((_, p) => sides.length === 2 && sides[0]!.decisionDigests![p] != null && sides[0]!.decisionDigests![p] === sides[1]!.decisionDigests![p]);
  const decisions: (Decision | null)[] = sides.map(() => null);
  const requests: (DecisionRequest | null)[] = sides.map(() => null);
  // One segment memo per channel and bundle, reused member after member (the engine starts it
  // afresh for another member); the head's borrows what the base's computed for the same
  // member where both bundles define it alike (Engine.newSegmentCache). A point is decided
  // once per visit, so no memo keeps a ranking for a later decision.
  let caches = sides.map(() => new Map<string, SegmentCache>());
  let previousId: string | null = null;
  // Looked up by id for every member: a Map, and none at all when no member has history.
  const entries = Object.entries(batch.history);
  const histories = entries.length > 0 ? new Map(entries) : null;
  const noHistory: HistoryRow[] = [];
  // Per side, offers returned so far in the member's visit, by channel number (pointChannel).
  const channelNumbers = new NameIndex(options.points.map((p) => p.channel));
  const pointChannel = options.points.map((p) => channelNumbers.of(p.channel));
  const offered = sides.map(() => new Int32Array(channelNumbers.names.length));
  for (const member of batch.members) {
    const explained = member.index % options.explainStride === 0;
    const timed = isTimed(member.index);
    const band = options.fairness === null ? -1 : bands.of(bandOf(options.fairness, member.profile[options.fairness.attribute], labels));
    const history = histories?.get(member.id) ?? noHistory;
    // A member's decisions at several points are one visit, as a runtime session is
    // (decisions are the same without it). The same id twice in a row (a file may repeat
    // a member) gets memos of its own: a memo kept for one id would outlive its profile.
    if (member.id === previousId) caches = sides.map(() => new Map<string, SegmentCache>());
    previousId = member.id;
    // Offers the visit has returned so far per side and channel: a channel's session
    // maxOffers caps them across the visit's points (docs/decisions.md#session-rules).
    for (const counts of offered) counts.fill(0);
    // One audience object for all of the member's requests (the engine only reads it).
    const audience = { id: member.id, profile: member.profile };
    let memberChanged = false;
    for (let p = 0; p < options.points.length; p++) {
      const { channel, point } = options.points[p]!;
      const tally = points[p]!;
      // The visit's offers so far are an input too (the session's maxOffers): the same on both sides unless an earlier point changed.
      const c = pointChannel[p]!;
      const once = decidedOnce[p]! && offered[0]![c] === offered[1]![c];
      let micros = -1;
      for (let s = 0; s < sides.length; s++) {
        const side = sides[s]!;
        if (!side.present[p]) {
          decisions[s] = null;
          requests[s] = null;
          continue;
        }
        let decision: Decision;
        let request: DecisionRequest;
        if (once && s === 1) {
          // The same inputs to the same decision logic: the base's decision is the head's.
          decision = decisions[0]!;
          request = requests[0]!;
        } else {
          let cache = caches[s]!.get(channel);
          if (!cache) {
            // The same side's memo of another channel is a sibling: the visit's converted profile attributes are shared.
            const sibling = caches[s]!.values().next().value;
            caches[s]!.set(channel, (cache = side.engine.newSegmentCache(s === 0 ? undefined : caches[0]!.get(channel), sibling, NO_RANKINGS)));
          }
          request = {
            channel,
            interactionPoint: point,
            audience,
            at: options.at,
            count: options.count ?? side.maxOffers[p] ?? 1,
            history,
          };
          if (member.session !== undefined) request.session = member.session;
          const given = offered[s]![c]!;
          if (given > 0) request.sessionActivity = { offered: given };
          if (timed) {
            const started = now();
            decision = side.engine.decide(request, cache);
            micros = (now() - started) * 1000;
          } else decision = side.engine.decide(request, cache);
        }
        offered[s]![c] = offered[s]![c]! + decision.offers.length;
        decisions[s] = decision;
        requests[s] = request;
        tallyDecision(tally.sides[s]!, counts[p]![s]!, decision, band, micros);
      }
      const change = tally.change;
      const changed = change !== null && !sameOffers(decisions[0]!, decisions[1]!);
      if (changed) {
        change.changed++;
        memberChanged = true;
      }
      // Examples come from the first members (any changed one) and from the explained
      // members (explained anyway): enough candidates without explaining a few more
      // members in every batch of a large audience.
      const wantExample = changed && change.examples.length < options.examplesPerPoint && (explained || member.index < EXAMPLE_MEMBERS);
      if (!explained && !wantExample) continue;
      const explanations: ExplainEntry[][] = [];
      for (let s = 0; s < sides.length; s++) {
        const request = requests[s];
        if (!request) {
          explanations.push([]);
          continue;
        }
        let explain: ExplainEntry[];
        if (once && s === 1) explain = explanations[0]!;
        else {
          const cache = caches[s]!.get(channel)!;
          explain = sides[s]!.engine.decide({ ...request, explain: true }, cache).explain ?? [];
        }
        explanations.push(explain);
        if (explained) tallyExplanation(tally.sides[s]!, sides[s]!, channel, decisions[s]!, explain);
      }
      if (!changed) continue;
      const parting = partingStep(
        { offers: decisions[0]?.offers ?? [], controlGroups: decisions[0]?.controlGroups ?? [], explain: explanations[0]! },
        { offers: decisions[1]?.offers ?? [], controlGroups: decisions[1]?.controlGroups ?? [], explain: explanations[1]! },
      );
      if (explained) {
        change.explainedChanged++;
        const reason = change.reasons.get(parting.why);
        if (reason) reason[1]++;
        else change.reasons.set(parting.why, [parting.step, 1]);
      }
      if (wantExample) {
        change.examples.push({
          audienceId: member.id,
          index: member.index,
          channel,
          point,
          step: parting.step,
          why: parting.why,
          base: exampleDecision(decisions[0]!, explanations[0]!),
          head: exampleDecision(decisions[1]!, explanations[1]!),
        });
      }
    }
    if (memberChanged) changedMembers++;
  }
  for (let p = 0; p < points.length; p++) for (let s = 0; s < sides.length; s++) writeCounts(points[p]!.sides[s]!, counts[p]![s]!, bands.names);
  return { index: batch.index, members: batch.members.length, changedMembers, points };
}

/** Adds `from` into `into` (batches in order: sums stay in the same order whatever the scheduling). */
export function mergeTally(into: BatchTally, from: BatchTally, examplesPerPoint: number): void {
  into.members += from.members;
  into.changedMembers += from.changedMembers;
  from.points.forEach((point, p) => {
    const target = into.points[p]!;
    point.sides.forEach((side, s) => mergeSide(target.sides[s]!, side));
    if (point.change && target.change) {
      const a = target.change;
      const b = point.change;
      a.changed += b.changed;
      a.explainedChanged += b.explainedChanged;
      for (const [why, [step, n]] of b.reasons) {
        const reason = a.reasons.get(why);
        if (reason) reason[1] += n;
        else a.reasons.set(why, [step, n]);
      }
      for (const example of b.examples) if (a.examples.length < examplesPerPoint) a.examples.push(example);
    }
  });
}

function mergeMap<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [k, n] of from) add(into, k, n);
}

function mergeSide(a: SideTally, b: SideTally): void {
  a.members += b.members;
  a.filled += b.filled;
  for (const [offer, counts] of b.offers) {
    const target = a.offers.get(offer);
    if (!target) a.offers.set(offer, [...counts]);
    else counts.forEach((n, i) => (target[i] = (target[i] ?? 0) + n));
  }
  mergeMap(a.ruleHits, b.ruleHits);
  mergeMap(a.holdouts, b.holdouts);
  a.score += b.score;
  a.inputErrors += b.inputErrors;
  a.expressionErrors += b.expressionErrors;
  a.noOffer += b.noOffer;
  mergeMap(a.noOfferSteps, b.noOfferSteps);
  a.explained += b.explained;
  a.candidates += b.candidates;
  b.removed.forEach((n, i) => (a.removed[i]! += n));
  a.chosen += b.chosen;
  for (const [segment, [inside, of]] of b.segments) {
    const target = a.segments.get(segment);
    if (!target) a.segments.set(segment, [inside, of]);
    else {
      target[0] += inside;
      target[1] += of;
    }
  }
  for (const [band, offers] of b.fairness) {
    const target = a.fairness.get(band);
    if (!target) a.fairness.set(band, new Map(offers));
    else mergeMap(target, offers);
  }
  mergeMap(a.latency, b.latency);
}

/** An empty tally for `points` points and `sides` sides (the starting point of a merge). */
export function emptyTally(points: number, sides: number): BatchTally {
  return {
    index: -1,
    members: 0,
    changedMembers: 0,
    points: Array.from({ length: points }, () => ({ sides: Array.from({ length: sides }, () => emptySide()), change: sides === 2 ? emptyChange() : null })),
  };
}
