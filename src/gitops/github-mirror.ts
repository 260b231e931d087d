// What deploy and check also tell GitHub when it is configured (docs/github.md#deployments-and-checks):
// each deploy a GitHub Deployment with its statuses, so the repository's Environments page
// shows what runs where, and each check a commit status on the pinned commit. The records
// in git stay the source of truth; these are mirrors, written beside them.
import type { Environment } from './environment.js';
import { short } from './plan.js';
import type { CommitState, GitHubScm } from './scm/github.js';

/** The status context a check of `environment` reports under. */
export const checkContext = (environment: string): string => `offerops/check/${environment}`;

/** The last environment of a promotion chain (none promotes from it) is what GitHub calls a production environment. */
export function isProductionEnvironment(environment: Environment, all: readonly Environment[]): boolean {
  return !all.some((other) => other.spec.promotion?.from === environment.name);
}

/** A started GitHub Deployment: finish it with the outcome. */
export interface MirroredDeployment {
  id: number;
  finish: (ok: boolean, message: string) => Promise<void>;
}

/**
 * Opens the GitHub Deployment of `commit` to `environment` (in progress) before the
 * targets are touched, so a GitHub that cannot be reached stops the deploy before
 * anything changes rather than after.
 */
export async function startDeployment(github: GitHubScm, request: { environment: Environment; all: readonly Environment[]; commit: string; digest: string; logUrl?: string | undefined }): Promise<MirroredDeployment> {
  const { environment } = request;
  const id = await github.createDeployment({
    commit: request.commit,
    environment: environment.name,
    description: `offerops deploy ${short(request.digest)}`,
    payload: { digest: request.digest, bundle: environment.spec.bundle?.path ?? '' },
    production: isProductionEnvironment(environment, request.all),
  });
  await github.setDeploymentStatus(id, 'in_progress', { description: `deploying ${short(request.digest)} to ${environment.targets.length} target(s)`, logUrl: request.logUrl });
  return {
    id,
    finish: (ok, message) => github.setDeploymentStatus(id, ok ? 'success' : 'failure', { description: message, logUrl: request.logUrl }),
  };
}

/** The commit status of a check, on the commit the pinned bundle was compiled from (else the checked-out one). */
export async function reportCheckStatus(github: GitHubScm, request: { environment: Environment; commit: string; passed: boolean | null; message: string; targetUrl?: string | undefined }): Promise<string> {
  const commit = request.environment.spec.bundle?.source?.commit ?? request.commit;
  const state: CommitState = request.passed === null ? 'error' : request.passed ? 'success' : 'failure';
  await github.setCommitStatus(commit, { state, context: checkContext(request.environment.name), description: request.message, targetUrl: request.targetUrl });
  return commit;
}
