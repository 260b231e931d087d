// rollback --to previous | DIGEST | REF recovers the earlier bundle from git history,
// byte for byte, and refuses what it cannot find.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/bundle/bundle.js';
import { createDemo, expectExit, type Demo } from './demo-repository.js';

let demo: Demo;
const released: { digest: string; text: string; commit: string }[] = [];

/** Releases a change to staging and promotes it (forced: these tests are about history) into production, merged. */
async function cycle(score: number): Promise<void> {
  await demo.commitEdit('config/strategy.yaml', /score: \d+\n(\s+)controlGroup/, `score: ${score}\n$1controlGroup`, `feat: travel ${score}`);
  expectExit(await demo.cli(['release', '--env', 'staging']), 0);
  expectExit(await demo.cli(['promote', '--from', 'staging', '--to', 'production', '--no-pr', '--force', '--reason', 'history for the rollback tests']), 0);
  demo.git(['fetch', '--quiet']);
  demo.git(['merge', '--quiet', '--ff-only', 'origin/offerops/promote-production']);
  demo.git(['push', '--quiet', 'origin', 'main']);
  const text = await demo.read('environments/production/bundle.json');
  released.push({ digest: parseBundle(text, 'b').digest, text, commit: demo.git(['rev-parse', 'HEAD']) });
}

const rollbackBundle = () => demo.git(['show', 'origin/offerops/rollback-production:environments/production/bundle.json']);

beforeAll(async () => {
  demo = await createDemo();
  for (const score of [61, 62, 63]) await cycle(score);
  demo.git(['tag', 'known-good', released[0]!.commit]);
});
afterAll(async () => demo?.cleanup());

describe('rollback', () => {
  // Each rollback below gives its own reason: two rollbacks to the same bundle with the same
  // reason, from the same main, within one second make the very same commit, and the second
  // is then told, rightly, that the branch already holds it (another run pushed it).
  it('--to previous: the pin before the current one', async () => {
    expectExit(await demo.cli(['rollback', '--env', 'production', '--to', 'previous', '--reason', 'r previous', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    expect(rollbackBundle()).toBe(released[1]!.text.trimEnd());
  });

  it('--to DIGEST: any digest the environment pinned before, byte for byte; the branch is replaced, not duplicated', async () => {
    expectExit(await demo.cli(['rollback', '--env', 'production', '--to', released[0]!.digest, '--reason', 'r digest', '--no-pr']), 0);
    demo.git(['fetch', '--quiet']);
    expect(rollbackBundle()).toBe(released[0]!.text.trimEnd());
    expect(Number(demo.git(['rev-list', '--count', 'origin/main..origin/offerops/rollback-production']))).toBe(1);
  });

  it('--to REF: the pin the environment had at a tag or commit', async () => {
    expectExit(await demo.cli(['rollback', '--env', 'production', '--to', 'known-good', '--reason', 'r ref', '--no-pr', '--json']), 0);
    demo.git(['fetch', '--quiet']);
    expect(rollbackBundle()).toBe(released[0]!.text.trimEnd());
  });

  it.each([
    ['a digest never pinned', `sha256:${'0'.repeat(64)}`, 1, 'no environment pinned'],
    ['a malformed digest', 'sha256:abc', 1, 'a digest is sha256: followed by 64'],
    ['an unknown ref', 'no-such-tag', 1, 'neither previous, a digest'],
    ['the current digest', 'HEAD', 0, 'nothing to roll back to'],
  ])('refuses %s and changes nothing', async (_name, to, code, message) => {
    const before = demo.git(['ls-remote', demo.remote]);
    const result = expectExit(await demo.cli(['rollback', '--env', 'production', '--to', to, '--reason', 'r', '--no-pr']), code);
    expect(result.stderr).toContain(message);
    expect(demo.git(['ls-remote', demo.remote])).toBe(before);
  });

  it('needs a reason and --no-pr', async () => {
    expect(expectExit(await demo.cli(['rollback', '--env', 'production', '--no-pr']), 2).stderr).toContain('--reason');
    expect(expectExit(await demo.cli(['rollback', '--env', 'production', '--reason', 'r']), 2).stderr).toContain('--no-pr');
  });
});
