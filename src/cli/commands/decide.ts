// `offerops decide` (docs/decisions.md, docs/cli.md#offerops-decide): one decision for one
// audience member at one interaction point, from a bundle file (or the config compiled in
// memory), with the member's history from a history file (docs/file-formats.md#history).
// `--json` prints
// `{offers:[{offer, score, rule, treatmentCode, attributes}], defaultString?, controlGroups, explain?, errors?}`;
// with several points (`--ip a,b,c`, one decision each, in order, `--dedupe` keeping an
// offer given to an earlier point from the later ones) an array of those, each with its
// `interactionPoint`.
// Bad flags and bad input exit 2, a config with errors 1; a decision (even with no offer) exits 0.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle } from '../../bundle/index.js';
import { createEngine, type Decision, type DecisionRequest, type HistoryRow } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { readHistoryFile } from '../../io/index.js';
import { readBundleInput } from '../bundle-input.js';
import type { CommandDefinition } from '../context.js';
import { optionText } from '../options.js';

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** `--profile '{"age": 40}'` or `--profile @profile.json`. */
async function readJsonObject(flag: string, value: unknown, cwd: string): Promise<Record<string, unknown> | undefined> {
  if (value === undefined) return undefined;
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  let source = `${flag}`;
  if (text.startsWith('@')) {
    const file = text.slice(1);
    source = `${flag} ${file}`;
    try {
      text = await readFile(path.resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new UserError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserError(`${source}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function parseCount(value: unknown): number {
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UserError(`--count must be a whole number of at least 1, got '${text}'`);
  return Number(text);
}

/** The decision as `decide --json` prints it (docs/cli.md#offerops-decide): without the request echo. */
export function decisionOutput(decision: Decision): Record<string, unknown> {
  const out: Record<string, unknown> = { offers: decision.offers };
  if (decision.defaultString !== undefined) out['defaultString'] = decision.defaultString;
  out['controlGroups'] = decision.controlGroups;
  if (decision.explain) out['explain'] = decision.explain;
  if (decision.errors.length > 0) out['errors'] = decision.errors;
  return out;
}

/** The member's id as the profile gives it (the audience level's idField), for the human summary. */
function memberIdFromProfile(bundle: Bundle, channelName: string, levelName: string | undefined, profile: Record<string, unknown>): string {
  const channel = bundle.body.channels.find((c) => c.name === channelName);
  const level = channel?.audienceLevels.find((l) => l.name === levelName) ?? channel?.audienceLevels[0];
  const id = level ? profile[level.idField] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '(no id)';
}

function describeDecision(decision: Decision, request: DecisionRequest, audienceId: string): string {
  const lines = [`${decision.channel} / ${decision.interactionPoint} (zone ${decision.zone}) on ${request.at} for ${audienceId || '(profile id)'}:`];
  if (decision.offers.length === 0) lines.push(decision.defaultString !== undefined ? `  no offer; default string: ${JSON.stringify(decision.defaultString)}` : '  no offer');
  decision.offers.forEach((o, i) => lines.push(`  ${i + 1}. ${o.offer}  score ${o.score}  rule ${o.rule}  treatment ${o.treatmentCode}`));
  if (decision.controlGroups.length > 0) lines.push(`control groups: ${decision.controlGroups.join(', ')}`);
  if (decision.explain) {
    lines.push('explain:');
    for (const e of decision.explain) lines.push(`  ${e.offer} (rule ${e.rule}): ${e.outcome}: ${e.reason}`);
  }
  for (const e of decision.errors) lines.push(`warning: ${e.message}`);
  return lines.join('\n') + '\n';
}

export const decideCommand: CommandDefinition = {
  name: 'decide',
  summary: 'decide the offers for one audience member at one interaction point',
  description:
    'Make one decision, exactly as the runtime would (docs/decisions.md): the offers for one member at one interaction point on one day, with their scores, rules and treatment codes. Human output on stderr; the decision as JSON on stdout with --json.',
  examples: [
    {
      why: 'the tiles of the home page for one web customer on a given day, explained',
      command: `offerops decide --channel web --ip home-tiles --count 3 --at 2026-11-25 --explain --profile '{"customerId": "C-100231", "age": 31, "income": 62000.0, "tier": "plus"}'`,
    },
    { why: 'from a compiled bundle, with the member\'s contact history, as JSON', command: 'offerops decide --bundle build/bundle.json --channel web --ip home-hero --at 2026-11-25 --profile @profile.json --history history.csv --json' },
    {
      why: 'the hero and the tiles of one page, no offer twice on the page',
      command: `offerops decide --channel web --ip home-hero,home-tiles,accounts-banner --dedupe --count 3 --at 2026-11-25 --json --profile '{"customerId": "C-100231", "age": 31, "income": 62000.0, "tier": "plus"}'`,
    },
    {
      why: 'late in a visit: the session has had 10 of its 12 offers and dismissed the ISA (the channel\'s session rules apply)',
      command: `offerops decide --channel web --ip home-tiles --count 3 --at 2026-11-25 --explain --session-activity '{"offered": 10, "rejected": ["cash-isa"]}' --profile '{"customerId": "C-100231", "age": 31, "income": 62000.0, "tier": "plus"}'`,
    },
  ],
  configure: (command) => {
    command
      .option('--bundle <file>', 'bundle file (default: compile --config in memory)')
      .requiredOption('--ip <names>', 'the interaction point (required), or several separated by commas: one decision each, in order')
      .option('--dedupe', 'with several points: an offer given to an earlier point is not given to a later one', false)
      .option('--channel <name>', 'channel (needed when the interaction point name is not unique)')
      .option('--profile <json>', 'profile as JSON, or @FILE')
      .option('--audience-id <id>', "audience id (default: the profile's id field)")
      .option('--audience-level <name>', "audience level (default: the channel's first)")
      .option('--session <json>', 'session attributes as JSON, or @FILE')
      .option('--session-activity <json>', 'what the session has had so far, for the channel\'s session rules: {"offered": N, "accepted": [...], "rejected": [...]} as JSON, or @FILE')
      .option('--history <file>', 'contact/response history, CSV or NDJSON (docs/file-formats.md#history)')
      .option('--at <date>', 'decision day YYYY-MM-DD, UTC (default: today, as the runtime decides)')
      .option('--count <n>', 'offers wanted', '1')
      .option('--explain', 'explain why each offer was chosen or dropped', false);
  },
  run: async (options, context) => {
    const { io } = context;
    const count = parseCount(options['count']);
    const at = optionText(options, 'at') ?? new Date().toISOString().slice(0, 10);
    if (!isoDay.test(at)) throw new UserError(`--at must be a day YYYY-MM-DD, got '${at}'`);
    const profile = (await readJsonObject('--profile', options['profile'], io.cwd)) ?? {};
    const session = await readJsonObject('--session', options['session'], io.cwd);
    const activity = await readJsonObject('--session-activity', options['sessionActivity'], io.cwd);
    let offered = typeof activity?.['offered'] === 'number' ? activity['offered'] : 0;
    let history: HistoryRow[] | undefined;
    if (options['history'] !== undefined) {
      const file = optionText(options, 'history')!;
      history = await readHistoryFile(path.resolve(io.cwd, file), { displayName: file });
    }
    const points = String(options['ip']).split(',').map((point) => point.trim());
    if (points.some((point) => point === '')) throw new UserError(`--ip: an empty interaction point name in '${String(options['ip'])}'`);
    const engine = createEngine((await readBundleInput(options, context)).bundle);
    const audienceId = optionText(options, 'audienceId') ?? '';
    const dedupe = Boolean(options['dedupe']);
    const given: Record<string, string> = {};
    const decided: { request: DecisionRequest; decision: Decision }[] = [];
    for (const point of points) {
      const request: DecisionRequest = {
        interactionPoint: point,
        audience: { id: audienceId, profile },
        at,
        count,
        explain: Boolean(options['explain']),
      };
      if (options['channel'] !== undefined) request.channel = optionText(options, 'channel')!;
      if (options['audienceLevel'] !== undefined) request.audience.level = optionText(options, 'audienceLevel')!;
      if (session !== undefined) request.session = session;
      if (history !== undefined) request.history = history;
      if (dedupe) request.givenEarlier = { ...given };
      // Several points are one visit: each sees the offers the earlier ones returned.
      // (The first point gets the activity as given, so the engine checks it as written.)
      if (activity !== undefined) request.sessionActivity = (decided.length === 0 ? activity : { ...activity, offered });

      const decision = engine.decide(request);
      const inputErrors = decision.errors.filter((e) => e.code === 'input');
      if (inputErrors.length > 0) {
        const flag: Record<string, string> = { interactionPoint: '--ip', channel: '--channel', audienceId: '--audience-id', audienceLevel: '--audience-level', at: '--at', count: '--count' };
        const flagOf = (field: string | undefined): string | undefined => (field?.startsWith('sessionActivity') === true ? '--session-activity' : field === undefined ? undefined : flag[field]);
        throw new UserError(inputErrors.map((e) => `${flagOf(e.field) !== undefined ? `${flagOf(e.field)}: ` : ''}${e.message}`).join('\n'));
      }
      offered += decision.offers.length;
      for (const chosen of decision.offers) given[chosen.offer] ??= decision.interactionPoint;
      decided.push({ request, decision });
    }
    if (context.common.json) {
      const output = decided.length === 1 ? decisionOutput(decided[0]!.decision) : decided.map(({ decision }) => ({ interactionPoint: decision.interactionPoint, ...decisionOutput(decision) }));
      io.stdout(JSON.stringify(output, null, 2) + '\n');
    } else {
      for (const { request, decision } of decided) io.stderr(describeDecision(decision, request, audienceId || memberIdFromProfile(engine.bundle, decision.channel, request.audience.level, profile)));
    }
    return 0;
  },
};
