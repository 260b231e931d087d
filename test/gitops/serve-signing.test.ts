// `serve` refuses bundles not signed by its trusted key: at start (exit 2) and on every
// hot swap, where the old bundle keeps serving.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle, formatBundle, parseBundle } from '../../src/bundle/bundle.js';
import { signBundle } from '../../src/bundle/signature.js';
import { ensureFreshDist } from '../server/fresh-dist.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';
import { newKey } from './keys.js';

const bin = path.resolve(import.meta.dirname, '../../bin/offerops.js');
const TOKEN = 'signing-test-token-0123456789';
let demo: Demo;
const key = newKey();

beforeAll(async () => {
  ensureFreshDist();
  demo = await createDemo();
  await demo.commitEdit('environments/staging.yaml', '  targets:', `  signing: { publicKey: "${key.keyId}", required: true }\n  targets:`, 'chore: signatures required');
});
afterAll(async () => demo?.cleanup());

describe('serve with signatures required', () => {
  it('will not start on an unsigned bundle, nor with a malformed trusted key', async () => {
    expectExit(await demo.cli(['compile', '--out', 'environments/staging/bundle.json']), 0);
    const digest = parseBundle(await demo.read('environments/staging/bundle.json'), 'x').digest;
    await demo.write('environments/staging.yaml', (await demo.read('environments/staging.yaml')).replace('  targets:', `  bundle: { digest: ${digest}, path: environments/staging/bundle.json }\n  targets:`));
    const refused = expectExit(await demo.cli(['serve', '--env', 'staging', '--port', '0']), 2);
    expect(refused.stderr).toContain('the bundle is not signed; this server loads only bundles signed by its trusted key');
    expect(expectExit(await demo.cli(['serve', '--bundle', 'environments/staging/bundle.json', '--trusted-key', 'ed25519:nope']), 2).stderr).toContain('--trusted-key');
    // An environment file that does not validate cannot say whether signatures are required: refused, at its line.
    await demo.write('environments/staging.yaml', (await demo.read('environments/staging.yaml')).replace(`digest: ${digest}, `, ''));
    expect(expectExit(await demo.cli(['serve', '--env', 'staging', '--port', '0']), 2).stderr).toMatch(/environments\/staging\.yaml:\d+:\d+: missing required field 'digest'/);
    demo.git(['checkout', '--quiet', '--', 'environments/staging.yaml']);
    demo.git(['clean', '--quiet', '-f', '--', 'environments']);
  });

  const redisUrl = process.env['OFFEROPS_TEST_REDIS'];
  // One process, and a --workers group where a swap sent to one worker reaches them all.
  it.each([
    ['one process', [] as string[]],
    ['two workers', ['--workers', '2', '--sessions', redisUrl ?? 'redis://unset']],
  ])('starts on a signed bundle and refuses an unsigned hot swap, keeping the signed one (%s)', async (_name, extra) => {
    if (extra.length > 0) expect(redisUrl, 'OFFEROPS_TEST_REDIS is not set: .ci/run must eval "$(.ci/redis.sh)"').toBeTruthy();
    if (!existsSync(path.join(demo.work, 'environments/staging/bundle.json')) || !parseBundle(await demo.read('environments/staging/bundle.json'), 'x').signature) {
      expectExit(await demo.cli(['release', '--env', 'staging', '--sign'], { env: { OFFEROPS_SIGNING_KEY: key.pem } }), 0);
    }
    const signed = parseBundle(await demo.read('environments/staging/bundle.json'), 'x');
    const child = spawn(process.execPath, [bin, 'serve', '--env', 'staging', '--port', '0', '--history', `sqlite:${path.join(demo.dir, `s${extra.length}.db`)}`, ...extra], { cwd: demo.work, env: { PATH: process.env['PATH'] ?? '', OFFEROPS_ADMIN_TOKEN: TOKEN } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+).*signed bundles only/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.on('exit', () => reject(new Error(stderr)));
      });
      const body = structuredClone(signed.body);
      body.rules[0]!.score = 1;
      const unsigned = createBundle(body);
      const put = (bundle: typeof unsigned) => fetch(`${url}/admin/bundle`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: formatBundle(bundle) });
      const refused = await put(unsigned);
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { code: string; message: string }).message).toContain('the bundle is not signed');
      expect(((await (await fetch(`${url}/v1/bundle`)).json()) as { digest: string }).digest).toBe(signed.digest);
      const other = newKey();
      expect((await put(signBundle(unsigned, other.privateKey))).status).toBe(422);
      expect((await put(signBundle(unsigned, key.privateKey))).status).toBe(200);
      expect(((await (await fetch(`${url}/v1/bundle`)).json()) as { digest: string }).digest).toBe(unsigned.digest);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
