// The decision engine (docs/decisions.md): a pure library. A bundle is loaded once (digest and
// format verified, every expression compiled), then each decision takes a request and
// returns a Decision: no IO, no clock (the decision day is an input), no randomness
// (control groups are a stable hash). A decision never throws for bad data: input
// errors come back in `decision.errors` (code 'input', with the field), and run-time
// expression failures count as false and are reported (code 'expression-error').
//
// The steps live one per file: segments.ts (membership, per-session memo),
// pair-plan.ts (each zone's (rule, offer) pairs, prepared at load), ranked-walk.ts
// (steps 3–5 lazily, best first: the ranking as the response needs it),
// error-risk.ts (when a decision must also run the exhaustive pass for its errors),
// candidate-rules.ts + arbitration.ts (the exhaustive pass: explanations and errors),
// suppression.ts, realtime-policy.ts, explain.ts, treatment-code.ts; this file wires
// them in the order of docs/decisions.md#the-steps.
import { parseBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { didYouMean } from '../did-you-mean.js';
import { swapSegmentLookup, toCelTimestamp, withSegmentLookup } from '../expr/index.js';
import { OfferBoard } from './arbitration.js';
import { convertProfile, convertSession, isDecisionError, resolveAudienceId, resolveLevel } from './audience.js';
import { collectCandidates, type CandidateOutput } from './candidate-rules.js';
import { compileBundle } from './compile-bundle.js';
import type { CompiledBundle, CompiledPoint, CompiledPolicyRule, CompiledRule, OfferScope } from './compiled-types.js';
import { inputsAreSafe, rulesAtRisk } from './error-risk.js';
import { buildZonePlans, type ZonePlan } from './pair-plan.js';
import { pickGate } from './list-pick.js';
import { RankedWalk } from './ranked-walk.js';
import { dayNumber } from '../days.js';
import type { DecisionState } from './decision-state.js';
import { ExplainLog, reasons } from './explain.js';
import { defaultPackage, readHistoryWindow, readMemberHistory, type MemberHistory } from './member-history.js';
import { blocksEveryOffer, findPolicyViolation, isDeferrable, PolicyContext, type PolicyViolation } from './realtime-policy.js';
import { inputsId } from './peer-memo.js';
import { isSegmentCache, SessionSegmentCache, type SegmentCache, type SegmentCacheOptions } from './segment-cache.js';
import { inNamedSegment, isMember, segmentFailure, segmentLookup } from './segments.js';
import { readSessionActivity, sessionDrop, type SessionGate } from './session-rules.js';
import { describeSuppression, findSuppression } from './suppression.js';
import { TieOrder } from './tie-order.js';
import { formatTreatmentCode } from './treatment-code.js';
import { resolveAttributes } from './rule-attributes.js';
import type { ChosenOffer, Decision, DecisionError, DecisionRequest, HistoryNeeds, HistoryWindow, SegmentMembership } from './types.js';

export { EngineLoadError } from './compiled-types.js';
export type { SegmentCache, SegmentCacheOptions } from './segment-cache.js';
export { decodeTreatmentCode, parseTreatmentCode, type TreatmentCodeParts } from './treatment-code.js';

/** Steps 2–5 of one decision: the offers with an entry, best first (offer index, score, rule precedence), possibly produced on demand. */
interface Ranking {
  offers: number[];
  scores: number[];
  rules: number[];
  readonly controlGroups: string[];
  /** Makes entry `at` available; false when the ranking has no more entries. */
  has(at: number): boolean;
  /** Lazy rankings: how many expression failures the walk met, and its memo. */
  walkErrors?: () => number;
  memo?: WalkMemo;
}

/** A zone's lazy ranking as far as it was produced, kept in the session's SegmentCache. */
interface WalkMemo {
  /** Entries produced: the lists' first `size` items (the engine's scratch lists may be longer, from an earlier decision). */
  size: number;
  offers: number[];
  scores: number[];
  rules: number[];
  /** Per entry: how many control groups had been recorded when it was produced. */
  controlAfter: number[];
  controlGroups: string[];
  exhausted: boolean;
  walkErrors: number;
}

function emptyWalkMemo(): WalkMemo {
  return { size: 0, offers: [], scores: [], rules: [], controlAfter: [], controlGroups: [], exhausted: false, walkErrors: 0 };
}

/**
 * A zone's error pass for one member, kept in the session's SegmentCache beside the ranking
 * but apart from it: the errors and the attribute check depend only on the member, the
 * session and the day, so they are memoised in zones with a list pick too, whose ranking
 * also depends on the history and the visit.
 */
interface SweepMemo {
  /** The exhaustive pass's errors, once computed. */
  errors: DecisionError[] | null;
  /** Whether every attribute the zone reads is present and in bounds (error-risk.ts), once computed. */
  safe: boolean | null;
}

/**
 * A zone's lazy ranking for one decision (engine.walkRanking): entries come from the memo,
 * and past its end from the walk, which starts on the first entry the memo lacks. A class
 * rather than an object literal with a getter: one is made for every decision.
 */
class LazyRanking implements Ranking {
  readonly offers: number[];
  readonly scores: number[];
  readonly rules: number[];
  private walking = false;
  private produced = 0;
  /** The last entry asked for and found; -1 with `ended` when the ranking ran out. */
  private last = -1;
  private ended = false;

  constructor(
    private readonly walk: RankedWalk,
    private readonly state: DecisionState,
    private readonly plan: ZonePlan,
    readonly memo: WalkMemo,
  ) {
    this.offers = memo.offers;
    this.scores = memo.scores;
    this.rules = memo.rules;
  }

  /** The groups recorded up to the last entry asked for: every one when the ranking ran out, none when no entry was asked for (the memo may hold an earlier decision's). */
  get controlGroups(): string[] {
    const m = this.memo;
    if (this.ended) return m.controlGroups;
    return this.last < 0 ? [] : m.controlGroups.slice(0, m.controlAfter[this.last]);
  }

  walkErrors(): number {
    return this.memo.walkErrors;
  }

  has(at: number): boolean {
    const m = this.memo;
    if (at < m.size) {
      this.last = at;
      return true;
    }
    if (m.exhausted) {
      this.ended = true;
      return false;
    }
    const walk = this.walk;
    if (!this.walking) {
      walk.begin(this.state, this.plan);
      this.walking = true;
      m.controlGroups = walk.controlGroups;
    }
    while (this.produced <= at) {
      if (!walk.next()) {
        m.exhausted = true;
        m.walkErrors = walk.errors.length;
        this.ended = true;
        return false;
      }
      if (this.produced >= m.size) {
        const k = m.size++;
        m.offers[k] = walk.offer;
        m.scores[k] = walk.score;
        m.rules[k] = walk.rule;
        m.controlAfter[k] = walk.controlGroups.length;
      }
      this.produced++;
    }
    m.walkErrors = walk.errors.length;
    this.last = at;
    return true;
  }
}

/** The most offers one request may ask for (a guard against absurd input, not a product limit). */
export const MAX_COUNT = 1000;

export interface Engine {
  readonly bundle: Bundle;
  readonly digest: string;
  /** Pure: same inputs → same decision. Never throws for bad data: input errors come back in decision.errors with code 'input' and field, and then offers is []. */
  decide(request: DecisionRequest, cache?: SegmentCache): Decision;
  /**
   * Per-session memo of segment membership; the caller drops it on a `resegment` event. With
   * `peer`, another engine's memo of the same member's visit, decided with the same requests
   * just before (a diff's base), the memo takes from it what both bundles declare and define
   * alike — the converted profile and session, twin segments' membership — instead of
   * evaluating it again; decisions are the same with or without a peer
   * (docs/simulation-and-diff.md#what-base-and-head-share). With `sibling`, this engine's memo
   * of the same member's visit on another channel, the two share the member's converted
   * profile attributes: an attribute both channels declare alike is converted once. The
   * member's profile must be the same object, unchanged, in the decisions that share it.
   * With `{keepRankings: false}` the memo keeps no zone's ranking for a later decision at the
   * same zone: for a caller that decides each point once per visit (a simulation), which then
   * spends nothing on rankings nobody asks for again; decisions are the same either way.
   */
  newSegmentCache(peer?: SegmentCache, sibling?: SegmentCache, options?: SegmentCacheOptions): SegmentCache;
  /**
   * Validates a profile/session against the channel's audience level declarations (undeclared fields ignored, wrong types → errors naming the field,
   * never coerced). With `audienceId`, a profile whose id field names another member is an error too.
   */
  checkAudience(channel: string, level: string | undefined, profile: Record<string, unknown>, session?: Record<string, unknown>, audienceId?: string): DecisionError[];
  /**
   * How many days back from the decision day the bundle's rules look (the longest
   * maxContacts or realtime policy window, at least 1: the decision day): a `historyWindow`
   * must start on or before the decision day less this + 1. Facts without a window come
   * from its totals.
   */
  readonly historyWindowDays: number;
  /** Which windows the rules count in, and whether packages matter: what a history store needs to read a bounded window. */
  readonly historyNeeds: HistoryNeeds;
  /** Resolves an interaction point (channel needed only when ambiguous); null when unknown. */
  findInteractionPoint(point: string, channel?: string): { channel: string; zone: string } | null;
  /** Every segment of the request's channel and audience level, evaluated for its member on its day (count, history and explain are not read). */
  segmentMembership(request: DecisionRequest): SegmentMembership;
}

/** Compiles every expression once; throws EngineLoadError (naming the expression's place) if one does not compile. */
export function createEngine(bundle: Bundle): Engine {
  return new DecisionEngine(bundle);
}

/** parseBundle (digest + format check; BundleError) then createEngine (EngineLoadError). */
export function loadEngine(text: string, source: string): Engine {
  return createEngine(parseBundle(text, source));
}

function inputError(field: string, message: string): DecisionError {
  return { code: 'input', field, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class DecisionEngine implements Engine {
  readonly bundle: Bundle;
  readonly digest: string;
  readonly historyWindowDays: number;
  readonly historyNeeds: HistoryNeeds;
  private readonly compiled: CompiledBundle;
  private readonly board: OfferBoard;
  private readonly eligible: Int32Array;
  /** Per interaction point: its zone's (rule, offer) pairs, prepared at load (pair-plan.ts). */
  private readonly plans: Map<CompiledPoint, ZonePlan>;
  private readonly walk: RankedWalk;
  /** The compiled rules by precedence (the decision's `rule` of each offer gives its attributes). */
  private readonly rulesByPrecedence: CompiledRule[] = [];
  private readonly decisionCache = new SessionSegmentCache();
  /** The decision whose segments `lookup` reads (decide). */
  private lookupState: DecisionState | null = null;
  /** `inSegment(name)` for the decision in progress, as segmentLookup(state) would give it. */
  private readonly lookup = (name: string): boolean => inNamedSegment(this.lookupState!, this.compiled.segmentByName, name);
  /** The per-customer rules' view of the response in progress (run). */
  private readonly policyContext = new PolicyContext();
  /** The ranking of a decision whose ranking is not memoised (walkRanking). */
  private readonly scratchMemo = emptyWalkMemo();
  private lastAt = '';
  private lastNow = new Date(0);
  private lastDayText = '';
  private lastDay = Number.NaN;
  private readonly lastPackage = { audienceId: '', channel: '', at: '', value: defaultPackage('', '', '') };

  constructor(bundle: Bundle) {
    this.compiled = compileBundle(bundle);
    this.bundle = bundle;
    this.digest = bundle.digest;
    this.board = new OfferBoard(this.compiled.offers.length);
    let widest = 0;
    for (const rule of bundle.body.rules) widest = Math.max(widest, rule.offers.length);
    this.eligible = new Int32Array(widest);
    this.plans = buildZonePlans(this.compiled);
    this.walk = new RankedWalk(this.compiled);
    this.historyNeeds = historyNeedsOf(this.compiled);
    this.historyWindowDays = this.historyNeeds.windows[this.historyNeeds.windows.length - 1]!;
    for (const channel of this.compiled.channels.values()) {
      for (const point of channel.points.values()) {
        this.walk.adopt(point.rules);
        for (const rule of point.rules) this.rulesByPrecedence[rule.precedence] = rule;
      }
    }
  }

  newSegmentCache(peer?: SegmentCache, sibling?: SegmentCache, options?: SegmentCacheOptions): SegmentCache {
    const cache = new SessionSegmentCache(peer !== undefined && isSegmentCache(peer) ? peer : null, sibling !== undefined && isSegmentCache(sibling) ? sibling : null);
    if (options?.keepRankings === false) cache.keepRankings = false;
    return cache;
  }

  findInteractionPoint(point: string, channel?: string): { channel: string; zone: string } | null {
    const found = this.resolvePoint(point, channel);
    return 'point' in found ? { channel: found.point.channel.name, zone: found.point.zone } : null;
  }

  checkAudience(channel: string, level: string | undefined, profile: Record<string, unknown>, session?: Record<string, unknown>, audienceId?: string): DecisionError[] {
    const compiledChannel = typeof channel === 'string' ? this.compiled.channels.get(channel) : undefined;
    if (!compiledChannel) return [inputError('channel', `channel '${String(channel)}' is not in the bundle${didYouMean(String(channel), this.compiled.channels.keys())}`)];
    const resolved = resolveLevel(compiledChannel, level);
    if (isDecisionError(resolved)) return [resolved];
    return [...convertProfile(resolved, profile, audienceId ?? null).errors, ...convertSession(compiledChannel, session).errors];
  }

  segmentMembership(request: DecisionRequest): SegmentMembership {
    const raw: Record<string, unknown> = isRecord(request) ? (request) : {};
    const refused = (errors: DecisionError[]): SegmentMembership => ({ members: [], failed: [], errors });
    const resolved = this.resolvePoint(raw['interactionPoint'], raw['channel']);
    if ('error' in resolved) return refused([resolved.error]);
    const channel = resolved.point.channel;
    const at = raw['at'];
    const atDay = typeof at === 'string' ? dayNumber(at) : Number.NaN;
    if (Number.isNaN(atDay)) return refused([inputError('at', `at must be a YYYY-MM-DD day, got ${JSON.stringify(at)}`)]);
    const audience = raw['audience'];
    if (!isRecord(audience)) return refused([inputError('audience', 'audience must be an object with id and profile')]);
    const level = resolveLevel(channel, audience['level']);
    if (isDecisionError(level)) return refused([level]);
    const audienceId = resolveAudienceId(level, audience['id'], audience['profile']);
    if (typeof audienceId !== 'string') return refused([audienceId]);
    const profile = convertProfile(level, audience['profile'], audienceId);
    const session = convertSession(channel, raw['session']);
    if (profile.errors.length + session.errors.length > 0) return refused([...profile.errors, ...session.errors]);
    // A memo of its own: membership is evaluated afresh, as on a member's first decision.
    const segments = new SessionSegmentCache();
    segments.prepare(this.compiled, audienceId, level.name, at as string);
    segments.setInputs(audience['profile'], raw['session'], profile.value, session.value, []);
    const state: DecisionState = {
      compiled: this.compiled,
      channel,
      level,
      audienceId,
      at: at as string,
      atDay,
      cel: { profile: profile.value, session: session.value, now: this.now(at as string), offer: null },
      segments,
      errors: [],
      reported: null,
    };
    const members: string[] = [];
    const failed: string[] = [];
    withSegmentLookup(segmentLookup(state), () => {
      for (const segment of this.compiled.segments) {
        if (segment.channel !== channel.name || segment.level !== level.name) continue;
        if (isMember(state, segment)) members.push(segment.name);
        else if (segmentFailure(state, segment) !== null) failed.push(segment.name);
      }
    });
    return { members, failed, errors: state.errors };
  }

  private resolvePoint(point: unknown, channel: unknown): { point: CompiledPoint } | { error: DecisionError } {
    if (typeof point !== 'string' || point === '') return { error: inputError('interactionPoint', `interactionPoint must be a name, got ${JSON.stringify(point)}`) };
    if (channel !== undefined && channel !== null && channel !== '') {
      const compiledChannel = typeof channel === 'string' ? this.compiled.channels.get(channel) : undefined;
      if (!compiledChannel) return { error: inputError('channel', `channel ${JSON.stringify(channel)} is not in the bundle${didYouMean(typeof channel === 'string' ? channel : JSON.stringify(channel), this.compiled.channels.keys())}`) };
      const found = compiledChannel.points.get(point);
      if (!found) return { error: inputError('interactionPoint', `interaction point '${point}' is not defined on channel '${compiledChannel.name}'${didYouMean(point, compiledChannel.points.keys())}`) };
      return { point: found };
    }
    const named = this.compiled.pointsByName.get(point);
    if (!named) return { error: inputError('interactionPoint', `interaction point '${point}' is not defined in the bundle${didYouMean(point, this.compiled.pointsByName.keys())}`) };
    if (named.length > 1) {
      return { error: inputError('channel', `interaction point '${point}' is on channels ${named.map((p) => `'${p.channel.name}'`).join(', ')}: name the channel`) };
    }
    return { point: named[0]! };
  }

  /** The day number of a decision's `at` (the same day, decision after decision, is parsed once). */
  private dayOf(at: string): number {
    if (at !== this.lastDayText) {
      this.lastDay = dayNumber(at);
      this.lastDayText = at;
    }
    return this.lastDay;
  }

  private now(at: string): Date {
    if (at !== this.lastAt) {
      this.lastNow = toCelTimestamp(at);
      this.lastAt = at;
    }
    return this.lastNow;
  }

  decide(request: DecisionRequest, cache?: SegmentCache): Decision {
    const raw: Record<string, unknown> = isRecord(request) ? request : {};
    const resolved = this.resolvePoint(raw['interactionPoint'], raw['channel']);
    if ('error' in resolved) return failed(raw, null, [resolved.error]);
    const point = resolved.point;
    const channel = point.channel;
    const errors: DecisionError[] = [];

    const at = raw['at'];
    const atDay = typeof at === 'string' ? this.dayOf(at) : Number.NaN;
    if (Number.isNaN(atDay)) errors.push(inputError('at', `at must be a YYYY-MM-DD day, got ${JSON.stringify(at)}`));
    const count = raw['count'];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      errors.push(inputError('count', `count must be a whole number from 1 to ${MAX_COUNT}, got ${JSON.stringify(count)}`));
    }
    const givenEarlier = readGivenEarlier(raw['givenEarlier'], errors);
    const session = readSessionActivity(raw['sessionActivity'], channel.session, channel.name, errors);
    const audience = raw['audience'];
    if (!isRecord(audience)) {
      errors.push(inputError('audience', 'audience must be an object with id and profile'));
      return failed(raw, point, errors);
    }
    const level = resolveLevel(channel, audience['level']);
    if (isDecisionError(level)) return failed(raw, point, [...errors, level]);
    const audienceId = resolveAudienceId(level, audience['id'], audience['profile']);
    if (typeof audienceId !== 'string' || errors.length > 0) {
      // Report every input problem at once: the profile's and the session's beside a missing id, a wrong day or count.
      const known = typeof audienceId === 'string';
      const more = [...convertProfile(level, audience['profile'], known ? audienceId : null).errors, ...convertSession(channel, raw['session']).errors];
      return failed(raw, point, known ? [...errors, ...more] : [...errors, audienceId, ...more]);
    }

    let segments: SessionSegmentCache;
    if (cache !== undefined && isSegmentCache(cache)) segments = cache;
    else {
      // No session: a memo for this decision only (the engine's, reset; decisions are synchronous).
      segments = this.decisionCache;
      segments.reset();
    }
    const day = at as string;
    segments.prepare(this.compiled, audienceId, level.name, day);
    const rawProfile = audience['profile'];
    const rawSession = raw['session'];
    if (!segments.converted || segments.rawProfile !== rawProfile || segments.rawSession !== rawSession) {
      // New inputs: the memoised rankings (eligibility, scores) were computed from the old
      // ones. Segment membership stays cached until a resegment event (docs/decisions.md#segment-membership-and-the-session-cache).
      if (segments.converted) segments.forgetRankings();
      const inputs = inputsId(channel, level);
      const peer = segments.peerInputs(rawProfile, rawSession, inputs);
      if (peer !== null) segments.setInputs(rawProfile, rawSession, peer.profile, peer.session, peer.inputErrors, inputs);
      else {
        // A session memo's sibling (another channel of the visit) may have converted these attributes already.
        const profile = convertProfile(level, rawProfile, audienceId, segments === cache ? segments.profileMemo : undefined);
        const session = convertSession(channel, rawSession);
        segments.setInputs(rawProfile, rawSession, profile.value, session.value, [...profile.errors, ...session.errors], inputs);
      }
    }
    if (segments.inputErrors.length > 0) return failed(raw, point, [...segments.inputErrors]);
    const history =
      raw['historyWindow'] !== undefined
        ? readHistoryWindow(this.compiled, raw['historyWindow'] as HistoryWindow, audienceId, atDay, this.historyWindowDays, errors)
        : readMemberHistory(this.compiled, raw['history'] as DecisionRequest['history'], audienceId, atDay, errors);
    if (errors.length > 0) return failed(raw, point, errors);

    const state: DecisionState = {
      compiled: this.compiled,
      channel,
      level,
      audienceId,
      at: day,
      atDay,
      cel: { profile: segments.profile, session: segments.session, now: this.now(day), offer: null },
      segments,
      errors,
      reported: null,
    };
    const n = count as number;
    const plan = this.plans.get(point)!;
    // A list pick skips what the member cannot get, so such a zone's ranking is not memoised
    // for the session: history, session activity and the batch change between decisions.
    if (plan.picks) state.pickGate = pickGate(givenEarlier, session, history, atDay);
    const memoise = segments === cache;
    const ranking = this.walkRanking(state, plan, memoise && !plan.picks && segments.keepRankings);
    // The engine's own inSegment lookup reads the decision in progress (no closure per decision).
    const outerState = this.lookupState;
    this.lookupState = state;
    const outerLookup = swapSegmentLookup(this.lookup);
    let decision: Decision;
    try {
      decision = this.run(state, point, n, history, ranking, null, givenEarlier, session);
    } finally {
      swapSegmentLookup(outerLookup);
      this.lookupState = outerState;
    }
    const risk = plan.risks.get(level.name)!;
    const sweep = this.sweepMemo(segments, plan, memoise);
    const safe = (sweep.safe ??= inputsAreSafe(risk, state.cel.profile, state.cel.session));
    if (ranking.walkErrors!() > 0 || !safe) {
      // Only the rules that may fail for this member's inputs can add an error (error-risk.ts);
      // a walk failure the analysis did not foresee gets the pass over every rule.
      decision.errors = this.sweepErrors(state, point, sweep, () => (safe ? point.rules : rulesAtRisk(risk, state.cel.profile, state.cel.session)));
    }
    if (raw['explain'] === true) {
      // The explanation comes from an exhaustive pass over every rule of the zone; the decision
      // itself (offers, control groups, errors) is the same as without explain.
      const explainState = passState(state);
      const log = new ExplainLog();
      withSegmentLookup(segmentLookup(explainState), () => this.run(explainState, point, n, history, this.exhaustiveRanking(explainState, point, log), log, givenEarlier, session));
      decision.explain = log.entries;
    }
    return decision;
  }

  /**
   * Steps 2–5, lazily best first (ranked-walk.ts): only what can still reach the response is
   * evaluated. With a session cache, the entries produced so far are memoised per zone (they
   * depend only on the member, session and day, like the segment memo); a later decision that
   * needs more entries walks again from the start (the walk is deterministic, so the memoised
   * entries come out the same) and extends the memo.
   */
  private walkRanking(state: DecisionState, plan: ZonePlan, memoise: boolean): Ranking {
    if (!memoise) {
      // Nothing keeps this ranking past the decision (decisions are synchronous, and a decision
      // copies out what it returns), so the engine's own lists hold it, reused decision after
      // decision. They keep their length (emptying a list gives up its storage): `size` says
      // how much of them is this decision's.
      const scratch = this.scratchMemo;
      scratch.size = 0;
      scratch.controlGroups = [];
      scratch.exhausted = false;
      scratch.walkErrors = 0;
      return new LazyRanking(this.walk, state, plan, scratch);
    }
    const walks = state.segments.walks;
    let memo = walks.get(plan) as WalkMemo | undefined;
    if (memo === undefined) walks.set(plan, (memo = emptyWalkMemo()));
    return new LazyRanking(this.walk, state, plan, memo);
  }

  /** The zone's error-pass memo for the member (kept in the session's memo when `memoise`). */
  private sweepMemo(segments: SessionSegmentCache, plan: ZonePlan, memoise: boolean): SweepMemo {
    if (!memoise) return { errors: null, safe: null };
    let memo = segments.sweeps.get(plan) as SweepMemo | undefined;
    if (memo === undefined) segments.sweeps.set(plan, (memo = { errors: null, safe: null }));
    return memo;
  }

  /**
   * The errors of a decision that may have met an expression failure: those of a pass over
   * `rules`, the zone's rules that may fail for this member (docs/decisions.md#the-steps,
   * steps 2–5, in precedence order: the errors every rule of the zone would give), then those
   * of suppression and policies, so `errors` never depends on how far the walk went.
   */
  private sweepErrors(state: DecisionState, point: CompiledPoint, memo: SweepMemo, rulesToSweep: () => readonly CompiledRule[]): DecisionError[] {
    if (memo.errors === null) {
      const rules = rulesToSweep();
      if (rules.length === 0) memo.errors = [];
      else {
        const sweep = passState(state);
        const board = this.board;
        board.begin();
        withSegmentLookup(segmentLookup(sweep), () => collectCandidates(sweep, point, this.eligible, { board, controlGroups: [], explain: null, scored: null }, rules));
        memo.errors = sweep.errors;
      }
    }
    const errors = memo.errors.slice();
    if (state.errors.length === 0) return errors;
    const seen = new Set(errors.map((e) => `${e.place ?? ''}\0${e.message}`));
    for (const error of state.errors) if (!seen.has(`${error.place ?? ''}\0${error.message}`)) errors.push(error);
    return errors;
  }

  /** Steps 2–5 over every rule of the zone, for the explanation: candidates, control groups, one entry per offer, ranked. */
  private exhaustiveRanking(state: DecisionState, point: CompiledPoint, explain: ExplainLog): Ranking {
    const board = this.board;
    board.begin();
    const output: CandidateOutput = { board, controlGroups: [], explain, scored: [] };
    collectCandidates(state, point, this.eligible, output);
    for (const candidate of output.scored!) {
      const winner = board.bestRule[candidate.offer]!;
      if (winner === candidate.rule.precedence) continue;
      const winnerRule = this.bundle.body.rules[winner]!.name;
      const reason = board.bestTier[candidate.offer]! > (candidate.rule.top ? 1 : 0) ? reasons.topDuplicate(winnerRule) : reasons.duplicate(winnerRule, board.bestScore[candidate.offer]!, candidate.score);
      explain.add(this.compiled.offers[candidate.offer]!.name, candidate.rule.name, 'lower-score-duplicate', reason, {
        score: candidate.score,
      });
    }
    let tieKey: ((offer: number) => number) | undefined;
    if (point.channel.rotateTies) {
      const ties = new TieOrder(this.compiled.offers.map((offer) => offer.name));
      ties.begin(state.audienceId, state.at);
      tieKey = (offer) => ties.key(offer);
    }
    const offers = board.ranked(tieKey);
    return {
      offers,
      scores: offers.map((o) => board.bestScore[o]!),
      rules: offers.map((o) => board.bestRule[o]!),
      controlGroups: output.controlGroups,
      has: (at) => at < offers.length,
    };
  }

  /**
   * Steps 6–7: suppression and realtime policies in rank order, up to the count. The offers
   * chosen are kept as places in the ranking, and the rare paths (explanations, deferred B
   * offers) are methods: an ordinary decision allocates no closure and no object per offer
   * until its response.
   */
  private run(
    state: DecisionState,
    point: CompiledPoint,
    count: number,
    history: MemberHistory | null,
    ranking: Ranking,
    explain: ExplainLog | null,
    givenEarlier: ReadonlyMap<string, string> | null,
    session: SessionGate | null,
  ): Decision {
    const offers = this.compiled.offers;
    const pointLimit = point.maxOffers === null ? count : Math.min(count, point.maxOffers);
    // The session's maxOffers caps the response too (docs/decisions.md#session-rules).
    const limit = session === null ? pointLimit : Math.min(pointLimit, session.remaining);
    const over: OverLimit = { keptByCap: 0, pointLimit };
    const rules = point.channel.realtimeRules;
    /** The places in the ranking of the offers chosen, in the order they were chosen. */
    const chosen: number[] = [];
    let deferred: Deferred[] | null = null;
    const policyContext: PolicyContext | null = rules.length === 0 ? null : this.policyContext.begin(state, history, this.responsePackage(state.audienceId, point.channel.name, state.at));
    let rank = 0; // among offers not suppressed, 1-based
    for (let at = 0; ; at++) {
      // Without an explanation nothing past the count matters (and the lazy ranking stops there).
      if (chosen.length >= limit && !explain) break;
      if (!ranking.has(at)) break;
      const offer = offers[ranking.offers[at]!]!;
      const score = ranking.scores[at]!;
      if (givenEarlier !== null) {
        const earlierPoint = givenEarlier.get(offer.name);
        if (earlierPoint !== undefined) {
          explain?.add(offer.name, this.ruleName(ranking.rules[at]!), 'given-earlier', reasons.givenEarlier(earlierPoint), { score });
          continue;
        }
      }
      if (session !== null) {
        const dropped = sessionDrop(session, offer.name);
        if (dropped !== null) {
          explain?.add(offer.name, this.ruleName(ranking.rules[at]!), dropped, dropped === 'session-accepted' ? reasons.sessionAccepted(session.channel) : reasons.sessionRejected(session.channel), { score });
          continue;
        }
      }
      const hit = history === null ? null : findSuppression(offer, history, state.atDay);
      if (hit !== null) {
        explain?.add(offer.name, this.ruleName(ranking.rules[at]!), 'suppressed', describeSuppression(hit), { score });
        continue;
      }
      rank++;
      if (chosen.length >= limit) {
        if (explain !== null) explainOverLimit(explain, session, chosen.length, over, offer.name, this.ruleName(ranking.rules[at]!), score, rank);
        continue;
      }
      if (policyContext !== null) {
        const violation = findPolicyViolation(rules, offer, score, policyContext);
        if (violation !== null) {
          // A B offer of bOnlyWithA ranked above its A offer gets a second chance once the A offer is in.
          if (isDeferrable(violation)) (deferred ??= []).push({ at, rank, violation, chosen: false });
          else this.explainPolicy(explain, offer.name, this.ruleName(ranking.rules[at]!), score, violation, rank);
          if (!explain && blocksEveryOffer(violation)) break;
          continue;
        }
      }
      chosen.push(at);
      policyContext?.add(offer);
      if (deferred !== null) this.admitDeferred(deferred, chosen, limit, ranking, rules, policyContext!);
    }
    if (deferred !== null) {
      // Every deferred B offer was tried again after the last choice (admitDeferred): one not
      // chosen by now stays out, and only its explanation is left to write.
      if (explain !== null) {
        for (const { at, rank: deferredRank, violation, chosen: admitted } of deferred) {
          if (admitted) continue;
          const offer = offers[ranking.offers[at]!]!;
          const rule = this.ruleName(ranking.rules[at]!);
          const score = ranking.scores[at]!;
          if (chosen.length >= limit) explainOverLimit(explain, session, chosen.length, over, offer.name, rule, score, deferredRank, violation);
          else this.explainPolicy(explain, offer.name, rule, score, findPolicyViolation(rules, offer, score, policyContext!) ?? violation, deferredRank);
        }
      }
      // The response lists its offers in rank order, whenever they were admitted.
      chosen.sort((a, b) => a - b);
    }

    const result = new Array<ChosenOffer>(chosen.length);
    for (let i = 0; i < chosen.length; i++) {
      const at = chosen[i]!;
      const offer = offers[ranking.offers[at]!]!;
      const score = ranking.scores[at]!;
      const givenBy = this.rulesByPrecedence[ranking.rules[at]!]!;
      const rule = givenBy.name;
      // A rule without attributes hands the offer's own on, with nothing to evaluate or explain.
      const resolved = givenBy.attributes === null ? null : resolveAttributes(state, givenBy, offer);
      const codeKey = givenBy.precedence * offers.length + offer.index;
      let treatmentCode = point.treatmentCodes.get(codeKey);
      if (treatmentCode === undefined) point.treatmentCodes.set(codeKey, (treatmentCode = formatTreatmentCode(this.compiled.digestPrefix, point.channel.name, point.name, rule, offer.name)));
      result[i] = { offer: offer.name, score, rule, treatmentCode, attributes: resolved === null ? offer.attributes : resolved.attributes };
      if (explain !== null) {
        // The reason is formatted only when an explanation is asked for (a score as text costs more than the rest of this loop).
        const reason = reasons.chosen(i + 1, score);
        explain.add(offer.name, rule, 'chosen', resolved?.failures == null ? reason : `${reason}; ${resolved.failures.join('; ')}`, { score, rank: i + 1 });
      }
    }
    const decision: Decision = {
      channel: point.channel.name,
      interactionPoint: point.name,
      zone: point.zone,
      offers: result,
      controlGroups: ranking.controlGroups.slice(),
      errors: state.errors,
    };
    if (result.length === 0 && point.defaultString !== null) decision.defaultString = point.defaultString;
    if (explain) decision.explain = explain.entries;
    return decision;
  }

  /** The package of a response (member-history.ts defaultPackage), kept while the member, channel and day stay the same: one string for a visit's decisions. */
  private responsePackage(audienceId: string, channel: string, at: string): string {
    const last = this.lastPackage;
    if (last.audienceId !== audienceId || last.channel !== channel || last.at !== at) {
      last.audienceId = audienceId;
      last.channel = channel;
      last.at = at;
      last.value = defaultPackage(audienceId, channel, at);
    }
    return last.value;
  }

  private ruleName(precedence: number): string {
    return this.rulesByPrecedence[precedence]!.name;
  }

  /**
   * A deferred B offer (bOnlyWithA) takes its place as soon as a choice makes it allowed,
   * before lower-ranked offers fill the response; one choice may allow several, in rank order.
   */
  private admitDeferred(deferred: Deferred[], chosen: number[], limit: number, ranking: Ranking, rules: readonly CompiledPolicyRule[], policyContext: PolicyContext): void {
    const offers = this.compiled.offers;
    for (let admitted = true; admitted; ) {
      admitted = false;
      for (const entry of deferred) {
        if (entry.chosen || chosen.length >= limit) continue;
        const offer = offers[ranking.offers[entry.at]!]!;
        if (findPolicyViolation(rules, offer, ranking.scores[entry.at]!, policyContext) !== null) continue;
        entry.chosen = true;
        chosen.push(entry.at);
        policyContext.add(offer);
        admitted = true;
      }
    }
  }

  private explainPolicy(explain: ExplainLog | null, offer: string, rule: string, score: number, violation: PolicyViolation, rank: number): void {
    if (!explain) return;
    const policyRule = violation.rule;
    explain.add(offer, rule, 'policy', reasons.policy(policyRule.policy, policyRule.name, policyRule.type, violation.detail), {
      score,
      rank,
      policy: policyRule.policy,
      policyRule: policyRule.name,
    });
  }
}

/** A B offer of bOnlyWithA waiting for its A offer (engine.run): its place in the ranking and its rank. */
interface Deferred {
  at: number;
  rank: number;
  violation: PolicyViolation;
  chosen: boolean;
}

/** What explaining the offers past the limit counts (engine.run). */
interface OverLimit {
  keptByCap: number;
  readonly pointLimit: number;
}

/**
 * An offer past the limit: kept out by the session's cap when the point would have taken it
 * (the offers chosen plus those the cap kept out are still below the point's limit), else
 * ranked below the response.
 */
function explainOverLimit(explain: ExplainLog, session: SessionGate | null, chosen: number, over: OverLimit, offer: string, rule: string, score: number, rank: number, heldBack: PolicyViolation | null = null): void {
  if (session !== null && chosen + over.keptByCap < over.pointLimit) {
    over.keptByCap++;
    explain.add(offer, rule, 'session-cap', reasons.sessionCap(rank, session.maxOffers!, session.channel), { score, rank });
  } else {
    const reason = heldBack === null ? reasons.rank(rank, over.pointLimit) : reasons.heldBackRank(rank, over.pointLimit, heldBack.rule.policy, heldBack.rule.name);
    explain.add(offer, rule, 'rank', reason, { score, rank });
  }
}

/**
 * The state of an exhaustive pass beside the decision (the error sweep, the explanation):
 * the same member, inputs and memo, with errors of its own. Built field by field rather
 * than spread: a spread of the state costs more than the one-rule sweep it serves.
 */
function passState(state: DecisionState): DecisionState {
  const cel = state.cel;
  const pass: DecisionState = {
    compiled: state.compiled,
    channel: state.channel,
    level: state.level,
    audienceId: state.audienceId,
    at: state.at,
    atDay: state.atDay,
    cel: { profile: cel.profile, session: cel.session, now: cel.now, offer: null },
    segments: state.segments,
    errors: [],
    reported: null,
    captureDepth: 0,
    captured: [],
  };
  if (state.pickGate !== undefined) pass.pickGate = state.pickGate;
  return pass;
}

/**
 * The windows (days, ending on the decision day) the rules count history in: offers'
 * maxContacts and realtime policy rules with periodDays, and 1, the decision day itself
 * (a neverAFollowedByB rule looks at the decision day's contacts even without periodDays).
 */
function historyNeedsOf(compiled: CompiledBundle): HistoryNeeds {
  const windows = new Set<number>([1]);
  let packages = false;
  const totals = new Set<HistoryNeeds['totals'][number]>();
  // Offers of the sequence rules' scopes over all time; null once a scope covers every offer.
  let contactOffers: Set<string> | null = new Set();
  const addScope = (scope: OfferScope): void => {
    if (scope === null) contactOffers = null;
    else if (contactOffers !== null) for (const offer of compiled.offers) if (scope[offer.index] === 1) contactOffers.add(offer.name);
  };
  for (const offer of compiled.offers) {
    if (offer.maxContacts !== null) windows.add(offer.maxContacts.periodDays);
    if (offer.afterAccept && offer.afterAcceptDays === null) totals.add('accept');
    if (offer.maxRejects !== null) totals.add('reject');
  }
  for (const channel of compiled.channels.values()) {
    for (const rule of channel.realtimeRules) {
      if (rule.periodDays === null) {
        // A sequence rule over all time asks whether an offer was ever contacted.
        if (rule.type === 'neverAWithB' || rule.type === 'neverAFollowedByB' || rule.type === 'bOnlyWithA') {
          totals.add('contact');
          addScope(rule.a);
          addScope(rule.b);
        }
        continue;
      }
      windows.add(rule.periodDays);
      if (rule.type === 'maxPackages') packages = true;
    }
  }
  // Suppression windows read the days of accepts and rejects, so the window reaches that far back.
  if (compiled.responseDays > 0) windows.add(compiled.responseDays);
  const order: HistoryNeeds['totals'][number][] = ['contact', 'accept', 'reject'];
  const offers = contactOffers as Set<string> | null;
  const needs: HistoryNeeds = {
    windows: [...windows].sort((a, b) => a - b),
    packages,
    totals: order.filter((event) => totals.has(event)),
    contactOffers: offers === null ? null : [...offers].sort(),
  };
  return compiled.responseDays > 0 ? { ...needs, responseDays: compiled.responseDays } : needs;
}

/** `givenEarlier`: an object of offer name → interaction point; null when absent or empty. */
function readGivenEarlier(value: unknown, errors: DecisionError[]): Map<string, string> | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    errors.push(inputError('givenEarlier', 'givenEarlier must be an object of offer name → interaction point'));
    return null;
  }
  const given = new Map<string, string>();
  for (const [offer, point] of Object.entries(value)) {
    if (typeof point !== 'string') {
      errors.push(inputError(`givenEarlier.${offer}`, `givenEarlier.${offer} must be the name of the interaction point it was given to, got ${JSON.stringify(point)}`));
      continue;
    }
    given.set(offer, point);
  }
  return given.size === 0 ? null : given;
}

/** A decision refused for its input: no offers, the errors naming the fields. */
function failed(raw: Record<string, unknown>, point: CompiledPoint | null, errors: DecisionError[]): Decision {
  return {
    channel: point?.channel.name ?? (typeof raw['channel'] === 'string' ? raw['channel'] : ''),
    interactionPoint: point?.name ?? (typeof raw['interactionPoint'] === 'string' ? raw['interactionPoint'] : ''),
    zone: point?.zone ?? '',
    offers: [],
    controlGroups: [],
    errors,
  };
}
