// The config after structural validation: documents grouped by kind, with the shape the
// schemas guarantee. Cross-document rules and the compiler read this model.
import type { AttributeDeclaration, EventAction } from '../bundle/types.js';
import type { ConfigKind } from './kinds.js';
import type { LoadedDocument } from './source.js';

export interface Metadata {
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface ChannelSpec {
  audienceLevels: { name: string; idField: string; attributes?: Record<string, AttributeDeclaration & { description?: string }> }[];
  sessionAttributes?: Record<string, AttributeDeclaration & { description?: string }>;
  categories?: string[];
  zones: { name: string; description?: string; interactionPoints: { name: string; description?: string; defaultString?: string; maxOffers?: number }[] }[];
  events?: { name: string; category?: string; actions?: EventAction[]; description?: string }[];
}

export interface OfferSpec {
  displayName?: string;
  effective?: string;
  expires?: string;
  cost?: number;
  attributes?: Record<string, string | number | boolean>;
  suppression?: { afterAccept?: boolean; maxRejects?: number; maxContacts?: { count: number; periodDays: number } };
}

export interface OfferListSpec {
  offers?: string[];
  where?: string;
}

export interface SegmentSpec {
  channel: string;
  audienceLevel?: string;
  expression: string;
}

export interface TreatmentRuleSpec {
  name: string;
  segment?: string;
  zone?: string;
  offer?: string;
  offerList?: string;
  score?: number;
  eligibility?: string;
  scoreExpression?: string;
  effective?: string;
  expires?: string;
  enabled?: boolean;
  controlGroup?: { percent: number };
  description?: string;
}

export interface StrategySpec {
  channel: string;
  rules: TreatmentRuleSpec[];
}

export interface OfferScopeSpec {
  offer?: string;
  list?: string;
}

export interface PolicyRuleSpec {
  name: string;
  type: string;
  description?: string;
  segment?: string;
  channel?: string;
  periodDays?: number;
  mode?: 'include' | 'exclude';
  where?: string;
  offers?: OfferScopeSpec;
  min?: number;
  max?: number;
  exceptions?: { from: string; to: string; min?: number; max?: number }[];
  aggregate?: 'sum' | 'avg';
  field?: string;
  a?: OfferScopeSpec;
  b?: OfferScopeSpec;
}

export interface OptimizationPolicySpec {
  channel: string;
  realtime?: boolean;
  rules: PolicyRuleSpec[];
}

interface SpecOfKind {
  Channel: ChannelSpec;
  Offer: OfferSpec;
  OfferList: OfferListSpec;
  Segment: SegmentSpec;
  Strategy: StrategySpec;
  OptimizationPolicy: OptimizationPolicySpec;
}

export interface ConfigDocument<K extends ConfigKind = ConfigKind> {
  kind: K;
  metadata: Metadata;
  spec: SpecOfKind[K];
  /** Where it came from, for locating problems. */
  source: LoadedDocument;
}

export interface ConfigModel {
  channels: ConfigDocument<'Channel'>[];
  offers: ConfigDocument<'Offer'>[];
  offerLists: ConfigDocument<'OfferList'>[];
  segments: ConfigDocument<'Segment'>[];
  strategies: ConfigDocument<'Strategy'>[];
  policies: ConfigDocument<'OptimizationPolicy'>[];
}

export function emptyModel(): ConfigModel {
  return { channels: [], offers: [], offerLists: [], segments: [], strategies: [], policies: [] };
}

export const modelKey: Record<ConfigKind, keyof ConfigModel> = {
  Channel: 'channels',
  Offer: 'offers',
  OfferList: 'offerLists',
  Segment: 'segments',
  Strategy: 'strategies',
  OptimizationPolicy: 'policies',
};

/** First document of each name, per kind (duplicates are reported by the names rule). */
export function byName<K extends ConfigKind>(documents: ConfigDocument<K>[]): Map<string, ConfigDocument<K>> {
  const map = new Map<string, ConfigDocument<K>>();
  for (const document of documents) if (!map.has(document.metadata.name)) map.set(document.metadata.name, document);
  return map;
}

/** Documents in a deterministic order: by name, then file and position for duplicates. */
export function sortDocuments<K extends ConfigKind>(documents: ConfigDocument<K>[]): ConfigDocument<K>[] {
  return [...documents].sort((a, b) => {
    const x = a.metadata.name;
    const y = b.metadata.name;
    if (x !== y) return x < y ? -1 : 1;
    const fa = a.source.source.file;
    const fb = b.source.source.file;
    if (fa !== fb) return fa < fb ? -1 : 1;
    return a.source.index - b.source.index;
  });
}
