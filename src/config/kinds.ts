// The document kinds of the config language (docs/config-language.md) and where their schemas live.
export const configKinds = ['Channel', 'Offer', 'OfferList', 'Segment', 'Strategy', 'OptimizationPolicy'] as const;
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
  Environment: 'environment',
};

export function isConfigKind(kind: unknown): kind is ConfigKind {
  return typeof kind === 'string' && (configKinds as readonly string[]).includes(kind);
}
