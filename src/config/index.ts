// The config stage's public face (docs/config-language.md, docs/validation.md): loading
// YAML with positions, validation (schema, references, expressions, named cross-document
// rules), problems and their report formats, the config model and its generated types.
// Other stages and package users import from here only.
export { API_VERSION, configKinds, isConfigKind, schemaFileOfKind, type ConfigKind, type DocumentKind } from './kinds.js';
export { DEFAULT_MAX_FILE_BYTES, loadConfigDirectory, parseYamlFile, relativeTo, type LoadedConfig, type LoadOptions } from './load.js';
export { validateConfig, type ValidationResult } from './validate.js';
export {
  compareText,
  didYouMean,
  hasErrors,
  makeProblem,
  problemCodes,
  sortProblems,
  suggest,
  toPointer,
  type Location,
  type Problem,
  type ProblemCode,
  type ProblemSlug,
  type Severity,
} from './problem.js';
export { codeFrame, formatGithub, formatJson, formatSarif, formatText, plainStyle, reportFormats, summaryLine, type ReportFormat, type TextStyle } from './report-formats.js';
export {
  byName,
  declaredAttributes,
  emptyModel,
  modelKey,
  sortDocuments,
  type ChannelSpec,
  type ConfigDocument,
  type ConfigModel,
  type Metadata,
  type OfferListSpec,
  type OfferScopeSpec,
  type OfferSpec,
  type OptimizationPolicySpec,
  type PolicyRuleSpec,
  type SegmentSpec,
  type StrategySpec,
  type TreatmentRuleSpec,
} from './model.js';
export type { ExpressionFacts } from './rule-context.js';
export { locate, locateInScalar, locateStart, SourceFile, type LoadedDocument, type PathSegment } from './source.js';
export { checkSchema, schemaErrors } from './schema-check.js';
export type * as ConfigTypes from './types.generated.js';
export { escapeData, escapeProperty } from './report-formats.js';
export { type BundlePin, type EnvironmentSpec, type FreezeWindow, type Paused, type Simulation } from './types.generated.js';
export { isConfigFilePath, loadConfigSources } from './load.js';
export { historyRecordOf, testAudienceId, testCaseInputs } from './decision-test-inputs.js';
export { type AttributeValues, type DecisionTestExpectations, type DecisionTestHistoryRow } from './model.js';
