// The diff's per-point `changed` and `impressions` are what `offerops decide` says member
// by member: on two versions of a config nobody tuned to (the benchmark's generated
// config, and a seeded mutation of it), every member of a sample is decided again, one
// plain decision at a time with no session memo, and the counts must match; a few members
// also go through the `decide` command itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { generateLargeConfig, seededRandom } from '../../bench/generate/large-config.mjs';
import { formatBundle } from '../../src/bundle/bundle.js';
import type { Bundle } from '../../src/bundle/types.js';
import { compileSources } from '../../src/compile/compile-sources.js';
import type { DiffReport } from '../../src/diff/diff-report.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { sampleMembers, sampleShape } from '../../src/simulate/audience-sample.js';
import type { AudienceMember } from '../../src/simulate/types.js';
import { runCli } from '../cli/run-cli.js';

const AT = '2026-07-15';
const MEMBERS = 90;

/** A seeded mutation nobody tuned: some scores moved, a few rules switched off or on, some segments rewritten. */
function mutate(files: Map<string, string>, seed: number): Map<string, string> {
  const random = seededRandom(seed);
  const out = new Map<string, string>();
  for (const [file, text] of files) {
    const documents = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    for (const document of documents) {
      if (document.kind === 'Strategy') {
        for (const rule of document.spec['rules'] as Record<string, unknown>[]) {
          if (random.chance(0.2)) rule['score'] = random.int(0, 100);
          if (random.chance(0.04)) rule['enabled'] = rule['enabled'] === false;
        }
      }
      if (document.kind === 'Segment' && (document.spec['audienceLevel'] ?? 'customer') === 'customer' && random.chance(0.25)) {
        document.spec['expression'] = `profile.age >= ${random.int(20, 70)} || profile.creditScore > ${random.int(500, 800)}`;
      }
    }
    out.set(file, documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
  }
  return out;
}

function compile(files: Map<string, string>): Bundle {
  const result = compileSources(new Map([...files].map(([name, text]) => [`config/${name}`, text])));
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result.bundle!;
}

let dir: string;
let base: Bundle;
let head: Bundle;
let members: AudienceMember[];
let history: HistoryRow[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-agreement-'));
  const { files } = generateLargeConfig({ seed: 777, scale: 0.02 });
  base = compile(files);
  head = compile(mutate(files, 4242));
  expect(head.digest).not.toBe(base.digest);
  const channels = base.body.channels.map((c) => c.name);
  members = [...sampleMembers(sampleShape([head.body, base.body], channels), { customers: MEMBERS, seed: 11, at: AT })];
  // History that suppression can act on: a few contacts, accepts and rejects per member.
  const random = seededRandom(99);
  const offers = base.body.offers.map((o) => o.name);
  history = members.flatMap((m) =>
    Array.from({ length: random.int(0, 4) }, () => ({ customerId: m.id, offer: random.pick(offers), channel: 'web', date: `2026-07-0${random.int(1, 9)}`, event: random.pick(['contact', 'accept', 'reject'] as const) })),
  );
  await writeFile(path.join(dir, 'base.json'), formatBundle(base));
  await writeFile(path.join(dir, 'head.json'), formatBundle(head));
  await writeFile(path.join(dir, 'audience.ndjson'), members.map((m) => JSON.stringify({ ...m.profile, session: m.session })).join('\n') + '\n');
  await writeFile(path.join(dir, 'history.ndjson'), history.map((h) => JSON.stringify(h)).join('\n') + '\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function decideAlone(engine: Engine, member: AudienceMember, channel: string, point: string): [string, string][] {
  const declared = engine.bundle.body.channels.find((c) => c.name === channel)?.interactionPoints[point];
  if (!declared) return [];
  const decision = engine.decide({
    channel,
    interactionPoint: point,
    audience: { id: member.id, profile: member.profile },
    session: member.session!,
    history: history.filter((h) => h.customerId === member.id),
    at: AT,
    count: declared.maxOffers ?? 1,
  });
  expect(decision.errors.filter((e) => e.code === 'input')).toEqual([]);
  return decision.offers.map((o) => [o.offer, o.rule]);
}

describe('the diff agrees with decide, member by member', () => {
  let report: DiffReport;

  beforeAll(async () => {
    const result = await runCli(
      ['diff', '--base', 'base.json', '--head', 'head.json', '--audience', 'audience.ndjson', '--history', 'history.ndjson', '--at', AT, '--format', 'json', '--workers', '0', '--explain-members', '12', '--fairness', 'none'],
      { cwd: dir },
    );
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    report = JSON.parse(result.stdout) as DiffReport;
  });

  it('has per-point changed and impressions equal to independent decisions', () => {
    const baseEngine = createEngine(base);
    const headEngine = createEngine(head);
    expect(report.behaviour.points.length).toBeGreaterThan(20);
    let changedSomewhere = 0;
    for (const point of report.behaviour.points) {
      let changed = 0;
      const impressions = new Map<string, [number, number]>();
      for (const member of members) {
        const a = decideAlone(baseEngine, member, point.channel, point.point);
        const b = decideAlone(headEngine, member, point.channel, point.point);
        if (JSON.stringify(a) !== JSON.stringify(b)) changed++;
        for (const [offer] of a) impressions.set(offer, [(impressions.get(offer)?.[0] ?? 0) + 1, impressions.get(offer)?.[1] ?? 0]);
        for (const [offer] of b) impressions.set(offer, [impressions.get(offer)?.[0] ?? 0, (impressions.get(offer)?.[1] ?? 0) + 1]);
      }
      changedSomewhere += changed;
      expect(point.members, `${point.channel}/${point.point}`).toBe(MEMBERS);
      expect(point.changed, `${point.channel}/${point.point} changed`).toBe(changed);
      const reported = new Map(point.impressions.map((i) => [i.offer, [i.base, i.head]]));
      expect(reported, `${point.channel}/${point.point} impressions`).toEqual(impressions);
    }
    // The mutation must move decisions, or the comparison proves nothing.
    expect(changedSomewhere).toBeGreaterThan(MEMBERS / 2);
    expect(report.behaviour.changed).toBeGreaterThan(0);
  });

  it('matches the decide command for a sample of members at the most changed point', async () => {
    const point = [...report.behaviour.points].sort((x, y) => y.changed - x.changed)[0]!;
    const baseEngine = createEngine(base);
    for (const member of members.slice(0, 6)) {
      await writeFile(path.join(dir, 'profile.json'), JSON.stringify(member.profile));
      for (const [file, engine] of [
        ['base.json', baseEngine],
        ['head.json', createEngine(head)],
      ] as const) {
        const count = String(engine.bundle.body.channels.find((c) => c.name === point.channel)!.interactionPoints[point.point]!.maxOffers ?? 1);
        const result = await runCli(
          ['decide', '--bundle', file, '--ip', point.point, '--channel', point.channel, '--profile', '@profile.json', '--session', JSON.stringify(member.session), '--history', 'history.ndjson', '--at', AT, '--count', count, '--json'],
          { cwd: dir },
        );
        expect(result.code, result.stderr).toBe(0);
        const offers = (JSON.parse(result.stdout) as { offers: { offer: string; rule: string }[] }).offers.map((o) => [o.offer, o.rule]);
        expect(offers, `${member.id} ${file}`).toEqual(decideAlone(engine, member, point.channel, point.point));
      }
    }
  });

  it('explains 12 members (every 8th of 90) when asked for 12: the funnel counts their candidates', () => {
    for (const point of report.behaviour.points) {
      expect(point.explained).toBe(12);
      const funnel = point.funnel.head;
      const removed = Object.values(funnel.removed).reduce((a, b) => a + b, 0);
      expect(removed + funnel.chosen).toBe(funnel.candidates);
    }
    expect(report.behaviour.explained.stride).toBe(8);
  });
});
