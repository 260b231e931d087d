// The diff stage's public face: other stages and package users import from here only.
export { type DiffReport, type DiffSide, type OptimizationDiff, type ShadowPriceDiff, type ShadowPriceSide } from './diff-report.js';
export { parseGuardrails } from './guardrails.js';
export { renderHtml } from './render/html.js';
export { MARKDOWN_LIMIT, renderMarkdown, type MarkdownTier } from './render/markdown.js';
export { type DiffTiming, type OptimizationInput, runDiff } from './run-diff.js';
export { type ResolvedSide, resolveSide, SideCompileError, type SideContext, workingSide } from './sides.js';
export { readEnvironmentSide } from './environment-side.js';
export { chooseEvidenceBase } from './evidence-base.js';
export { type EvidenceMarker, type EvidenceParse, formatEvidenceMarker, isCurrentEvidence, parseEvidenceMarker } from './evidence.js';
export { diffConfig, type EntityChange, type FieldChange } from './config-diff.js';
export { type BreakingChange, breakingChanges } from './breaking.js';
