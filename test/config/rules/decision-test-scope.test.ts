// Behaviour tests (docs/behaviour-tests.md) whose names or expectations can never hold, as a
// user reads the problems: a point found on no channel or on two, a member id that is not
// a string or a number, an offer expected by attribute that does not exist, expectations
// that contradict each other, and rules expected at a point of another zone or for an
// offer their static list never gives.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const testDoc = (spec: string, ...cases: string[]) =>
  `apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: t }\nspec:\n${spec}  at: 2026-01-10\n  cases:\n${cases.map((c) => `    - ${c}\n`).join('')}`;
const onWeb = '  channel: web\n  profile: { customerId: c1, age: 40 }\n';
/** The problems without file:line:column (other tests check positions). */
const messages = (files: Record<string, string>) => linesWith(files).map((l) => l.replace(/^\S+ /, ''));

// A second channel with a point of the same name as the web channel's home-hero.
const kiosk = `apiVersion: offerops/v1
kind: Channel
metadata: { name: kiosk }
spec:
  audienceLevels: [ { name: visitor, idField: visitorId } ]
  zones: [ { name: lobby, interactionPoints: [ { name: home-hero }, { name: screen } ] } ]
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: kiosk-rules }
spec: { channel: kiosk, rules: [ { name: k, offer: gold-card, score: 1 } ] }
`;

describe('the channel a test names', () => {
  it('is reported at spec.channel when it is not defined, with the nearest name, and its points are not checked', () => {
    const t = testDoc('  channel: wbe\n  profile: { customerId: c1 }\n', '{ name: c, point: nowhere, expect: { count: 1 } }');
    expect(linesWith({ 't.yaml': t })).toEqual([`${valueAt('t.yaml', t, 'channel: wbe')} error OO201 channel 'wbe' is not defined; did you mean 'web'?`]);
  });

  it('is not reported again when its own schema problems are reported', () => {
    const broken = 'apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: broken }\nspec: { audienceLevels: [] }\n';
    const t = testDoc('  channel: broken\n  profile: { customerId: c1 }\n', '{ name: c, point: home-hero, expect: { count: 1 } }');
    expect(messages({ 'broken.yaml': broken, 't.yaml': t })).toEqual(["error OO101 missing required field 'zones' in 'spec'", 'error OO101 audienceLevels must have at least 1 item(s)']);
  });
});

describe('the point of a test that names no channel', () => {
  it('is found on the one channel that has it', () => {
    expect(messages({ 't.yaml': testDoc('  profile: { customerId: c1 }\n', '{ name: c, point: checkout-upsell, expect: { count: 1 } }') })).toEqual([]);
  });

  it('is reported at the point when no channel has it, with the nearest name', () => {
    const t = testDoc('  profile: { customerId: c1 }\n', '{ name: c, point: home-heor, expect: { count: 1 } }');
    expect(linesWith({ 't.yaml': t })).toEqual([`${valueAt('t.yaml', t, 'point: home-heor')} error OO201 interaction point 'home-heor' is not defined on any channel; did you mean 'home-hero'?`]);
  });

  it('is reported at the point when two channels have it, naming both and the way out', () => {
    const t = testDoc('  profile: { customerId: c1 }\n', '{ name: c, point: home-hero, expect: { count: 1 } }');
    expect(linesWith({ 'kiosk.yaml': kiosk, 't.yaml': t })).toEqual([
      `${valueAt('t.yaml', t, 'point: home-hero')} error OO501 interaction point 'home-hero' is on channels 'web', 'kiosk': name the channel with spec.channel`,
    ]);
    expect(messages({ 'kiosk.yaml': kiosk, 't.yaml': testDoc('  channel: kiosk\n  profile: { visitorId: v1 }\n', '{ name: c, point: home-hero, expect: { count: 1 } }') })).toEqual([]);
  });
});

describe("the member's id in a profile", () => {
  // An id that is neither a string nor a number is no id: the case then has none.
  const noId = "error OO501 case 'c' has no member id: give audienceId, or customerId in the profile";
  it.each([
    ['a string', 'c1', []],
    ['a number', '42', []],
    ['a bool', 'true', ["error OO501 profile.customerId is the member's id: a string or a number, got true", noId]],
    ['a list', '[c1]', ['error OO501 profile.customerId is the member\'s id: a string or a number, got ["c1"]', noId]],
  ])('is accepted or refused when it is %s', (_what, id, problems) => {
    expect(messages({ 't.yaml': testDoc(`  channel: web\n  profile: { customerId: ${id}, age: 40 }\n`, '{ name: c, point: home-hero, expect: { count: 1 } }') })).toEqual(problems);
  });
});

describe('the inputs of a case', () => {
  it('reports a case without a decision day, at the case', () => {
    const t = 'apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: t }\nspec:\n  channel: web\n  profile: { customerId: c1 }\n  cases:\n    - { name: c, point: home-hero, expect: { count: 1 } }\n';
    expect(linesWith({ 't.yaml': t })).toEqual([`${valueAt('t.yaml', t, '{ name: c, point', '{')} error OO501 case 'c' has no decision day: give 'at' on the case or on the test's spec`]);
  });

  it("suggests the member's id field for a profile attribute that is not declared", () => {
    expect(messages({ 't.yaml': testDoc('  channel: web\n  profile: { customerI: c1 }\n', '{ name: c, point: home-hero, expect: { count: 1 } }') })).toEqual([
      "error OO501 profile attribute 'customerI' is not declared on audience level 'customer' of channel 'web': a decision would ignore it; did you mean 'customerId'?",
      "error OO501 case 'c' has no member id: give audienceId, or customerId in the profile",
    ]);
  });

  it('reports a history row at its field at fault, or at the row when the field is missing', () => {
    const bad = testDoc(onWeb, '{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-09, customerId: " " } ], expect: { count: 1 } }');
    expect(linesWith({ 't.yaml': bad })).toEqual([`${valueAt('t.yaml', bad, 'customerId: " "')} error OO501 history row: 'customerId' is required, got " "`]);
    const noId = testDoc('  channel: web\n', '{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-09 } ], expect: { count: 1 } }');
    expect(linesWith({ 't.yaml': noId })).toEqual([
      expect.stringMatching(/ error OO501 case 'c' has no member id: give audienceId, or customerId in the profile$/),
      `${valueAt('t.yaml', noId, '{ offer: gold-card', '{')} error OO501 history row: 'customerId' is required (no such field)`,
    ]);
  });

  it('warns, at its customerId, about a history row of another member, and only when the case has a member', () => {
    const other = testDoc(onWeb, '{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-09, customerId: c2 } ], expect: { count: 1 } }');
    expect(linesWith({ 't.yaml': other })).toEqual([`${valueAt('t.yaml', other, 'customerId: c2')} warning OO501 history row of member 'c2', not of the case's member 'c1': a decision ignores it`]);
    const noId = testDoc('  channel: web\n', '{ name: c, point: home-hero, history: [ { offer: gold-card, date: 2026-01-09, customerId: c2 } ], expect: { count: 1 } }');
    expect(messages({ 't.yaml': noId })).toEqual(["error OO501 case 'c' has no member id: give audienceId, or customerId in the profile"]);
  });
});

describe('offers named by an expectation', () => {
  it('reports an offer expected by attribute that is not defined, at its key', () => {
    const t = testDoc(onWeb, '{ name: c, point: home-hero, expect: { attributes: { gold-crad: { tier: gold } } } }');
    expect(linesWith({ 't.yaml': t })).toEqual([`${valueAt('t.yaml', t, 'gold-crad: {', 'gold-crad')} error OO201 offer 'gold-crad' is not defined; did you mean 'gold-card'?`]);
    expect(messages({ 't.yaml': testDoc(onWeb, '{ name: c, point: home-hero, expect: { attributes: { savings-plus: { tier: gold } } } }') })).toEqual([]);
  });
});

describe('expectations that contradict each other', () => {
  const one = (expectation: string, count = 2) => messages({ 't.yaml': testDoc(onWeb, `{ name: c, point: checkout-upsell, count: ${count}, expect: ${expectation} }`) });

  it('reports a first offer that is also excluded', () => {
    expect(one('{ first: gold-card, excludes: [gold-card] }')).toEqual(["error OO502 the first offer 'gold-card' is also excluded"]);
    expect(one('{ first: gold-card, excludes: [savings-plus] }')).toEqual([]);
  });

  it('reports an offer expected from a rule that is also excluded', () => {
    expect(one('{ rules: { savings-plus: base-any }, excludes: [savings-plus] }')).toEqual(["error OO502 offer 'savings-plus' is expected from a rule and also excluded"]);
    expect(one('{ rules: { savings-plus: base-any }, excludes: [gold-card] }')).toEqual([]);
  });

  it('reports an included offer missing from the exact offers', () => {
    expect(one('{ offers: [gold-card], includes: [savings-plus] }')).toEqual(["error OO502 offer 'savings-plus' is included but not among the exact offers expected"]);
    expect(one('{ offers: [gold-card, savings-plus], includes: [savings-plus] }')).toEqual([]);
  });
});

describe('treatment rules expected at a point', () => {
  const strategy = `apiVersion: offerops/v1
kind: Strategy
metadata: { name: base }
spec:
  channel: web
  rules:
    - { name: base-any, offer: savings-plus, score: 10 }
    - { name: at-checkout, zone: checkout, offer: gold-card, score: 5, controlGroup: { percent: 10 } }
    - { name: at-home, zone: home, offer: gold-card, score: 5, controlGroup: { percent: 10 } }
    - { name: listed, offerList: static, score: 1 }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: static }
spec: { offers: [gold-card] }
`;
  const at = (expectation: string) => messages({ 'strategy.yaml': strategy, 't.yaml': testDoc(onWeb, `{ name: c, point: home-hero, expect: ${expectation} }`) });

  it('reports a control group or an offer expected from a rule of another zone, and accepts one of the same zone', () => {
    const otherZone = "treatment rule 'at-checkout' is for zone 'checkout', not 'home' where 'home-hero' is";
    expect(at('{ controlGroups: [at-checkout] }')).toEqual([`error OO502 ${otherZone}`]);
    expect(at('{ rules: { gold-card: at-checkout } }')).toEqual([`error OO502 ${otherZone}`]);
    expect(at('{ controlGroups: [at-home] }')).toEqual([]);
    expect(at('{ rules: { gold-card: at-home } }')).toEqual([]);
  });

  it("reports an offer a rule's static list never gives, and accepts one it does", () => {
    expect(at('{ rules: { savings-plus: listed } }')).toEqual(["error OO502 treatment rule 'listed' never gives 'savings-plus' (it gives the offers of list 'static')"]);
    expect(at('{ rules: { gold-card: listed } }')).toEqual([]);
  });
});

describe('a treatment rule name defined twice on a channel', () => {
  // Strategy 'zz' is read first (a.yaml) but 'aa' comes first by name: the duplicate error
  // calls aa's rule the first definition, and an expectation refers to that one too.
  const strategyDoc = (name: string, zone: string) =>
    `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: ${name} }\nspec:\n  channel: web\n  rules:\n    - { name: dup, zone: ${zone}, offer: gold-card, score: 5, controlGroup: { percent: 10 } }\n`;

  it('is read, for expectations, as the definition the duplicate error names first', () => {
    const files = { 'a.yaml': strategyDoc('zz', 'checkout'), 'b.yaml': strategyDoc('aa', 'home'), 't.yaml': testDoc(onWeb, '{ name: c, point: home-hero, expect: { controlGroups: [dup] } }') };
    expect(messages(files)).toEqual([
      "error OO202 treatment rule 'dup' is already defined for channel 'web' (in strategy 'aa'); rule names are unique within a channel",
    ]);
  });

  it('is read as the definition of the strategy first by name when the files are read in that order too', () => {
    const files = { 'a.yaml': strategyDoc('aa', 'home'), 'b.yaml': strategyDoc('zz', 'checkout'), 't.yaml': testDoc(onWeb, '{ name: c, point: home-hero, expect: { controlGroups: [dup] } }') };
    expect(messages(files)).toEqual([
      "error OO202 treatment rule 'dup' is already defined for channel 'web' (in strategy 'aa'); rule names are unique within a channel",
    ]);
  });
});

describe('a base profile checked against each channel its cases use', () => {
  // A second channel whose level declares age as web's does: a wrong base age breaks both.
  const app = `apiVersion: offerops/v1
kind: Channel
metadata: { name: app }
spec:
  audienceLevels: [ { name: customer, idField: customerId, attributes: { age: { type: int } } } ]
  zones: [ { name: start, interactionPoints: [ { name: app-start } ] } ]
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: app-rules }
spec: { channel: app, rules: [ { name: a, offer: gold-card, score: 1 } ] }
`;

  it('reports the same problem once, at the base profile', () => {
    const t = testDoc('  profile: { customerId: c1, age: old }\n', '{ name: web-case, point: checkout-upsell, expect: { count: 0 } }', '{ name: app-case, point: app-start, expect: { count: 0 } }');
    expect(linesWith({ 'app.yaml': app, 't.yaml': t })).toEqual([`${valueAt('t.yaml', t, 'age: old')} error OO501 profile.age must be a value of type int, got "old"`]);
  });
});
