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
