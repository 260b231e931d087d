// The document kinds of the config language (docs/config-language.md) and where their schemas live.
// DecisionTest documents (behaviour tests, docs/behaviour-tests.md) are validated with the
// config but never compiled into the bundle.
export const configKinds = ['Channel', 'Offer', 'OfferList', 'Segment', 'Strategy', 'OptimizationPolicy', 'DecisionTest'] as const;
export type ConfigKind = (typeof configKinds)[number];
export type DocumentKind = ConfigKind | 'Environment';

export const API_VERSION = 'offerops/v1';

/** Schema file (schema/v1/<file>.schema.json) per kind. */
export const schemaFileOfKind: Record<DocumentKind, string> = {
  Channel: 'channel',
  Offer: 'offer',
  OfferList: 'offer-list',
  Segment: 'segment',
  Strategy: 'strategy',
  OptimizationPolicy: 'optimization-policy',
  DecisionTest: 'decision-test',
  Environment: 'environment',
};

export function isConfigKind(kind: unknown): kind is ConfigKind {
  return typeof kind === 'string' && (configKinds as readonly string[]).includes(kind);
}
