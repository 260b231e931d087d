// `rollback --env NAME --to DIGEST|REF|previous --reason TEXT` as a plan
// (docs/gitops.md#rollback): the earlier bundle, recovered from git history, pinned
// again in one commit on the branch offerops/rollback-<env>, with `spec.paused` set so
// no promotion (automatic or unforced) lands on top of it until someone removes it.
// Freeze windows do not stop a rollback: it is how a frozen environment gets back to
// safety. Which earlier bundle `--to` means is found in git (state.ts); this is pure.
import { parseBundle } from '../bundle/index.js';
import { checkSignature } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { withPause, withPin, type Environment } from './environment.js';
import { freezeAt } from './freeze.js';
import { short, type PlanOutcome } from './plan.js';
import type { BranchState } from './promote.js';
import { renderPromotionBody } from './promotion-body.js';

export const rollbackBranch = (environment: string): string => `offerops/rollback-${environment}`;

/** The labels of a rollback pull request on a forge. */
export const rollbackLabels = (environment: string): string[] => ['offerops:rollback', `env:${environment}`];

/** The earlier bundle `--to` names, as found in git. */
export interface RollbackTarget {
  digest: string;
  text: string;
  /** The commit it was recovered from. */
  recoveredFrom: string;
  /** How it was found: "the previous pin", "ref v1.2". */
  how: string;
  /** Where it was compiled from, as the pin that pinned it said. */
  source?: { commit?: string; ref?: string };
}

export interface RollbackState {
  environment: Environment;
  remote: string;
  base: { branch: string; commit: string };
  target: RollbackTarget | { problem: string };
  branch: BranchState;
  evidence: string;
  bodyFile: string;
  actor: string;
  now: Date;
}

export function planRollback(state: RollbackState, options: { reason: string | null }): PlanOutcome {
  const { environment } = state;
  const reason = options.reason?.trim() ?? '';
  if (!reason) return { kind: 'refused', exitCode: 2, message: 'rollback needs --reason TEXT: it is written into the pause and the pull request' };
  const pin = environment.spec.bundle;
  if (!pin) return { kind: 'refused', exitCode: 1, message: `${environment.name} pins no bundle on ${state.base.branch}: there is nothing to roll back` };
  if ('problem' in state.target) return { kind: 'refused', exitCode: 1, message: state.target.problem };
  const target = state.target;
  let bundle: Bundle;
  try {
    bundle = parseBundle(target.text, `${pin.path} at ${target.recoveredFrom.slice(0, 12)}`);
  } catch (error) {
    return { kind: 'refused', exitCode: 1, message: `the bundle recovered from ${target.recoveredFrom.slice(0, 12)} is not valid: ${(error as Error).message}` };
  }
  if (bundle.digest !== target.digest) return { kind: 'refused', exitCode: 1, message: `the file recovered from ${target.recoveredFrom.slice(0, 12)} holds ${bundle.digest}, not ${target.digest}` };
  if (bundle.digest === pin.digest) return { kind: 'nothing', message: `${environment.name} already pins ${bundle.digest}: nothing to roll back to` };
  const signing = environment.spec.signing;
  if (signing?.required) {
    const signature = checkSignature(bundle, signing.publicKey);
    if (!signature.ok) return { kind: 'refused', exitCode: 1, message: `${environment.name} requires signed bundles, and ${short(bundle.digest)} is not validly signed: ${signature.reason}` };
  }
  const day = state.now.toISOString().slice(0, 10);
  const paused = { reason: `rollback: ${reason}`, since: day };
  const withNewPin = withPin(environment, { digest: bundle.digest, path: pin.path, ...(target.source ? { source: target.source } : {}) });
  const yaml = withPause({ text: withNewPin, file: environment.file }, paused);
  const notes: string[] = [`found ${target.how} in commit ${target.recoveredFrom.slice(0, 12)}`];
  if (freezeAt(environment.spec.freeze, state.now)) notes.push('the environment is frozen; a rollback is not held by freeze windows');
  const branch = state.branch;
  const body = renderPromotionBody({
    kind: 'rollback',
    environment: environment.name,
    from: null,
    previousDigest: pin.digest,
    digest: bundle.digest,
    source: target.source ?? null,
    baseCommit: state.base.commit,
    baseBranch: state.base.branch,
    evidence: state.evidence,
    check: null,
    signedBy: bundle.signature?.keyId ?? null,
    forced: null,
    rollback: { reason, recoveredFrom: target.recoveredFrom },
  });
  return {
    kind: 'plan',
    plan: {
      command: 'rollback',
      environment: environment.name,
      summary: `${short(pin.digest)} → ${short(bundle.digest)} on ${branch.name}, pausing promotions into ${environment.name}`,
      notes,
      steps: [
        {
          kind: 'commit',
          branch: branch.name,
          parent: state.base.commit,
          message: `rollback(${environment.name}): ${short(bundle.digest)}\n\n${reason}\n\nRecovered ${pin.path} from ${target.recoveredFrom}; promotions into ${environment.name} are paused until spec.paused is removed.`,
          files: [
            { path: pin.path, content: target.text, what: `the earlier bundle ${short(bundle.digest)}` },
            { path: environment.file, content: yaml, what: `${environment.name}'s pin → ${short(bundle.digest)}, paused` },
          ],
        },
        { kind: 'push', remote: state.remote, branch: branch.name, lease: { kind: 'replace', expect: branch.tip } },
        { kind: 'pull-request', head: branch.name, base: state.base.branch, title: `Roll back ${environment.name} to ${short(bundle.digest)}`, body, bodyFile: state.bodyFile, labels: rollbackLabels(environment.name) },
        {
          kind: 'record',
          draft: { kind: 'rollback', environment: environment.name, digest: bundle.digest, at: state.now.toISOString(), actor: state.actor, fromDigest: pin.digest, reason, branch: branch.name, recoveredFrom: target.recoveredFrom, pullRequest: state.bodyFile },
        },
      ],
    },
  };
}
