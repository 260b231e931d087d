// Bundle signatures: ed25519 over the digest, kept beside it in the file.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBundle, formatBundle, parseBundle } from '../../src/bundle/bundle.js';
import { checkSignature, parsePrivateKey, parsePublicKey, publicKeyId, signBundle, SigningKeyError } from '../../src/bundle/signature.js';
import { fixtureBundle } from '../server/harness.js';
import { newKey } from './keys.js';

describe('bundle signatures', () => {
  it('sign the digest without changing it, deterministically, and survive the file', async () => {
    const bundle = await fixtureBundle();
    const key = newKey();
    const signed = signBundle(bundle, key.privateKey);
    expect(signed.digest).toBe(bundle.digest);
    expect(signBundle(bundle, key.privateKey).signature).toEqual(signed.signature);
    const reread = parseBundle(formatBundle(signed), 'signed.json');
    expect(checkSignature(reread, key.keyId)).toEqual({ ok: true, keyId: key.keyId });
  });

  it('are refused when missing, by another key, or moved to another bundle', async () => {
    const bundle = await fixtureBundle();
    const key = newKey();
    const other = newKey();
    expect(checkSignature(bundle, key.keyId)).toEqual({ ok: false, reason: 'the bundle is not signed' });
    expect(checkSignature(signBundle(bundle, other.privateKey), key.keyId)).toMatchObject({ ok: false, reason: expect.stringContaining('not by the trusted key') });
    const body = structuredClone(bundle.body);
    body.rules[0]!.score = 1;
    const transplanted = { ...createBundle(body), signature: signBundle(bundle, key.privateKey).signature! };
    expect(checkSignature(parseBundle(formatBundle(transplanted), 'x'), key.keyId)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match the digest') });
  });

  it('refuse a malformed signature when the bundle is read', async () => {
    const text = formatBundle({ ...(await fixtureBundle()), signature: { keyId: 'ed25519:short', value: 'x' } });
    expect(() => parseBundle(text, 'bad.json')).toThrow(/signature.keyId must be/);
  });

  it('read private keys as PEM, base64 DER or a seed, and public keys as ed25519:BASE64', () => {
    const key = newKey();
    const der = key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const seed = key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16).toString('base64');
    for (const text of [key.pem, der, `ed25519-seed:${seed}`]) expect(publicKeyId(parsePrivateKey(text))).toBe(key.keyId);
    expect(publicKeyId(parsePublicKey(key.keyId))).toBe(key.keyId);
    expect(() => parsePrivateKey('hello')).toThrow(SigningKeyError);
    expect(() => parsePrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/not ed25519/);
    expect(() => parsePublicKey('ed25519:abc')).toThrow(SigningKeyError);
  });

  it('accept a key made with openssl, as the docs show', () => {
    const pem = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    const spki = execFileSync('openssl', ['pkey', '-pubout', '-outform', 'DER'], { input: pem });
    expect(publicKeyId(parsePrivateKey(pem))).toBe('ed25519:' + spki.subarray(-32).toString('base64'));
  });
});
