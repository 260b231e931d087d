// Three small cross-document rules, as the user reads them: inSegment cycles (OO203,
// docs/config-language.md#segment), session rules without their event (OO211,
// docs/config-language.md#session-rules) and a suppression family the offer is not in
// (OO210, docs/config-language.md#suppression-windows-and-families).
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const segment = (name: string, expression: string) => `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: ${name} }\nspec:\n  channel: web\n  expression: '${expression}'\n`;

describe('inSegment cycles', () => {
  it('reports a segment that uses itself', () => {
    const text = segment('selfish', 'inSegment("selfish")');
    expect(linesWith({ 'x.yaml': text })).toEqual([`${valueAt('x.yaml', text, "expression: 'inSegment")} error OO203 segment 'selfish' depends on itself through inSegment: selfish → selfish`]);
  });

  it('reports every segment of a cycle once, each path starting from it, and not the segments that only lead into it', () => {
    const files = {
      'a.yaml': segment('a', 'inSegment("b")'),
      'b.yaml': segment('b', 'inSegment("c") && profile.age > 1'),
      'c.yaml': segment('c', 'inSegment("a") || inSegment("adults")'),
      'd.yaml': segment('d', 'inSegment("a")'),
    };
    const at = (file: keyof typeof files) => valueAt(file, files[file], "expression: '");
    expect(linesWith(files)).toEqual([
      `${at('a.yaml')} error OO203 segment 'a' depends on itself through inSegment: a → b → c → a`,
      `${at('b.yaml')} error OO203 segment 'b' depends on itself through inSegment: b → c → a → b`,
      `${at('c.yaml')} error OO203 segment 'c' depends on itself through inSegment: c → a → b → c`,
    ]);
  });

  it('reports two separate cycles each, and none for a chain without one', () => {
    const files = {
      'a.yaml': segment('a', 'inSegment("b")'),
      'b.yaml': segment('b', 'inSegment("a")'),
      'p.yaml': segment('p', 'inSegment("q")'),
      'q.yaml': segment('q', 'inSegment("p")'),
      'x.yaml': segment('x', 'inSegment("y")'),
      'y.yaml': segment('y', 'inSegment("adults")'),
    };
    expect(linesWith(files).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      "error OO203 segment 'a' depends on itself through inSegment: a → b → a",
      "error OO203 segment 'b' depends on itself through inSegment: b → a → b",
      "error OO203 segment 'p' depends on itself through inSegment: p → q → p",
      "error OO203 segment 'q' depends on itself through inSegment: q → p → q",
    ]);
    expect(linesWith({ 'x.yaml': files['x.yaml'], 'y.yaml': files['y.yaml'] })).toEqual([]);
  });

  it('does not report a segment that leads into a cycle, even when it is checked first', () => {
    const files = { 'a.yaml': segment('a', 'inSegment("b")'), 'b.yaml': segment('b', 'inSegment("c")'), 'c.yaml': segment('c', 'inSegment("b")') };
    expect(linesWith(files).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      "error OO203 segment 'b' depends on itself through inSegment: b → c → b",
      "error OO203 segment 'c' depends on itself through inSegment: c → b → c",
    ]);
  });

  it('reports a segment whose only cycle runs through segments already reported: r uses x and y, x uses r, y uses x', () => {
    const files = { 'r.yaml': segment('r', 'inSegment("x") || inSegment("y")'), 'x.yaml': segment('x', 'inSegment("r")'), 'y.yaml': segment('y', 'inSegment("x")') };
    expect(linesWith(files).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      "error OO203 segment 'r' depends on itself through inSegment: r → x → r",
      "error OO203 segment 'x' depends on itself through inSegment: x → r → x",
      "error OO203 segment 'y' depends on itself through inSegment: y → x → r → y",
    ]);
    // A group of four with a segment leading into it (e): a and b on one cycle, c and d on one through b; e is not reported.
    const longer = {
      'a.yaml': segment('a', 'inSegment("b")'),
      'b.yaml': segment('b', 'inSegment("a") || inSegment("c")'),
      'c.yaml': segment('c', 'inSegment("d")'),
      'd.yaml': segment('d', 'inSegment("b")'),
      'e.yaml': segment('e', 'inSegment("d")'),
    };
    expect(linesWith(longer).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      "error OO203 segment 'a' depends on itself through inSegment: a → b → a",
      "error OO203 segment 'b' depends on itself through inSegment: b → a → b",
      "error OO203 segment 'c' depends on itself through inSegment: c → d → b → c",
      "error OO203 segment 'd' depends on itself through inSegment: d → b → c → d",
    ]);
  });

  it('reports a segment on two cycles once, at the cycle through the segment it uses that sorts first', () => {
    const files = { 'x.yaml': segment('x', 'inSegment("z") || inSegment("y")'), 'y.yaml': segment('y', 'inSegment("x")'), 'z.yaml': segment('z', 'inSegment("x")') };
    expect(linesWith(files).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      "error OO203 segment 'x' depends on itself through inSegment: x → y → x",
      "error OO203 segment 'y' depends on itself through inSegment: y → x → y",
      "error OO203 segment 'z' depends on itself through inSegment: z → x → z",
    ]);
  });
});

/** The base channel with a session block and its events replaced. */
function channel(session: string, events: string): string {
  return `apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  audienceLevels:
    - { name: customer, idField: customerId, attributes: { age: { type: int } } }
  session: ${session}
  zones:
    - name: home
      interactionPoints:
        - { name: home-hero }
  events: ${events}
`;
}

// The base segment and strategy read profile.age on channel web; this channel keeps both valid.
describe('session rules without their event', () => {
  const accept = '[ { name: click, actions: [logAccept] } ]';
  const reject = '[ { name: dismiss, actions: [logReject] } ]';
  const both = '[ { name: click, actions: [logAccept] }, { name: dismiss, actions: [logReject, resegment] } ]';

  it('warns, at the setting, when suppressAccepted has no event that logs an accept', () => {
    const text = channel('{ suppressAccepted: true }', reject);
    expect(linesWith({ 'channel.yaml': text })).toEqual([
      `${valueAt('channel.yaml', text, 'suppressAccepted: true')} warning OO211 channel 'web' sets session.suppressAccepted, but none of its events has the action logAccept, so no offer is ever accepted in a session (add logAccept to the event your touchpoint posts)`,
    ]);
  });

  it('warns, at the setting, when suppressRejected has no event that logs a reject', () => {
    const text = channel('{ suppressRejected: true }', accept);
    expect(linesWith({ 'channel.yaml': text })).toEqual([
      `${valueAt('channel.yaml', text, 'suppressRejected: true')} warning OO211 channel 'web' sets session.suppressRejected, but none of its events has the action logReject, so no offer is ever rejected in a session (add logReject to the event your touchpoint posts)`,
    ]);
  });

  it('warns for both settings of a channel without events', () => {
    const text = channel('{ suppressAccepted: true, suppressRejected: true }', '[]');
    expect(linesWith({ 'channel.yaml': text }).map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      `${valueAt('channel.yaml', text, 'suppressAccepted: true')} warning OO211`,
      `${valueAt('channel.yaml', text, 'suppressRejected: true')} warning OO211`,
    ]);
  });

  it('is quiet when an event has the action, when the setting is false, and without a session block', () => {
    expect(linesWith({ 'channel.yaml': channel('{ suppressAccepted: true, suppressRejected: true }', both) })).toEqual([]);
    expect(linesWith({ 'channel.yaml': channel('{ suppressAccepted: false, suppressRejected: false, maxOffers: 3 }', '[]') })).toEqual([]);
    expect(linesWith({ 'channel.yaml': channel('{ maxOffers: 3 }', '[]') })).toEqual([]);
  });
});

describe('a suppression family the offer is not in', () => {
  const offer = (attributes: string) =>
    `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: fam }\nspec:\n  ${attributes}\n  suppression:\n    afterReject: { count: 1, days: 7 }\n    related: { attribute: family }\n`;

  it('warns, at the attribute name, when the offer does not set the attribute itself', () => {
    const text = offer('attributes: { other: x }');
    expect(linesWith({ 'x.yaml': text })).toEqual([
      `${valueAt('x.yaml', text, 'attribute: family')} warning OO210 offer 'fam' counts the history of offers with the same 'family', but has no attribute 'family' itself: only its own history counts (add attributes.family)`,
    ]);
    expect(linesWith({ 'x.yaml': offer('displayName: Fam') })).toHaveLength(1);
  });

  it('is quiet when the offer sets the attribute, whatever its value', () => {
    for (const value of ['cards', '0', 'false', '""']) expect(linesWith({ 'x.yaml': offer(`attributes: { family: ${value} }`) })).toEqual([]);
  });
});
