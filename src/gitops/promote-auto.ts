// `promote --auto` without --from/--to (docs/gitops.md#automatic-promotions): every
// promotion edge an environment file declares with promotion.auto, read from the
// remote's base branch, each run as its own `promote --from F --to T --auto` — its own
// branch, pull request, soak and gates. An edge without promotion.auto is never touched.
// One edge failing (GitHub down, a lost race) does not stop the others.
import { UserError, type ExitCode } from '../errors.js';
import type { ApplyEvent } from './apply.js';
import type { EnvironmentSet } from './environment.js';
import type { PlanOutcome } from './plan.js';
import { planPromotion, runPromotion, type PromotionRun } from './promote-run.js';
import { baseBranch, environmentsAt, EnvironmentProblems, type GitopsSession } from './state.js';

export interface AutoEdge {
  from: string;
  to: string;
  /** promotion.auto.soak as written. */
  soak: string;
}

export type AutoEdgeResult =
  | { edge: AutoEdge; kind: 'run'; run: PromotionRun }
  | { edge: AutoEdge; kind: 'planned'; outcome: PlanOutcome }
  | { edge: AutoEdge; kind: 'failed'; message: string; exitCode: ExitCode };

/**
 * The edges with promotion.auto, in promotion order: an edge nearer the head of its chain
 * first (staging → canary before canary → production), then by name.
 */
export function autoPromotionEdges(set: EnvironmentSet): AutoEdge[] {
  const environments = set.environments;
  const distance = (name: string): number => {
    let steps = 0;
    const seen = new Set<string>();
    for (let at = environments.get(name)?.spec.promotion?.from; at !== undefined && !seen.has(at); at = environments.get(at)?.spec.promotion?.from) {
      seen.add(at);
      steps++;
    }
    return steps;
  };
  const edges: (AutoEdge & { distance: number })[] = [];
  for (const environment of environments.values()) {
    const promotion = environment.spec.promotion;
    if (!promotion?.auto) continue;
    edges.push({ from: promotion.from, to: environment.name, soak: promotion.auto.soak, distance: distance(environment.name) });
  }
  edges.sort((a, b) => a.distance - b.distance || a.to.localeCompare(b.to));
  return edges.map(({ from, to, soak }) => ({ from, to, soak }));
}

/** Reads the edges from the remote's base branch; environment files with errors stop everything (exit 1). */
export async function autoEdgesOnRemote(session: GitopsSession, base: string | undefined): Promise<AutoEdge[]> {
  if (session.remote === null) throw new UserError('promote pushes a branch, and this repository has no remote named origin: add one (git remote add origin URL)');
  await session.git.fetch(session.remote);
  const at = await baseBranch(session, base);
  const set = await environmentsAt(session.git, at.commit);
  const errors = set.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new EnvironmentProblems(errors, `${errors[0]!.file} has errors (on ${session.remote}/${at.branch}): no automatic promotion is judged while an environment file is broken`);
  return autoPromotionEdges(set);
}

/** Runs (or with `dryRun` plans) every auto edge in turn. */
export async function runAutoPromotions(
  session: GitopsSession,
  options: { base?: string; dryRun: boolean },
  onEdge?: (edge: AutoEdge) => void,
  onEvent?: (event: ApplyEvent) => void | Promise<void>,
): Promise<{ edges: AutoEdge[]; results: AutoEdgeResult[] }> {
  const edges = await autoEdgesOnRemote(session, options.base);
  const results: AutoEdgeResult[] = [];
  for (const edge of edges) {
    onEdge?.(edge);
    const request = { from: edge.from, to: edge.to, force: false, reason: null, auto: true, ...(options.base === undefined ? {} : { base: options.base }) };
    try {
      if (options.dryRun) results.push({ edge, kind: 'planned', outcome: await planPromotion(session, request) });
      else results.push({ edge, kind: 'run', run: await runPromotion(session, request, onEvent) });
    } catch (error) {
      // A failure of one edge (GitHub or git refusing) is reported with it; the next edge still runs.
      if (error instanceof UserError) results.push({ edge, kind: 'failed', message: error.message, exitCode: error.exitCode });
      else throw error;
    }
  }
  return { edges, results };
}
