// Validation of DecisionTest documents (beyond the positions the fixture folder pins):
// the messages, names shared by channels, and problems reported once.
import { describe, expect, it } from 'vitest';
import { strategy } from '../engine/engine-fixture.js';
import { decisionTest, loadTests } from './tests-fixture.js';

const rules = strategy('s', ['{ name: all, offer: savings-plus, score: 10 }']);
const secondChannel = `apiVersion: offerops/v1
kind: Channel
metadata: { name: app }
spec:
  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int } } }]
  zones: [{ name: home, interactionPoints: [{ name: home-hero }, { name: app-only }] }]
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: app-rules }
spec:
  channel: app
  rules: [{ name: app-all, offer: gold-card, score: 10 }]
`;

/** The problems of one test file on channel web (or `spec`) holding `cases`, as [code, line, column, message]. */
async function problemsOf(cases: string, spec?: string): Promise<[string, number, number, string][]> {
  const loaded = await loadTests({ 'strategy.yaml': rules, 'tests/t.yaml': decisionTest('t', cases, spec) });
  return loaded.problems.map((p) => [p.code, p.line, p.column, p.message]);
}

describe('DecisionTest validation', () => {
  it('asks for spec.channel when a point name is on several channels, and resolves a unique one alone', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'app.yaml': secondChannel,
      'tests/t.yaml': decisionTest(
        't',
        `    - { name: shared name, point: home-hero, profile: { customerId: c1 }, expect: { count: 1 } }
    - { name: unique name, point: app-only, profile: { customerId: c1 }, expect: { offers: [gold-card] } }
`,
        'at: 2026-05-01',
      ),
    });
    expect(loaded.problems.map((p) => [p.code, p.line, p.message])).toEqual([['OO501', 7, "interaction point 'home-hero' is on channels 'app', 'web': name the channel with spec.channel"]]);
  });

  it('names an unknown offer and an unknown point of givenEarlier where they are written, all at once', async () => {
    expect(
      await problemsOf(
        `    - { name: ok, point: home-hero, profile: { customerId: c1 }, givenEarlier: { gold-card: home-sidebar }, expect: { count: 1 } }
    - name: typos
      point: home-hero
      profile: { customerId: c1 }
      givenEarlier: { gold-crad: home-sidebar, savings-plus: home-sidebr }
      expect: { count: 1 }
`,
      ),
    ).toEqual([
      ['OO201', 12, 23, "offer 'gold-crad' is not defined; did you mean 'gold-card'?"],
      ['OO201', 12, 62, "interaction point 'home-sidebr' is not defined on channel 'web'; did you mean 'home-sidebar'?"],
    ]);
  });

  it('names an unknown offer of sessionActivity where it is written, accepted and rejected alike', async () => {
    expect(
      await problemsOf(
        `    - { name: ok, point: home-hero, profile: { customerId: c1 }, sessionActivity: { offered: 2, accepted: [gold-card], rejected: [savings-plus] }, expect: { count: 1 } }
    - name: typos
      point: home-hero
      profile: { customerId: c1 }
      sessionActivity: { accepted: [gold-card, gold-crad], rejected: [savngs-plus] }
      expect: { count: 1 }
`,
      ),
    ).toEqual([
      ['OO201', 12, 48, "offer 'gold-crad' is not defined; did you mean 'gold-card'?"],
      ['OO201', 12, 71, "offer 'savngs-plus' is not defined; did you mean 'savings-plus'?"],
    ]);
  });

  it('names an unknown offer in first, and in the keys of rules and attributes, at the name itself', async () => {
    expect(
      await problemsOf(
        `    - name: typos
      point: home-hero
      profile: { customerId: c1 }
      expect: { first: gold-crad, rules: { savngs-plus: all }, attributes: { platnum-card: { x: 1 } } }
`,
      ),
    ).toEqual([
      ['OO201', 11, 24, "offer 'gold-crad' is not defined; did you mean 'gold-card'?"],
      ['OO201', 11, 44, "offer 'savngs-plus' is not defined; did you mean 'savings-plus'?"],
      ['OO201', 11, 78, "offer 'platnum-card' is not defined; did you mean 'platinum-card'?"],
    ]);
  });

  it('says a point is not on the named channel even when another channel has it, and not on any channel when none has it', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'app.yaml': secondChannel,
      'tests/named.yaml': decisionTest('named', `    - { name: elsewhere, point: app-only, profile: { customerId: c1 }, expect: { count: 1 } }\n`),
      'tests/unnamed.yaml': decisionTest('unnamed', `    - { name: nowhere, point: home-heros, profile: { customerId: c1 }, expect: { count: 1 } }\n`, 'at: 2026-05-01'),
    });
    expect(loaded.problems.map((p) => [p.file.split('/').pop(), p.code, p.message])).toEqual([
      ['named.yaml', 'OO201', "interaction point 'app-only' is not defined on channel 'web'"],
      ['unnamed.yaml', 'OO201', "interaction point 'home-heros' is not defined on any channel; did you mean 'home-hero'?"],
    ]);
  });

  it("checks a case's profile against the audience level the test names, and reports an undeclared level once", async () => {
    const household = (profile: string) =>
      decisionTest(
        'h',
        `    - { name: one, point: home-hero, profile: ${profile}, expect: { count: 1 } }\n    - { name: two, point: home-sidebar, profile: ${profile}, expect: { count: 1 } }\n`,
        'channel: web\n  at: 2026-05-01\n  audienceLevel: household',
      );
    expect((await loadTests({ 'strategy.yaml': rules, 'tests/t.yaml': household('{ householdId: h1, size: 3 }') })).problems).toEqual([]);
    const wrongType = await loadTests({ 'strategy.yaml': rules, 'tests/t.yaml': household('{ householdId: h1, size: big }') });
    expect(wrongType.problems.map((p) => [p.code, p.message])).toEqual([
      ['OO501', 'profile.size must be a value of type int, got "big"'],
      ['OO501', 'profile.size must be a value of type int, got "big"'],
    ]);
    const undeclared = await loadTests({
      'strategy.yaml': rules,
      'tests/t.yaml': decisionTest(
        'h',
        `    - { name: one, point: home-hero, expect: { count: 1 } }\n    - { name: two, point: home-sidebar, expect: { count: 1 } }\n`,
        'channel: web\n  at: 2026-05-01\n  audienceLevel: househld',
      ),
    });
    expect(undeclared.problems.map((p) => [p.code, p.message])).toEqual([['OO201', "audience level 'househld' is not declared on channel 'web'; did you mean 'household'?"]]);
  });

  it('names an unknown offer of a history row and an unknown treatment rule with the closest names', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'tests/t.yaml': decisionTest(
        't',
        `    - name: typos
      point: home-hero
      profile: { customerId: c1 }
      history: [{ offer: gold-crad, date: 2026-04-30 }]
      expect: { rules: { savings-plus: al }, controlGroups: [alll] }
`,
      ),
    });
    expect(loaded.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['OO201', 11, "offer 'gold-crad' is not defined; did you mean 'gold-card'?"],
      ['OO201', 12, "treatment rule 'al' is not defined on channel 'web'; did you mean 'all'?"],
      ['OO201', 12, "treatment rule 'alll' is not defined on channel 'web'; did you mean 'all'?"],
    ]);
  });

  it('says nothing more of an offer whose own document is invalid: its schema problem is the one to fix', async () => {
    const broken = `apiVersion: offerops/v1
kind: Offer
metadata: { name: broken-card }
spec: { displayName: 7, cost: cheap }
`;
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'broken.yaml': broken,
      'tests/t.yaml': decisionTest(
        't',
        `    - name: names the broken offer everywhere
      point: home-hero
      profile: { customerId: c1 }
      givenEarlier: { broken-card: home-sidebar }
      sessionActivity: { accepted: [broken-card] }
      history: [{ offer: broken-card, date: 2026-04-30 }]
      expect: { excludes: [broken-card] }
`,
      ),
    });
    expect(loaded.problems.length).toBeGreaterThan(0);
    expect(loaded.problems.every((p) => p.file.endsWith('broken.yaml'))).toBe(true);
  });

  it("reports a problem in the test's base profile once, however many cases use it", async () => {
    expect(
      await problemsOf(
        `    - { name: one, point: home-hero, expect: { count: 1 } }
    - { name: two, point: home-sidebar, expect: { count: 1 } }
    - { name: three, point: checkout-upsell, expect: { count: 1 } }
`,
        'channel: web\n  at: 2026-05-01\n  profile: { customerId: c1, age: old }',
      ),
    ).toEqual([['OO501', 7, 35, 'profile.age must be a value of type int, got "old"']]);
  });

  it("checks the test's base session once against the channel's session attributes", async () => {
    expect(
      await problemsOf(
        `    - { name: one, point: home-hero, profile: { customerId: c1 }, expect: { count: 1 } }
    - { name: two, point: home-sidebar, profile: { customerId: c1 }, expect: { count: 1 } }
`,
        'channel: web\n  at: 2026-05-01\n  session: { device: tablet, devise: app }',
      ),
    ).toEqual([
      ['OO501', 7, 22, 'session.device must be one of "desktop", "mobile", "app", got "tablet"'],
      ['OO501', 7, 30, "session attribute 'devise' is not declared on channel 'web': a decision would ignore it; did you mean 'device'?"],
    ]);
  });

  it('suggests the declared attribute for a misspelt one, and says a decision would ignore it', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'tests/t.yaml': decisionTest('t', `    - { name: one, point: home-hero, profile: { customerId: c1, incme: 5.0 }, session: { devise: mobile }, expect: { count: 1 } }\n`),
    });
    expect(loaded.problems.map((p) => p.message)).toEqual([
      "profile attribute 'incme' is not declared on audience level 'customer' of channel 'web': a decision would ignore it; did you mean 'income'?",
      "session attribute 'devise' is not declared on channel 'web': a decision would ignore it; did you mean 'device'?",
    ]);
  });

  it('accepts a numeric member id, and an id given as audienceId instead of in the profile', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'tests/t.yaml': decisionTest(
        't',
        `    - { name: numeric id, point: home-hero, profile: { customerId: 1001 }, expect: { count: 1 } }
    - { name: given id, point: home-hero, audienceId: c9, profile: { age: 30 }, expect: { count: 1 } }
    - { name: not an id, point: home-hero, profile: { customerId: [1] }, expect: { count: 1 } }
`,
      ),
    });
    expect(loaded.problems.map((p) => [p.line, p.message])).toEqual([
      [10, "case 'not an id' has no member id: give audienceId, or customerId in the profile"],
      [10, "profile.customerId is the member's id: a string or a number, got [1]"],
    ]);
  });

  it('keeps the tests out of the bundle but in the validation of the config: a bad test stops the compile', async () => {
    const loaded = await loadTests({ 'strategy.yaml': rules, 'tests/t.yaml': decisionTest('t', `    - { name: one, point: nowhere, profile: { customerId: c1 }, expect: { count: 1 } }\n`) });
    expect(loaded.bundle).toBeNull();
    expect(loaded.problems.map((p) => p.code)).toEqual(['OO201']);
  });

  it('refuses two tests with one name, pointing at each', async () => {
    const loaded = await loadTests({
      'strategy.yaml': rules,
      'tests/a.yaml': decisionTest('same', `    - { name: one, point: home-hero, profile: { customerId: c1 }, expect: { count: 1 } }\n`),
      'tests/b.yaml': decisionTest('same', `    - { name: one, point: home-hero, profile: { customerId: c1 }, expect: { count: 1 } }\n`),
    });
    expect(loaded.problems.map((p) => [p.file, p.code])).toEqual([
      ['config/tests/a.yaml', 'OO202'],
      ['config/tests/b.yaml', 'OO202'],
    ]);
  });
});
