// The optimize stage's public face (docs/optimization.md): contact optimization as a
// library call, its problem, options, result and report types, the readers of its own
// inputs (proposed contacts, audience) and the writer of the chosen rows, the shard
// helpers and the independent check of a selection. Other stages and package users import from here only.
export { EXACT_MAX_ROWS, LP_MAX_ROWS, optimizeContacts } from './optimize.js';
export type {
  AnyOptimizeProblem,
  AudienceMember,
  CapacityPrices,
  ColumnarOptimizeProblem,
  OptimizeOptions,
  OptimizeProblem,
  OptimizeReport,
  OptimizeResult,
  ProposedContact,
  ReportWindow,
  RuleReport,
  ShadowPrice,
  UnmetMinimum,
} from './types.js';
export { OptimizeInputError } from './input-error.js';
export { readAudience, readProposed, typedField, type ProposedFile, type ProposedTable } from './io/read-inputs.js';
export { readProposedColumns, TWO_HALVES_MIN_BYTES, type ReadProposedOptions } from './io/read-proposed.js';
export { ProposedColumnsBuilder, type ProposedColumns } from './proposed-columns.js';
export { stageChosenRows, writeChosenRows, type ChosenRows, type StagedRows } from './io/write-rows.js';
export { customerShard, parseShard } from './shard.js';
export { checkSelection, type SelectionCheck } from './check-selection.js';
