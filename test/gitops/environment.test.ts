// Environment files are validated like config: every problem at its file:line:column,
// with a stable code, and the pin is rewritten in place without losing comments.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments, withPause, withPin } from '../../src/gitops/environment.js';
import { environmentFiles } from './environment-files.js';

const root = path.resolve(import.meta.dirname, '../..');
const head = (name: string) => `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: ${name} }\nspec:\n`;
const empty = (name: string) => `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: ${name} }\nspec: {}\n`;

function problemsOf(files: Record<string, string>) {
  return environmentFiles(files).problems.map((p) => ({ file: p.file, line: p.line, column: p.column, code: p.code, message: p.message }));
}

describe('environment files', () => {
  it('accepts the two shipped environments', async () => {
    const set = await loadEnvironments(root);
    expect(set.problems).toEqual([]);
    expect([...set.environments.keys()].sort()).toEqual(['production', 'staging']);
    expect(set.environments.get('production')!.spec.promotion?.from).toBe('staging');
  });

  it('accepts every field the environment kind has', () => {
    const set = environmentFiles({
      staging: head('staging') + '  targets: [{ type: directory, path: t }]\n',
      production:
        head('production') +
        [
          '  promotion: { from: staging, auto: { soak: 24h } }',
          `  bundle: { digest: sha256:${'0'.repeat(64)}, path: environments/production/bundle.json, source: { commit: 1a2b3c4, ref: main } }`,
          '  targets:',
          '    - { type: directory, path: /var/lib/offerops/production }',
          '    - { type: http, url: "http://127.0.0.1:8080", tokenEnv: OFFEROPS_ADMIN_TOKEN }',
          '  simulation: { sample: { customers: 10000, seed: 7 }, at: 2026-11-01, guardrails: [breaking, "changed>30%"] }',
          '  check: { members: 2000, maxP99Ms: 25, minRps: 500, concurrency: 16 }',
          `  signing: { publicKey: "ed25519:${'A'.repeat(43)}=", required: true }`,
          '  freeze:',
          '    - { from: 2026-12-20, to: 2027-01-02, reason: holiday freeze }',
          '    - { rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16", duration: 64h, timezone: Europe/Paris, reason: weekend }',
          '  paused: { reason: "rollback: cashback over budget", since: 2026-11-28 }',
        ].join('\n') +
        '\n',
    });
    expect(set.problems).toEqual([]);
    expect(set.environments.get('production')!.targets).toHaveLength(2);
  });

  it('names the file a misnamed environment should have, at metadata.name', () => {
    expect(problemsOf({ prod: empty('production') })).toEqual([
      { file: 'environments/prod.yaml', line: 3, column: 19, code: 'OO400', message: expect.stringContaining('name the file environments/production.yaml') },
    ]);
  });

  it('refuses a promotion from an unknown environment, from itself, and in a circle', () => {
    expect(problemsOf({ staging: empty('staging'), production: head('production') + '  promotion: { from: stagin }\n' })).toEqual([
      { file: 'environments/production.yaml', line: 5, column: 22, code: 'OO201', message: expect.stringContaining("did you mean 'staging'?") },
    ]);
    expect(problemsOf({ loop: head('loop') + '  promotion: { from: loop }\n' })[0]).toMatchObject({ code: 'OO401', line: 5, message: expect.stringContaining('from itself') });
    const circle = problemsOf({ a: head('a') + '  promotion: { from: b }\n', b: head('b') + '  promotion: { from: a }\n' });
    expect(circle.map((p) => [p.file, p.code])).toEqual([
      ['environments/a.yaml', 'OO401'],
      ['environments/b.yaml', 'OO401'],
    ]);
    expect(circle[0]!.message).toContain('a ← b ← a');
  });

  it.each([
    ['an RRULE that does not parse', '{ rrule: "FREQ=SOMETIMES", duration: 1h }', 'OO402', 'not a valid RRULE'],
    ['a DTSTART inside the rule', '{ rrule: "DTSTART:20260101T000000Z;FREQ=DAILY", duration: 1h }', 'OO402', "the start day goes in 'from'"],
    ['a rule every minute', '{ rrule: "FREQ=MINUTELY", duration: 1h }', 'OO402', 'FREQ must be'],
    ['an unknown time zone', '{ rrule: "FREQ=DAILY", duration: 1h, timezone: Europe/Atlantis }', 'OO402', "unknown time zone 'Europe/Atlantis'"],
    ['a zero duration', '{ rrule: "FREQ=DAILY", duration: 0h }', 'OO402', 'more than zero'],
    ['a recurring window without duration', '{ rrule: "FREQ=DAILY" }', 'OO402', "needs 'duration'"],
    ['a recurring window with to', '{ rrule: "FREQ=DAILY", duration: 1h, to: 2026-01-02 }', 'OO402', 'UNTIL or COUNT'],
    ['days that end before they start', '{ from: 2026-12-20, to: 2026-12-19 }', 'OO204', 'ends (2026-12-19) before it starts (2026-12-20)'],
    ['days without an end', '{ from: 2026-12-20 }', 'OO402', "needs 'from' and 'to'"],
    ['a duration without a rule', '{ from: 2026-12-20, to: 2026-12-21, duration: 1h }', 'OO402', "belongs to a recurring window"],
  ])('locates %s in a freeze window', (_name, window, code, message) => {
    const problems = problemsOf({ production: head('production') + `  freeze:\n    - ${window}\n` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 6, code, message: expect.stringContaining(message) });
  });

  it('refuses both an audience file and a sample, a pin path outside the repository, and credentials in a URL', () => {
    const problems = problemsOf({
      production:
        head('production') +
        '  simulation: { audience: data/a.ndjson, sample: { customers: 5, seed: 1 } }\n' +
        `  bundle: { digest: sha256:${'0'.repeat(64)}, path: ../elsewhere/bundle.json }\n` +
        '  targets: [{ type: http, url: "http://admin:secret@127.0.0.1:8080" }]\n',
    });
    expect(problems.map((p) => [p.line, p.code, p.message.slice(0, 41)])).toEqual([
      [5, 'OO403', "give the simulation audience as a file ('"],
      [6, 'OO403', 'the bundle path must be relative to the r'],
      [7, 'OO403', 'a target URL must not hold credentials: p'],
    ]);
  });

  it('refuses a signing key that is not an ed25519 public key, at the key', () => {
    expect(problemsOf({ production: head('production') + '  signing: { publicKey: "ed25519:not-a-key", required: true }\n' })).toEqual([
      { file: 'environments/production.yaml', line: 5, column: 25, code: 'OO403', message: expect.stringContaining('the base64 of 32 bytes') },
    ]);
  });

  it.each([
    ['simulation.sample.customers', '  simulation: { sample: { customers: 0, seed: 1 } }', false],
    ['simulation.sample.customers', '  simulation: { sample: { customers: 1, seed: 1 } }', true],
    ['simulation.sample.customers', '  simulation: { sample: { customers: 2, seed: 1 } }', true],
    ['check.members', '  check: { members: 0 }', false],
    ['check.members', '  check: { members: 1 }', true],
    ['check.concurrency', '  check: { concurrency: 0 }', false],
    ['check.concurrency', '  check: { concurrency: 1 }', true],
    ['check.concurrency', '  check: { concurrency: 256 }', true],
    ['check.concurrency', '  check: { concurrency: 257 }', false],
    ['check.maxP99Ms', '  check: { maxP99Ms: 0 }', false],
    ['check.maxP99Ms', '  check: { maxP99Ms: 0.001 }', true],
    ['check.minRps', '  check: { minRps: -1 }', false],
    ['check.minRps', '  check: { minRps: 0 }', true],
    ['promotion.auto.soak', '  promotion: { from: staging, auto: { soak: 0m } }', false],
    ['promotion.auto.soak', '  promotion: { from: staging, auto: { soak: 1m } }', true],
  ])('holds %s to its bounds (%s)', (_field, spec, valid) => {
    const set = environmentFiles({ staging: empty('staging'), production: head('production') + spec + '\n' });
    expect(set.problems.length === 0).toBe(valid);
    if (!valid) expect(set.problems[0]!.line).toBe(5);
  });

  it('refuses hostile YAML as config does', () => {
    expect(problemsOf({ production: head('production') + '  targets: []\n  targets: []\n' })[0]).toMatchObject({ code: 'OO002', line: 6 });
    expect(problemsOf({ production: head('production') + '  __proto__: { polluted: true }\n' })[0]).toMatchObject({ code: 'OO003', line: 5 });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    expect(problemsOf({ production: head('production') + '  targets: []\n' + bomb + '\n' })[0]!.code).toBe('OO004');
  });

  it('refuses a file holding another kind, or several documents', () => {
    expect(problemsOf({ production: 'apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: production }\nspec: {}\n' })[0]).toMatchObject({ code: 'OO100', line: 2 });
    expect(problemsOf({ production: empty('production') + '---\n' + empty('production') })[0]!.message).toContain('one document');
  });

  it('rewrites the pin and the pause in place, keeping comments', () => {
    const file = path.join(root, 'environments/production.yaml');
    const text = readFileSync(file, 'utf8');
    const pinned = withPin({ text, file: 'environments/production.yaml' }, { digest: 'sha256:' + 'c'.repeat(64), path: 'environments/production/bundle.json', source: { commit: 'abcdef1', ref: 'main' } });
    const paused = withPause({ text: pinned, file: 'environments/production.yaml' }, { reason: 'rollback: too generous', since: '2026-11-28' });
    for (const line of text.split('\n').filter((l) => l.trim().startsWith('#'))) expect(paused).toContain(line.trim());
    const reparsed = environmentFiles({ production: paused, staging: readFileSync(path.join(root, 'environments/staging.yaml'), 'utf8') });
    expect(reparsed.problems).toEqual([]);
    const spec = reparsed.environments.get('production')!.spec;
    expect(spec.bundle).toEqual({ digest: 'sha256:' + 'c'.repeat(64), path: 'environments/production/bundle.json', source: { commit: 'abcdef1', ref: 'main' } });
    expect(spec.paused).toEqual({ reason: 'rollback: too generous', since: '2026-11-28' });
    expect(withPause({ text: paused, file: 'environments/production.yaml' }, null)).not.toContain('paused');
  });
});
