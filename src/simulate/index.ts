// The simulate stage's public face: for now the seeded synthetic audience and proposed
// contacts (docs/sample.md). Other stages and package users import from here only.
export {
  audienceColumns,
  customerId,
  formatForFile,
  formatRow,
  formatRows,
  planSample,
  proposedColumns,
  sampleAudience,
  sampleId,
  sampleProposedContacts,
  type AudienceOptions,
  type ProposableOffer,
  type ProposedOptions,
  type SampleFormat,
  type SamplePlan,
  type SampleRow,
  type SampleValue,
} from './sample.js';
export { type OptimizationSummary, type OptimizationTiming, runOptimization } from './optimization.js';
export { compareAudience, type HistoryByMember, resultOf, simulateAudience, type SimulationResult } from './simulate.js';
export { tallySource, workersBuiltIn } from './run.js';
export { type AudienceInfo, type FairnessMetrics, type FunnelMetrics, pointLatency, type PointLatency, pointMetrics, type PointMetrics, round } from './metrics.js';
export { type AudienceDeclarations, openAudienceFile } from './audience-file.js';
export { openAudienceSample, type SampleDefinition, sampleMembers, sampleShape } from './audience-sample.js';
export { parseFairness } from './fairness.js';
export { resolvePoints } from './points.js';
export { type AudienceMember, type AudienceSource, type FairnessBands, type SimulatedPoint, type SimulationOptions } from './types.js';
export { type BatchTally, type ChangeExample } from './batch.js';
export { funnelSteps, type PartingStep } from './explanation-steps.js';
