// The library's public surface: what another repository, the server and the tests may
// import. Everything else under src/ is internal and may change.
export { loadConfigDirectory, type LoadOptions, type LoadedConfig } from './config/load.js';
export { validateConfig, type ValidationResult } from './config/validate.js';
export { problemCodes, sortProblems, hasErrors, type Problem, type Severity, type ProblemCode } from './config/problem.js';
export { formatText, formatJson, formatGithub, formatSarif, type ReportFormat } from './config/report-formats.js';
export { compileModel, type CompileResult } from './compile/compile.js';
export { compileDirectory, validateDirectory, type CompileDirectoryResult } from './compile/compile-directory.js';
export { createBundle, parseBundle, formatBundle, digestOf, BundleError } from './bundle/bundle.js';
export { canonicalJson } from './bundle/canonical.js';
export { countBundle, type BundleCounts } from './bundle/summary.js';
export type * from './bundle/types.js';
export { UserError, InternalError, type ExitCode } from './errors.js';
export { compileSources, type CompileSourcesOptions } from './compile/compile-sources.js';
export { simulateAudience, compareAudience, type SimulationResult } from './simulate/simulate.js';
export type { AudienceMember, SimulationOptions, SimulatedPoint, FairnessBands } from './simulate/types.js';
export { formatEvidenceMarker, parseEvidenceMarker, isCurrentEvidence, type EvidenceMarker, type EvidenceParse } from './diff/evidence.js';
export { diffConfig, type EntityChange, type FieldChange } from './diff/config-diff.js';
export { breakingChanges, type BreakingChange } from './diff/breaking.js';
export type { DiffReport, DiffSide } from './diff/diff-report.js';
export { renderMarkdown, MARKDOWN_LIMIT } from './diff/render/markdown.js';
export { renderHtml } from './diff/render/html.js';
