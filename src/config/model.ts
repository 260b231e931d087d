// The config after structural validation: documents grouped by kind, with the shape the
// schemas guarantee. Cross-document rules and the compiler read this model.
import type { ConfigKind } from './kinds.js';
import type { LoadedDocument } from './source.js';
import type * as Generated from './types.generated.js';
import type { AttributeDeclaration } from '../bundle/index.js';

// Types of the documents come from the schemas (src/config/types.generated.ts); the
// optimization rule's type-specific fields live in if/then branches the generator does
// not type, so PolicyRuleSpec refines it by hand below.
export type Metadata = Generated.Metadata;
export type ChannelSpec = Generated.ChannelSpec;
export type OfferSpec = Generated.OfferSpec;
export type OfferListSpec = Generated.OfferListSpec;
export type SegmentSpec = Generated.SegmentSpec;
export type StrategySpec = Generated.StrategySpec;
export type TreatmentRuleSpec = Generated.TreatmentRule;
export type DecisionTestSpec = Generated.DecisionTestSpec;
export type DecisionTestCaseSpec = Generated.DecisionTestCase;
export type DecisionTestExpectations = Generated.Expectations;
export type DecisionTestHistoryRow = Generated.CaseHistoryRow;
export type AttributeValues = Generated.Profile;

export interface OfferScopeSpec {
  offer?: string;
  list?: string;
}

export type PolicyRuleSpec = Generated.OptimizationRule & {
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
};

export type OptimizationPolicySpec = Omit<Generated.OptimizationPolicySpec, 'rules'> & { rules: PolicyRuleSpec[] };

interface SpecOfKind {
  Channel: ChannelSpec;
  Offer: OfferSpec;
  OfferList: OfferListSpec;
  Segment: SegmentSpec;
  Strategy: StrategySpec;
  OptimizationPolicy: OptimizationPolicySpec;
  DecisionTest: DecisionTestSpec;
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
  /** Behaviour tests: validated with the config, never compiled into the bundle. */
  decisionTests: ConfigDocument<'DecisionTest'>[];
}

export function emptyModel(): ConfigModel {
  return { channels: [], offers: [], offerLists: [], segments: [], strategies: [], policies: [], decisionTests: [] };
}

export const modelKey: Record<ConfigKind, keyof ConfigModel> = {
  Channel: 'channels',
  Offer: 'offers',
  OfferList: 'offerLists',
  Segment: 'segments',
  Strategy: 'strategies',
  OptimizationPolicy: 'policies',
  DecisionTest: 'decisionTests',
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

/** A declared attribute map as the bundle and the expression environments type it. */
export function declaredAttributes(attributes: Record<string, Generated.AttributeDeclaration> | undefined): Record<string, AttributeDeclaration> {
  const out: Record<string, AttributeDeclaration> = {};
  for (const name of Object.keys(attributes ?? {}).sort()) {
    const declaration = attributes![name]!;
    const allowed = declaration.enum ? [...declaration.enum] : null;
    if (declaration.type === 'list') out[name] = { type: 'list', items: declaration.items ?? 'string', enum: allowed };
    // A map never has an enum (attributes.ts reports one); its key `values` is written only for maps, so other declarations keep their bytes.
    else if (declaration.type === 'map') out[name] = { type: 'map', values: declaration.values ?? 'double', enum: null };
    else out[name] = { type: declaration.type, enum: allowed };
  }
  return out;
}
