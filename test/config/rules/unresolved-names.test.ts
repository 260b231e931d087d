// Rules that read what other documents declare, when those documents are missing or
// broken (docs/validation.md#codes): each problem is reported once, where it is written,
// and no rule adds a second, confusing one — a rule's attributes checked against an
// offer or list that does not exist, a list holding an unknown offer or a broken `where`,
// a list attribute without its item type. Also the wording at counts of one, and an
// enum literal that is not a string (no "did you mean" for a number).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linesWith } from './in-memory.js';

const channel = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/validate/_base/channel.yaml'), 'utf8');
const strategy = (rule: string) => `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: s2 }\nspec:\n  channel: web\n  rules:\n    - ${rule}\n`;
const lists = `apiVersion: offerops/v1
kind: OfferList
metadata: { name: one }
spec: { offers: [gold-card] }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: ghosts }
spec: { offers: [ghost] }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: broken }
spec: { where: "offer.labels.category ==" }
`;
const listProblems = ["config/lists.yaml:9:18 error OO201 offer 'ghost' is not defined", 'config/lists.yaml:14:41 error OO300 where: Unexpected token: EOF'];

describe("a rule's attributes when its offers cannot be resolved", () => {
  it.each([
    ['an offer that does not exist', '{ name: r1, offer: ghost, score: 1, attributes: { rate: "1.5" } }', [...listProblems, "config/s2.yaml:7:26 error OO201 offer 'ghost' is not defined"]],
    ['a list that does not exist', '{ name: r1, offerList: nolist, score: 1, attributes: { rate: "1.5" } }', [...listProblems, "config/s2.yaml:7:30 error OO201 offer list 'nolist' is not defined"]],
    ['a list of an offer that does not exist', '{ name: r1, offerList: ghosts, score: 1, attributes: { rate: "1.5" } }', listProblems],
    ["a list whose where does not parse", '{ name: r1, offerList: broken, score: 1, attributes: { rate: "1.5" } }', listProblems],
  ])('reports only %s', (_what, rule, problems) => {
    expect(linesWith({ 'lists.yaml': lists, 's2.yaml': strategy(rule) })).toEqual(problems);
  });

  it('still checks the attributes against the offers a list does resolve to', () => {
    expect(linesWith({ 'lists.yaml': lists, 's2.yaml': strategy('{ name: r1, offerList: one, score: 1, attributes: { rate: "1.5" } }') }).slice(2)).toEqual([
      "config/s2.yaml:7:59 error OO220 rule 'r1' sets attribute 'rate', but offer 'gold-card' does not declare it: give the offer an attributes.rate of the type the expression gives (it is returned when the expression fails at run time)",
    ]);
  });
});

describe('counts of one', () => {
  it('says "1 offer" when a pick of 1 takes the whole of a one-offer list', () => {
    expect(linesWith({ 'lists.yaml': lists, 's2.yaml': strategy('{ name: p1, offerList: one, score: 1, pick: { count: 1, by: score } }') }).slice(2)).toEqual([
      "config/s2.yaml:7:60 warning OO213 rule 'p1' picks 1 of offer list 'one', which has 1 offer: the pick leaves nothing out (pick fewer than 1, or remove pick)",
    ]);
  });
});

describe('attribute declarations', () => {
  it('reports a list attribute without its item type once, as the schema does, and not its enum as well', () => {
    expect(linesWith({ 'channel.yaml': channel.replace('tags: { type: list, items: string }', 'tags: { type: list, enum: [a, 1] }') })).toEqual([
      "config/channel.yaml:12:9 error OO101 missing required field 'items' in 'tags'",
    ]);
  });
});

describe('enum literals in expressions', () => {
  it('suggests the nearest allowed string, and nothing for a number', () => {
    const segment = 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: s5 }\nspec: { channel: web, expression: "profile.age == 5 || profile.tier == \'gld\'" }\n';
    expect(linesWith({ 'channel.yaml': channel.replace('age: { type: int }', 'age: { type: int, enum: [18, 30, 65] }'), 'seg2.yaml': segment })).toEqual([
      'config/seg2.yaml:4:51 error OO301 profile.age is never 5: its enum allows 18, 30, 65',
      `config/seg2.yaml:4:72 error OO301 profile.tier is never "gld": its enum allows "bronze", "silver", "gold"; did you mean 'gold'?`,
    ]);
  });
});
