// The library's public surface: what another repository may import (docs/architecture.md).
// Each stage has its own face (src/<stage>/index.ts, also importable as
// `offerops/<stage>`); this root gathers the ones a library user needs: compile a config
// (from a directory), read and write bundles, decide, optimize, and read history files.
// The runtime server is `offerops/server` (it loads fastify and the database drivers).
export * from './config/index.js';
export * from './compile/index.js';
export * from './bundle/index.js';
export * from './engine/index.js';
export * from './optimize/index.js';
export * from './io/index.js';
export { UserError, InternalError, type ExitCode } from './errors.js';
export { compileSources, type CompileSourcesOptions } from './compile/index.js';
export { simulateAudience, compareAudience, type SimulationResult } from './simulate/index.js';
export type { AudienceMember, SimulationOptions, SimulatedPoint, FairnessBands } from './simulate/index.js';
export { formatEvidenceMarker, parseEvidenceMarker, isCurrentEvidence, type EvidenceMarker, type EvidenceParse } from './diff/index.js';
export { diffConfig, type EntityChange, type FieldChange } from './diff/index.js';
export { breakingChanges, type BreakingChange } from './diff/index.js';
export type { DiffReport, DiffSide } from './diff/index.js';
export { renderMarkdown, MARKDOWN_LIMIT } from './diff/index.js';
export { renderHtml } from './diff/index.js';
export { dayNumber, isoDay, parseIsoDate } from './days.js';
