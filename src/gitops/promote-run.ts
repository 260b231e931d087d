// Running a promotion end to end (docs/gitops.md#promote): read the remote's state, plan,
// apply — and when the push loses a race (another clone promoted first, so the branch
// moved under the lease), read the branch again: finding this very promotion there
// means done (only the pull request body is refreshed); anything else stops, with
// nothing pushed. The CLI prints what this returns; tests drive it with hooks.
import { UserError } from '../errors.js';
import { applyPlan, type ApplyEvent, type ApplyResult } from './apply.js';
import { defaultBodyFile, planPromote, promotionBranch, type PromoteOptions } from './promote.js';
import type { Plan, PlanOutcome } from './plan.js';
import { baseBranch, environmentsAt, evidenceFor, remoteBranch, requireEnvironment, type GitopsSession } from './state.js';
import { targetTypes } from './targets/registry.js';

export interface PromotionRequest extends PromoteOptions {
  from: string;
  to: string;
  /** The base branch (default: the checked-out one). */
  base?: string;
  /** Where the body goes (default .offerops/pull-requests/…). */
  bodyFile?: string;
}

/** Reads the remote's state and plans (what --dry-run prints). */
export async function planPromotion(session: GitopsSession, request: PromotionRequest): Promise<PlanOutcome> {
  if (session.remote === null) throw new UserError('promote pushes a branch, and this repository has no remote named origin: add one (git remote add origin URL)');
  await session.git.fetch(session.remote);
  const base = await baseBranch(session, request.base);
  const environments = await environmentsAt(session.git, base.commit);
  const where = `on ${session.remote}/${base.branch}`;
  const from = requireEnvironment(environments, request.from, where);
  const to = requireEnvironment(environments, request.to, where);
  const candidateText = from.spec.bundle ? await session.git.readFile(base.commit, from.spec.bundle.path) : null;
  const branchName = promotionBranch(to.name);
  const evidence = from.spec.bundle ? await evidenceFor(session, base.commit, to, { ref: `env:${from.name}`, digest: from.spec.bundle.digest, text: candidateText }) : '';
  return planPromote(
    {
      from,
      to,
      remote: session.remote,
      base,
      candidateText,
      branch: await remoteBranch(session, branchName, base.commit, to.file),
      records: await session.records.read({ fetch: true }),
      evidence,
      bodyFile: request.bodyFile ?? defaultBodyFile(branchName),
      actor: session.actor,
      now: session.now,
    },
    request,
  );
}

export type PromotionRun =
  /** Nothing to do, or refused: no change. */
  | { kind: 'outcome'; outcome: Exclude<PlanOutcome, { kind: 'plan' }> }
  /** Applied; `raced` when another run had pushed the same promotion first. */
  | { kind: 'applied'; plan: Plan; result: ApplyResult; raced: boolean }
  /** Lost a race to a different promotion: nothing was pushed. */
  | { kind: 'lost-race'; message: string };

export async function runPromotion(session: GitopsSession, request: PromotionRequest, onEvent?: (event: ApplyEvent) => void | Promise<void>): Promise<PromotionRun> {
  const context = { session, targets: targetTypes, environments: [], timeoutMs: 30_000, ...(onEvent ? { onEvent } : {}) };
  const first = await planPromotion(session, request);
  if (first.kind !== 'plan') return { kind: 'outcome', outcome: first };
  const result = await applyPlan(first.plan, context);
  if (!result.moved) return { kind: 'applied', plan: first.plan, result, raced: false };
  const again = await planPromotion(session, request);
  if (again.kind !== 'plan') return { kind: 'outcome', outcome: again };
  // The branch is where it was: the push was refused for another reason (the remote held its
  // lock for a push that did not land), not lost to another promotion. Say what happened.
  if (sameLease(first.plan, again.plan)) return { kind: 'applied', plan: first.plan, result, raced: false };
  if (!again.plan.steps.every((step) => step.kind === 'pull-request')) {
    return { kind: 'lost-race', message: `${result.message}; ${promotionBranch(request.to)} now holds another promotion (this run would make it ${again.plan.summary}): run promote again to replace it` };
  }
  return { kind: 'applied', plan: again.plan, result: await applyPlan(again.plan, context), raced: true };
}

/** Whether two plans push their branch expecting the same remote tip. */
function sameLease(a: Plan, b: Plan): boolean {
  const lease = (plan: Plan) => {
    const push = plan.steps.find((step) => step.kind === 'push');
    return push?.kind === 'push' ? JSON.stringify(push.lease) : null;
  };
  return lease(a) !== null && lease(a) === lease(b);
}
