// `promote --from staging --to production` as a plan (docs/gitops.md#promote): staging's
// pinned bundle, copied byte for byte into production with a new pin, as one commit on
// the branch offerops/promote-production based on the remote's main, pushed under a
// lease, with the pull request body. Run again, it updates that branch (or, when it
// already holds this candidate on the current main, only refreshes the body); with
// nothing to promote it does nothing. Freeze windows, a pause and a missing or failed
// runtime check of the digest in staging refuse it, unless forced with a reason, which
// the body records. `--auto` waits instead of refusing, and also for the soak time.
import { parseBundle } from '../bundle/index.js';
import { checkSignature } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { describeDuration, parseDuration } from './duration.js';
import { defaultBundlePath, withPin, type Environment } from './environment.js';
import { describeFreeze, freezeAt } from './freeze.js';
import { short, type PlanOutcome } from './plan.js';
import { renderPromotionBody } from './promotion-body.js';
import { latestCheck, runningSince, type GitopsRecord } from './records.js';

export const promotionBranch = (environment: string): string => `offerops/promote-${environment}`;

/** The labels of a promotion pull request on a forge (docs/github.md#promotion-pull-requests). */
export const promotionLabels = (environment: string): string[] => ['offerops:promotion', `env:${environment}`];

/** Where --no-pr writes a pull request body by default (git-ignored by offerops init). */
export const defaultBodyFile = (branch: string): string => `.offerops/pull-requests/${branch.replace(/\//g, '-')}.md`;

/** A branch on the remote, as the planner needs to see it. */
export interface BranchState {
  name: string;
  /** Its tip on the remote; null when it does not exist. */
  tip: string | null;
  /** Its tip is already in the base branch (merged): a new promotion replaces it. */
  merged: boolean;
  /** Parent of its tip (the base it was built on). */
  parent: string | null;
  /** The digest its tip pins for the environment. */
  pinnedDigest: string | null;
}

export interface PromoteState {
  from: Environment;
  to: Environment;
  remote: string;
  base: { branch: string; commit: string };
  /** The file staging's pin names, at the base commit (null when absent). */
  candidateText: string | null;
  branch: BranchState;
  records: readonly GitopsRecord[];
  /** renderPromotionEvidence's section. */
  evidence: string;
  bodyFile: string;
  actor: string;
  now: Date;
}

export interface PromoteOptions {
  force: boolean;
  reason: string | null;
  auto: boolean;
}

/** The gates a promotion must pass now, each failing one as a sentence. */
function closedGates(state: PromoteState, digest: string): string[] {
  const gates: string[] = [];
  const frozen = freezeAt(state.to.spec.freeze, state.now);
  if (frozen) gates.push(`${state.to.name} is frozen: ${describeFreeze(frozen)}`);
  const paused = state.to.spec.paused;
  if (paused) gates.push(`promotions into ${state.to.name} are paused${paused.since ? ` since ${paused.since}` : ''}: ${paused.reason} (remove spec.paused from ${state.to.file} to resume)`);
  const check = latestCheck(state.records, state.from.name, digest);
  if (!check) gates.push(`${state.from.name} has no runtime check of ${digest}: deploy it there and run offerops check --env ${state.from.name}`);
  else if (!check.passed) gates.push(`${state.from.name}'s latest runtime check of ${digest} failed (${check.at}): fix it and run offerops check --env ${state.from.name} again`);
  return gates;
}

export function planPromote(state: PromoteState, options: PromoteOptions): PlanOutcome {
  const { from, to } = state;
  if (to.spec.promotion?.from !== from.name) {
    const declared = to.spec.promotion?.from;
    return { kind: 'refused', exitCode: 2, message: declared ? `${to.name} is promoted into from ${declared}, not from ${from.name} (promotion.from in ${to.file})` : `${to.name} takes no promotions (${to.file} has no promotion.from); it is fed by release` };
  }
  if (options.force && !options.reason?.trim()) return { kind: 'refused', exitCode: 2, message: '--force needs --reason TEXT: the pull request records why' };
  if (options.force && options.auto) return { kind: 'refused', exitCode: 2, message: '--auto never forces: give --force with a manual promotion' };
  const pin = from.spec.bundle;
  if (!pin) return { kind: 'refused', exitCode: 1, message: `${from.name} has no pinned bundle on ${state.base.branch}: release it first (offerops release --env ${from.name})` };
  if (state.candidateText === null) return { kind: 'refused', exitCode: 1, message: `${from.name} pins ${pin.path}, which is not in ${state.base.branch} at ${state.base.commit.slice(0, 12)}` };
  let candidate: Bundle;
  try {
    candidate = parseBundle(state.candidateText, pin.path);
  } catch (error) {
    return { kind: 'refused', exitCode: 1, message: `${from.name}'s bundle is not valid: ${(error as Error).message}` };
  }
  if (candidate.digest !== pin.digest) return { kind: 'refused', exitCode: 1, message: `${from.name} pins ${pin.digest} but ${pin.path} holds ${candidate.digest}: run offerops verify` };
  const signing = to.spec.signing;
  if (signing?.required) {
    const signature = checkSignature(candidate, signing.publicKey);
    if (!signature.ok) return { kind: 'refused', exitCode: 1, message: `${to.name} requires bundles signed by ${signing.publicKey}: ${signature.reason}` };
  }
  const current = to.spec.bundle?.digest ?? null;
  if (current === candidate.digest) return { kind: 'nothing', message: `nothing to promote: ${to.name} already pins ${candidate.digest}, which ${from.name} runs` };

  const gates = closedGates(state, candidate.digest);
  const notes: string[] = [];
  if (options.auto) {
    const auto = to.spec.promotion?.auto;
    if (!auto) return { kind: 'nothing', message: `automatic promotion into ${to.name} is not enabled (promotion.auto in ${to.file})` };
    if (gates.length > 0) return { kind: 'nothing', message: `not promoting ${short(candidate.digest)} automatically yet: ${gates.join('; ')}` };
    const soak = parseDuration(auto.soak)!;
    const since = runningSince(state.records, from.name, candidate.digest);
    if (since === null) return { kind: 'nothing', message: `not promoting ${short(candidate.digest)} automatically: no deployment of it to ${from.name} is recorded` };
    const ran = state.now.getTime() - since.getTime();
    if (ran < soak) return { kind: 'nothing', message: `not promoting ${short(candidate.digest)} automatically yet: ${from.name} has run it for ${describeDuration(ran)} of the ${describeDuration(soak)} soak (since ${since.toISOString()})` };
    notes.push(`${from.name} has run it for ${describeDuration(ran)} (soak ${auto.soak})`);
  } else if (gates.length > 0) {
    if (!options.force) return { kind: 'refused', exitCode: 1, message: `promotion refused: ${gates.join('; ')}. To promote anyway: --force --reason TEXT` };
    notes.push(`forced past: ${gates.join('; ')}`);
  }

  const branch = state.branch;
  const body = renderPromotionBody({
    kind: 'promotion',
    environment: to.name,
    from: from.name,
    previousDigest: current,
    digest: candidate.digest,
    source: pin.source ?? null,
    baseCommit: state.base.commit,
    baseBranch: state.base.branch,
    evidence: state.evidence,
    check: latestCheck(state.records, from.name, candidate.digest),
    signedBy: candidate.signature?.keyId ?? null,
    forced: options.force && gates.length > 0 ? { reason: options.reason!.trim(), overridden: gates } : null,
    rollback: null,
  });
  const title = `Promote ${to.name}: ${short(candidate.digest)} from ${from.name}`;
  const pullRequest = { kind: 'pull-request' as const, head: branch.name, base: state.base.branch, title, body, bodyFile: state.bodyFile, labels: promotionLabels(to.name) };
  const upToDate = branch.tip !== null && !branch.merged && branch.parent === state.base.commit && branch.pinnedDigest === candidate.digest;
  if (upToDate) {
    return { kind: 'plan', plan: { command: 'promote', environment: to.name, summary: `${branch.name} already holds ${short(candidate.digest)} on ${state.base.branch}; the pull request body is refreshed`, notes, steps: [pullRequest] } };
  }
  const bundlePath = to.spec.bundle?.path ?? defaultBundlePath(to.name);
  const newPin = { digest: candidate.digest, path: bundlePath, ...(pin.source ? { source: pin.source } : {}) };
  const forced = options.force && gates.length > 0 ? { reason: options.reason!.trim() } : null;
  return {
    kind: 'plan',
    plan: {
      command: 'promote',
      environment: to.name,
      summary: `${short(current)} → ${short(candidate.digest)} from ${from.name}, on ${branch.name}${branch.tip && !branch.merged ? ' (updating it)' : ''}`,
      notes,
      steps: [
        {
          kind: 'commit',
          branch: branch.name,
          parent: state.base.commit,
          message: `promote(${to.name}): ${short(candidate.digest)} from ${from.name}\n\nCopies ${pin.path} byte for byte to ${bundlePath} and pins it in ${to.file}.${forced ? `\n\nForced: ${forced.reason}` : ''}`,
          files: [
            { path: bundlePath, content: state.candidateText, what: `${from.name}'s bundle ${short(candidate.digest)}, byte for byte` },
            { path: to.file, content: withPin(to, newPin), what: `${to.name}'s pin → ${short(candidate.digest)}` },
          ],
        },
        { kind: 'push', remote: state.remote, branch: branch.name, lease: { kind: 'replace', expect: branch.tip } },
        pullRequest,
        {
          kind: 'record',
          draft: { kind: 'promotion', environment: to.name, digest: candidate.digest, at: state.now.toISOString(), actor: state.actor, from: from.name, previousDigest: current, branch: branch.name, forced, pullRequest: state.bodyFile },
        },
      ],
    },
  };
}
