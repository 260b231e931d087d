// Bundle signatures (docs/gitops.md#signing): an optional ed25519 signature of the
// bundle's digest, kept in the bundle file beside the digest (outside the body, so
// signing never changes the digest). Because the signature travels inside the file, a
// promotion copies it byte for byte, a directory target receives it in the same atomic
// rename as the bundle, and PUT /admin/bundle carries it without another channel.
//
// What is signed: SIGNATURE_CONTEXT + the digest string. The digest already covers the
// body (sha256 of its canonical JSON, checked by parseBundle), and the context string
// keeps a signature made for a bundle from meaning anything elsewhere. Ed25519 (RFC 8032)
// signatures are deterministic: the same key signing the same digest gives the same bytes.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Bundle, BundleSignature } from './types.js';

export const SIGNATURE_CONTEXT = 'offerops-bundle-signature-v1\n';

/** DER prefixes of an Ed25519 SubjectPublicKeyInfo and a PKCS#8 private key (RFC 8410). */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/** `ed25519:<base64 of the 32-byte key>` → a public key. */
export function parsePublicKey(keyId: string): KeyObject {
  const match = /^ed25519:([A-Za-z0-9+/]{43}=)$/.exec(keyId.trim());
  if (!match) throw new SigningKeyError(`a public key is "ed25519:" followed by the base64 of 32 bytes, got '${keyId.length > 60 ? keyId.slice(0, 57) + '...' : keyId}'`);
  // 43 base64 digits and one '=' are always 32 bytes.
  const raw = Buffer.from(match[1]!, 'base64');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The `ed25519:<base64>` id of a public (or private) key. */
export function publicKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`the key is ${publicKey.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return 'ed25519:' + der.subarray(SPKI_PREFIX.length).toString('base64');
}

/**
 * A private key from the text an environment variable holds: a PEM block (what
 * `openssl genpkey -algorithm ed25519` writes), or the base64 of its DER (one line, as
 * CI secrets prefer), or `ed25519-seed:` + the base64 of the 32-byte seed.
 */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) key = createPrivateKey({ key: trimmed, format: 'pem' });
    else if (trimmed.startsWith('ed25519-seed:')) {
      const seed = Buffer.from(trimmed.slice('ed25519-seed:'.length), 'base64');
      if (seed.length !== 32) throw new SigningKeyError('an ed25519 seed has 32 bytes');
      key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    } else key = createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    throw new SigningKeyError('the signing key is neither a PEM private key, the base64 of its DER, nor ed25519-seed:<base64>');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SigningKeyError(`the signing key is ${key.asymmetricKeyType ?? 'unknown'}, not ed25519`);
  return key;
}

export function signDigest(digest: string, privateKey: KeyObject): BundleSignature {
  const value = sign(null, Buffer.from(SIGNATURE_CONTEXT + digest, 'utf8'), privateKey).toString('base64');
  return { keyId: publicKeyId(privateKey), value };
}

/** The same bundle, signed (any earlier signature replaced). */
export function signBundle(bundle: Bundle, privateKey: KeyObject): Bundle {
  return { ...bundle, signature: signDigest(bundle.digest, privateKey) };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/**
 * Whether `bundle` carries a valid signature by `trustedKeyId`. The digest itself is
 * parseBundle's to check; this only asks whether the trusted key signed it.
 */
export function checkSignature(bundle: Bundle, trustedKeyId: string): SignatureCheck {
  const signature = bundle.signature;
  if (!signature) return { ok: false, reason: 'the bundle is not signed' };
  if (signature.keyId !== trustedKeyId) return { ok: false, reason: `the bundle is signed by ${signature.keyId}, not by the trusted key ${trustedKeyId}` };
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(SIGNATURE_CONTEXT + bundle.digest, 'utf8'), parsePublicKey(trustedKeyId), Buffer.from(signature.value, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? { ok: true, keyId: trustedKeyId } : { ok: false, reason: `the signature does not match the digest ${bundle.digest} (signed for another bundle, or altered)` };
}
