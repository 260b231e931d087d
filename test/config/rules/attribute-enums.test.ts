// Enums on attribute declarations (docs/config-language.md#types-and-expressions): only
// string, int and double values (or list items) take one, and every value must be of the
// declared type; each wrong value is reported where it is written.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

/** The base channel with extra profile attributes on a second audience level and extra session attributes. */
function channel(levelAttributes: string, sessionAttributes = '{}'): string {
  return `apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  audienceLevels:
    - { name: customer, idField: customerId, attributes: { age: { type: int } } }
    - name: household
      idField: householdId
      attributes: ${levelAttributes}
  sessionAttributes: ${sessionAttributes}
  zones:
    - name: home
      interactionPoints:
        - { name: home-hero }
`;
}

const lines = (text: string) => linesWith({ 'channel.yaml': text });

describe('enum values of the declared type', () => {
  it('accepts values of the declared type for string, int and double', () => {
    expect(lines(channel('{ s: { type: string, enum: [a, b] }, i: { type: int, enum: [1, -2, 9007199254740991] }, d: { type: double, enum: [1, 2.5] } }'))).toEqual([]);
    expect(lines(channel('{ l: { type: list, items: int, enum: [1, 2] }, m: { type: list, items: string, enum: [x, y] } }', '{ mode: { type: string, enum: [a] } }'))).toEqual([]);
  });

  it('reports a value of another type, naming the type and the attribute', () => {
    const text = channel('{ s: { type: string, enum: [a, 3] }, i: { type: int, enum: [1, 1.5, x, 9007199254740992] }, d: { type: double, enum: [2.5, "y"] } }');
    expect(lines(text)).toEqual([
      `${valueAt('channel.yaml', text, 'enum: [a, 3]', '3')} error OO101 enum value 3 is not a string, the type of attribute 's'`,
      expect.stringMatching(/ error OO101 enum value 1\.5 is not an int, the type of attribute 'i'$/),
      expect.stringMatching(/ error OO101 enum value "x" is not an int, the type of attribute 'i'$/),
      expect.stringMatching(/ error OO101 enum value 9007199254740992 is not an int, the type of attribute 'i'$/),
      expect.stringMatching(/ error OO101 enum value "y" is not a double, the type of attribute 'd'$/),
    ]);
  });

  it('checks the items of a list against their declared type', () => {
    expect(lines(channel('{ l: { type: list, items: int, enum: [1, z] }, m: { type: list, items: string, enum: [x, 7] } }')).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO101 enum value \"z\" is not an int, the type of the items of list attribute 'l'",
      "error OO101 enum value 7 is not a string, the type of the items of list attribute 'm'",
    ]);
  });

  it('checks session attributes too', () => {
    const text = channel('{}', '{ mode: { type: string, enum: [a, 1] } }');
    expect(lines(text)).toEqual([`${valueAt('channel.yaml', text, 'enum: [a, 1]', '1')} error OO101 enum value 1 is not a string, the type of attribute 'mode'`]);
  });
});

describe('enums only for string, int and double', () => {
  it.each([
    ['bool', '{ type: bool, enum: [a] }', "attribute 'x' is bool"],
    ['date', '{ type: date, enum: [a] }', "attribute 'x' is date"],
    ['a list of bool', '{ type: list, items: bool, enum: [a] }', "the items of list attribute 'x' are bool"],
    ['a list of dates', '{ type: list, items: date, enum: [a] }', "the items of list attribute 'x' are date"],
  ])('reports an enum on %s at the enum key', (_what, declaration, said) => {
    const text = channel(`{ x: ${declaration} }`);
    expect(lines(text)).toEqual([`${valueAt('channel.yaml', text, declaration, 'enum')} error OO101 enum is for string, int and double values; ${said}`]);
  });

  it('reports an enum on a map attribute, which holds a value per key', () => {
    expect(lines(channel('{ scores: { type: map, values: string, enum: [a] } }')).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO101 enum is for string, int and double values; map attribute 'scores' holds a value per key and takes no enum",
    ]);
  });
});
