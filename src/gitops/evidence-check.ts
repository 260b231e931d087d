// Whether the evidence of a promotion or rollback pull request is still about what the
// environment pins (docs/github.md#stale-evidence): the body's hidden markers name the
// digests the evidence was computed on, and a pin that moved since — a new push to the
// branch, another change merged into the base — makes the evidence stale, refused the
// way a stale saved plan is. Pure: the caller reads the body and the environment.
import { parseEvidenceMarker, type EvidenceMarker } from '../diff/index.js';
import { verifiedPinnedBundle } from './deploy.js';
import type { Environment } from './environment.js';
import { short } from './plan.js';

/** What a body says its evidence is about. */
export interface EvidenceClaim {
  /** The environment the promotion or rollback pins, when a promotion/rollback marker names it. */
  environment: string | null;
  kind: 'promotion' | 'rollback' | null;
  /** The bundle the change replaces (null: the environment had none). */
  base: string | null;
  /** The bundle the change pins. */
  head: string;
  /** The simulation evidence marker, when the diff was computed. */
  evidence: EvidenceMarker | null;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const KIND_MARKER = /<!-- offerops:(promotion|rollback) (\{[^\n]{0,1024}?\}) -->/g;

/** The promotion or rollback marker promotion-body.ts writes, checked; null when there is none. */
function parseKindMarker(text: string): { marker: { kind: 'promotion' | 'rollback'; environment: string; base: string | null; head: string } | null } | { error: string } {
  const found = [...text.matchAll(KIND_MARKER)];
  if (found.length === 0) return { marker: null };
  if (found.length > 1) return { error: 'more than one offerops:promotion/rollback marker: the body is ambiguous' };
  const [, kind, json] = found[0]!;
  let value: unknown;
  try {
    value = JSON.parse(json!);
  } catch (error) {
    return { error: `the offerops:${kind} marker is not valid JSON (${(error as Error).message})` };
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const environment = record['environment'];
  const base = record['base'];
  const head = record['head'];
  if (typeof environment !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(environment)) return { error: `the offerops:${kind} marker's environment must be an environment name` };
  if (typeof head !== 'string' || !DIGEST.test(head)) return { error: `the offerops:${kind} marker's head must be sha256: followed by 64 lowercase hex digits` };
  if (base !== null && (typeof base !== 'string' || !DIGEST.test(base))) return { error: `the offerops:${kind} marker's base must be a digest or null` };
  return { marker: { kind: kind as 'promotion' | 'rollback', environment, base, head } };
}

/**
 * The claim a body makes: its offerops:evidence marker (the simulation diff), its
 * offerops:promotion or offerops:rollback marker (always written, also when no diff could
 * be computed), or both — which must then agree.
 */
export function parseEvidenceClaim(text: string): { claim: EvidenceClaim } | { error: string } {
  const kind = parseKindMarker(text);
  if ('error' in kind) return kind;
  const hasEvidence = text.includes('<!-- offerops:evidence ');
  const evidence = hasEvidence ? parseEvidenceMarker(text) : null;
  if (evidence && 'error' in evidence) return { error: evidence.error };
  const marker = evidence?.marker ?? null;
  const pr = kind.marker;
  if (!pr && !marker) return { error: 'no offerops:evidence marker found (nor an offerops:promotion or offerops:rollback one): this is not evidence offerops wrote' };
  if (pr && marker && (pr.head !== marker.head || (pr.base !== null && pr.base !== marker.base))) {
    return { error: `the markers disagree: the offerops:${pr.kind} marker names ${short(pr.head)} over ${pr.base ? short(pr.base) : 'nothing'}, the offerops:evidence marker ${short(marker.head)} over ${short(marker.base)}` };
  }
  return {
    claim: {
      environment: pr?.environment ?? null,
      kind: pr?.kind ?? null,
      base: marker?.base ?? pr?.base ?? null,
      head: marker?.head ?? pr!.head,
      evidence: marker,
    },
  };
}

export interface EvidenceCheckInput {
  claim: EvidenceClaim;
  environment: Environment;
  /** What `environment` was read at, for messages ("HEAD", "a1b2c3d4e5f6"). */
  at: string;
  /** The pinned bundle file's text at that commit (null when absent). */
  pinnedText: string | null;
  /**
   * What the change replaces now: the environment's pin on the branch it merges into
   * (null digest: it pins nothing there). Absent when that is not known.
   */
  current?: { where: string; digest: string | null } | undefined;
}

export interface EvidenceCheck {
  ok: boolean;
  environment: string;
  /** Why the evidence is refused; empty when it is current. */
  findings: string[];
  /** What was compared, and what could not be. */
  notes: string[];
}

/** Checks the claim against what the environment pins; every reason is listed, not the first one only. */
export function checkEvidence(input: EvidenceCheckInput): EvidenceCheck {
  const { claim, environment } = input;
  const findings: string[] = [];
  const notes: string[] = [];
  const pin = environment.spec.bundle;
  const refresh = claim.kind === 'rollback' ? `offerops rollback --env ${environment.name}` : claim.kind === 'promotion' ? `offerops promote --to ${environment.name}` : 'the command that made it';
  if (claim.environment !== null && claim.environment !== environment.name) {
    findings.push(`the evidence is about ${claim.environment}, not ${environment.name}`);
  }
  if (!pin) {
    findings.push(`${environment.name} pins no bundle at ${input.at}, but the evidence was computed for ${short(claim.head)}`);
  } else if (pin.digest !== claim.head) {
    findings.push(`stale evidence: it was computed for ${short(claim.head)}, but ${environment.name} pins ${short(pin.digest)} at ${input.at} (the pin changed after the evidence was made): run ${refresh} again to refresh it`);
  } else {
    const pinned = verifiedPinnedBundle(environment, input.pinnedText);
    if (!pinned.ok) findings.push(`the pinned bundle does not match the evidence: ${pinned.message}`);
    else notes.push(`${environment.name} pins ${short(pin.digest)} at ${input.at}, the bundle the evidence was computed for`);
  }
  if (input.current === undefined) {
    notes.push(`what ${environment.name} runs before the change was not compared (no base branch to read it from)`);
  } else if (input.current.digest !== claim.base) {
    const was = claim.base ? short(claim.base) : 'no bundle';
    const now = input.current.digest ? short(input.current.digest) : 'no bundle';
    findings.push(`stale evidence: it compares against ${was}, but ${environment.name} pins ${now} on ${input.current.where} now (another change was merged there since): run ${refresh} again to refresh it`);
  } else {
    notes.push(`the evidence compares against ${claim.base ? short(claim.base) : 'no bundle'}, what ${environment.name} pins on ${input.current.where}`);
  }
  if (claim.evidence === null) notes.push('the body has no simulation diff (offerops:evidence marker): only the digests were checked');
  return { ok: findings.length === 0, environment: environment.name, findings, notes };
}
