// `status` (docs/gitops.md#status): per environment, what is pinned and where from, what
// each target runs (drift: anything but the pin), the promotion or rollback waiting on
// its branch, freeze and pause, the last deployment and check. Pure: the targets'
// answers and the records come in, a report goes out; `--check` exits 1 on drift.
import type { Environment } from './environment.js';
import { describeFreeze, formatInstant, freezeAt, nextFreeze } from './freeze.js';
import { short } from './plan.js';
import { describeRecord, latestCheck, latestDeployment, sortRecords, type GitopsRecord } from './records.js';

export interface TargetReading {
  target: string;
  /** What it runs; null when it runs nothing. */
  digest: string | null;
  /** Why it could not be read (unreachable, unreadable). */
  error: string | null;
}

export interface PendingBranch {
  kind: 'promotion' | 'rollback';
  branch: string;
  digest: string | null;
}

export interface EnvironmentStatus {
  environment: string;
  pin: { digest: string; path: string; commit: string | null; ref: string | null } | null;
  promotedFrom: string | null;
  targets: (TargetReading & { drift: boolean })[];
  drift: boolean;
  unreachable: boolean;
  pending: PendingBranch[];
  frozen: { windows: string; until: string } | null;
  nextFreeze: { window: string; starts: string } | null;
  paused: { reason: string; since: string | null } | null;
  lastDeployment: { digest: string; at: string; ok: boolean } | null;
  lastCheck: { passed: boolean; at: string } | null;
}

export interface StatusInput {
  environment: Environment;
  readings: TargetReading[];
  pending: PendingBranch[];
  records: readonly GitopsRecord[];
  now: Date;
}

export function environmentStatus(input: StatusInput): EnvironmentStatus {
  const { environment, now } = input;
  const pin = environment.spec.bundle;
  const targets = input.readings.map((reading) => ({ ...reading, drift: reading.error !== null || reading.digest !== (pin?.digest ?? null) }));
  const frozen = freezeAt(environment.spec.freeze, now);
  const upcoming = frozen ? null : nextFreeze(environment.spec.freeze, now);
  const deployment = latestDeployment(input.records, environment.name);
  const check = pin ? latestCheck(input.records, environment.name, pin.digest) : null;
  return {
    environment: environment.name,
    pin: pin ? { digest: pin.digest, path: pin.path, commit: pin.source?.commit ?? null, ref: pin.source?.ref ?? null } : null,
    promotedFrom: environment.spec.promotion?.from ?? null,
    targets,
    drift: targets.some((t) => t.drift),
    unreachable: targets.some((t) => t.error !== null),
    pending: input.pending,
    frozen: frozen ? { windows: describeFreeze(frozen), until: frozen.until.toISOString() } : null,
    nextFreeze: upcoming ? { window: upcoming.label, starts: formatInstant(upcoming.start, upcoming.timezone) } : null,
    paused: environment.spec.paused ? { reason: environment.spec.paused.reason, since: environment.spec.paused.since ?? null } : null,
    lastDeployment: deployment ? { digest: deployment.digest, at: deployment.at, ok: deployment.ok } : null,
    lastCheck: check ? { passed: check.passed, at: check.at } : null,
  };
}

export function renderStatus(statuses: readonly EnvironmentStatus[]): string {
  const lines: string[] = [];
  for (const s of statuses) {
    lines.push(`${s.environment}${s.promotedFrom ? ` (promoted from ${s.promotedFrom})` : ''}`);
    lines.push(s.pin ? `  pinned    ${s.pin.digest}${s.pin.commit ? ` from ${s.pin.commit.slice(0, 12)}${s.pin.ref ? ` (${s.pin.ref})` : ''}` : ''}` : '  pinned    nothing yet');
    if (s.targets.length === 0) lines.push('  targets   none');
    for (const t of s.targets) {
      const state = t.error ? `UNREACHABLE: ${t.error}` : t.digest === null ? 'runs nothing' : `runs ${short(t.digest)}`;
      lines.push(`  target    ${t.target}: ${state}${t.drift && !t.error ? '  ← DRIFT' : ''}`);
    }
    for (const p of s.pending) lines.push(`  pending   ${p.kind} to ${short(p.digest)} on ${p.branch}`);
    if (s.frozen) lines.push(`  frozen    ${s.frozen.windows}`);
    else if (s.nextFreeze) lines.push(`  next freeze ${s.nextFreeze.window} from ${s.nextFreeze.starts}`);
    if (s.paused) lines.push(`  paused    ${s.paused.reason}${s.paused.since ? ` (since ${s.paused.since})` : ''}`);
    lines.push(`  deployed  ${s.lastDeployment ? `${short(s.lastDeployment.digest)} at ${s.lastDeployment.at}${s.lastDeployment.ok ? '' : ' (FAILED)'}` : 'no deployment recorded'}`);
    lines.push(`  checked   ${s.lastCheck ? `${s.lastCheck.passed ? 'passed' : 'FAILED'} at ${s.lastCheck.at}` : 'no check of the pinned digest recorded'}`);
  }
  return lines.join('\n') + '\n';
}

/** `status --history`: newest first, optionally one environment's. */
export function renderHistory(records: readonly GitopsRecord[], environment: string | null): string {
  const chosen = sortRecords(records)
    .filter((r) => environment === null || r.environment === environment)
    .reverse();
  if (chosen.length === 0) return `no records${environment ? ` for ${environment}` : ''} yet\n`;
  return chosen.map((r) => `${r.at}  ${describeRecord(r)}  (${r.actor})`).join('\n') + '\n';
}
