// The engine stage's public face (docs/decisions.md#the-steps): load a bundle and decide, the
// decision types and explanations, treatment codes and control-group buckets — and the
// reading of the bundle the optimizer, simulations and behaviour tests share with
// decisions: compiled segments and their membership, the per-customer policy rules,
// default packages and the member's history. Other stages and package users import
// from here only.
export { createEngine, loadEngine, MAX_COUNT, type Engine } from './engine.js';
export type {
  ChosenOffer,
  Decision,
  DecisionError,
  DecisionRequest,
  ExplainEntry,
  ExplainOutcome,
  HistoryRow,
  SessionActivity,
} from './types.js';
export type { SegmentCache, SegmentCacheOptions } from './segment-cache.js';
export { decodeTreatmentCode, digestPrefix, formatTreatmentCode, parseTreatmentCode, type TreatmentCodeParts } from './treatment-code.js';
export { controlGroupBucket, controlGroupThreshold } from './control-group.js';
export { EngineLoadError } from './compiled-types.js';
export type { CompiledBundle, CompiledOffer, CompiledPolicyRule, CompiledSegment, OfferScope, RealtimeRuleType } from './compiled-types.js';
export { compileBundle } from './compile-bundle.js';
export { pointDecisionDigest, pointDecisionDigests } from './zone-digest.js';

// The shared reading of the bundle (docs/architecture.md#one-reading-of-the-bundle).
export { compileSegments, isMember, memberSegmentLookup, segmentFailure } from './segments.js';
export { SegmentMemo } from './segment-cache.js';
export { reportExpressionError, type CelContext, type MemberState } from './decision-state.js';
export { checkCustomerRule, compileCustomerRule, isCustomerRule, orderForChecking, type CustomerContact, type CustomerRuleContext, type OfferIndex } from './customer-rules.js';
export { defaultPackage } from './member-history.js';
export { type SegmentMembership } from './types.js';
export { type HistoryNeeds, type HistoryWindow } from './types.js';
