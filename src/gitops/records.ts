// Records (docs/gitops.md#records): every release, promotion, deployment, check and
// rollback leaves a record that `status --history` lists and promote reads (staging's
// check of the candidate, how long staging has run it). Records live in git, on the
// branch `offerops/records`: one JSON file per record, one commit per record, so they
// travel with `git clone` and `git fetch` (a branch does, notes and custom refs do not),
// need no work tree, and two writers racing only ever add different files.
//
// This module is the pure part: the record types, their file names, and the questions
// asked of them. Reading and appending them is src/gitops/scm/local.ts's.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../bundle/index.js';

export const RECORDS_BRANCH = 'offerops/records';
export const RECORDS_DIR = 'records';

export type RecordKind = 'release' | 'promotion' | 'deployment' | 'check' | 'rollback';

interface RecordBase {
  kind: RecordKind;
  environment: string;
  /** The digest released, promoted, deployed, checked or rolled back to. */
  digest: string;
  /** ISO instant. */
  at: string;
  /** Who ran it: GITHUB_ACTOR in CI, else git's user.name <user.email>. */
  actor: string;
}

export interface ReleaseRecord extends RecordBase {
  kind: 'release';
  previousDigest: string | null;
  source: { commit: string; ref: string };
  /** The commit that wrote the pin. */
  commit: string;
  signed: boolean;
}

export interface PromotionRecord extends RecordBase {
  kind: 'promotion';
  from: string;
  previousDigest: string | null;
  branch: string;
  commit: string;
  forced: { reason: string } | null;
  /** Where the pull request is: its URL, or the file its body was written to. */
  pullRequest: string | null;
}

export interface TargetOutcome {
  target: string;
  ok: boolean;
  /** What the target ran before. */
  previousDigest: string | null;
  message?: string;
}

export interface DeploymentRecord extends RecordBase {
  kind: 'deployment';
  ok: boolean;
  /** The commit checked out when deploying (whose pin was deployed). */
  commit: string;
  targets: TargetOutcome[];
  message?: string;
}

export interface TargetCheck {
  target: string;
  /** False when the target could not be reached or ran another bundle. */
  reached: boolean;
  members: number;
  decisions: number;
  mismatches: number;
  p50Ms: number | null;
  p99Ms: number | null;
  rps: number | null;
  passed: boolean;
  problems: string[];
}

export interface CheckRecord extends RecordBase {
  kind: 'check';
  passed: boolean;
  /** Decision day (UTC) the replay used. */
  day: string;
  limits: { maxP99Ms: number | null; minRps: number | null };
  targets: TargetCheck[];
}

export interface RollbackRecord extends RecordBase {
  kind: 'rollback';
  fromDigest: string | null;
  reason: string;
  branch: string;
  commit: string;
  /** The commit the earlier bundle was recovered from. */
  recoveredFrom: string;
  pullRequest: string | null;
}

export type GitopsRecord = ReleaseRecord | PromotionRecord | DeploymentRecord | CheckRecord | RollbackRecord;

/** records/<env>/<instant>-<kind>-<digest prefix>-<content hash>.json: sortable, unique, readable. */
export function recordPath(record: GitopsRecord): string {
  const instant = record.at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const hash = createHash('sha256').update(canonicalJson(record)).digest('hex').slice(0, 10);
  return `${RECORDS_DIR}/${record.environment}/${instant}-${record.kind}-${record.digest.slice(7, 19)}-${hash}.json`;
}

export function formatRecord(record: GitopsRecord): string {
  return JSON.stringify(JSON.parse(canonicalJson(record)), null, 2) + '\n';
}

/** A record file's content, or null when it is not one (a stray file is skipped, not fatal). */
export function parseRecord(text: string): GitopsRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const record = value as Partial<GitopsRecord>;
  const kinds: RecordKind[] = ['release', 'promotion', 'deployment', 'check', 'rollback'];
  if (!kinds.includes(record.kind as RecordKind) || typeof record.environment !== 'string' || typeof record.digest !== 'string' || typeof record.at !== 'string') return null;
  return record as GitopsRecord;
}

/** Oldest first. */
export function sortRecords(records: readonly GitopsRecord[]): GitopsRecord[] {
  return [...records].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** The newest check of `digest` in `environment`, passing or not. */
export function latestCheck(records: readonly GitopsRecord[], environment: string, digest: string): CheckRecord | null {
  const checks = sortRecords(records).filter((r): r is CheckRecord => r.kind === 'check' && r.environment === environment && r.digest === digest);
  return checks[checks.length - 1] ?? null;
}

/** The newest deployment to `environment`, successful or not. */
export function latestDeployment(records: readonly GitopsRecord[], environment: string): DeploymentRecord | null {
  const deployments = sortRecords(records).filter((r): r is DeploymentRecord => r.kind === 'deployment' && r.environment === environment);
  return deployments[deployments.length - 1] ?? null;
}

/**
 * Since when `environment` has run `digest` without interruption: the first of the
 * newest run of successful deployments of it (re-deploying the same digest does not
 * restart the clock); null when its newest successful deployment is another digest.
 */
export function runningSince(records: readonly GitopsRecord[], environment: string, digest: string): Date | null {
  const deployments = sortRecords(records).filter((r): r is DeploymentRecord => r.kind === 'deployment' && r.environment === environment && r.ok);
  let since: string | null = null;
  for (let i = deployments.length - 1; i >= 0 && deployments[i]!.digest === digest; i--) since = deployments[i]!.at;
  return since === null ? null : new Date(since);
}

/** One line for `status --history`. */
export function describeRecord(record: GitopsRecord): string {
  const short = (digest: string | null): string => (digest === null ? 'nothing' : digest.slice(0, 19));
  switch (record.kind) {
    case 'release':
      return `release     ${record.environment}: ${short(record.digest)} from ${record.source.commit.slice(0, 12)} (${record.source.ref})${record.signed ? ', signed' : ''}`;
    case 'promotion':
      return `promotion   ${record.from} → ${record.environment}: ${short(record.previousDigest)} → ${short(record.digest)} on ${record.branch}${record.forced ? ` (forced: ${record.forced.reason})` : ''}`;
    case 'deployment':
      return `deployment  ${record.environment}: ${short(record.digest)} to ${record.targets.length} target(s), ${record.ok ? 'ok' : `failed: ${record.message ?? 'see the targets'}`}`;
    case 'check':
      return `check       ${record.environment}: ${short(record.digest)} ${record.passed ? 'passed' : 'FAILED'} (${record.targets.map((t) => `${t.target}: ${t.decisions} decisions, ${t.mismatches} mismatches, p99 ${t.p99Ms ?? '-'} ms, ${t.rps ?? '-'} req/s`).join('; ')})`;
    case 'rollback':
      return `rollback    ${record.environment}: ${short(record.fromDigest)} → ${short(record.digest)} on ${record.branch} (${record.reason})`;
  }
}
