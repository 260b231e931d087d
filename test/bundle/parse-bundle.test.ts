// Reading a bundle file (docs/bundle-format.md): every way a file can fail to be a bundle
// is refused with an error that names the file and says what was expected, and a good
// file comes back exactly as written. Each check is tested on both sides of its line.
import { describe, expect, it } from 'vitest';
import { BundleError, createBundle, formatBundle, parseBundle } from '../../src/bundle/bundle.js';
import type { Bundle, BundleBody } from '../../src/bundle/types.js';

const emptyBody = {
  apiVersion: 'offerops/v1',
  channels: [],
  offers: [],
  offerLists: [],
  segments: [],
  strategies: [],
  rules: [],
  policies: [],
  indexes: { rulesByChannelZone: {}, zoneByInteractionPoint: {} },
};

/** The text of a bundle whose digest matches `body`, with `extra` envelope fields. */
function fileOf(body: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...createBundle(body as unknown as BundleBody), ...extra });
}

function refusal(text: string, source = 'b.json'): BundleError {
  try {
    parseBundle(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  }
  throw new Error('expected parseBundle to refuse the text');
}

const GOOD_KEY_ID = 'ed25519:' + 'A'.repeat(43) + '=';
const GOOD_VALUE = 'B'.repeat(86) + '==';

describe('parseBundle', () => {
  it('returns a good bundle as written and names the file in every error', () => {
    const text = fileOf(emptyBody);
    expect(parseBundle(text, 'ok.json')).toEqual(JSON.parse(text));
    const error = refusal('{', 'deploy/bundle.json');
    expect(error.name).toBe('BundleError');
    expect(error.source).toBe('deploy/bundle.json');
    expect(error.message).toMatch(/^deploy\/bundle\.json: not valid JSON \(.+\)$/);
  });

  it('refuses text longer than 256 MiB before parsing it, and parses text of exactly that size', () => {
    const limit = 256 * 1024 * 1024;
    expect(refusal('x'.repeat(limit + 1)).message).toBe(`b.json: bundle is larger than ${limit} bytes`);
    expect(refusal('x'.repeat(limit)).message).toMatch(/^b\.json: not valid JSON/);
  });

  it('measures the limit in UTF-8 bytes, not in characters', () => {
    const limit = 256 * 1024 * 1024;
    const twoByte = 'é'.repeat(limit / 2 - 1);
    expect(Buffer.byteLength(twoByte + 'x', 'utf8')).toBe(limit - 1);
    expect(refusal(twoByte + 'x').message).toMatch(/^b\.json: not valid JSON/);
    expect(refusal(twoByte + 'é').message).toMatch(/^b\.json: not valid JSON/);
    expect(refusal(twoByte + 'éx').message).toBe(`b.json: bundle is larger than ${limit} bytes`);
    // Three bytes a character: just over a third of the limit in characters is too large.
    const third = Math.floor(limit / 3);
    expect(refusal('€'.repeat(third)).message).toMatch(/^b\.json: not valid JSON/);
    expect(refusal('€'.repeat(third + 1)).message).toBe(`b.json: bundle is larger than ${limit} bytes`);
  });

  it.each(['null', '[]', '[{"formatVersion":1}]', '3', '"bundle"', 'true', 'false', '0'])('refuses %s, which is not an object', (text) => {
    expect(refusal(text).message).toBe('b.json: a bundle is a JSON object with formatVersion, digest and body');
  });

  it('refuses an object without formatVersion, listing up to five of its keys', () => {
    const message = (keys: string[]) => refusal(JSON.stringify(Object.fromEntries(keys.map((k) => [k, 1])))).message;
    const prefix = 'b.json: not a bundle: it has no formatVersion (a bundle is {formatVersion, digest, body}, as offerops compile writes it; this JSON has';
    expect(message([])).toBe(`${prefix} no keys)`);
    expect(message(['a'])).toBe(`${prefix} keys a)`);
    expect(message(['a', 'b', 'c', 'd', 'e'])).toBe(`${prefix} keys a, b, c, d, e)`);
    expect(message(['a', 'b', 'c', 'd', 'e', 'f'])).toBe(`${prefix} keys a, b, c, d, e, …)`);
  });

  it.each([[0], [2], ['1'], [null]])('refuses formatVersion %j', (version) => {
    expect(refusal(fileOf(emptyBody, { formatVersion: version })).message).toBe(`b.json: unknown bundle formatVersion ${JSON.stringify(version)}; this offerops reads formatVersion 1`);
  });

  it.each([
    ['missing', undefined],
    ['a number', 1],
    ['upper case hex', 'sha256:' + 'A'.repeat(64)],
    ['63 digits', 'sha256:' + 'a'.repeat(63)],
    ['65 digits', 'sha256:' + 'a'.repeat(65)],
    ['another algorithm', 'sha512:' + 'a'.repeat(64)],
    ['text before', 'x sha256:' + 'a'.repeat(64)],
    ['text after', 'sha256:' + 'a'.repeat(64) + ' '],
  ])('refuses a digest that is %s', (_what, digest) => {
    expect(refusal(JSON.stringify({ formatVersion: 1, digest, body: emptyBody })).message).toBe('b.json: digest must be "sha256:" followed by 64 lowercase hex digits');
  });

  it.each([['missing', undefined], ['null', null], ['an array', []], ['a string', 'body'], ['zero', 0]])('refuses a body that is %s', (_what, body) => {
    expect(refusal(JSON.stringify({ formatVersion: 1, digest: 'sha256:' + 'a'.repeat(64), body })).message).toBe('b.json: body must be an object');
  });

  it('refuses a body that does not hash to the digest, quoting both', () => {
    const bundle = JSON.parse(fileOf(emptyBody)) as Bundle;
    const actual = bundle.digest;
    bundle.digest = 'sha256:' + '0'.repeat(64);
    expect(refusal(JSON.stringify(bundle)).message).toBe(
      `b.json: digest mismatch: the file says sha256:${'0'.repeat(64)} but its body hashes to ${actual} (the bundle was modified or corrupted)`,
    );
  });

  describe('signature shape', () => {
    it('accepts a bundle without a signature and one with a well-formed signature', () => {
      expect(parseBundle(fileOf(emptyBody), 'b.json').signature).toBeUndefined();
      expect(parseBundle(fileOf(emptyBody, { signature: { keyId: GOOD_KEY_ID, value: GOOD_VALUE } }), 'b.json').signature).toEqual({ keyId: GOOD_KEY_ID, value: GOOD_VALUE });
    });

    it.each([['null', null], ['an array', []], ['a string', 'sig'], ['false', false]])('refuses a signature that is %s', (_what, signature) => {
      expect(refusal(fileOf(emptyBody, { signature })).message).toBe('b.json: signature must be an object with keyId and value');
    });

    it.each([
      ['missing', undefined],
      ['a number', 7],
      ['without its prefix', 'A'.repeat(43) + '='],
      ['42 characters', 'ed25519:' + 'A'.repeat(42) + '='],
      ['44 characters', 'ed25519:' + 'A'.repeat(44) + '='],
      ['without padding', 'ed25519:' + 'A'.repeat(44)],
      ['a character outside base64', 'ed25519:-' + 'A'.repeat(42) + '='],
      ['text before', ' ' + GOOD_KEY_ID],
      ['text after', GOOD_KEY_ID + ' '],
    ])('refuses a keyId that is %s', (_what, keyId) => {
      expect(refusal(fileOf(emptyBody, { signature: { keyId, value: GOOD_VALUE } })).message).toBe(
        'b.json: signature.keyId must be "ed25519:" followed by the base64 of a 32-byte public key',
      );
    });

    it.each([
      ['missing', undefined],
      ['a number', 7],
      ['85 characters and padding', 'B'.repeat(85) + '=='],
      ['87 characters and padding', 'B'.repeat(87) + '=='],
      ['padded once', 'B'.repeat(87) + '='],
      ['a character outside base64', '-' + 'B'.repeat(85) + '=='],
      ['text before', ' ' + GOOD_VALUE],
      ['text after', GOOD_VALUE + ' '],
    ])('refuses a value that is %s', (_what, value) => {
      expect(refusal(fileOf(emptyBody, { signature: { keyId: GOOD_KEY_ID, value } })).message).toBe('b.json: signature.value must be the base64 of a 64-byte ed25519 signature');
    });
  });

  describe('body shape (a body with a valid digest that no compiler wrote)', () => {
    it.each([['missing', undefined], ['another version', 'offerops/v2'], ['a number', 1]])('refuses an apiVersion that is %s', (_what, apiVersion) => {
      expect(refusal(fileOf({ ...emptyBody, apiVersion })).message).toBe(`b.json: body.apiVersion must be "offerops/v1", got ${JSON.stringify(apiVersion)}`);
    });

    it.each(['channels', 'offers', 'offerLists', 'segments', 'strategies', 'rules', 'policies'])('refuses a body whose %s is not an array', (key) => {
      expect(refusal(fileOf({ ...emptyBody, [key]: undefined })).message).toBe(`b.json: body.${key} must be an array`);
      expect(refusal(fileOf({ ...emptyBody, [key]: {} })).message).toBe(`b.json: body.${key} must be an array`);
    });

    it.each([
      ['missing', undefined],
      ['null', null],
      ['a string', 'indexes'],
      ['without rulesByChannelZone', { zoneByInteractionPoint: {} }],
      ['without zoneByInteractionPoint', { rulesByChannelZone: {} }],
      ['with a string rulesByChannelZone', { rulesByChannelZone: 'x', zoneByInteractionPoint: {} }],
      ['with a string zoneByInteractionPoint', { rulesByChannelZone: {}, zoneByInteractionPoint: 'x' }],
    ])('refuses indexes that are %s', (_what, indexes) => {
      expect(refusal(fileOf({ ...emptyBody, indexes })).message).toBe('b.json: body.indexes must hold rulesByChannelZone and zoneByInteractionPoint');
    });
  });
});

describe('formatBundle', () => {
  it('writes canonical key order, two-space indentation and a final newline', () => {
    const bundle = { body: { b: 1, a: [1, { d: 2, c: 3 }] }, digest: 'sha256:x', formatVersion: 1 } as unknown as Bundle;
    expect(formatBundle(bundle)).toBe(
      ['{', '  "body": {', '    "a": [', '      1,', '      {', '        "c": 3,', '        "d": 2', '      }', '    ],', '    "b": 1', '  },', '  "digest": "sha256:x",', '  "formatVersion": 1', '}', ''].join('\n'),
    );
  });
});
