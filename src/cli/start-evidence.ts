// The evidence a pull request would get for the working config — the Markdown diff
// against what is pinned for the environment a change reaches first, or before anything
// is pinned, against the config before the latest commit that changed the bundle
// (docs/simulation-and-diff.md#what-npm-start-shows). The end of `offerops start`, and
// the diff in `offerops comment`.
import path from 'node:path';
import type { Bundle } from '../bundle/index.js';
import { chooseEvidenceBase, renderMarkdown, resolveSide, type DiffReport, type ResolvedSide } from '../diff/index.js';
import { UserError } from '../errors.js';
import { diffSides, sideOrFail } from './commands/diff.js';
import type { CommandContext } from './context.js';

/** The audience when no environment names one: small, so the example starts quickly. */
const FALLBACK_SAMPLE = { customers: '1000', seed: '1' };

/**
 * The diff of the working config against its evidence base (`baseSpec`, e.g. env:staging,
 * when given), or null with the reason there is none.
 */
export async function workingEvidence(context: CommandContext, root: string, configDir: string, bundle: Bundle, baseSpec: string | null = null): Promise<{ report: DiffReport | null; why: string }> {
  const { io } = context;
  const configPath = path.relative(root, configDir).split(path.sep).join('/');
  const working: ResolvedSide = { ref: `${configPath || '.'}/`, kind: 'working', bundle };
  const sideContext = { root, cwd: io.cwd, configDir };
  let base: ResolvedSide;
  let why: string;
  let simulation;
  if (baseSpec !== null) {
    if (!baseSpec.startsWith('env:')) throw new UserError(`--base must be env:NAME (an environment's pinned bundle), got '${baseSpec}'`);
    base = await sideOrFail(() => resolveSide(baseSpec, sideContext), context);
    if (!base.environment?.pinned) return { report: null, why: `${baseSpec.slice(4)} pins no bundle yet` };
    why = `the bundle pinned for ${base.environment.name}`;
    simulation = base.environment.simulation;
  } else {
    const chosen = await chooseEvidenceBase(sideContext, configPath, working);
    if (chosen.base === null) return { report: null, why: chosen.why };
    base = chosen.base;
    why = chosen.why;
    simulation = chosen.environment?.simulation ?? null;
  }
  const flags = simulation?.audience || simulation?.sample ? {} : { sample: FALLBACK_SAMPLE.customers, seed: FALLBACK_SAMPLE.seed };
  const run = await diffSides(base, working, flags, context, root, { simulation, guardrails: simulation?.guardrails ?? [] });
  return { report: run.report, why };
}

/** Prints the evidence (Markdown on stdout, or nothing with --json) and returns the report, or null with the reason. */
export async function startEvidence(context: CommandContext, root: string, configDir: string, bundle: Bundle): Promise<{ report: DiffReport | null; why: string }> {
  const { io } = context;
  const evidence = await workingEvidence(context, root, configDir, bundle);
  if (evidence.report === null) {
    io.stderr(`offerops: no evidence: ${evidence.why}\n`);
    return evidence;
  }
  io.stderr(`offerops: evidence for the working config: ${evidence.why}\n`);
  if (!context.common.json) io.stdout(renderMarkdown(evidence.report).markdown);
  return evidence;
}
