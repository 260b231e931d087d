// The end of `offerops start`: the evidence a pull request would get for the working
// config — the Markdown diff against what is pinned, or before anything is pinned,
// against the config before the latest commit that changed the bundle
// (docs/simulation-and-diff.md#what-npm-start-shows).
import path from 'node:path';
import type { Bundle } from '../bundle/index.js';
import type { DiffReport } from '../diff/index.js';
import { chooseEvidenceBase } from '../diff/index.js';
import { renderMarkdown } from '../diff/index.js';
import type { ResolvedSide } from '../diff/index.js';
import { diffSides } from './commands/diff.js';
import type { CommandContext } from './context.js';

/** The audience when no environment names one: small, so the example starts quickly. */
const FALLBACK_SAMPLE = { customers: '1000', seed: '1' };

/** Prints the evidence (Markdown on stdout, or nothing with --json) and returns the report, or null with the reason. */
export async function startEvidence(context: CommandContext, root: string, configDir: string, bundle: Bundle): Promise<{ report: DiffReport | null; why: string }> {
  const { io } = context;
  const working: ResolvedSide = { ref: `${path.relative(root, configDir).split(path.sep).join('/') || '.'}/`, kind: 'working', bundle };
  const configPath = path.relative(root, configDir).split(path.sep).join('/');
  const chosen = await chooseEvidenceBase({ root, cwd: io.cwd, configDir }, configPath, working);
  if (chosen.base === null) {
    io.stderr(`offerops: no evidence: ${chosen.why}\n`);
    return { report: null, why: chosen.why };
  }
  io.stderr(`offerops: evidence for the working config: ${chosen.why}\n`);
  const simulation = chosen.environment?.simulation ?? null;
  const flags = simulation?.audience || simulation?.sample ? {} : { sample: FALLBACK_SAMPLE.customers, seed: FALLBACK_SAMPLE.seed };
  const run = await diffSides(chosen.base, working, flags, context, root, { simulation, guardrails: simulation?.guardrails ?? [] });
  if (!context.common.json) io.stdout(renderMarkdown(run.report).markdown);
  return { report: run.report, why: chosen.why };
}
