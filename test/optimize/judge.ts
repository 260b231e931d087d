// The judgement the property tests pass on an optimizer for one random instance: the
// checker finds no violation, the shortfall is the least the exact MIP finds, the
// objective is within 0.5% of the MIP optimum, and the report's bound, objective and
// shortfall are consistent. Takes the optimizer as a parameter so the oracles' own
// tests can show it failing a broken optimizer.
import { checkFeasibility, formatViolations } from './checker.js';
import type { OptimizeOptions, OptimizeProblem, OptimizeResult } from './contract.js';
import { solveExact, type MipSolution } from './exact-mip.js';
import type { RandomInstance } from './random-instances.js';

export type Optimize = (problem: OptimizeProblem, options?: OptimizeOptions) => Promise<OptimizeResult>;

const TOLERANCE = 1e-6;

const PATHS: { label: string; options: OptimizeOptions }[] = [
  { label: "exact: 'never'", options: { exact: 'never', seed: 1 } },
  { label: 'default', options: { seed: 1 } },
];

/** Everything wrong with the optimizer's answers on one instance (empty when all holds). */
export async function judgeOptimizer(optimizeContacts: Optimize, instance: RandomInstance): Promise<string[]> {
  const problems: string[] = [];
  let exact: MipSolution;
  try {
    exact = await solveExact(instance.problem);
  } catch (error) {
    return [`the exact MIP failed: ${(error as Error).message}`];
  }
  for (const path of PATHS) {
    const where = `${path.label}`;
    let result;
    try {
      result = await optimizeContacts(instance.problem, path.options);
    } catch (error) {
      problems.push(`${where}: optimizeContacts threw ${(error as Error).stack ?? String(error)}`);
      continue;
    }
    const { chosen, report } = result;
    const ascending = chosen.every((value, i) => i === 0 || value > chosen[i - 1]!);
    if (!ascending) problems.push(`${where}: chosen indexes are not ascending and unique`);
    const check = checkFeasibility(instance.problem, chosen);
    if (check.violations.length > 0) problems.push(`${where}: ${check.violations.length} violations\n${formatViolations(check.violations)}`);
    if (Math.abs(check.totalShortfall - exact.shortfall) > TOLERANCE) {
      problems.push(`${where}: total shortfall ${check.totalShortfall}, the least possible is ${exact.shortfall}: ${JSON.stringify(check.unmetMinimums.map((s) => [s.rule, s.customerId, s.window.from, s.shortfall]))}`);
    }
    const floor = exact.objective - 0.005 * Math.abs(exact.objective) - TOLERANCE;
    if (Math.abs(check.totalShortfall - exact.shortfall) <= TOLERANCE && check.objective < floor) {
      problems.push(`${where}: objective ${check.objective} is below 99.5% of the optimum ${exact.objective}`);
    }
    if (!(report.upperBound >= exact.objective - TOLERANCE)) problems.push(`${where}: upper bound ${report.upperBound} is below the optimum ${exact.objective}`);
    if (Math.abs(report.objective - check.objective) > TOLERANCE * Math.max(1, Math.abs(check.objective))) {
      problems.push(`${where}: report objective ${report.objective}, the chosen rows score ${check.objective}`);
    }
    if (Math.abs(report.totalShortfall - check.totalShortfall) > TOLERANCE) {
      problems.push(`${where}: report total shortfall ${report.totalShortfall}, the checker finds ${check.totalShortfall}`);
    }
  }
  return problems;
}

