// Expressions where they are written (docs/config-language.md#types-and-expressions): each
// kind of site labels its problems the way the user finds it (segment expression, eligibility,
// where), enum literals a value can never equal are reported, and inSegment() names a
// segment of the same channel and audience level.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleWith, kiosk, linesWith, valueAt } from './in-memory.js';

const strategy = (...rules: string[]) => `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: ex }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;

describe('labels by site', () => {
  it('labels a segment expression, an offer list where and a rule field by what the user wrote', () => {
    const segment = "apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: bad }\nspec: { channel: web, expression: 'profile.age == 1.5' }\n";
    const list = "apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: bad-list }\nspec: { where: 'offer.cost == 1' }\n";
    const rules = strategy("{ name: s, offer: gold-card, scoreExpression: 'profile.income + 1' }", "{ name: e, offer: gold-card, score: 1, eligibility: 'profile.age' }");
    expect(linesWith({ 's.yaml': segment, 'l.yaml': list, 'x.yaml': rules }).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'error OO301 where: no such overload: double == int; CEL never mixes int and double: write 1 as 1.0, or convert with double(…)',
      'error OO301 segment expression: no such overload: int == double; CEL never mixes int and double: convert one side with double(…) or int(…)',
      expect.stringMatching(/^error OO301 scoreExpression: no such overload: double \+ int; CEL never mixes int and double: write 1 as 1\.0/),
      expect.stringMatching(/^error OO301 eligibility: /),
    ]);
  });

  it('checks no expression of a strategy whose channel is unknown: the channel is what to fix', () => {
    const text = "apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: lost }\nspec:\n  channel: nowhere\n  rules:\n    - { name: l, offer: gold-card, score: 1, eligibility: 'profile.age > 1' }\n";
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, 'channel: nowhere')} error OO201 channel 'nowhere' is not defined`]);
  });
});

describe('enum literals', () => {
  it('reports a profile or session value outside the enum, where the literal is', () => {
    const text = strategy(`{ name: a, offer: gold-card, score: 1, eligibility: 'profile.tier == "platnum"' }`, `{ name: b, offer: gold-card, score: 1, eligibility: 'session.device == "mobil"' }`);
    expect(linesWith({ 'x.yaml': text })).toEqual([
      `${valueAt('x.yaml', text, `'profile.tier == "platnum"'`, '"platnum"')} error OO301 profile.tier is never "platnum": its enum allows "bronze", "silver", "gold"`,
      `${valueAt('x.yaml', text, `'session.device == "mobil"'`, '"mobil"')} error OO301 session.device is never "mobil": its enum allows "desktop", "mobile"; did you mean 'mobile'?`,
    ]);
    expect(linesWith({ 'x.yaml': strategy(`{ name: a, offer: gold-card, score: 1, eligibility: 'profile.tier == "gold" && session.device != "mobile"' }`) })).toEqual([]);
  });

  it('reports an item a list attribute never holds, where the literal is', () => {
    const channel = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/validate/_base/channel.yaml'), 'utf8').replace('tags: { type: list, items: string }', 'tags: { type: list, items: string, enum: [vip, new] }');
    const text = strategy(`{ name: a, offer: gold-card, score: 1, eligibility: '"vp" in profile.tags' }`);
    expect(linesWith({ 'channel.yaml': channel, 'x.yaml': text })).toEqual([
      `${valueAt('x.yaml', text, `'"vp" in profile.tags'`, '"vp"')} error OO301 profile.tags never holds "vp": its enum allows "vip", "new"; did you mean 'vip'?`,
    ]);
  });
});

describe('inSegment', () => {
  it("reports a segment of another channel, naming the rule segment's audience level", () => {
    const text = strategy(`{ name: c, segment: adults, offer: gold-card, score: 1, eligibility: 'inSegment("kiosk-visitors")' }`);
    expect(linesWith({ 'kiosk.yaml': kiosk, 'x.yaml': text })).toEqual([
      `${valueAt('x.yaml', text, `'inSegment("kiosk-visitors")'`, '"kiosk-visitors"')} error OO208 inSegment: segment 'kiosk-visitors' is on channel 'kiosk' (audience level 'visitor'), not on 'web' (audience level 'customer')`,
    ]);
  });

  it('reports a segment of another channel from a rule without a segment, without an unknown audience level', () => {
    const text = strategy(`{ name: c, offer: gold-card, score: 1, eligibility: 'inSegment("kiosk-visitors")' }`);
    expect(linesWith({ 'kiosk.yaml': kiosk, 'x.yaml': text })).toEqual([
      `${valueAt('x.yaml', text, `'inSegment("kiosk-visitors")'`, '"kiosk-visitors"')} error OO208 inSegment: segment 'kiosk-visitors' is on channel 'kiosk' (audience level 'visitor'), not on 'web'`,
    ]);
  });

  it('reports a segment of another audience level of the same channel', () => {
    const channel = `apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  audienceLevels:
    - { name: customer, idField: customerId, attributes: { age: { type: int } } }
    - { name: household, idField: householdId }
  zones: [ { name: home, interactionPoints: [ { name: home-hero } ] } ]
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: households }
spec: { channel: web, audienceLevel: household, expression: 'true' }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: uses-households }
spec: { channel: web, expression: 'inSegment("households")' }
`;
    expect(linesWith({ 'channel.yaml': channel }).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO208 inSegment: segment 'households' is on channel 'web' (audience level 'household'), not on 'web' (audience level 'customer')",
    ]);
  });

  it('accepts a segment of the same channel from a rule without a segment, which has no audience level to compare', () => {
    expect(linesWith({ 'x.yaml': strategy(`{ name: c, offer: gold-card, score: 1, eligibility: 'inSegment("adults")' }`) })).toEqual([]);
  });

  it("gives a segment's bundle entry each segment it uses once, sorted, and none to a segment that uses none", () => {
    const uses = `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: uses }\nspec: { channel: web, expression: 'inSegment("zz-old") || (inSegment("adults") && inSegment("zz-old"))' }\n---\napiVersion: offerops/v1\nkind: Segment\nmetadata: { name: zz-old }\nspec: { channel: web, expression: 'profile.age > 60' }\n`;
    const segments = bundleWith({ 'x.yaml': uses })!.body.segments.map((s) => [s.name, s.dependsOn]);
    expect(segments).toEqual([
      ['adults', []],
      ['uses', ['adults', 'zz-old']],
      ['zz-old', []],
    ]);
  });

  it('is quiet about a segment whose own schema problems are reported', () => {
    const broken = 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: broken }\nspec: { channel: web }\n';
    const text = strategy(`{ name: c, offer: gold-card, score: 1, eligibility: 'inSegment("broken")' }`);
    expect(linesWith({ 'b.yaml': broken, 'x.yaml': text }).map((l) => l.replace(/^\S+ /, ''))).toEqual(["error OO101 missing required field 'expression' in 'spec'"]);
  });
});
