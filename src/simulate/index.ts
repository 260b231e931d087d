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
  sampleProposedContacts,
  type AudienceOptions,
  type ProposableOffer,
  type ProposedOptions,
  type SampleFormat,
  type SamplePlan,
  type SampleRow,
  type SampleValue,
} from './sample.js';
