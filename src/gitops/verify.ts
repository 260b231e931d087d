// `verify [--fresh]` (docs/gitops.md#verify): every environment file valid, every pin
// naming a file that holds that digest, signatures valid (required ones present), and
// with --fresh, each released environment's bundle equal to a fresh compile of config/.
import type { Environment } from './environment.js';
import { verifiedPinnedBundle } from './deploy.js';

export interface VerifyFinding {
  environment: string;
  ok: boolean;
  message: string;
}

export function verifyPin(environment: Environment, pinnedText: string | null): VerifyFinding {
  if (!environment.spec.bundle) return { environment: environment.name, ok: true, message: 'no pin yet' };
  const pinned = verifiedPinnedBundle(environment, pinnedText);
  if (!pinned.ok) return { environment: environment.name, ok: false, message: pinned.message };
  const signature = pinned.bundle.signature ? `, signed by ${pinned.bundle.signature.keyId}${environment.spec.signing?.publicKey === pinned.bundle.signature.keyId ? ' (trusted)' : ''}` : '';
  return { environment: environment.name, ok: true, message: `${environment.spec.bundle.path} holds ${pinned.bundle.digest}${signature}` };
}

/** --fresh: a released environment's pin against the config compiled now (null digest: the config has errors). */
export function verifyFresh(environment: Environment, freshDigest: string | null): VerifyFinding {
  const pinned = environment.spec.bundle?.digest ?? null;
  if (freshDigest === null) return { environment: environment.name, ok: false, message: 'config/ has errors: no fresh bundle to compare with' };
  if (pinned === freshDigest) return { environment: environment.name, ok: true, message: `equals a fresh compile of config/ (${freshDigest})` };
  return { environment: environment.name, ok: false, message: `pins ${pinned ?? 'nothing'}, but config/ compiles to ${freshDigest} now: release it (offerops release --env ${environment.name})` };
}
