// Rule-set offer attributes (docs/config-language.md#rule-set-offer-attributes): every offer
// a rule gives (its offer, its list's offers, or the offers a smart list selects) must
// declare each attribute the rule sets, and the expression's type must fit the value the
// offer declares. Offers are named in one problem per attribute, grouped by the type they hold.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const offers = `apiVersion: offerops/v1
kind: Offer
metadata: { name: plain, labels: { category: plain } }
spec: { attributes: { level: 1 } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: num, labels: { category: typed } }
spec: { attributes: { level: 3, tag: 7, art: n.png } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: str, labels: { category: typed } }
spec: { attributes: { level: 4, tag: seven, art: s.png } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: flag, labels: { category: typed } }
spec: { attributes: { level: 5, tag: true, art: f.png } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: num2, labels: { category: typed } }
spec: { attributes: { level: 6, tag: 2.5, art: m.png } }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: typed }
spec: { offers: [num, str, flag, num2] }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: high-level }
spec: { where: 'offer.attributes.level > 3' }
`;
const strategy = (...rules: string[]) => `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: attrs }\nspec:\n  channel: web\n  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;
const lines = (text: string) => linesWith({ 'offers-x.yaml': offers, 'x.yaml': text });

describe('every offer a rule gives declares the attributes it sets', () => {
  it('names the one offer that does not, at the attribute', () => {
    const text = strategy(`{ name: one, offer: gold-card, score: 1, attributes: { art: '"x.png"' } }`);
    expect(lines(text)).toEqual([
      `${valueAt('x.yaml', text, 'attributes: { art', 'art')} error OO220 rule 'one' sets attribute 'art', but offer 'gold-card' does not declare it: give the offer an attributes.art of the type the expression gives (it is returned when the expression fails at run time)`,
    ]);
  });

  it("names every offer of a list that does not, and none of a list's offers that do", () => {
    const list = 'apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: mixed }\nspec: { offers: [plain, num, gold-card, savings-plus] }\n';
    const text = strategy(`{ name: many, offerList: mixed, score: 1, attributes: { art: '"x.png"', level: '2' } }`);
    expect(linesWith({ 'offers-x.yaml': offers, 'list.yaml': list, 'x.yaml': text }).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO220 rule 'many' sets attribute 'art', but offers 'plain', 'gold-card', 'savings-plus' do not declare it: give the offer an attributes.art of the type the expression gives (it is returned when the expression fails at run time)",
      "error OO220 rule 'many' sets attribute 'level', but offers 'gold-card', 'savings-plus' do not declare it: give the offer an attributes.level of the type the expression gives (it is returned when the expression fails at run time)",
    ]);
  });

  it('checks the offers a smart list selects, and only those', () => {
    const text = strategy(`{ name: smart, offerList: high-level, score: 1, attributes: { art: '"x.png"' } }`);
    expect(lines(text)).toEqual([]);
    const low = 'apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: low-level }\nspec: { where: \'offer.attributes.level < 4\' }\n';
    const text2 = strategy(`{ name: smart, offerList: low-level, score: 1, attributes: { art: '"x.png"' } }`);
    // gold-card and savings-plus have no level: the where fails for them, so they are not in the list.
    expect(linesWith({ 'offers-x.yaml': offers, 'low.yaml': low, 'x.yaml': text2 }).map((l) => l.replace(/^\S+ /, '').split(':')[0])).toEqual(["error OO220 rule 'smart' sets attribute 'art', but offer 'plain' does not declare it"]);
  });

  it("selects a smart list's offers by the display name and cost they compile to: the offer's name without a display name, 0 without a cost", () => {
    const lists = `apiVersion: offerops/v1
kind: OfferList
metadata: { name: by-display-name }
spec: { where: 'offer.displayName == "Gold card" || offer.displayName == "plain"' }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: by-cost }
spec: { where: 'offer.cost > 2.0 || offer.cost == 0.0 && offer.labels.category == "plain"' }
`;
    const text = strategy(`{ name: shown, offerList: by-display-name, score: 1, attributes: { art: '"x.png"' } }`, `{ name: priced, offerList: by-cost, score: 1, attributes: { art: '"x.png"' } }`);
    expect(linesWith({ 'offers-x.yaml': offers, 'lists.yaml': lists, 'x.yaml': text }).map((l) => l.replace(/^\S+ /, '').split(':')[0])).toEqual([
      "error OO220 rule 'shown' sets attribute 'art', but offers 'plain', 'gold-card' do not declare it",
      "error OO220 rule 'priced' sets attribute 'art', but offers 'plain', 'gold-card' do not declare it",
    ]);
  });
});

describe('the expression gives the type of the value the offers declare', () => {
  it.each([
    ['an int for a number', 'num', "'2'"],
    ['a double for a number', 'num2', "'2.5 * 2.0'"],
    ['a uint for a number', 'num', "'uint(2)'"],
    ['a string for a string', 'str', "'\"eight\"'"],
    ['a bool for a bool', 'flag', "'profile.age > 3'"],
    ['a dyn value, checked at run time', 'flag', "'offer.attributes.tag'"],
  ])('accepts %s', (_what, offer, expression) => {
    expect(lines(strategy(`{ name: ok, offer: ${offer}, score: 1, attributes: { tag: ${expression} } }`))).toEqual([]);
  });

  it.each([
    ['a string for a number', 'num', "'\"7\"'", 'string', 'a number (int or double)'],
    ['an int for a string', 'str', "'7'", 'int', 'a string'],
    ['an int for a bool', 'flag', "'1'", 'int', 'a bool'],
    ['a bool for a number', 'num', "'true'", 'bool', 'a number (int or double)'],
    ['a bool for a string', 'str', "'true'", 'bool', 'a string'],
  ])('reports %s, over the whole expression', (_what, offer, expression, gives, declared) => {
    const text = strategy(`{ name: bad, offer: ${offer}, score: 1, attributes: { tag: ${expression} } }`);
    const at = valueAt('x.yaml', text, `tag: ${expression}`, expression.slice(1));
    expect(lines(text)).toEqual([`${at} error OO301 attributes.tag: rule 'bad' gives ${gives}, but offer '${offer}' declares tag as ${declared}`]);
  });

  it("groups a list's offers by the type they declare: one problem per type, naming its offers", () => {
    const text = strategy(`{ name: listed, offerList: typed, score: 1, attributes: { tag: '"text"' } }`);
    expect(lines(text).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO301 attributes.tag: rule 'listed' gives string, but offer 'flag' declares tag as a bool",
      "error OO301 attributes.tag: rule 'listed' gives string, but offers 'num', 'num2' declare tag as a number (int or double)",
    ]);
  });
});
