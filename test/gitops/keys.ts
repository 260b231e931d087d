// Ed25519 keys for tests.
import { generateKeyPairSync } from 'node:crypto';
import { publicKeyId } from '../../src/bundle/signature.js';

export function newKey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), keyId: publicKeyId(privateKey) };
}
