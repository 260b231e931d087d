// What a decision at one interaction point reads from its bundle, as a digest
// (docs/simulation-and-diff.md#zones-decided-once). Two bundles whose digests for a point
// are equal decide every member there identically — same offers, rules, scores, control
// groups, errors and explanation — so a diff decides such a point once and counts the
// decision for both sides.
//
// The key is built conservatively from the bundle body: everything the engine may read
// for a decision at the point goes in, whole, and a part is left out only when the engine
// never reads it for that point:
// - the channel (audience levels and their attributes, session attributes, ties, session
//   rules, events, categories), without its other interaction points and zones;
// - the point itself (zone, default string, maxOffers);
// - the rules the engine considers at the point (bundle.indexes: the zone's rules and the
//   channel's rules without a zone), whole and in precedence order — a rule's precedence
//   number is left out, since rules elsewhere shift it without changing the order here;
// - every offer those rules reach, whole, and the offers they are `related` to by an
//   attribute; the offer lists they name;
// - the segments the rules and policies name, those their expressions name with
//   `inSegment("…")`, and those these depend on — every segment when an expression calls
//   `inSegment` with anything but a literal name;
// - the realtime policies of the channel, whole; when there is one, every offer and
//   offer list of the bundle (their scopes and the member's history may name any offer);
// - the bundle-wide reach of suppression windows (how many days of accepts and rejects a
//   decision reads from the history).
// The bundle's own digest is left out: it appears in treatment codes only, which a diff's
// tallies do not count (its examples come from points whose decisions differ).
import { CanonicalText, canonicalJson, sha256Digest } from '../bundle/index.js';
import type { BundleBody, BundleChannel, BundleInteractionPoint, BundleOffer, BundleOfferList, BundleOptimizationPolicy, BundleSegment, BundleTreatmentRule } from '../bundle/index.js';

/** Version of the key's layout: a change to what goes in changes every digest. */
const ZONE_DIGEST_VERSION = 1;

const IN_SEGMENT = /inSegment\s*\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\)/g;

/**
 * The segment names an expression calls `inSegment` with; null when one call's argument
 * is not a plain literal (then any segment may be read). Read from the expression's text, so
 * a bundle the validator never saw is judged conservatively: a name in a string literal
 * counts as read.
 */
export function segmentsNamedIn(expression: string | null): string[] | null {
  if (expression === null || !expression.includes('inSegment')) return [];
  const names: string[] = [];
  for (const match of expression.matchAll(IN_SEGMENT)) names.push(match[1] ?? match[2] ?? '');
  const calls = expression.split('inSegment').length - 1;
  return calls === names.length ? names : null;
}

/** The days of accepts and rejects a decision keeps from the history (member-history.ts): the longest suppression window's reach. */
function responseReach(offers: readonly BundleOffer[]): number {
  let days = 0;
  for (const offer of offers) {
    const s = offer.suppression;
    if (s.afterAcceptDays !== undefined) days = Math.max(days, s.afterAcceptDays);
    if (s.afterReject !== undefined) days = Math.max(days, 2 * s.afterReject.days - 1);
  }
  return days;
}

function byName<T extends { name: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A shallow copy of `value` without `keys`. */
function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}

/** A segment the rules name that the bundle lacks (that inSegment fails): read too. */
interface MissingSegment {
  name: string;
  missing: true;
}

/** What a decision at one point reads, as the bundle's own objects (the parts left out of each are left out when it is written). */
interface ZoneParts {
  apiVersion: string;
  channel: BundleChannel;
  point: BundleInteractionPoint;
  rules: BundleTreatmentRule[];
  offers: BundleOffer[];
  offerLists: BundleOfferList[];
  segments: (BundleSegment | MissingSegment)[];
  policies: BundleOptimizationPolicy[];
  responseReach: number;
}

function zoneParts(body: BundleBody, channelName: string, pointName: string, reach: number): ZoneParts | null {
  const channel = body.channels.find((c) => c.name === channelName);
  const point = channel !== undefined && Object.prototype.hasOwnProperty.call(channel.interactionPoints, pointName) ? channel.interactionPoints[pointName]! : undefined;
  if (channel === undefined || point === undefined) return null;
  const byZone = body.indexes.rulesByChannelZone[channelName] ?? {};
  const ruleIndexes = Object.prototype.hasOwnProperty.call(byZone, point.zone) ? byZone[point.zone]! : [];
  const rules = ruleIndexes.map((i) => body.rules[i]).filter((rule): rule is BundleTreatmentRule => rule !== undefined);
  const policies = body.policies.filter((policy) => policy.realtime && policy.channel === channelName);

  const offerByName = new Map(body.offers.map((offer) => [offer.name, offer]));
  const offers = new Map<string, BundleOffer>();
  const lists = new Set<string>();
  const segmentNames = new Set<string>();
  let everySegment = false;
  const readExpression = (expression: string | null): void => {
    const names = segmentsNamedIn(expression);
    if (names === null) everySegment = true;
    else for (const name of names) segmentNames.add(name);
  };
  for (const rule of rules) {
    for (const name of rule.offers) {
      const offer = offerByName.get(name);
      if (offer !== undefined) offers.set(name, offer);
    }
    if (rule.offerList !== null) lists.add(rule.offerList);
    if (rule.segment !== null) segmentNames.add(rule.segment);
    readExpression(rule.eligibility);
    readExpression(rule.scoreExpression);
    for (const source of Object.values(rule.attributes ?? {})) readExpression(source);
  }
  // `related: {attribute}` counts the history of every offer sharing the attribute's value.
  for (const offer of [...offers.values()]) {
    const attribute = offer.suppression.related;
    if (attribute === undefined) continue;
    const value = offer.attributes[attribute];
    for (const other of body.offers) if (other.attributes[attribute] === value) offers.set(other.name, other);
  }
  for (const policy of policies) {
    for (const rule of policy.rules) {
      if (rule.segment !== null) segmentNames.add(rule.segment);
      if (rule.type === 'interactionsWhere') readExpression(rule.where);
    }
  }
  if (policies.length > 0) {
    for (const offer of body.offers) offers.set(offer.name, offer);
    for (const list of body.offerLists) lists.add(list.name);
  }

  const segmentByName = new Map(body.segments.map((segment) => [segment.name, segment]));
  const segments = new Map<string, BundleSegment | MissingSegment>();
  const visit = (name: string): void => {
    if (segments.has(name)) return;
    const segment = segmentByName.get(name);
    if (segment === undefined) {
      segments.set(name, { name, missing: true });
      return;
    }
    segments.set(name, segment);
    for (const dependency of segment.dependsOn) visit(dependency);
    const named = segmentsNamedIn(segment.expression);
    if (named === null) everySegment = true;
    else for (const other of named) visit(other);
  };
  for (const name of segmentNames) visit(name);
  if (everySegment) for (const segment of body.segments) visit(segment.name);

  return {
    apiVersion: body.apiVersion,
    channel,
    point,
    rules,
    offers: byName(offers.values()),
    offerLists: byName(body.offerLists.filter((list) => lists.has(list.name))),
    segments: byName(segments.values()),
    policies: byName(policies),
    responseReach: reach,
  };
}

// What each part leaves out: a rule's precedence number (rules elsewhere shift it; the order
// here is kept), a segment's evaluationOrder (the engine does not read it, and segments added
// elsewhere shift it), the channel's points and zones (the point is in the key, the others are not read).
const ruleKey = (rule: BundleTreatmentRule): object => omit(rule, 'precedence');
const segmentKey = (segment: BundleSegment | MissingSegment): object => ('missing' in segment ? segment : omit(segment, 'evaluationOrder'));
const channelKey = (channel: BundleChannel): object => omit(channel, 'interactionPoints', 'zones');

/** Each part of a key as it goes in: what `key` keeps of `part` (pointDecisionKey), or its canonical text (pointDecisionDigests). */
type PartOf = <T extends object>(part: T, key: (part: T) => object) => object;

const same = (part: object): object => part;

function zoneKey(parts: ZoneParts, part: PartOf): object {
  return {
    version: ZONE_DIGEST_VERSION,
    apiVersion: parts.apiVersion,
    channel: part(parts.channel, channelKey),
    point: part(parts.point, same),
    rules: parts.rules.map((rule) => part(rule, ruleKey)),
    offers: parts.offers.map((offer) => part(offer, same)),
    offerLists: parts.offerLists.map((list) => part(list, same)),
    segments: parts.segments.map((segment) => part(segment, segmentKey)),
    policies: parts.policies.map((policy) => part(policy, same)),
    responseReach: parts.responseReach,
  };
}

/** The key a point's digest is taken of (as a plain object), or null when the bundle has no such point. */
export function pointDecisionKey(body: BundleBody, channelName: string, pointName: string): object | null {
  const parts = zoneParts(body, channelName, pointName, responseReach(body.offers));
  return parts === null ? null : zoneKey(parts, (part, key) => key(part));
}

/** The digest of what a decision at `channel`/`point` reads from `body`; null when the bundle has no such point. */
export function pointDecisionDigest(body: BundleBody, channelName: string, pointName: string): string | null {
  return pointDecisionDigests(body, [{ channel: channelName, point: pointName }])[0]!;
}

/**
 * pointDecisionDigest for each of `points`: the canonical JSON of each point's key, with each
 * part of the body written once for all of them (an offer, when realtime policies bring in
 * the whole catalogue, is in every point's key).
 */
export function pointDecisionDigests(body: BundleBody, points: readonly { channel: string; point: string }[]): (string | null)[] {
  const reach = responseReach(body.offers);
  const texts = new Map<object, CanonicalText>();
  const written: PartOf = (part, key) => {
    let text = texts.get(part);
    if (text === undefined) texts.set(part, (text = new CanonicalText(canonicalJson(key(part)))));
    return text;
  };
  return points.map(({ channel, point }) => {
    const parts = zoneParts(body, channel, point, reach);
    return parts === null ? null : sha256Digest(canonicalJson(zoneKey(parts, written)));
  });
}
