// The bundle stage's public face (docs/bundle-format.md): the bundle's types, reading and
// verifying a bundle (digest and format), writing one, canonical JSON and the digest,
// and its summary counts. Other stages and package users import from here only.
export { BundleError, createBundle, digestOf, formatBundle, parseBundle } from './bundle.js';
export { CanonicalText, canonicalJson, sha256Digest } from './canonical.js';
export { countBundle, describeCounts, type BundleCounts } from './summary.js';
export { BUNDLE_FORMAT_VERSION, WATCHED_BUNDLE_FILE } from './types.js';
export type * from './types.js';
export { checkSignature, parsePublicKey, signBundle, SIGNATURE_CONTEXT } from './signature.js';
export { parsePrivateKey, publicKeyId, SigningKeyError } from './signature.js';
