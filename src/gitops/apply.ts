// Applying a plan (docs/gitops.md#plans-and---dry-run): the one place GitOps commands
// change anything — commits, pushes, the checked-out branch, pull requests, deploy
// targets, the runtime check's requests, records. Steps run in order; the first failure
// stops the rest, and what was already done is either harmless (an unreferenced commit
// object) or undone (a deploy puts earlier targets back on what they ran).
//
// Progress goes to `onEvent` (awaited), which the CLI prints and tests use to act at an
// exact point of a deploy (kill a server, make a folder read-only) without sleeping.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle } from '../bundle/index.js';
import type { Bundle } from '../bundle/index.js';
import { createEngine, type Engine } from '../engine/index.js';
import { UserError } from '../errors.js';
import { tableFormatOf } from '../io/index.js';
import { readAudience } from '../optimize/index.js';
import { planSample, sampleAudience, sampleId } from '../simulate/index.js';
import { compareAnswer, judgeReplay, type ReplayMeasurement } from './check.js';
import type { Environment, TargetSpec } from './environment.js';
import { describeTarget, type AudienceSource, type CheckLimits, type Plan, type PlanStep, type RecordDraft } from './plan.js';
import type { CheckRecord, DeploymentRecord, GitopsRecord, TargetCheck, TargetOutcome } from './records.js';
import type { PullRequest } from './scm/scm.js';
import { resolveRollbackTarget, type GitopsSession } from './state.js';
import { targetOf, TargetError, type RuntimeClient, type TargetContext, type TargetRegistry } from './targets/target.js';

export type ApplyEvent =
  | { kind: 'committed'; branch: string; commit: string }
  | { kind: 'pushed'; remote: string; branch: string; commit: string }
  | { kind: 'fast-forwarded'; branch: string; commit: string }
  | { kind: 'pull-request'; pullRequest: PullRequest; updated: boolean }
  | { kind: 'target-read'; target: string; index: number; digest: string | null }
  | { kind: 'target-activated'; target: string; index: number; digest: string }
  | { kind: 'target-failed'; target: string; index: number; message: string }
  | { kind: 'target-restored'; target: string; digest: string | null }
  | { kind: 'restore-failed'; target: string; message: string }
  | { kind: 'target-checked'; check: TargetCheck }
  | { kind: 'recorded'; record: GitopsRecord; path: string };

export interface ApplyContext {
  session: GitopsSession;
  targets: TargetRegistry;
  /** Environments of the work tree (deploy looks up earlier bundles in their history). */
  environments: readonly Environment[];
  /** Per target request, milliseconds. */
  timeoutMs: number;
  onEvent?: (event: ApplyEvent) => void | Promise<void>;
}

export interface ApplyResult {
  /** 0 done; 1 the check failed; 3 a push, target or record failed. */
  exitCode: 0 | 1 | 3;
  /** What happened, for people. */
  message: string;
  /** The branch moved since planning, or another push held it: nothing was pushed; planning again may succeed. */
  moved?: boolean;
  commit?: string;
  pullRequest?: PullRequest;
  deployment?: DeploymentRecord;
  check?: CheckRecord;
  recordPath?: string;
}

export async function applyPlan(plan: Plan, context: ApplyContext): Promise<ApplyResult> {
  const { session } = context;
  const emit = async (event: ApplyEvent): Promise<void> => void (await context.onEvent?.(event));
  let commit: string | null = null;
  let pullRequest: PullRequest | null = null;
  let deployment: { ok: boolean; outcomes: TargetOutcome[]; message: string } | null = null;
  let check: { passed: boolean; day: string; limits: CheckLimits; targets: TargetCheck[] } | null = null;
  let recordPath: string | undefined;
  let record: GitopsRecord | undefined;

  for (const step of plan.steps) {
    switch (step.kind) {
      case 'commit':
        commit = await session.scm.commitFiles({ parent: step.parent, files: step.files, message: step.message });
        await emit({ kind: 'committed', branch: step.branch, commit });
        break;
      case 'push': {
        const pushed = await session.scm.push({ remote: step.remote, commit: commit!, branch: step.branch, lease: step.lease });
        if (!pushed.ok) {
          const what = pushed.reason === 'busy' ? 'was being updated by another push' : 'moved while this ran';
          return { exitCode: 3, moved: true, message: `${step.remote}/${step.branch} ${what}, so nothing was pushed (${firstLine(pushed.message)})` };
        }
        await emit({ kind: 'pushed', remote: step.remote, branch: step.branch, commit: commit! });
        break;
      }
      case 'fast-forward':
        await session.git.fastForward(step.branch, commit!);
        await emit({ kind: 'fast-forwarded', branch: step.branch, commit: commit! });
        break;
      case 'pull-request': {
        const draft = { head: step.head, base: step.base, title: step.title, body: step.body, bodyFile: step.bodyFile, labels: step.labels };
        const existing = await session.scm.findPullRequest(step.head, step.base, step.bodyFile);
        pullRequest = existing ? await session.scm.updatePullRequest(existing, draft) : await session.scm.openPullRequest(draft);
        await emit({ kind: 'pull-request', pullRequest, updated: existing !== null });
        break;
      }
      case 'deploy':
        deployment = await deployToTargets(step, context, emit);
        break;
      case 'check':
        check = await runCheck(step, context, emit);
        break;
      case 'record': {
        record = completeRecord(step.draft, { commit, pullRequest, deployment, check, session });
        try {
          recordPath = await session.records.append(record);
        } catch (error) {
          const reason = (error as Error).message;
          // A failed deployment's own message matters more than its missing record.
          if (deployment && !deployment.ok) return { exitCode: 3, message: `${deployment.message}; the failed deployment could not be recorded either: ${reason}` };
          const what = deployment?.ok ? 'the bundle is deployed, but ' : '';
          throw new UserError(`${what}the ${record.kind} record could not be written: ${reason}`, 3);
        }
        await emit({ kind: 'recorded', record, path: recordPath });
        break;
      }
    }
  }
  const result: ApplyResult = { exitCode: 0, message: `${plan.command} ${plan.environment}: done` };
  if (commit) result.commit = commit;
  if (pullRequest) result.pullRequest = pullRequest;
  if (recordPath) result.recordPath = recordPath;
  if (deployment) {
    result.deployment = record as DeploymentRecord;
    if (!deployment.ok) return { ...result, exitCode: 3, message: deployment.message };
    result.message = deployment.message;
  }
  if (check) {
    result.check = record as CheckRecord;
    result.message = check.passed ? `check ${plan.environment}: passed` : `check ${plan.environment}: FAILED`;
    if (!check.passed) result.exitCode = check.targets.some((t) => !t.reached) ? 3 : 1;
  }
  return result;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}

function completeRecord(
  draft: RecordDraft,
  done: { commit: string | null; pullRequest: PullRequest | null; deployment: { ok: boolean; outcomes: TargetOutcome[]; message: string } | null; check: { passed: boolean; day: string; limits: CheckLimits; targets: TargetCheck[] } | null; session: GitopsSession },
): GitopsRecord {
  const base = { at: new Date().toISOString(), actor: done.session.actor };
  switch (draft.kind) {
    case 'release':
      return { ...draft, commit: done.commit! };
    case 'promotion':
    case 'rollback':
      return { ...draft, commit: done.commit ?? '', pullRequest: done.pullRequest?.location ?? draft.pullRequest };
    case 'deployment': {
      const d = done.deployment!;
      return { kind: 'deployment', environment: draft.environment, digest: draft.digest, ...base, ok: d.ok, commit: draft.commit, targets: d.outcomes, ...(d.ok ? {} : { message: d.message }) };
    }
    case 'check': {
      const c = done.check!;
      return { kind: 'check', environment: draft.environment, digest: draft.digest, ...base, passed: c.passed, day: c.day, limits: c.limits, targets: c.targets };
    }
  }
}

// ---------------------------------------------------------------------------
// Deploy: all targets or none

async function readBundleFile(root: string, file: string, digest: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`, 2);
  }
  const bundle = parseBundle(text, file);
  if (bundle.digest !== digest) throw new UserError(`${file} changed while deploying: it holds ${bundle.digest}, not ${digest}`, 2);
  return text;
}

async function deployToTargets(step: Extract<PlanStep, { kind: 'deploy' }>, context: ApplyContext, emit: (event: ApplyEvent) => Promise<void>): Promise<{ ok: boolean; outcomes: TargetOutcome[]; message: string }> {
  const { session } = context;
  const targetContext: TargetContext = { root: session.root, env: session.env, timeoutMs: context.timeoutMs };
  const text = await readBundleFile(session.root, step.bundleFile, step.digest);
  const names = step.targets.map((target) => describeTarget(target));

  // 1. What each target runs now. One that cannot say stops the deploy before any write.
  const previous: (string | null)[] = [];
  for (const [index, target] of step.targets.entries()) {
    try {
      previous.push(await targetOf(context.targets, target).current(target, targetContext));
    } catch (error) {
      const message = `${(error as Error).message}; nothing was deployed`;
      const outcomes = step.targets.map((_, i) => ({ target: names[i]!, ok: false, previousDigest: previous[i] ?? null, ...(i === index ? { message: (error as Error).message } : {}) }));
      return { ok: false, outcomes, message };
    }
    await emit({ kind: 'target-read', target: names[index]!, index, digest: previous[index]! });
  }

  // 2. Each in turn; on a failure, every target touched goes back to what it ran.
  const outcomes: TargetOutcome[] = step.targets.map((_, i) => ({ target: names[i]!, ok: false, previousDigest: previous[i]! }));
  for (const [index, target] of step.targets.entries()) {
    if (previous[index] === step.digest) {
      outcomes[index]!.ok = true;
      outcomes[index]!.message = 'already ran it';
      continue;
    }
    try {
      await targetOf(context.targets, target).activate(target, text, step.digest, targetContext);
      outcomes[index]!.ok = true;
      await emit({ kind: 'target-activated', target: names[index]!, index, digest: step.digest });
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      outcomes[index]!.message = error.message;
      await emit({ kind: 'target-failed', target: names[index]!, index, message: error.message });
      const restored = await restoreTargets(step.targets.slice(0, index + 1), previous, context, targetContext, emit);
      for (const [i, note] of restored.entries()) if (i < index) outcomes[i] = { ...outcomes[i]!, ok: false, message: note };
      const failedRestores = restored.filter((note) => note.startsWith('NOT restored'));
      const tail = failedRestores.length > 0 ? `; ${failedRestores.join('; ')}` : index > 0 ? '; the targets deployed before it were put back on what they ran' : '';
      return { ok: false, outcomes, message: `deploy ${step.environment} failed at ${names[index]}: ${error.message}${tail}` };
    }
  }
  return { ok: true, outcomes, message: `deploy ${step.environment}: ${step.digest} runs on ${step.targets.length} target(s)` };
}

/** Puts `targets` back on what they ran (`previous`), newest first; one note per target. */
async function restoreTargets(
  targets: readonly TargetSpec[],
  previous: readonly (string | null)[],
  context: ApplyContext,
  targetContext: TargetContext,
  emit: (event: ApplyEvent) => Promise<void>,
): Promise<string[]> {
  const notes: string[] = [];
  for (let i = targets.length - 1; i >= 0; i--) {
    const target = targets[i]!;
    const implementation = targetOf(context.targets, target);
    const name = describeTarget(target);
    const before = previous[i]!;
    try {
      if ((await implementation.current(target, targetContext)) === before) {
        notes[i] = `restored: runs ${before ?? 'nothing'} as before`;
        continue;
      }
      if (before === null) await implementation.clear(target, targetContext);
      else {
        const text = await earlierBundle(before, targets, context, targetContext);
        if (text === null) throw new TargetError(`the bundle it ran (${before}) is in no target's kept bundles nor in the history of environments/`);
        await implementation.activate(target, text, before, targetContext);
      }
      notes[i] = `restored: runs ${before ?? 'nothing'} as before`;
      await emit({ kind: 'target-restored', target: name, digest: before });
    } catch (error) {
      notes[i] = `NOT restored: ${name}: ${(error as Error).message}`;
      await emit({ kind: 'restore-failed', target: name, message: (error as Error).message });
    }
  }
  return notes;
}

/** The text of an earlier bundle: kept by one of the targets, or found in the history of the environments. */
async function earlierBundle(digest: string, targets: readonly TargetSpec[], context: ApplyContext, targetContext: TargetContext): Promise<string | null> {
  for (const target of targets) {
    const kept = await targetOf(context.targets, target).keptBundle(target, digest, targetContext).catch(() => null);
    if (kept !== null) return kept;
  }
  const [first, ...others] = context.environments;
  if (!first) return null;
  const found = await resolveRollbackTarget(context.session.git, 'HEAD', first, others, digest);
  return 'problem' in found ? null : found.text;
}

// ---------------------------------------------------------------------------
// Check: replay members through every target's runtime API

/** Members replayed once, unmeasured, before the check (docs/gitops.md#check). */
const WARM_UP_MEMBERS = 3;

interface ReplayMember {
  channel: string;
  level: string;
  id: string;
  profile: Record<string, unknown>;
}

async function loadMembers(audience: AudienceSource, bundle: Bundle, perChannel: number, root: string): Promise<ReplayMember[]> {
  const members: ReplayMember[] = [];
  for (const channel of bundle.body.channels) {
    const level = channel.audienceLevels[0];
    if (!level) continue;
    if (audience.kind === 'sample') {
      const plan = planSample(bundle.body, channel.name, level.name);
      let count = 0;
      for (const row of sampleAudience(plan, { customers: audience.customers, seed: audience.seed, at: audience.at })) {
        if (count++ >= perChannel) break;
        members.push({ channel: channel.name, level: level.name, id: sampleId(row, level.idField), profile: row });
      }
    } else {
      const file = path.resolve(root, audience.path);
      const rows = await readAudience({ file, displayName: audience.path, format: tableFormatOf(file) }, level.attributes, level.idField);
      for (const row of rows.slice(0, perChannel)) members.push({ channel: channel.name, level: level.name, id: row.customerId, profile: row.profile });
    }
  }
  return members;
}

async function runCheck(step: Extract<PlanStep, { kind: 'check' }>, context: ApplyContext, emit: (event: ApplyEvent) => Promise<void>): Promise<{ passed: boolean; day: string; limits: CheckLimits; targets: TargetCheck[] }> {
  const { session } = context;
  const text = await readBundleFile(session.root, step.bundleFile, step.digest);
  const bundle = parseBundle(text, step.bundleFile);
  const engine = createEngine(bundle);
  const members = await loadMembers(step.audience, bundle, step.members, session.root);
  const targetContext: TargetContext = { root: session.root, env: session.env, timeoutMs: context.timeoutMs };
  // The runtime decides on its own clock's UTC day; the local engine uses the same day.
  const day = new Date().toISOString().slice(0, 10);
  const runId = randomBytes(4).toString('hex');
  const results: TargetCheck[] = [];
  for (const target of step.targets) {
    const measurement = await replayThrough(target, engine, members, day, runId, step.concurrency, context, targetContext);
    const judged = judgeReplay(measurement, step.limits);
    results.push(judged);
    await emit({ kind: 'target-checked', check: judged });
  }
  return { passed: results.every((r) => r.passed), day, limits: step.limits, targets: results };
}

async function replayThrough(target: TargetSpec, engine: Engine, members: readonly ReplayMember[], day: string, runId: string, concurrency: number, context: ApplyContext, targetContext: TargetContext): Promise<ReplayMeasurement> {
  const measurement: ReplayMeasurement = { target: describeTarget(target), reached: false, members: 0, decisions: 0, mismatches: 0, examples: [], latencies: [], requests: 0, wallMs: 0, problems: [] };
  let client: RuntimeClient;
  try {
    client = await targetOf(context.targets, target).openRuntime(target, targetContext);
  } catch (error) {
    measurement.problems.push((error as Error).message);
    return measurement;
  }
  try {
    const info = await client.request('GET', '/v1/bundle');
    const served = (info.body as { digest?: unknown } | null)?.digest;
    if (info.status !== 200 || served !== engine.digest) {
      measurement.problems.push(info.status !== 200 ? `GET /v1/bundle answered ${info.status}` : `it runs ${String(served)}, not the pinned ${engine.digest}: deploy first`);
      return measurement;
    }
    measurement.reached = true;
    const mismatch = (text: string): void => {
      measurement.mismatches++;
      if (measurement.examples.length < 5) measurement.examples.push(text);
    };
    // A warm-up, not measured: the first requests to a fresh runtime pay for compiling its
    // code paths, and with a few hundred samples they would be the p99.
    const scratch: ReplayMeasurement = { ...measurement, examples: [], latencies: [], problems: [] };
    for (const member of members.slice(0, WARM_UP_MEMBERS)) await replayMember(client, engine, member, day, `${runId}-warm-up`, scratch, () => {});
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < members.length && measurement.reached) {
        const member = members[next++]!;
        await replayMember(client, engine, member, day, runId, measurement, mismatch);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, members.length)) }, worker));
    } catch (error) {
      measurement.reached = false;
      measurement.problems.push(`the replay stopped after ${measurement.decisions} decisions: ${(error as Error).message}`);
    }
    measurement.wallMs = performance.now() - started;
    return measurement;
  } catch (error) {
    measurement.problems.push((error as Error).message);
    return measurement;
  } finally {
    await client.close();
  }
}

async function replayMember(client: RuntimeClient, engine: Engine, member: ReplayMember, day: string, runId: string, measurement: ReplayMeasurement, mismatch: (text: string) => void): Promise<void> {
  // An id no real member has: the server holds no history for it, like the local engine.
  const audienceId = `offerops-check-${runId}-${member.id}`;
  const channel = engine.bundle.body.channels.find((c) => c.name === member.channel)!;
  // The profile's id field names the member a session is for: it carries the replay's id too.
  const idField = channel.audienceLevels.find((l) => l.name === member.level)?.idField;
  const profile = idField !== undefined && idField in member.profile ? { ...member.profile, [idField]: audienceId } : member.profile;
  const created = await client.request('POST', '/v1/sessions', { channel: member.channel, audienceLevel: member.level, audienceId, profile });
  measurement.requests++;
  measurement.members++;
  if (created.status !== 201) {
    mismatch(`member ${member.id} (${member.channel}): the session was refused (${created.status}: ${JSON.stringify(created.body).slice(0, 160)})`);
    return;
  }
  const sessionId = (created.body as { sessionId: string }).sessionId;
  for (const point of Object.values(channel.interactionPoints).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const count = point.maxOffers ?? 1;
    const answer = await client.request('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/offers`, { interactionPoint: point.name, count });
    measurement.requests++;
    measurement.decisions++;
    measurement.latencies.push(answer.ms);
    const expected = engine.decide({ channel: member.channel, interactionPoint: point.name, audience: { level: member.level, id: audienceId, profile }, session: {}, history: [], at: day, count });
    const difference = answer.status === 200 ? compareAnswer(expected, answer.body) : `answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 160)}`;
    if (difference) mismatch(`member ${member.id} at ${point.name}: ${difference}`);
  }
  await client.request('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`);
  measurement.requests++;
}
