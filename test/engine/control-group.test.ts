// docs/decisions.md#control-group-hash: control groups by a stable hash of (channel, rule, audienceId).
import { describe, expect, it } from 'vitest';
import { controlGroupBucket, controlGroupThreshold } from '../../src/engine/control-group.js';
import { adult, engineFor, offersOf, request, strategy } from './engine-fixture.js';

describe('control group hash', () => {
  it('is stable and documented: the same inputs give the same bucket in 0..9999', () => {
    // Pinned values, computed by an independent implementation of the documented definition
    // (FNV-1a 32 over UTF-8 "channel\0rule\0id", murmur3 fmix32, mod 10000). Changing the
    // hash would move members between groups.
    expect(controlGroupBucket('web', 'hv-gold-upgrade', 'c1')).toBe(controlGroupBucket('web', 'hv-gold-upgrade', 'c1'));
    const pinned = [controlGroupBucket('web', 'hv-gold-upgrade', 'c1'), controlGroupBucket('web', 'hv-gold-upgrade', 'c2'), controlGroupBucket('email', 'r', 'ü-ñ-😀')];
    expect(pinned).toEqual([4323, 5595, 8854]);
    for (const bucket of pinned) expect(bucket).toBeGreaterThanOrEqual(0);
  });

  // The documented definition again, independently: FNV-1a 32 over `bytes`, fmix32, mod 10000.
  const bucketOfBytes = (bytes: Iterable<number>): number => {
    let h = 0x811c9dc5;
    for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0) % 10000;
  };
  // Code point by code point (a lone surrogate is one), each in its 1- to 4-byte form.
  const generalizedUtf8 = (text: string): number[] =>
    [...text].flatMap((ch) => {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) return [cp];
      if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
      if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
      return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    });

  it.each(['\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}', 'a\u00e9\u20ac\u{1f600}z'])('hashes the UTF-8 bytes of an id holding %j, at the edges of the 1- to 4-byte forms', (ch) => {
    const id = `c-${ch}-1`;
    const bytes = new TextEncoder().encode(`web\0r\0${id}`);
    expect(generalizedUtf8(`web\0r\0${id}`)).toEqual([...bytes]);
    expect(controlGroupBucket('web', 'r', id)).toBe(bucketOfBytes(bytes));
  });

  // Not UTF-8 (the session API refuses such ids; the engine takes them): each lone surrogate
  // is hashed as its own 3-byte form, so the id keeps its bucket from version to version.
  it.each(['\ud800', 'a\ud800b', '\ud800\udbff', '\ud800\ue000', '\udc00', '\udc00\udc00', '\u00e9\udc00', '\ud7ff\udfff', '\ue000\udc00'])('hashes an id holding the lone surrogates of %j as code points of their own', (text) => {
    const id = `c-${text}`;
    expect(controlGroupBucket('web', 'r', id)).toBe(bucketOfBytes(generalizedUtf8(`web\0r\0${id}`)));
  });

  it('holds out the buckets below percent × 100, fractions included and float noise ignored', () => {
    expect(controlGroupThreshold(0.124)).toBe(13); // buckets 0..12 are below 12.4
    expect(controlGroupThreshold(12.5)).toBe(1250);
    expect(controlGroupThreshold(1.1)).toBe(110); // 1.1 × 100 = 110.00000000000001
    expect(controlGroupThreshold(0.29)).toBe(29); // 0.29 × 100 = 28.999999999999996
    expect(controlGroupThreshold(33.333)).toBe(3334);
    expect(controlGroupThreshold(0)).toBe(0);
    expect(controlGroupThreshold(100)).toBe(10000);
  });

  it('depends on the channel, the rule and the member', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `customer-${i}`);
    const byRule = (rule: string) => ids.map((id) => controlGroupBucket('web', rule, id)).join();
    expect(byRule('a')).not.toBe(byRule('b'));
    expect(ids.map((id) => controlGroupBucket('sms', 'a', id)).join()).not.toBe(byRule('a'));
  });

  it('puts about percent of members in the control group, for sequential ids too', () => {
    const n = 20000;
    let inTen = 0;
    let inOne = 0;
    for (let i = 0; i < n; i++) {
      const bucket = controlGroupBucket('web', 'hv', String(i));
      if (bucket < 1000) inTen++;
      if (bucket < 100) inOne++;
    }
    expect(inTen / n).toBeGreaterThan(0.09);
    expect(inTen / n).toBeLessThan(0.11);
    expect(inOne / n).toBeGreaterThan(0.007);
    expect(inOne / n).toBeLessThan(0.013);
  });
});

describe('control groups in decisions', () => {
  it('gives nothing from a rule to a member of its control group and records the assignment', async () => {
    const engine = await engineFor(strategy('s', ['{ name: holdout, offer: gold-card, score: 80, controlGroup: { percent: 30 } }', '{ name: other, offer: savings-plus, score: 10 }']));
    let control = 0;
    for (let i = 0; i < 400; i++) {
      const id = `m${i}`;
      const decision = engine.decide(request({ audience: { id, profile: { ...adult, customerId: id } }, explain: true }));
      const inControl = controlGroupBucket('web', 'holdout', id) < 3000;
      expect(decision.controlGroups).toEqual(inControl ? ['holdout'] : []);
      expect(offersOf(decision).includes('gold-card')).toBe(!inControl);
      if (inControl) {
        control++;
        expect(decision.explain).toContainEqual(expect.objectContaining({ offer: 'gold-card', outcome: 'control-group' }));
        expect(offersOf(decision)).toEqual(['savings-plus']);
      }
    }
    expect(control).toBeGreaterThan(80);
    expect(control).toBeLessThan(160);
  });

  it('keeps the same member in the control group on every decision and every day', async () => {
    const engine = await engineFor(strategy('s', ['{ name: holdout, offer: gold-card, score: 80, controlGroup: { percent: 50 } }']));
    const id = Array.from({ length: 100 }, (_, i) => `x${i}`).find((x) => controlGroupBucket('web', 'holdout', x) < 5000)!;
    for (const at of ['2026-01-01', '2026-06-15', '2027-03-03']) {
      expect(engine.decide(request({ at, audience: { id, profile: { ...adult, customerId: id } } })).controlGroups).toEqual(['holdout']);
    }
  });

  it("hands each decision its own list: changing one decision's control groups changes no later decision of the session", async () => {
    const engine = await engineFor(strategy('s', ['{ name: holdout, offer: gold-card, score: 90, controlGroup: { percent: 100 } }', '{ name: other, offer: platinum-card, score: 80 }']));
    const cache = engine.newSegmentCache();
    const first = engine.decide(request(), cache);
    expect([offersOf(first), first.controlGroups]).toEqual([['platinum-card'], ['holdout']]);
    first.controlGroups.push('added by the caller');
    const again = engine.decide(request(), cache);
    expect([offersOf(again), again.controlGroups]).toEqual([['platinum-card'], ['holdout']]);
  });

  it('draws the control group only for members the rule would serve', async () => {
    const engine = await engineFor(strategy('s', ["{ name: holdout, offer: gold-card, score: 80, eligibility: 'profile.age > 100', controlGroup: { percent: 100 } }"]));
    expect(engine.decide(request()).controlGroups).toEqual([]);
  });
});
