// Loading a bundle into the engine (SPEC §4 "compiled once when loaded", §5): every CEL
// expression is compiled exactly once, dates become day numbers, names become indexes,
// and each interaction point gets its candidate rules in precedence order, so a decision
// does no parsing, no name lookups by string in its hot loop and no date parsing.
import type { Environment } from '@marcbachmann/cel-js';
import type { AttributeDeclaration, Bundle, BundleChannel, BundleOfferScope, BundlePolicyRule, PolicyRuleType } from '../bundle/types.js';
import { activeSegmentLookup, createEnvironment, toCelOffer, typedVariables, type ExpressionKind } from '../expr/environment.js';
import { findPatternProblems } from '../expr/re2-matches.js';
import { buildFastEvaluator, withFastPath, type AstNode, type CelEvaluator, type FastOptions } from '../expr/fast-evaluator.js';
import { controlGroupSeed, controlGroupThreshold } from './control-group.js';
import { boundDay } from './days.js';
import { expressionReads, splitScore, type ExpressionReads } from './expression-reads.js';
import { orderForChecking } from './realtime-policy.js';
import { digestPrefix } from './treatment-code.js';

/** A compiled CEL expression: call it with the evaluation context. */
export type Evaluator = (context: Record<string, unknown>) => unknown;

/** A bundle the engine cannot run: an expression that does not compile, or a broken reference. */
export class EngineLoadError extends Error {
  constructor(
    message: string,
    /** Where in the bundle, e.g. `strategy 'web-core' rule 'hv-gold' eligibility`. */
    readonly place: string,
  ) {
    super(`cannot load bundle: ${place}: ${message}`);
    this.name = 'EngineLoadError';
  }
}

export interface CompiledLevel {
  name: string;
  idField: string;
  attributes: Record<string, AttributeDeclaration>;
}

export interface CompiledOffer {
  /** Index in the bundle's offers (sorted by name, so index order is name order). */
  index: number;
  name: string;
  effectiveDay: number;
  expiresDay: number;
  effective: string | null;
  expires: string | null;
  cost: number;
  /** The `offer` variable of eligibility and score expressions. */
  cel: Record<string, unknown>;
  afterAccept: boolean;
  maxRejects: number | null;
  maxContacts: { count: number; periodDays: number } | null;
  hasSuppression: boolean;
}

export interface CompiledSegment {
  index: number;
  name: string;
  channel: string;
  level: string;
  evaluate: Evaluator;
  place: string;
}

export interface CompiledRule {
  precedence: number;
  name: string;
  strategy: string;
  channel: string;
  enabled: boolean;
  effectiveDay: number;
  expiresDay: number;
  effective: string | null;
  expires: string | null;
  segment: CompiledSegment | null;
  offers: CompiledOffer[];
  score: number;
  scoreExpression: Evaluator | null;
  eligibility: Evaluator | null;
  /** False when the expression never reads `offer`: it is then evaluated once per rule, not per offer. */
  scorePerOffer: boolean;
  eligibilityPerOffer: boolean;
  /** What eligibility / scoreExpression read (null when the rule has none): decides what is computed at load (see pair-plan.ts). */
  eligibilityReads: ExpressionReads | null;
  scoreReads: ExpressionReads | null;
  /** scoreExpression = offerSign·offerTerm + memberSign·memberTerm, when its top is such a sum (see expression-reads.ts). */
  scoreSplit: ScoreSplitTerms | null;
  /** Buckets below this are in the control group (0 = no control group). */
  controlThreshold: number;
  controlSeed: number;
  place: string;
}

export interface ScoreSplitTerms {
  offerTerm: Evaluator;
  memberTerm: Evaluator;
  offerSign: number;
  memberSign: number;
}

/** Per offer index: 1 when the offer is in scope. null = every offer. */
export type OfferScope = Uint8Array | null;

/** Capacity rules need every customer's contacts: batch-only (SPEC §5 step 6). */
type CapacityRuleType = 'offerCapacity' | 'customCapacity';
export type RealtimeRuleType = Exclude<PolicyRuleType, CapacityRuleType>;

export interface CompiledPolicyRule {
  policy: string;
  name: string;
  type: RealtimeRuleType;
  segment: CompiledSegment | null;
  /** Only history contacts with this `channel` column count (null = any channel). */
  channelFilter: string | null;
  periodDays: number | null;
  offers: OfferScope;
  a: OfferScope;
  b: OfferScope;
  mode: 'include' | 'exclude';
  where: Evaluator | null;
  max: number | null;
  place: string;
}

export interface CompiledPoint {
  name: string;
  zone: string;
  channel: CompiledChannel;
  defaultString: string | null;
  maxOffers: number | null;
  /** Candidate rules for the point's zone, in precedence order. */
  rules: CompiledRule[];
}

export interface CompiledChannel {
  name: string;
  levels: CompiledLevel[];
  sessionAttributes: Record<string, AttributeDeclaration>;
  points: Map<string, CompiledPoint>;
  /** Per-customer rules of realtime policies on this channel that can apply to its contacts. */
  realtimeRules: CompiledPolicyRule[];
}

export interface CompiledBundle {
  bundle: Bundle;
  digest: string;
  digestPrefix: string;
  offers: CompiledOffer[];
  offerByName: Map<string, CompiledOffer>;
  segments: CompiledSegment[];
  segmentByName: Map<string, CompiledSegment>;
  channels: Map<string, CompiledChannel>;
  /** Interaction point name → the points of that name (one per channel that has it). */
  pointsByName: Map<string, CompiledPoint[]>;
}

const capacityTypes: ReadonlySet<PolicyRuleType> = new Set<CapacityRuleType>(['offerCapacity', 'customCapacity']);

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** Environments and compiled expressions, shared across identical sources. */
class ExpressionCompiler {
  private readonly environments = new Map<string, Environment>();
  private readonly fastOptions = new Map<string, Omit<FastOptions, 'constant'>>();
  private readonly compiled = new Map<string, Evaluator>();

  constructor(private readonly channels: Map<string, BundleChannel>) {}

  compile(kind: ExpressionKind, source: string, place: string, channelName?: string, levelName?: string): Evaluator {
    const envKey = `${kind}\0${channelName ?? ''}\0${levelName ?? ''}`;
    const key = `${envKey}\0${source}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    if (typeof source !== 'string') throw new EngineLoadError('expression is not a string', place);
    let env = this.environments.get(envKey);
    if (!env) {
      env = createEnvironment(kind, this.shape(channelName, levelName));
      this.environments.set(envKey, env);
    }
    let evaluator: Evaluator;
    try {
      evaluator = env.parse(source) as unknown as Evaluator;
    } catch (error) {
      throw new EngineLoadError(`expression does not compile: ${firstLine(error)}`, place);
    }
    const badPattern = findPatternProblems((evaluator as unknown as { ast?: unknown }).ast)[0];
    if (badPattern) throw new EngineLoadError(`expression does not compile: ${badPattern.message}`, place);
    evaluator = this.withFastPath(kind, envKey, env, source, evaluator, channelName, levelName);
    this.compiled.set(key, evaluator);
    return evaluator;
  }

  /** The expression in front of its fast evaluator when it is in the subset (src/expr/fast-evaluator.ts): same results and errors, less time. */
  private withFastPath(kind: ExpressionKind, envKey: string, env: Environment, source: string, evaluator: Evaluator, channelName?: string, levelName?: string): Evaluator {
    let options = this.fastOptions.get(envKey);
    if (!options) {
      const member = kind === 'segment' || kind === 'eligibility' || kind === 'scoreExpression';
      options = { variables: typedVariables(kind, this.shape(channelName, levelName)), dynamicMaps: kind === 'contactWhere' ? ['contact'] : [], hasNow: member, hasInSegment: member, segmentLookup: activeSegmentLookup };
      this.fastOptions.set(envKey, options);
    }
    const cel = evaluator as CelEvaluator;
    const constant = (node: AstNode): unknown => {
      if (typeof node.start !== 'number' || typeof node.end !== 'number' || node.end <= node.start || node.end > source.length) throw new Error('no source range');
      return (env.parse(source.slice(node.start, node.end)) as unknown as CelEvaluator)({});
    };
    const fast = buildFastEvaluator(cel.ast, { ...options, constant });
    return fast === null ? evaluator : withFastPath(cel, fast);
  }

  private shape(channelName?: string, levelName?: string): Parameters<typeof createEnvironment>[1] {
    const channel = channelName === undefined ? undefined : this.channels.get(channelName);
    if (!channel) return {};
    const level = channel.audienceLevels.find((l) => l.name === levelName) ?? channel.audienceLevels[0];
    return {
      profile: level ? { idField: level.idField, attributes: level.attributes } : undefined,
      session: channel.sessionAttributes,
    };
  }
}

/** Does the compiled expression read the identifier `offer` anywhere? (A false "yes" only costs time.) */
export function readsOffer(evaluator: Evaluator): boolean {
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(visit);
    if (typeof node !== 'object' || node === null) return false;
    const n = node as { op?: unknown; args?: unknown };
    if (n.op === 'id') return n.args === 'offer';
    return visit(n.args);
  };
  const ast = (evaluator as unknown as { ast?: unknown }).ast;
  return ast === undefined ? true : visit(ast);
}

function checkDay(iso: string | null, fallback: number, place: string): number {
  const day = boundDay(iso, fallback);
  if (Number.isNaN(day)) throw new EngineLoadError(`date ${JSON.stringify(iso)} is not an ISO YYYY-MM-DD day`, place);
  return day;
}

function scopeOf(scope: BundleOfferScope, offerByName: Map<string, CompiledOffer>, size: number, place: string): OfferScope {
  if (scope.offers === null) return null;
  const inScope = new Uint8Array(size);
  for (const name of scope.offers) {
    const offer = offerByName.get(name);
    if (!offer) throw new EngineLoadError(`offer '${name}' is not in the bundle`, place);
    inScope[offer.index] = 1;
  }
  return inScope;
}

/** Compiles a bundle for decisions; throws EngineLoadError naming the place of the first problem. */
export function compileBundle(bundle: Bundle): CompiledBundle {
  const body = bundle.body;
  const bundleChannels = new Map(body.channels.map((c) => [c.name, c]));
  const expressions = new ExpressionCompiler(bundleChannels);

  const offers: CompiledOffer[] = body.offers.map((offer, index) => {
    const place = `offer '${offer.name}'`;
    const suppression = offer.suppression;
    return {
      index,
      name: offer.name,
      effectiveDay: checkDay(offer.effective, -Infinity, place),
      expiresDay: checkDay(offer.expires, Infinity, place),
      effective: offer.effective,
      expires: offer.expires,
      cost: offer.cost,
      cel: toCelOffer(offer),
      afterAccept: suppression.afterAccept,
      maxRejects: suppression.maxRejects,
      maxContacts: suppression.maxContacts,
      hasSuppression: suppression.afterAccept || suppression.maxRejects !== null || suppression.maxContacts !== null,
    };
  });
  const offerByName = new Map(offers.map((o) => [o.name, o]));

  const segments: CompiledSegment[] = body.segments.map((segment, index) => {
    const place = `segment '${segment.name}' expression`;
    if (!bundleChannels.has(segment.channel)) throw new EngineLoadError(`channel '${segment.channel}' is not in the bundle`, place);
    return {
      index,
      name: segment.name,
      channel: segment.channel,
      level: segment.audienceLevel,
      evaluate: expressions.compile('segment', segment.expression, place, segment.channel, segment.audienceLevel),
      place: `segment '${segment.name}'`,
    };
  });
  const segmentByName = new Map(segments.map((s) => [s.name, s]));
  const segmentNamed = (name: string | null, place: string): CompiledSegment | null => {
    if (name === null) return null;
    const segment = segmentByName.get(name);
    if (!segment) throw new EngineLoadError(`segment '${name}' is not in the bundle`, place);
    return segment;
  };

  const rules: CompiledRule[] = body.rules.map((rule, precedence) => {
    const place = `strategy '${rule.strategy}' rule '${rule.name}'`;
    const segment = segmentNamed(rule.segment, place);
    const level = segment?.level;
    return {
      precedence,
      name: rule.name,
      strategy: rule.strategy,
      channel: rule.channel,
      enabled: rule.enabled,
      effectiveDay: checkDay(rule.effective, -Infinity, place),
      expiresDay: checkDay(rule.expires, Infinity, place),
      effective: rule.effective,
      expires: rule.expires,
      segment,
      offers: rule.offers.map((name) => {
        const offer = offerByName.get(name);
        if (!offer) throw new EngineLoadError(`offer '${name}' is not in the bundle`, place);
        return offer;
      }),
      score: rule.score,
      scoreExpression: rule.scoreExpression === null ? null : expressions.compile('scoreExpression', rule.scoreExpression, `${place} scoreExpression`, rule.channel, level),
      eligibility: rule.eligibility === null ? null : expressions.compile('eligibility', rule.eligibility, `${place} eligibility`, rule.channel, level),
      scorePerOffer: false,
      eligibilityPerOffer: false,
      eligibilityReads: null,
      scoreReads: null,
      scoreSplit: null,
      controlThreshold: controlGroupThreshold(rule.controlGroupPercent),
      controlSeed: controlGroupSeed(rule.channel, rule.name),
      place,
    };
  });

  for (const rule of rules) {
    rule.scorePerOffer = rule.scoreExpression !== null && readsOffer(rule.scoreExpression);
    rule.eligibilityPerOffer = rule.eligibility !== null && readsOffer(rule.eligibility);
    rule.eligibilityReads = rule.eligibility === null ? null : expressionReads(rule.eligibility);
    rule.scoreReads = rule.scoreExpression === null ? null : expressionReads(rule.scoreExpression);
    const source = body.rules[rule.precedence]!.scoreExpression;
    if (rule.scoreExpression !== null && source !== null && rule.scoreReads!.offer && rule.scoreReads!.member) {
      rule.scoreSplit = compileSplit(rule, source, expressions, rule.segment?.level);
    }
  }

  const channels = new Map<string, CompiledChannel>();
  const pointsByName = new Map<string, CompiledPoint[]>();
  for (const channel of body.channels) {
    const compiledChannel: CompiledChannel = {
      name: channel.name,
      levels: channel.audienceLevels.map((l) => ({ name: l.name, idField: l.idField, attributes: l.attributes })),
      sessionAttributes: channel.sessionAttributes,
      points: new Map(),
      realtimeRules: [],
    };
    const byZone = body.indexes.rulesByChannelZone[channel.name] ?? {};
    for (const point of Object.values(channel.interactionPoints)) {
      const place = `channel '${channel.name}' interaction point '${point.name}'`;
      const indexes = Object.prototype.hasOwnProperty.call(byZone, point.zone) ? byZone[point.zone]! : [];
      const pointRules = indexes.map((i) => {
        const rule = rules[i];
        if (!rule || rule.channel !== channel.name) throw new EngineLoadError(`rule index ${i} of zone '${point.zone}' is not a rule of this channel`, place);
        return rule;
      });
      const compiledPoint: CompiledPoint = {
        name: point.name,
        zone: point.zone,
        channel: compiledChannel,
        defaultString: point.defaultString,
        maxOffers: point.maxOffers,
        rules: pointRules,
      };
      compiledChannel.points.set(point.name, compiledPoint);
      const named = pointsByName.get(point.name);
      if (named) named.push(compiledPoint);
      else pointsByName.set(point.name, [compiledPoint]);
    }
    channels.set(channel.name, compiledChannel);
  }

  for (const policy of body.policies) {
    if (!policy.realtime) continue;
    const channel = channels.get(policy.channel);
    if (!channel) throw new EngineLoadError(`channel '${policy.channel}' is not in the bundle`, `policy '${policy.name}'`);
    for (const rule of policy.rules) {
      // Capacity rules are batch-only; a rule on another contact channel never sees this channel's contacts.
      if (capacityTypes.has(rule.type)) continue;
      if (rule.channel !== null && rule.channel !== channel.name) continue;
      channel.realtimeRules.push(compilePolicyRule(policy.name, channel.name, rule, offerByName, offers.length, segmentNamed, expressions));
    }
  }

  for (const channel of channels.values()) channel.realtimeRules = orderForChecking(channel.realtimeRules);
  return { bundle, digest: bundle.digest, digestPrefix: digestPrefix(bundle.digest), offers, offerByName, segments, segmentByName, channels, pointsByName };
}

/** The two halves of a split score, compiled like any expression of the rule; null when it does not split (or a half does not compile). */
function compileSplit(rule: CompiledRule, source: string, expressions: ExpressionCompiler, level: string | undefined): ScoreSplitTerms | null {
  const split = splitScore(rule.scoreExpression!, source);
  if (split === null) return null;
  try {
    const place = `${rule.place} scoreExpression`;
    return {
      offerTerm: expressions.compile('scoreExpression', split.offerSource, place, rule.channel, level),
      memberTerm: expressions.compile('scoreExpression', split.memberSource, place, rule.channel, level),
      offerSign: split.offerSign,
      memberSign: split.memberSign,
    };
  } catch {
    return null;
  }
}

function compilePolicyRule(
  policy: string,
  channel: string,
  rule: BundlePolicyRule,
  offerByName: Map<string, CompiledOffer>,
  size: number,
  segmentNamed: (name: string | null, place: string) => CompiledSegment | null,
  expressions: ExpressionCompiler,
): CompiledPolicyRule {
  const place = `policy '${policy}' rule '${rule.name}'`;
  const compiled: CompiledPolicyRule = {
    policy,
    name: rule.name,
    type: rule.type as RealtimeRuleType,
    segment: segmentNamed(rule.segment, place),
    channelFilter: rule.channel,
    periodDays: rule.periodDays,
    offers: null,
    a: null,
    b: null,
    mode: 'exclude',
    where: null,
    max: null,
    place,
  };
  switch (rule.type) {
    case 'customersIn':
      compiled.mode = rule.mode;
      compiled.offers = scopeOf(rule.offers, offerByName, size, place);
      break;
    case 'interactionsWhere':
      compiled.mode = rule.mode;
      compiled.offers = scopeOf(rule.offers, offerByName, size, place);
      compiled.where = expressions.compile('contactWhere', rule.where, `${place} where`, channel);
      break;
    case 'customerOfferCount':
      compiled.offers = scopeOf(rule.offers, offerByName, size, place);
      compiled.max = rule.max;
      break;
    case 'maxDuplicateOffers':
      compiled.offers = scopeOf(rule.offers, offerByName, size, place);
      compiled.max = rule.max;
      break;
    case 'maxPackages':
      compiled.max = rule.max;
      break;
    case 'neverAWithB':
    case 'neverAFollowedByB':
    case 'bOnlyWithA':
      compiled.a = scopeOf(rule.a, offerByName, size, place);
      compiled.b = scopeOf(rule.b, offerByName, size, place);
      break;
    default:
      throw new EngineLoadError(`rule type '${rule.type}' is not a per-customer rule`, place);
  }
  return compiled;
}
