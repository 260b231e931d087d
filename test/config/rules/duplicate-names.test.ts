// Duplicate names (docs/validation.md#codes, OO202): each definition of a duplicated
// document name is reported and names the others; names inside a channel, treatment rule
// names per channel (across its strategies) and rule names per policy are unique.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const offer = (name: string) => `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name} }\nspec: {}\n`;

describe('document names', () => {
  it('reports every definition of a name defined three times, each naming the other two', () => {
    const lines = linesWith({ 'a.yaml': offer('twice'), 'b.yaml': `${offer('twice')}---\n${offer('unique')}`, 'c.yaml': offer('twice') });
    expect(lines).toEqual([
      "config/a.yaml:3:19 error OO202 Offer 'twice' is defined 3 times (also at config/b.yaml:3, config/c.yaml:3)",
      "config/b.yaml:3:19 error OO202 Offer 'twice' is defined 3 times (also at config/a.yaml:3, config/c.yaml:3)",
      "config/c.yaml:3:19 error OO202 Offer 'twice' is defined 3 times (also at config/a.yaml:3, config/b.yaml:3)",
    ]);
  });

  it('allows the same name for documents of different kinds', () => {
    const segment = "apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: gold-card }\nspec: { channel: web, expression: 'profile.age > 1' }\n";
    expect(linesWith({ 'x.yaml': segment })).toEqual([]);
  });
});

describe('names inside a channel', () => {
  const channel = (audienceLevels: string, zones: string, events: string, categories: string) => `apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  audienceLevels: ${audienceLevels}
  categories: ${categories}
  zones: ${zones}
  events: ${events}
`;
  const level = '{ name: customer, idField: customerId, attributes: { age: { type: int } } }';
  const zones = '[ { name: home, interactionPoints: [ { name: a }, { name: b } ] }, { name: checkout, interactionPoints: [ { name: c } ] } ]';

  it('is quiet for a channel with distinct names', () => {
    expect(linesWith({ 'channel.yaml': channel(`[ ${level} ]`, zones, '[ { name: e1, actions: [resegment] } ]', '[ x, y ]') })).toEqual([]);
  });

  it.each([
    ['an audience level', `[ ${level}, { name: customer, idField: other } ]`, zones, '[]', "audience level 'customer'", 'name: customer, idField: other'],
    ['a zone', `[ ${level} ]`, '[ { name: home, interactionPoints: [ { name: a } ] }, { name: home, interactionPoints: [ { name: b } ] } ]', '[]', "zone 'home'", 'name: home, interactionPoints: [ { name: b'],
    ['an interaction point, across zones', `[ ${level} ]`, '[ { name: home, interactionPoints: [ { name: a } ] }, { name: checkout, interactionPoints: [ { name: a } ] } ]', '[]', "interaction point 'a'", 'name: a } ] } ]'],
    ['an event', `[ ${level} ]`, zones, '[ { name: e1, actions: [resegment] }, { name: e1, actions: [logAccept] } ]', "event 'e1'", 'name: e1, actions: [logAccept]'],
  ])('reports %s declared twice, at the second', (_what, levels, zoneList, events, what, second) => {
    const text = channel(levels, zoneList, events, '[]');
    expect(linesWith({ 'channel.yaml': text })).toEqual([`${valueAt('channel.yaml', text, second)} error OO202 ${what} is declared twice in Channel 'web'`]);
  });
});

describe('treatment rule names per channel', () => {
  const strategy = (name: string, channel: string, ...rules: string[]) =>
    `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: ${name} }\nspec:\n  channel: ${channel}\n  rules:\n${rules.map((r) => `    - { name: ${r}, offer: gold-card, score: 1 }\n`).join('')}`;

  it('reports a name used again in the same strategy', () => {
    expect(linesWith({ 'x.yaml': strategy('s', 'web', 'r', 'q', 'r') })).toEqual([
      "config/x.yaml:9:15 error OO202 treatment rule 'r' is already defined for channel 'web' (earlier in this strategy); rule names are unique within a channel",
    ]);
  });

  it('reports a name used in two strategies of a channel at the strategy whose name sorts later, whatever the file order', () => {
    const message = "error OO202 treatment rule 'r' is already defined for channel 'web' (in strategy 'alpha'); rule names are unique within a channel";
    expect(linesWith({ 'a.yaml': strategy('zulu', 'web', 'r'), 'b.yaml': strategy('alpha', 'web', 'r') })).toEqual([`config/a.yaml:7:15 ${message}`]);
    expect(linesWith({ 'a.yaml': strategy('alpha', 'web', 'r'), 'b.yaml': strategy('zulu', 'web', 'r') })).toEqual([`config/b.yaml:7:15 ${message}`]);
  });

  it('allows the same rule name on another channel', () => {
    const kiosk = 'apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: kiosk }\nspec:\n  audienceLevels: [ { name: v, idField: visitorId } ]\n  zones: [ { name: lobby, interactionPoints: [ { name: screen } ] } ]\n';
    expect(linesWith({ 'kiosk.yaml': kiosk, 'x.yaml': strategy('on-kiosk', 'kiosk', 'base-any') })).toEqual([]);
  });
});

describe('rule names per optimization policy', () => {
  const policy = (name: string, ...rules: string[]) =>
    `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: ${name} }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - { name: ${r}, type: maxPackages, max: 1 }\n`).join('')}`;

  it('reports a rule name used twice in a policy, and allows it in another policy', () => {
    expect(linesWith({ 'p.yaml': policy('p', 'cap', 'other', 'cap') })).toEqual(["config/p.yaml:9:15 error OO202 rule 'cap' is declared twice in OptimizationPolicy 'p'"]);
    expect(linesWith({ 'p.yaml': policy('p', 'cap'), 'q.yaml': policy('q', 'cap') })).toEqual([]);
  });
});
