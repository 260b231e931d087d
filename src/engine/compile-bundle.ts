// Loading a bundle into the engine (docs/bundle-format.md, docs/decisions.md#performance):
// every CEL expression is compiled exactly once (one ExpressionCompiler per bundle),
// dates become day numbers, names become indexes, and each interaction point gets its
// candidate rules in precedence order, so a decision does no parsing, no name lookups by
// string in its hot loop and no date parsing.
import type { Bundle, PolicyRuleType } from '../bundle/index.js';
import { boundDay } from '../days.js';
import { bundleShapes, ExpressionCompileError, ExpressionCompiler, readsOffer, toCelOffer } from '../expr/index.js';
import {
  EngineLoadError,
  type CapacityRuleType,
  type CompiledBundle,
  type CompiledChannel,
  type CompiledOffer,
  type CompiledPoint,
  type CompiledRule,
  type CompiledSegment,
  type OfferTermValues,
  type ScoreSplitTerms,
} from './compiled-types.js';
import { controlGroupSeed, controlGroupThreshold } from './control-group.js';
import { compileCustomerRule, orderForChecking } from './customer-rules.js';
import { expressionReads, splitScore } from './expression-reads.js';
import { compileSegments } from './segments.js';
import { digestPrefix } from './treatment-code.js';

const capacityTypes: ReadonlySet<PolicyRuleType> = new Set<CapacityRuleType>(['offerCapacity', 'customCapacity']);

function checkDay(iso: string | null, fallback: number, place: string): number {
  const day = boundDay(iso, fallback);
  if (Number.isNaN(day)) throw new EngineLoadError(`date ${JSON.stringify(iso)} is not an ISO YYYY-MM-DD day`, place);
  return day;
}

/** Compiles a bundle for decisions; throws EngineLoadError naming the place of the first problem. */
export function compileBundle(bundle: Bundle): CompiledBundle {
  try {
    return compileLoaded(bundle);
  } catch (error) {
    if (error instanceof ExpressionCompileError) throw new EngineLoadError(error.reason, error.place);
    throw error;
  }
}

function compileLoaded(bundle: Bundle): CompiledBundle {
  const body = bundle.body;
  const expressions = new ExpressionCompiler(bundleShapes(body.channels));

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
      attributes: offer.attributes,
      afterAccept: suppression.afterAccept,
      afterAcceptDays: suppression.afterAcceptDays ?? null,
      afterReject: suppression.afterReject ?? null,
      maxRejects: suppression.maxRejects,
      maxContacts: suppression.maxContacts,
      related: null,
      family: null,
      hasSuppression: suppression.afterAccept || suppression.maxRejects !== null || suppression.maxContacts !== null || suppression.afterReject !== undefined,
    };
  });
  relateOffers(body.offers, offers);
  const offerByName = new Map(offers.map((o) => [o.name, o]));

  const segments: CompiledSegment[] = compileSegments(body, expressions);
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
      offerTerm: null,
      controlThreshold: controlGroupThreshold(rule.controlGroupPercent),
      controlSeed: controlGroupSeed(rule.channel, rule.name),
      top: rule.priority === 'top',
      pick: rule.pick === undefined ? null : { count: rule.pick.count, by: rule.pick.by },
      attributes:
        rule.attributes === undefined
          ? null
          : Object.entries(rule.attributes).map(([name, source]) => ({
              name,
              evaluate: expressions.compile('offerAttribute', source, `${place} attributes.${name}`, rule.channel, level),
              place: `${place} attributes.${name}`,
            })),
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
    if (rule.eligibilityReads?.offer === true || rule.scoreReads?.offer === true) {
      rule.offerTerm = offerTermValues(rule, body.rules[rule.precedence]!.eligibility, source, expressions, rule.segment?.level);
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
      rotateTies: channel.ties === 'rotate',
      session:
        channel.session === undefined
          ? null
          : { suppressAccepted: channel.session.suppressAccepted === true, suppressRejected: channel.session.suppressRejected === true, maxOffers: channel.session.maxOffers ?? null },
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
        treatmentCodes: new Map(),
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
      channel.realtimeRules.push(compileCustomerRule(policy.name, channel.name, rule, offerByName, segmentNamed, expressions));
    }
  }

  for (const channel of channels.values()) channel.realtimeRules = orderForChecking(channel.realtimeRules);
  return { bundle, digest: bundle.digest, digestPrefix: digestPrefix(bundle.digest), offers, offerByName, segments, segmentByName, channels, pointsByName, responseDays: responseDaysOf(offers) };
}

/** The two halves of a split score, compiled like any expression of the rule; null when it does not split (or a half does not compile). */
const EPOCH = new Date(0);

/** Evaluates an offer-only part of a rule's expression (its source range) for each of the rule's offers, once per part. */
function offerTermValues(rule: CompiledRule, eligibility: string | null, score: string | null, expressions: ExpressionCompiler, level: string | undefined): OfferTermValues {
  const memo = new Map<object, unknown[] | null>();
  return (expression, node) => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    const source = expression === 'eligibility' ? eligibility : score;
    let values: unknown[] | null = null;
    const { start, end } = node;
    if (source !== null && typeof start === 'number' && typeof end === 'number' && start < end && end <= source.length) {
      try {
        const term = expressions.compile(expression, source.slice(start, end), `${rule.place} ${expression}`, rule.channel, level);
        values = rule.offers.map((offer) => term({ profile: {}, session: {}, now: EPOCH, offer: offer.cel }));
      } catch {
        values = null;
      }
    }
    memo.set(node, values);
    return values;
  };
}

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

/**
 * `related: {attribute}`: the offers whose attribute has the same value as this offer's
 * (itself included, in index order). An offer without a value for the attribute has no
 * family and counts only its own history.
 */
function relateOffers(bundleOffers: Bundle['body']['offers'], offers: CompiledOffer[]): void {
  for (const offer of offers) {
    const attribute = bundleOffers[offer.index]!.suppression.related;
    if (attribute === undefined) continue;
    const value = bundleOffers[offer.index]!.attributes[attribute];
    if (value === undefined) continue;
    offer.family = `${attribute} ${JSON.stringify(value)}`;
    offer.related = offers.filter((other) => bundleOffers[other.index]!.attributes[attribute] === value).map((other) => other.index);
  }
}

/**
 * The days of accepts and rejects suppression windows look at: an accept window of d
 * days needs the last d days; afterReject {count, days} needs the last 2·days − 1 (the
 * latest rejection of a group within the last `days` days, the group's first up to
 * days − 1 days before it).
 */
function responseDaysOf(offers: readonly CompiledOffer[]): number {
  let days = 0;
  for (const offer of offers) {
    if (offer.afterAcceptDays !== null) days = Math.max(days, offer.afterAcceptDays);
    if (offer.afterReject !== null) days = Math.max(days, 2 * offer.afterReject.days - 1);
  }
  return days;
}
