// The compiled bundle (docs/bundle-format.md): what the compiler writes and the engine, optimizer,
// simulator and server read. Hand-written (the config types are generated from
// schema/v1); schema/v1/bundle.schema.json describes the same shape for other tools.
//
// Conventions: every optional config field is filled with its default or `null`, so a
// reader never needs to know a default; names are sorted or kept in their precedence
// order as each field says; dates are ISO `YYYY-MM-DD` strings (UTC days).

export const BUNDLE_FORMAT_VERSION = 1;

/** The file a deploy directory holds and `serve --watch DIR` follows: DIR/bundle.json (docs/gitops.md#targets). */
export const WATCHED_BUNDLE_FILE = 'bundle.json';

/** The file on disk: `{formatVersion, digest, body}`; digest = sha256 of canonical(body). */
export interface Bundle {
  formatVersion: typeof BUNDLE_FORMAT_VERSION;
  digest: string; // `sha256:<64 hex>`
  /** Optional ed25519 signature of the digest (src/bundle/signature.ts); outside the body, so it never changes the digest. */
  signature?: BundleSignature;
  body: BundleBody;
}

/** docs/gitops.md#signing: who signed (the public key) and the signature, both base64. */
export interface BundleSignature {
  /** `ed25519:` + base64 of the 32-byte public key. */
  keyId: string;
  /** Base64 of the 64-byte signature over SIGNATURE_CONTEXT + digest. */
  value: string;
}

export interface BundleBody {
  apiVersion: 'offerops/v1';
  /** Sorted by name. */
  channels: BundleChannel[];
  /** Sorted by name (the name is the offer code). */
  offers: BundleOffer[];
  /** Sorted by name. */
  offerLists: BundleOfferList[];
  /** Sorted by name. */
  segments: BundleSegment[];
  /** Sorted by name. */
  strategies: BundleStrategy[];
  /** Every treatment rule in precedence order: strategies by name, rules as written.
   *  A rule's index in this array is its precedence (lower wins a score tie). */
  rules: BundleTreatmentRule[];
  /** Sorted by name. */
  policies: BundleOptimizationPolicy[];
  indexes: BundleIndexes;
}

export interface BundleMetadata {
  name: string;
  description: string | null;
  labels: Record<string, string>;
}

export type ScalarAttributeType = 'int' | 'double' | 'string' | 'bool' | 'date';

export type AttributeDeclaration =
  | { type: ScalarAttributeType; enum: (string | number)[] | null }
  | { type: 'list'; items: ScalarAttributeType; /** Allowed item values; null = any. */ enum: (string | number)[] | null }
  /** String keys, values of one type (e.g. model scores by offer name): docs/config-language.md#map-attributes. */
  | { type: 'map'; values: MapValueType; enum: null };

export type MapValueType = 'double' | 'int' | 'string' | 'bool';

export interface BundleAudienceLevel {
  name: string;
  idField: string;
  /** Sorted by attribute name. */
  attributes: Record<string, AttributeDeclaration>;
}

export interface BundleInteractionPoint {
  name: string;
  zone: string;
  defaultString: string | null;
  maxOffers: number | null; // null = no cap beyond the request's count
}

export interface BundleZone {
  name: string;
  /** Interaction point names, as written. */
  interactionPoints: string[];
}

export type EventAction = 'resegment' | 'logContact' | 'logAccept' | 'logReject';

export interface BundleEvent {
  name: string;
  category: string | null;
  actions: EventAction[];
}

export interface BundleChannel extends BundleMetadata {
  audienceLevels: BundleAudienceLevel[];
  sessionAttributes: Record<string, AttributeDeclaration>;
  categories: string[];
  zones: BundleZone[];
  /** Every interaction point of the channel, keyed by name (names are unique per channel). */
  interactionPoints: Record<string, BundleInteractionPoint>;
  events: BundleEvent[];
  /** `ties: rotate`; absent for the default (offer name ascending), so such bundles keep their bytes. */
  ties?: 'rotate';
  /** Session rules (docs/config-language.md#session-rules); absent when the channel has none, keys only when set. */
  session?: BundleSessionRules;
}

export interface BundleSessionRules {
  suppressAccepted?: true;
  suppressRejected?: true;
  maxOffers?: number;
}

export interface BundleSuppression {
  /** true for `afterAccept: true` (forever) and for `afterAccept: {days}` (then afterAcceptDays is set). */
  afterAccept: boolean;
  maxRejects: number | null;
  maxContacts: { count: number; periodDays: number } | null;
  // The windows and families below are written only when an offer sets them, so a
  // bundle using none of them keeps its bytes and digest.
  /** `afterAccept: {days}`: days the offer rests after the latest accept. */
  afterAcceptDays?: number;
  /** `afterReject: {count, days}`. */
  afterReject?: { count: number; days: number };
  /** `related: {attribute}`: the attribute naming the offer's family. */
  related?: string;
}

export interface BundleOffer extends BundleMetadata {
  displayName: string;
  effective: string | null;
  expires: string | null;
  cost: number;
  attributes: Record<string, string | number | boolean>;
  suppression: BundleSuppression;
}

export interface BundleOfferList extends BundleMetadata {
  /** Exactly one of `offers` as written (static) or `where` (smart) was given. */
  where: string | null;
  /** Expanded offers: as written for a static list (duplicates removed), by name for a smart one. */
  offers: string[];
}

export interface BundleSegment extends BundleMetadata {
  channel: string;
  audienceLevel: string;
  expression: string;
  /** Segments this one names through inSegment(), sorted. */
  dependsOn: string[];
  /** Position in a dependency order of all segments (dependencies first). */
  evaluationOrder: number;
}

export interface BundleStrategy extends BundleMetadata {
  channel: string;
  /** Rule names as written; the rules themselves are in `BundleBody.rules`. */
  rules: string[];
}

export interface BundleTreatmentRule {
  name: string; // unique within the channel
  strategy: string;
  channel: string;
  /** Index of this rule in `BundleBody.rules`. */
  precedence: number;
  segment: string | null;
  zone: string | null;
  offer: string | null;
  offerList: string | null;
  /** The offers this rule contributes: [offer] or the list expanded. */
  offers: string[];
  score: number;
  scoreExpression: string | null;
  eligibility: string | null;
  effective: string | null;
  expires: string | null;
  enabled: boolean;
  controlGroupPercent: number; // 0 = no control group
  /** `priority: top`; absent for the default. */
  priority?: 'top';
  /** List picking (docs/config-language.md#list-picking); absent when the rule does not pick, so such bundles keep their bytes. */
  pick?: BundlePick;
  /**
   * Offer attributes set per decision (docs/config-language.md#rule-set-offer-attributes):
   * attribute name → CEL source, sorted by name; absent when the rule sets none, so such
   * bundles keep their bytes.
   */
  attributes?: Record<string, string>;
}

export type PickOrder = 'score' | 'rotate' | 'newest';

/** `pick: {count, by}` of a rule with an offer list. */
export interface BundlePick {
  count: number;
  by: PickOrder;
}

export interface BundleIndexes {
  /** channel → zone → indexes into `rules`, ascending (precedence order); a rule without
   *  a zone is listed under every zone of its channel. */
  rulesByChannelZone: Record<string, Record<string, number[]>>;
  /** channel → interaction point → zone. */
  zoneByInteractionPoint: Record<string, Record<string, string>>;
}

/** An offer scope, resolved: `offers` null means every offer. */
export interface BundleOfferScope {
  offer: string | null;
  list: string | null;
  offers: string[] | null;
}

export interface CapacityException {
  from: string;
  to: string;
  min: number;
  max: number | null;
}

interface PolicyRuleBase {
  name: string;
  /** Customers it applies to (segment of the policy's channel); null = all. */
  segment: string | null;
  /** The contacts' `channel` column value it applies to; null = any. */
  channel: string | null;
  periodDays: number | null;
}

export type BundlePolicyRule =
  | (PolicyRuleBase & { type: 'customersIn'; mode: 'include' | 'exclude'; offers: BundleOfferScope })
  | (PolicyRuleBase & { type: 'interactionsWhere'; mode: 'include' | 'exclude'; where: string; offers: BundleOfferScope })
  | (PolicyRuleBase & { type: 'offerCapacity'; offers: BundleOfferScope; min: number; max: number | null; exceptions: CapacityException[] })
  | (PolicyRuleBase & { type: 'customCapacity'; offers: BundleOfferScope; aggregate: 'sum' | 'avg'; field: string; /** null = no lower bound (an average may be negative). */ min: number | null; max: number | null })
  | (PolicyRuleBase & { type: 'customerOfferCount'; offers: BundleOfferScope; min: number; max: number | null })
  | (PolicyRuleBase & { type: 'maxPackages'; max: number })
  | (PolicyRuleBase & { type: 'maxDuplicateOffers'; offers: BundleOfferScope; max: number })
  | (PolicyRuleBase & { type: 'neverAWithB'; a: BundleOfferScope; b: BundleOfferScope })
  | (PolicyRuleBase & { type: 'neverAFollowedByB'; a: BundleOfferScope; b: BundleOfferScope })
  | (PolicyRuleBase & { type: 'bOnlyWithA'; a: BundleOfferScope; b: BundleOfferScope });

export type PolicyRuleType = BundlePolicyRule['type'];

export interface BundleOptimizationPolicy extends BundleMetadata {
  channel: string;
  realtime: boolean;
  /** As written. */
  rules: BundlePolicyRule[];
}
