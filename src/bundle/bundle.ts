// Bundle files (docs/bundle-format.md): create, serialise, read and verify. A bundle whose digest does
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
  // Bytes as UTF-8, as the file holds them: a string's length counts UTF-16 code units,
  // at most a third of the bytes of the same text, so only a long text is measured.
  if (text.length > MAX_BUNDLE_BYTES || (text.length > MAX_BUNDLE_BYTES / 3 && Buffer.byteLength(text, 'utf8') > MAX_BUNDLE_BYTES)) throw new BundleError(`bundle is larger than ${MAX_BUNDLE_BYTES} bytes`, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`not valid JSON (${(error as Error).message})`, source);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BundleError('a bundle is a JSON object with formatVersion, digest and body', source);
  // Before anything recursive (the digest's canonical JSON) walks it: thousands of nested
  // arrays would exhaust the stack, where V8 may abort the process outright.
  if (nestingDepth(value, MAX_BUNDLE_DEPTH) > MAX_BUNDLE_DEPTH) throw new BundleError(`values are nested more than ${MAX_BUNDLE_DEPTH} levels deep; a compiled bundle never is`, source);
  const candidate = value as Record<string, unknown>;
  if (!('formatVersion' in candidate)) {
    const keys = Object.keys(candidate);
    throw new BundleError(
      `not a bundle: it has no formatVersion (a bundle is {formatVersion, digest, body}, as offerops compile writes it; this JSON has ${keys.length === 0 ? 'no keys' : `keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`})`,
      source,
    );
  }
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

/** Far above any compiled bundle (about 10 levels), far below what exhausts the stack. */
export const MAX_BUNDLE_DEPTH = 100;

/** The nesting depth of a JSON value (a scalar is 0), measured with an explicit stack; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (here > limit) return here;
    for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) stack.push([child, here]);
  }
  return deepest;
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
