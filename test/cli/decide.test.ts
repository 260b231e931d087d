// docs/cli.md#offerops-decide: flags, @file profile, CSV and NDJSON history, exit codes.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelYaml, offersYaml, strategy } from '../engine/engine-fixture.js';
import { runCli } from './run-cli.js';

let root: string;
const profile = JSON.stringify({ customerId: 'c1', age: 40, income: 90000 });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'offerops-decide-'));
  await mkdir(path.join(root, '.git'));
  await mkdir(path.join(root, 'config'));
  await writeFile(path.join(root, 'config', 'channel.yaml'), channelYaml);
  await writeFile(path.join(root, 'config', 'offers.yaml'), offersYaml);
  await writeFile(
    path.join(root, 'config', 'strategy.yaml'),
    strategy('s', ['{ name: hv, segment: high-value, offer: gold-card, score: 80 }', '{ name: base, offer: savings-plus, score: 10 }', "{ name: odd, offer: platinum-card, score: 5, eligibility: 'profile.tier == \"gold\"' }"]) +
      '---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: once }\nspec: { suppression: { afterAccept: true } }\n---\n' +
      strategy('t', ['{ name: once-rule, offer: once, score: 50 }']),
  );
  await writeFile(path.join(root, 'profile.json'), profile);
  await writeFile(path.join(root, 'history.csv'), 'customerId,offer,channel,date,event\nc1,once,web,2026-01-01,accept\nc2,gold-card,web,2026-01-01,accept\n');
  await writeFile(path.join(root, 'history.ndjson'), '{"customerId":"c1","offer":"once","channel":"web","date":"2026-01-01","event":"accept"}\n');
  const compiled = await runCli(['compile', '--out', 'bundle.json'], { cwd: root });
  expect(compiled.code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const decide = (args: string[]) => runCli(['decide', '--bundle', 'bundle.json', '--at', '2026-05-01', ...args], { cwd: root });

describe('offerops decide', () => {
  interface Output {
    offers: { offer: string }[];
    errors: unknown[];
    explain?: unknown[];
  }
  const output = (stdout: string): Output => JSON.parse(stdout) as Output;

  it('prints the decision as JSON in the shape docs/cli.md shows', async () => {
    const result = await decide(['--ip', 'home-sidebar', '--profile', profile, '--count', '3', '--json']);
    expect(result.code).toBe(0);
    const out = output(result.stdout);
    expect(Object.keys(out)).toEqual(['offers', 'controlGroups', 'errors']);
    expect(out.offers.map((o) => o.offer)).toEqual(['gold-card', 'once', 'savings-plus']);
    // every offer carries its attributes (docs/decisions.md#offer-attributes): this fixture's offer declares none
    expect(out.offers[0]).toEqual({ offer: 'gold-card', score: 80, rule: 'hv', treatmentCode: expect.stringMatching(/^[0-9a-f]{12}\.web\.home-sidebar\.hv\.gold-card$/), attributes: {} });
    // the tier is missing, so the eligibility of 'odd' failed: reported, not fatal
    expect(out.errors[0]).toMatchObject({ code: 'expression-error' });
  });

  it('reads the profile from @file and the history from CSV or NDJSON', async () => {
    for (const history of ['history.csv', 'history.ndjson']) {
      const result = await decide(['--ip', 'home-sidebar', '--profile', '@profile.json', '--history', history, '--count', '3', '--json']);
      expect(result.code).toBe(0);
      expect(output(result.stdout).offers.map((o) => o.offer)).toEqual(['gold-card', 'savings-plus']);
    }
  });

  it('explains, and gives the default string when no offer qualifies', async () => {
    const result = await decide(['--ip', 'home-hero', '--profile', JSON.stringify({ customerId: 'c1', age: 10, income: 1, tier: 'bronze' }), '--history', 'history.csv', '--explain', '--json']);
    const out = output(result.stdout);
    expect(out.offers.map((o) => o.offer)).toEqual(['savings-plus']);
    expect(out.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'not-in-segment' }));
    expect(out.explain).toContainEqual(expect.objectContaining({ offer: 'once', outcome: 'suppressed' }));
  });

  it('prints a human summary on stderr without --json', async () => {
    const result = await decide(['--ip', 'home-sidebar', '--profile', profile, '--audience-id', 'c1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('web / home-sidebar (zone home) on 2026-05-01 for c1:');
    expect(result.stderr).toContain('1. gold-card  score 80  rule hv');
  });

  it('says each explained outcome once in the human summary', async () => {
    const result = await decide(['--ip', 'home-sidebar', '--profile', profile, '--audience-id', 'c1', '--explain']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('gold-card (rule hv): chosen: ranked 1st with score 80');
    expect(result.stderr).not.toMatch(/(\w[\w-]*): \1:/);
  });

  it('names the member by the id field of the profile when no --audience-id is given', async () => {
    const withId = JSON.stringify({ ...(JSON.parse(profile) as object), customerId: 'c42' });
    const result = await decide(['--ip', 'home-sidebar', '--profile', withId]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('on 2026-05-01 for c42:');
  });

  it('compiles the config in memory when no bundle is given', async () => {
    const result = await runCli(['decide', '--ip', 'checkout-upsell', '--profile', profile, '--at', '2026-05-01', '--json'], { cwd: root });
    expect(result.code).toBe(0);
    expect(output(result.stdout).offers[0]!.offer).toBe('gold-card');
  });

  it.each([
    [['--ip', 'nowhere', '--profile', profile], "interaction point 'nowhere' is not defined"],
    [['--ip', 'home-hero', '--profile', '{"age": "old"}'], 'profile.age must be'],
    [['--ip', 'home-hero', '--profile', '{not json'], '--profile: not valid JSON'],
    [['--ip', 'home-hero', '--profile', '@missing.json'], '--profile: cannot read missing.json'],
    [['--ip', 'home-hero', '--profile', profile, '--count', 'two'], '--count must be a whole number'],
    [['--ip', 'home-hero', '--profile', profile, '--count', '0'], '--count must be a whole number'],
    [['--ip', 'home-hero', '--profile', profile, '--at', '2026-02-30'], '--at: at must be a YYYY-MM-DD day'],
    [['--ip', 'home-hero', '--profile', profile, '--history', 'missing.csv'], 'missing.csv: cannot read the file (no such file)'],
    [['--ip', 'home-hero', '--profile', '{}'], 'an audience id is needed'],
    [['--ip', 'home-hero', '--profile', profile, '--channel', 'sms'], "--channel: channel \"sms\" is not in the bundle"],
  ])('exits 2 on bad input %j', async (args, message) => {
    const result = await decide(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 2 on bad flags', async () => {
    expect((await decide(['--profile', profile])).code).toBe(2); // --ip is required
    expect((await decide(['--ip', 'home-hero', '--bogus'])).code).toBe(2);
  });

  it('exits 2 on a history value that does not convert, naming file:line:column', async () => {
    await writeFile(path.join(root, 'bad.csv'), 'customerId,offer,channel,date\nc1,once,web,01/02/2026\n');
    const result = await decide(['--ip', 'home-hero', '--profile', profile, '--history', 'bad.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bad.csv:2:13: 'date' must be a calendar date YYYY-MM-DD");
  });

  it('reports every bad row of a history file, each at file:line:column', async () => {
    await writeFile(path.join(root, 'two-bad.csv'), 'customerId,offer,channel,date,event\nc1,once,web,01/02/2026,\nc1,once,web,2026-01-01,\nc1,once,web,2026-01-02,click\n');
    const result = await decide(['--ip', 'home-hero', '--profile', profile, '--history', 'two-bad.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("two-bad.csv:2:13: 'date' must be a calendar date YYYY-MM-DD");
    expect(result.stderr).toContain("two-bad.csv:4:24: 'event' must be contact, accept or reject");
  });

  it('refuses a tampered bundle with exit 2', async () => {
    const text = await readFile(path.join(root, 'bundle.json'), 'utf8');
    await writeFile(path.join(root, 'tampered.json'), text.replace('"score": 80', '"score": 100'));
    const result = await runCli(['decide', '--bundle', 'tampered.json', '--ip', 'home-hero', '--profile', profile], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tampered.json: digest mismatch');
  });
});

describe('offerops decide --ip a,b,c', () => {
  const three = ['--ip', 'home-hero,home-sidebar,checkout-upsell', '--count', '1', '--profile', profile, '--json'];
  const offersByPoint = (stdout: string): [string, string[]][] => (JSON.parse(stdout) as { interactionPoint: string; offers: { offer: string }[] }[]).map((d) => [d.interactionPoint, d.offers.map((o) => o.offer)]);

  it('decides each point in order; without --dedupe the same offer may come at every point', async () => {
    const result = await decide(three);
    expect(result.code).toBe(0);
    expect(offersByPoint(result.stdout)).toEqual([
      ['home-hero', ['gold-card']],
      ['home-sidebar', ['gold-card']],
      ['checkout-upsell', ['gold-card']],
    ]);
  });

  it('with --dedupe gives an offer at most once across the three points, the next in rank taking its place', async () => {
    const result = await decide([...three, '--dedupe']);
    expect(result.code).toBe(0);
    expect(offersByPoint(result.stdout)).toEqual([
      ['home-hero', ['gold-card']],
      ['home-sidebar', ['once']],
      ['checkout-upsell', ['savings-plus']],
    ]);
  });

  it('explains the offers kept from later points as given-earlier, naming the point', async () => {
    const result = await decide([...three, '--dedupe', '--explain']);
    const decisions = JSON.parse(result.stdout) as { explain: { offer: string; outcome: string; reason: string }[] }[];
    expect(decisions[2]!.explain).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ offer: 'gold-card', outcome: 'given-earlier', reason: "given to interaction point 'home-hero' earlier in this batch (dedupe)" }),
        expect.objectContaining({ offer: 'once', outcome: 'given-earlier', reason: "given to interaction point 'home-sidebar' earlier in this batch (dedupe)" }),
      ]),
    );
  });

  it('keeps the single-point output as it was', async () => {
    const result = await decide(['--ip', 'home-hero', '--profile', profile, '--json', '--dedupe']);
    expect(JSON.parse(result.stdout)).toMatchObject({ offers: [{ offer: 'gold-card' }] });
  });

  it('refuses an empty or unknown point name with exit 2, naming --ip', async () => {
    const empty = await decide(['--ip', 'home-hero,,checkout-upsell', '--profile', profile]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--ip: an empty interaction point name');
    const unknown = await decide(['--ip', 'home-hero,nowhere', '--profile', profile]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--ip');
  });
});
