// The rules a decision's error sweep evaluates (src/engine/error-risk.ts rulesAtRisk): found
// through per-attribute indexes, they must be exactly the rules the definition names —
// every rule that may fail whatever the member, and every rule reading an attribute or a
// map entry the member lacks or holds out of bounds — in precedence order. Checked
// against that definition, written out plainly here, on every zone and level of the
// generated large config with map-indexed scores (by offer name: checked per entry; by a
// computed key: may fail whatever the member) and on seeded members missing attributes
// and map entries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom, writeLargeConfig } from '../../bench/generate/large-config.mjs';
import { createBundle } from '../../src/bundle/bundle.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import type { CompiledRule } from '../../src/engine/compiled-types.js';
import { inputsAreSafe, MAGNITUDE, rulesAtRisk, zoneRisk, type MapKey, type ZoneRisk } from '../../src/engine/error-risk.js';

const temporary: string[] = [];
afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

/** The definition: in precedence order, each rule that may fail whatever the member or reads an unsafe attribute. */
function unsafe(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && !(Math.abs(value) <= MAGNITUDE)) || (typeof value === 'bigint' && (value > BigInt(MAGNITUDE) || value < -BigInt(MAGNITUDE)));
}

function unsafeEntry(key: MapKey, profile: Record<string, unknown>, session: Record<string, unknown>): boolean {
  const map = (key.variable === 'profile' ? profile : session)[key.field];
  return typeof map !== 'object' || map === null || !Object.hasOwn(map, key.key) || unsafe((map as Record<string, unknown>)[key.key]);
}

function definition(risk: ZoneRisk, profile: Record<string, unknown>, session: Record<string, unknown>): CompiledRule[] {
  return risk.rules
    .filter((one) => one.always || one.profile.some((name) => unsafe(profile[name])) || one.session.some((name) => unsafe(session[name])) || one.keys.some((key) => unsafeEntry(key, profile, session)))
    .map((one) => one.rule);
}

/** A member's maps for the entries the zone reads: most present, some missing, some out of bounds, some at the bound. */
function withMaps(risk: ZoneRisk, profile: Record<string, unknown>, random: ReturnType<typeof seededRandom>, missing: number): void {
  for (const key of risk.keys) {
    if (key.variable !== 'profile') continue;
    if (!(key.field in profile) || typeof profile[key.field] !== 'object') {
      if (missing > 0 && random.chance(0.05)) continue; // no map at all
      profile[key.field] = {};
    }
    const map = profile[key.field] as Record<string, unknown>;
    const roll = random.next();
    if (roll < missing) continue;
    map[key.key] = roll < missing + 0.02 ? 2e15 : roll < missing + 0.04 ? MAGNITUDE : 0.5;
  }
}

function member(names: readonly string[], random: ReturnType<typeof seededRandom>, missing: number): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of names) {
    const roll = random.next();
    if (roll < missing) continue;
    if (roll < missing + 0.02) record[name] = null;
    else if (roll < missing + 0.04) record[name] = random.chance(0.5) ? 1e16 : -(10n ** 16n);
    else if (roll < missing + 0.05) record[name] = MAGNITUDE; // in bounds: the boundary itself
    else record[name] = random.chance(0.5) ? 7 : 'x';
  }
  return record;
}

describe('rulesAtRisk', () => {
  it('names exactly the rules of the definition, in precedence order, for members missing attributes or holding out-of-bounds values', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-error-risk-'));
    temporary.push(dir);
    await writeLargeConfig(dir, { seed: 20260101, scale: 0.1 });
    const compiled = await compileDirectory(dir, { root: dir });
    const body = structuredClone(compiled.bundle!.body);
    // A map attribute and every 7th single-offer rule scoring from it: those may fail whatever the member.
    for (const channel of body.channels) {
      const level = channel.audienceLevels[0]!;
      level.attributes = Object.fromEntries(Object.entries({ ...level.attributes, modelScores: { type: 'map' as const, values: 'double' as const, enum: null } }).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    body.rules.forEach((rule, i) => {
      if (i % 7 === 0) rule.scoreExpression = 'profile.modelScores[offer.name] * 100.0';
      else if (i % 13 === 0 && rule.offer !== null) rule.scoreExpression = 'profile.modelScores[offer.name + "-2"] * 100.0';
    });
    const engineBundle = compileBundle(createBundle(body));
    const random = seededRandom(16);
    let zones = 0;
    let nonEmpty = 0;
    let alwaysOnly = 0;
    let byEntry = 0;
    for (const channel of engineBundle.channels.values()) {
      const seen = new Set<string>();
      for (const point of channel.points.values()) {
        if (seen.has(point.zone)) continue;
        seen.add(point.zone);
        for (const level of channel.levels) {
          const risk = zoneRisk(engineBundle, channel, point.rules, level.name, new Set());
          zones++;
          const profileNames = [...Object.keys(level.attributes), ...risk.profile];
          const sessionNames = [...Object.keys(channel.sessionAttributes), ...risk.session];
          for (let i = 0; i < 40; i++) {
            // Complete members (no attribute missing) and members missing one in ten.
            const missing = i % 4 === 0 ? 0 : 0.1;
            const profile = member(profileNames.filter((name) => name !== 'modelScores'), random, missing);
            withMaps(risk, profile, random, missing);
            const session = member(sessionNames, random, missing);
            const expected = definition(risk, profile, session);
            const got = rulesAtRisk(risk, profile, session);
            expect(got.map((r) => r.precedence)).toEqual(expected.map((r) => r.precedence));
            // The zone is safe exactly when no rule is at risk.
            expect(inputsAreSafe(risk, profile, session)).toBe(expected.length === 0);
            if (risk.rules.some((one) => one.keys.length > 0 && unsafeEntry(one.keys[0]!, profile, session) && !one.profile.some((name) => unsafe(profile[name])))) byEntry++;
            if (expected.length > 0) nonEmpty++;
            if (expected.length > 0 && expected.length === risk.alwaysRules.length) alwaysOnly++;
          }
        }
      }
    }
    // The cases exercise both paths: members with rules at risk of their own, and members with only the always-rules.
    expect(zones).toBeGreaterThan(3);
    expect(nonEmpty).toBeGreaterThan(50);
    expect(alwaysOnly).toBeGreaterThan(10);
    // Members at risk through a map entry alone (the map present, the entry missing or out of bounds).
    expect(byEntry).toBeGreaterThan(10);
  }, 60000);

  it('returns only the rules that may fail whatever the member when every attribute is present and in bounds', () => {
    const rule = (precedence: number): CompiledRule => ({ precedence }) as unknown as CompiledRule;
    const [a, b, c] = [rule(0), rule(1), rule(2)];
    const risk: ZoneRisk = {
      always: true,
      profile: ['age'],
      session: ['device'],
      keys: [],
      rules: [
        { rule: a, always: false, profile: ['age'], session: [], keys: [] },
        { rule: b, always: true, profile: [], session: [], keys: [] },
        { rule: c, always: false, profile: [], session: ['device'], keys: [] },
      ],
      alwaysRules: [b],
      byProfile: new Map([['age', [0]]]),
      bySession: new Map([['device', [2]]]),
      byKey: [],
      alwaysAt: [1],
    };
    expect(rulesAtRisk(risk, { age: MAGNITUDE }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: -MAGNITUDE }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: MAGNITUDE - 1 }, { device: 'app' })).toEqual([b]);
    expect(rulesAtRisk(risk, { age: MAGNITUDE + 1 }, { device: 'app' })).toEqual([a, b]);
    expect(rulesAtRisk(risk, { age: 30 }, {})).toEqual([b, c]);
    expect(rulesAtRisk(risk, {}, {})).toEqual([a, b, c]);
  });

  it('checks a map entry an expression indexes like an attribute: present, and within the bounds at N-1, N, N+1', () => {
    const scored = { precedence: 0 } as unknown as CompiledRule;
    const key: MapKey = { variable: 'profile', field: 'modelScores', key: 'isa' };
    const risk: ZoneRisk = {
      always: false,
      profile: [],
      session: [],
      keys: [key],
      rules: [{ rule: scored, always: false, profile: [], session: [], keys: [key] }],
      alwaysRules: [],
      byProfile: new Map(),
      bySession: new Map(),
      byKey: [[0]],
      alwaysAt: [],
    };
    for (const value of [0.5, MAGNITUDE - 1, MAGNITUDE, -MAGNITUDE]) {
      expect(inputsAreSafe(risk, { modelScores: { isa: value } }, {})).toBe(true);
      expect(rulesAtRisk(risk, { modelScores: { isa: value } }, {})).toEqual([]);
    }
    for (const profile of [{ modelScores: { isa: MAGNITUDE + 1 } }, { modelScores: { cash: 0.5 } }, { modelScores: JSON.parse('{"__proto__": 0.5}') as unknown }, {}]) {
      expect(inputsAreSafe(risk, profile, {})).toBe(false);
      expect(rulesAtRisk(risk, profile, {})).toEqual([scored]);
    }
  });
});
