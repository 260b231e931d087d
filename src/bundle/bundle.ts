// Bundle files (SPEC §4): create, serialise, read and verify. A bundle whose digest does
// not match its body, or whose format is unknown, is refused with a clear error.
import { canonicalJson, sha256Digest } from './canonical.js';
import { BUNDLE_FORMAT_VERSION, type Bundle, type BundleBody } from './types.js';

export class BundleError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'BundleError';
  }
}

export function digestOf(body: BundleBody): string {
  return sha256Digest(canonicalJson(body));
}

export function createBundle(body: BundleBody): Bundle {
  return { formatVersion: BUNDLE_FORMAT_VERSION, digest: digestOf(body), body };
}

/** The bytes written to disk: canonical key order, two-space indent, final newline. */
export function formatBundle(bundle: Bundle): string {
  return JSON.stringify(JSON.parse(canonicalJson(bundle)), null, 2) + '\n';
}

const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/**
 * Parses and verifies a bundle file's text. `source` names it in errors (a path, or
 * "request body"). Checks: JSON, envelope shape, known format, digest = sha256(body).
 */
export function parseBundle(text: string, source: string): Bundle {
  if (text.length > MAX_BUNDLE_BYTES) throw new BundleError(`bundle is larger than ${MAX_BUNDLE_BYTES} bytes`, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`not valid JSON (${(error as Error).message})`, source);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BundleError('a bundle is a JSON object with formatVersion, digest and body', source);
  const candidate = value as Record<string, unknown>;
  if (candidate['formatVersion'] !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      `unknown bundle formatVersion ${JSON.stringify(candidate['formatVersion'])}; this offerops reads formatVersion ${BUNDLE_FORMAT_VERSION}`,
      source,
    );
  }
  const digest = candidate['digest'];
  if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new BundleError('digest must be "sha256:" followed by 64 lowercase hex digits', source);
  const body = candidate['body'];
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BundleError('body must be an object', source);
  const actual = sha256Digest(canonicalJson(body));
  if (actual !== digest) throw new BundleError(`digest mismatch: the file says ${digest} but its body hashes to ${actual} (the bundle was modified or corrupted)`, source);
  const signatureProblem = checkSignatureShape(candidate['signature']);
  if (signatureProblem) throw new BundleError(signatureProblem, source);
  const shapeProblem = checkBodyShape(body as Record<string, unknown>);
  if (shapeProblem) throw new BundleError(shapeProblem, source);
  return value as Bundle;
}

// Only the shape: whether the signature is valid, and by a trusted key, is
// src/bundle/signature.ts's question, asked where an environment requires it.
function checkSignatureShape(signature: unknown): string | null {
  if (signature === undefined) return null;
  if (!signature || typeof signature !== 'object' || Array.isArray(signature)) return 'signature must be an object with keyId and value';
  const { keyId, value } = signature as Record<string, unknown>;
  if (typeof keyId !== 'string' || !/^ed25519:[A-Za-z0-9+/]{43}=$/.test(keyId)) return 'signature.keyId must be "ed25519:" followed by the base64 of a 32-byte public key';
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(value)) return 'signature.value must be the base64 of a 64-byte ed25519 signature';
  return null;
}

const bodyArrays = ['channels', 'offers', 'offerLists', 'segments', 'strategies', 'rules', 'policies'] as const;

// The digest proves the body is what a compiler wrote; this guards against a
// hand-made body with a valid digest that is not a bundle at all.
function checkBodyShape(body: Record<string, unknown>): string | null {
  if (body['apiVersion'] !== 'offerops/v1') return `body.apiVersion must be "offerops/v1", got ${JSON.stringify(body['apiVersion'])}`;
  for (const key of bodyArrays) if (!Array.isArray(body[key])) return `body.${key} must be an array`;
  const indexes = body['indexes'] as Record<string, unknown> | undefined;
  if (!indexes || typeof indexes !== 'object' || typeof indexes['rulesByChannelZone'] !== 'object' || typeof indexes['zoneByInteractionPoint'] !== 'object') {
    return 'body.indexes must hold rulesByChannelZone and zoneByInteractionPoint';
  }
  return null;
}
