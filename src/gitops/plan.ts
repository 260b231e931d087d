// Plans as data (docs/gitops.md#plans-and---dry-run): every GitOps command first works
// out, as a value, everything it will change — files in a commit, pushes (with the lease
// that makes them safe), the pull request, target writes, the runtime check, the record
// — then prints it (`--dry-run`) or hands it to apply.ts, the only place that acts.
// Planners (release.ts, promote.ts, …) are pure: (repository state, now) → PlanOutcome.
import type { PromotionRecord, ReleaseRecord, RollbackRecord } from './records.js';
import type { TargetSpec } from './environment.js';

export interface FileChange {
  /** Relative to the repository root. */
  path: string;
  content: string;
  /** What it is, for people: "production's pin → sha256:…". */
  what: string;
}

/**
 * How a push may move the branch: `fast-forward` only on top of what the remote had
 * (a plain push: git refuses anything else); `replace` only if the remote branch still
 * points where it did when planned (`expect`, null = must not exist): --force-with-lease.
 */
export type Lease = { kind: 'fast-forward'; expect: string | null } | { kind: 'replace'; expect: string | null };

export type AudienceSource = { kind: 'file'; path: string } | { kind: 'sample'; customers: number; seed: number; at: string };

export interface CheckLimits {
  maxP99Ms: number | null;
  minRps: number | null;
}

export type RecordDraft =
  | Omit<ReleaseRecord, 'commit'>
  | Omit<PromotionRecord, 'commit'>
  | Omit<RollbackRecord, 'commit'>
  | { kind: 'deployment'; environment: string; digest: string; commit: string }
  | { kind: 'check'; environment: string; digest: string };

export type PlanStep =
  | { kind: 'commit'; branch: string; parent: string; message: string; files: FileChange[] }
  /** Pushes the commit made by the preceding commit step. */
  | { kind: 'push'; remote: string; branch: string; lease: Lease }
  /** Moves the checked-out branch (and the work tree's files) to the commit just made and pushed. */
  | { kind: 'fast-forward'; branch: string }
  | { kind: 'pull-request'; head: string; base: string; title: string; body: string; bodyFile: string; labels: string[] }
  | { kind: 'deploy'; environment: string; digest: string; bundleFile: string; targets: TargetSpec[] }
  | {
      kind: 'check';
      environment: string;
      digest: string;
      bundleFile: string;
      targets: TargetSpec[];
      audience: AudienceSource;
      members: number;
      concurrency: number;
      limits: CheckLimits;
    }
  | { kind: 'record'; draft: RecordDraft };

export type Command = 'release' | 'promote' | 'deploy' | 'check' | 'rollback';

export interface Plan {
  command: Command;
  environment: string;
  /** One line: what the plan does. */
  summary: string;
  /** Things worth knowing that change nothing (forced past a freeze, signed, …). */
  notes: string[];
  steps: PlanStep[];
}

export type PlanOutcome =
  | { kind: 'plan'; plan: Plan }
  /** Nothing to do (same digest, already up to date): exit 0, nothing written. */
  | { kind: 'nothing'; message: string }
  /** Not allowed now (frozen, paused, unchecked, dirty tree…), with the exit code. */
  | { kind: 'refused'; message: string; exitCode: 1 | 2 };

export const short = (digest: string | null | undefined): string => (digest ? digest.slice(0, 19) + '…' : 'nothing');
const shortCommit = (commit: string | null): string => (commit ? commit.slice(0, 12) : 'none');

function describeTarget(target: TargetSpec): string {
  return target.type === 'directory' ? `directory ${target.path}` : `http ${target.url}`;
}

export { describeTarget };

/** The plan for people (what --dry-run prints). */
export function describePlan(plan: Plan): string {
  const lines = [`plan: ${plan.command} ${plan.environment} — ${plan.summary}`];
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  plan.steps.forEach((step, index) => {
    const n = `  ${index + 1}.`;
    switch (step.kind) {
      case 'commit':
        lines.push(`${n} commit on ${step.branch} (parent ${shortCommit(step.parent)}): ${step.message.split('\n')[0]}`);
        for (const file of step.files) lines.push(`       write ${file.path} (${file.what}, ${Buffer.byteLength(file.content)} bytes)`);
        break;
      case 'push':
        lines.push(
          step.lease.kind === 'fast-forward'
            ? `${n} push ${step.branch} to ${step.remote} (fast-forward of ${shortCommit(step.lease.expect)})`
            : `${n} push ${step.branch} to ${step.remote}, only if it is still ${step.lease.expect === null ? 'absent' : `at ${shortCommit(step.lease.expect)}`} (lease)`,
        );
        break;
      case 'fast-forward':
        lines.push(`${n} move the checked-out ${step.branch} to that commit (work tree updated)`);
        break;
      case 'pull-request':
        lines.push(`${n} pull request ${step.head} → ${step.base}: "${step.title}" (labels ${step.labels.join(', ') || 'none'}; opened or updated on GitHub, else the body written to ${step.bodyFile})`);
        break;
      case 'deploy':
        lines.push(`${n} deploy ${short(step.digest)} (${step.bundleFile}) to ${step.targets.length} target(s), all or none:`);
        for (const target of step.targets) lines.push(`       ${describeTarget(target)}`);
        break;
      case 'check': {
        const limits = [step.limits.maxP99Ms === null ? null : `p99 ≤ ${step.limits.maxP99Ms} ms`, step.limits.minRps === null ? null : `≥ ${step.limits.minRps} req/s`].filter(Boolean).join(', ');
        const audience = step.audience.kind === 'file' ? step.audience.path : `a sample of ${step.audience.customers} (seed ${step.audience.seed})`;
        lines.push(`${n} replay ${step.members} member(s) per channel of ${audience} through ${step.targets.length} target(s), ${step.concurrency} at a time${limits ? `; limits ${limits}` : ''}:`);
        for (const target of step.targets) lines.push(`       ${describeTarget(target)}`);
        break;
      }
      case 'record':
        lines.push(`${n} record the ${step.draft.kind} on the offerops/records branch`);
        break;
    }
  });
  return lines.join('\n') + '\n';
}

/** The plan as JSON: file contents become their size, PR bodies stay (they are what a reviewer reads). */
export function planToJson(plan: Plan): unknown {
  return {
    ...plan,
    steps: plan.steps.map((step) => (step.kind === 'commit' ? { ...step, files: step.files.map((f) => ({ path: f.path, what: f.what, bytes: Buffer.byteLength(f.content) })) } : step)),
  };
}
