// Bundle signatures (docs/gitops.md#signing), as a unit: key ids, the three private key
// forms, what exactly is signed, and every reason a check refuses. The expected key ids
// come from the RFC 8032 test vector and from the key's JWK, not from the code under test.
import { createSecretKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { checkSignature, parsePrivateKey, parsePublicKey, publicKeyId, SIGNATURE_CONTEXT, signBundle, signDigest, SigningKeyError } from '../../src/bundle/signature.js';
import type { Bundle, BundleBody } from '../../src/bundle/types.js';

// RFC 8032 section 7.1, TEST 1: the seed and the public key it gives.
const RFC_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
const RFC_KEY_ID = 'ed25519:' + RFC_PUBLIC.toString('base64');

/** The id a key should have, from its JWK (base64url of the raw public key). */
function jwkId(key: ReturnType<typeof generateKeyPairSync>['publicKey']): string {
  const x = key.export({ format: 'jwk' }).x!;
  return 'ed25519:' + Buffer.from(x, 'base64url').toString('base64');
}

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const body = { apiVersion: 'offerops/v1', channels: [], offers: [], offerLists: [], segments: [], strategies: [], rules: [], policies: [], indexes: { rulesByChannelZone: {}, zoneByInteractionPoint: {} } } as unknown as BundleBody;
const bundle: Bundle = createBundle(body);

describe('parsePublicKey', () => {
  it('reads ed25519:BASE64 of 32 bytes, ignoring white space around it', () => {
    const key = parsePublicKey(`  ${RFC_KEY_ID}\n`);
    expect(key.type).toBe('public');
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url')).toEqual(RFC_PUBLIC);
  });

  it.each([
    ['no prefix', RFC_PUBLIC.toString('base64')],
    ['another algorithm', 'rsa:' + RFC_PUBLIC.toString('base64')],
    ['31 bytes', 'ed25519:' + RFC_PUBLIC.subarray(1).toString('base64')],
    ['33 bytes', 'ed25519:' + Buffer.concat([RFC_PUBLIC, Buffer.from([0])]).toString('base64')],
    ['text before', 'x' + RFC_KEY_ID],
    ['text after', RFC_KEY_ID + 'x'],
    ['a character outside base64', RFC_KEY_ID.replace(/^ed25519:./, 'ed25519:-')],
    ['no padding', RFC_KEY_ID.slice(0, -1) + 'A'],
    ['white space inside', RFC_KEY_ID.replace(':', ': ')],
  ])('refuses %s, quoting what it got', (_what, keyId) => {
    const error = thrown(() => parsePublicKey(keyId));
    expect(error).toBeInstanceOf(SigningKeyError);
    expect(error.name).toBe('SigningKeyError');
    expect(error.message).toBe(`a public key is "ed25519:" followed by the base64 of 32 bytes, got '${keyId}'`);
  });

  it('quotes a key id of up to 60 characters whole and shortens a longer one to 57 and an ellipsis', () => {
    const sixty = 'ed25519:' + 'A'.repeat(52);
    const sixtyOne = sixty + 'B';
    expect(thrown(() => parsePublicKey(sixty.slice(0, 59))).message).toMatch(new RegExp(`got '${sixty.slice(0, 59)}'$`));
    expect(thrown(() => parsePublicKey(sixty)).message).toMatch(new RegExp(`got '${sixty}'$`));
    expect(thrown(() => parsePublicKey(sixtyOne)).message).toMatch(new RegExp(`got '${sixtyOne.slice(0, 57)}\\.\\.\\.'$`));
  });
});

describe('publicKeyId', () => {
  it('names a key by its raw 32 public bytes, the same from the private and the public half', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(publicKeyId(publicKey)).toBe(jwkId(publicKey));
    expect(publicKeyId(privateKey)).toBe(jwkId(publicKey));
  });

  it('gives the RFC 8032 public key for its seed', () => {
    expect(publicKeyId(parsePrivateKey(`ed25519-seed:${RFC_SEED.toString('base64')}`))).toBe(RFC_KEY_ID);
  });

  it('refuses a key of another type, naming it', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of [ec.privateKey, ec.publicKey]) {
      const error = thrown(() => publicKeyId(key));
      expect(error).toBeInstanceOf(SigningKeyError);
      expect(error.message).toBe('the key is ec, not ed25519');
    }
    expect(() => publicKeyId(generateKeyPairSync('x25519').publicKey)).toThrow(new SigningKeyError('the key is x25519, not ed25519'));
    expect(() => publicKeyId(createSecretKey(Buffer.alloc(32)))).toThrow(new SigningKeyError('the key is not asymmetric, not ed25519'));
  });
});

describe('parsePrivateKey', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const expectedId = jwkId(publicKey);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });

  it.each([
    ['a PEM block', pem],
    ['a PEM block with blank lines around it', `\n\n${pem}\n  `],
    ['the base64 of its DER', der.toString('base64')],
    ['the base64 of its DER with white space around it', ` ${der.toString('base64')}\n`],
    ['ed25519-seed: and the base64 of the seed', `ed25519-seed:${der.subarray(16).toString('base64')}`],
    ['a seed with white space around it', `\t ed25519-seed:${der.subarray(16).toString('base64')}\n`],
  ])('reads %s', (_what, text) => {
    const key = parsePrivateKey(text);
    expect(key.type).toBe('private');
    expect(publicKeyId(key)).toBe(expectedId);
  });

  it('takes a seed of exactly 32 bytes', () => {
    const seed = (n: number) => `ed25519-seed:${Buffer.alloc(n, 7).toString('base64')}`;
    for (const n of [31, 33, 0]) {
      const error = thrown(() => parsePrivateKey(seed(n)));
      expect(error).toBeInstanceOf(SigningKeyError);
      expect(error.message).toBe('an ed25519 seed has 32 bytes');
    }
    expect(publicKeyId(parsePrivateKey(`ed25519-seed:${RFC_SEED.toString('base64')}`))).toBe(RFC_KEY_ID);
  });

  const neither = 'the signing key is neither a PEM private key, the base64 of its DER, nor ed25519-seed:<base64>';
  it.each([
    ['a word', 'hello', neither],
    ['empty text', '', neither],
    ['a public key PEM', publicKey.export({ format: 'pem', type: 'spki' }).toString(), neither],
    ['a broken PEM block', pem.replace(/\n[A-Za-z0-9+/]{10}/, '\n'), neither],
    ['base64 that is not a DER key', Buffer.from('not a key at all').toString('base64'), neither],
    ['a PEM block that does not start the text', `key: ${pem}`, neither],
    ['a seed prefix with nothing after it', 'ed25519-seed:', 'an ed25519 seed has 32 bytes'],
  ])('refuses %s, saying why', (_what, text, message) => {
    const error = thrown(() => parsePrivateKey(text));
    expect(error).toBeInstanceOf(SigningKeyError);
    expect(error.message).toBe(message);
  });

  it('refuses text that is not a key with the list of forms it reads', () => {
    expect(() => parsePrivateKey('hello')).toThrow(new SigningKeyError('the signing key is neither a PEM private key, the base64 of its DER, nor ed25519-seed:<base64>'));
  });

  it('refuses a private key of another type, naming it, in every form', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const x25519 = generateKeyPairSync('x25519').privateKey;
    expect(() => parsePrivateKey(rsa.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(new SigningKeyError('the signing key is rsa, not ed25519'));
    expect(() => parsePrivateKey(x25519.export({ format: 'der', type: 'pkcs8' }).toString('base64'))).toThrow(new SigningKeyError('the signing key is x25519, not ed25519'));
  });
});

describe('signDigest and signBundle', () => {
  const key = parsePrivateKey(`ed25519-seed:${RFC_SEED.toString('base64')}`);

  it('signs the context line followed by the digest, and names the signing key', () => {
    const signature = signDigest(bundle.digest, key);
    expect(signature.keyId).toBe(RFC_KEY_ID);
    const value = Buffer.from(signature.value, 'base64');
    expect(value).toHaveLength(64);
    expect(signature.value).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const publicKey = parsePublicKey(RFC_KEY_ID);
    expect(SIGNATURE_CONTEXT).toBe('offerops-bundle-signature-v1\n');
    expect(verify(null, Buffer.from(`offerops-bundle-signature-v1\n${bundle.digest}`, 'utf8'), publicKey, value)).toBe(true);
    expect(verify(null, Buffer.from(bundle.digest, 'utf8'), publicKey, value)).toBe(false);
  });

  it('gives the same bytes for the same key and digest, and other bytes for another digest', () => {
    expect(signDigest(bundle.digest, key)).toEqual(signDigest(bundle.digest, key));
    expect(signDigest(bundle.digest.replace(/.$/, (c) => (c === '0' ? '1' : '0')), key).value).not.toBe(signDigest(bundle.digest, key).value);
  });

  it('signs a bundle without changing its digest or body, replacing an earlier signature', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const once = signBundle(bundle, other);
    const twice = signBundle(once, key);
    expect(twice.digest).toBe(bundle.digest);
    expect(twice.body).toBe(bundle.body);
    expect(twice.formatVersion).toBe(bundle.formatVersion);
    expect(twice.signature).toEqual(signDigest(bundle.digest, key));
    expect(bundle.signature).toBeUndefined();
    expect(once.signature!.keyId).toBe(publicKeyId(other));
  });
});

describe('checkSignature', () => {
  const key = parsePrivateKey(`ed25519-seed:${RFC_SEED.toString('base64')}`);
  const signed = signBundle(bundle, key);

  it('accepts the trusted key’s signature of this digest', () => {
    expect(checkSignature(signed, RFC_KEY_ID)).toEqual({ ok: true, keyId: RFC_KEY_ID });
  });

  it('refuses a bundle without a signature', () => {
    expect(checkSignature(bundle, RFC_KEY_ID)).toEqual({ ok: false, reason: 'the bundle is not signed' });
  });

  it('refuses a signature by another key, naming both', () => {
    const other = publicKeyId(generateKeyPairSync('ed25519').publicKey);
    expect(checkSignature(signed, other)).toEqual({ ok: false, reason: `the bundle is signed by ${RFC_KEY_ID}, not by the trusted key ${other}` });
  });

  it('refuses a signature made for another digest, or altered', () => {
    const otherBody = { ...body, channels: [{ name: 'web' }] } as unknown as BundleBody;
    const moved: Bundle = { ...createBundle(otherBody), signature: signed.signature! };
    expect(checkSignature(moved, RFC_KEY_ID)).toEqual({
      ok: false,
      reason: `the signature does not match the digest ${moved.digest} (signed for another bundle, or altered)`,
    });
    const bytes = Buffer.from(signed.signature!.value, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    const altered: Bundle = { ...signed, signature: { keyId: RFC_KEY_ID, value: bytes.toString('base64') } };
    expect(checkSignature(altered, RFC_KEY_ID)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match the digest') });
  });

  it('refuses, without throwing, a signature whose trusted key id cannot be read', () => {
    const bogus: Bundle = { ...signed, signature: { keyId: 'ed25519:bogus', value: signed.signature!.value } };
    expect(checkSignature(bogus, 'ed25519:bogus')).toEqual({
      ok: false,
      reason: `the signature does not match the digest ${bundle.digest} (signed for another bundle, or altered)`,
    });
  });
});
