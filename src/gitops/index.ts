// The gitops stage's public face (docs/gitops.md): what the CLI and other repositories
// use to read environments, plan, apply, and ask about records and status.
export { applyPlan, type ApplyContext, type ApplyEvent, type ApplyResult } from './apply.js';
export { planCheck, compareAnswer, judgeReplay, percentile, DEFAULT_CHECK_MEMBERS, DEFAULT_CHECK_CONCURRENCY, type CheckState, type ReplayMeasurement } from './check.js';
export { planDeploy, verifiedPinnedBundle, type DeployState, type PinnedBundle } from './deploy.js';
export { parseDuration, describeDuration } from './duration.js';
export {
  loadEnvironments,
  parseEnvironmentFiles,
  findEnvironment,
  withPin,
  withPause,
  defaultBundlePath,
  ENVIRONMENTS_DIR,
  DEFAULT_TOKEN_ENV,
  type Environment,
  type EnvironmentSet,
  type EnvironmentFile,
  type TargetSpec,
  type TargetType,
  type DirectoryTarget,
  type HttpTarget,
} from './environment.js';
export { renderPromotionEvidence, EVIDENCE_HEADING, EVIDENCE_LIMIT, type ComparedSide, type EvidenceRenderer, type EvidenceSide, type EvidenceOptions } from './evidence.js';
export { checkEvidence, parseEvidenceClaim, type EvidenceCheck, type EvidenceCheckInput, type EvidenceClaim } from './evidence-check.js';
export { checkContext, isProductionEnvironment, reportCheckStatus, startDeployment, type MirroredDeployment } from './github-mirror.js';
export { freezeAt, nextFreeze, describeFreeze, formatInstant, checkFreezeWindow, type FreezeState, type ActiveFreeze } from './freeze.js';
export { initRepository, templateDirectory, type InitResult } from './init.js';
export { describePlan, describeTarget, planToJson, short, type Plan, type PlanStep, type PlanOutcome, type FileChange, type Lease } from './plan.js';
export { planPromotion, runPromotion, type PromotionRequest, type PromotionRun } from './promote-run.js';
export { autoPromotionEdges, autoEdgesOnRemote, runAutoPromotions, type AutoEdge, type AutoEdgeResult } from './promote-auto.js';
export { planPromote, promotionBranch, promotionLabels, defaultBodyFile, type PromoteState, type PromoteOptions, type BranchState } from './promote.js';
export { renderPromotionBody, type PromotionBodyInput } from './promotion-body.js';
export { renderPullRequestComment, MAX_LISTED_PROBLEMS, MAX_LISTED_FAILURES, type PullRequestCommentInput, type PullRequestComment } from './pr-comment.js';
export { latestCheck, latestDeployment, runningSince, sortRecords, describeRecord, RECORDS_BRANCH, type GitopsRecord, type RecordKind, type CheckRecord, type DeploymentRecord } from './records.js';
export { planRelease, SIGNING_KEY_VARIABLE, type ReleaseState, type ReleaseOptions } from './release.js';
export { planRollback, rollbackBranch, rollbackLabels, type RollbackState, type RollbackTarget } from './rollback.js';
export { LocalGit, LocalScm, GitRecordStore, DEFAULT_REMOTE } from './scm/local.js';
export type { Scm, PullRequest, PullRequestDraft, CommitRequest, PushRequest, PushResult } from './scm/scm.js';
export { GitHubScm, STICKY_MARKER, GITHUB_TEXT_LIMIT, fitToLimit, workflowRunUrl, type GitHubPull, type CommitState, type DeploymentState } from './scm/github.js';
export { GitHubClient, GitHubApiError, githubConnection, githubTiming, parseRepository, redact, DEFAULT_TIMING, DEFAULT_API_URL, type GitHubConnection, type GitHubTiming, type GitHubRepository } from './scm/github-client.js';
export {
  openSession,
  environmentsAt,
  requireEnvironment,
  compileConfigAt,
  baseBranch,
  remoteBranch,
  pinInText,
  evidenceFor,
  resolveRollbackTarget,
  EnvironmentProblems,
  requireGithub,
  optionalGithub,
  type GitopsSession,
} from './state.js';
export { environmentStatus, renderStatus, renderHistory, type EnvironmentStatus, type TargetReading, type PendingBranch } from './status.js';
export { targetTypes } from './targets/registry.js';
export { targetOf, TargetError, type DeployTarget, type TargetRegistry, type TargetContext, type RuntimeClient } from './targets/target.js';
export { verifyPin, verifyFresh, type VerifyFinding } from './verify.js';
