// Reachability warnings (docs/validation.md#codes, OO206 and OO207): an interaction point no
// enabled rule reaches, and a rule whose offers are never live while it is. Date ranges are
// inclusive: sharing one day is enough to be live.
import { describe, expect, it } from 'vitest';
import { linesWith, valueAt } from './in-memory.js';

const strategy = (channel: string, ...rules: string[]) =>
  `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: s-${channel} }\nspec:\n  channel: ${channel}\n  rules:\n${rules.map((r) => `    - ${r}\n`).join('')}`;

describe('interaction points no enabled rule reaches', () => {
  const checkout = "interaction point 'checkout-upsell' (zone 'checkout') is not reached by any enabled treatment rule; it will never return an offer (and it has no defaultString: its answers will be empty)";
  const home = "interaction point 'home-hero' (zone 'home') is not reached by any enabled treatment rule; it will never return an offer, only its default string \"Welcome\"";
  const channel = (name: string) => `apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: ${name} }\nspec:\n  audienceLevels: [ { name: v, idField: visitorId } ]\n  zones: [ { name: home, interactionPoints: [ { name: ${name}-point } ] } ]\n`;

  it('warns at each point of a zone no rule names, saying what it answers instead', () => {
    const base = 'config/channel.yaml';
    expect(linesWith({ 'strategy.yaml': strategy('web', '{ name: home-only, zone: home, offer: savings-plus, score: 1 }') })).toEqual([`${base}:23:17 warning OO206 ${checkout}`]);
    expect(linesWith({ 'strategy.yaml': strategy('web', '{ name: checkout-only, zone: checkout, offer: savings-plus, score: 1 }') })).toEqual([`${base}:20:19 warning OO206 ${home}`]);
  });

  it('counts a rule without a zone for every zone, and an explicitly enabled rule', () => {
    expect(linesWith({ 'strategy.yaml': strategy('web', '{ name: anywhere, offer: savings-plus, score: 1, enabled: true }') })).toEqual([]);
    expect(linesWith({ 'strategy.yaml': strategy('web', '{ name: h, zone: home, offer: savings-plus, score: 1 }', '{ name: c, zone: checkout, offer: savings-plus, score: 1, enabled: true }') })).toEqual([]);
  });

  it('does not count a disabled rule, nor a rule of another channel', () => {
    const disabled = strategy('web', '{ name: h, zone: home, offer: savings-plus, score: 1 }', '{ name: anywhere, offer: savings-plus, score: 1, enabled: false }');
    expect(linesWith({ 'strategy.yaml': disabled }).map((l) => l.replace(/^\S+ /, ''))).toEqual([`warning OO206 ${checkout}`]);
    const elsewhere = { 'kiosk.yaml': channel('kiosk'), 'kiosk-strategy.yaml': strategy('kiosk', '{ name: k, offer: savings-plus, score: 1 }') };
    expect(linesWith({ ...elsewhere, 'strategy.yaml': strategy('web', '{ name: h, zone: home, offer: savings-plus, score: 1 }') }).map((l) => l.replace(/^\S+ /, ''))).toEqual([`warning OO206 ${checkout}`]);
  });
});

describe('rules whose offers are never live while they are', () => {
  const offer = (name: string, dates: string) => `apiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name} }\nspec: { ${dates} }\n---\n`;
  const list = (name: string, offers: string[]) => `apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: ${name} }\nspec: { offers: [${offers.join(', ')}] }\n---\n`;
  const rule = (dates: string, target = 'offer: dated') => strategy('web', `{ name: r, ${target}, score: 1${dates ? `, ${dates}` : ''} }`);
  const warnings = (offers: string, ruleText: string) => linesWith({ 'offers-x.yaml': offers.replace(/---\n$/, ''), 'x.yaml': ruleText }).filter((l) => l.includes('OO207') || l.includes(' error '));
  const warning = (ruleText: string, needle: string, what: string) => `${valueAt('x.yaml', ruleText, needle)} warning OO207 rule 'r' can never give an offer: ${what} outside its effective dates for the rule's whole range`;

  it.each([
    ['ends the day before the rule starts', 'expires: 2025-12-31', 'effective: 2026-01-01', true],
    ['ends the day the rule starts', 'expires: 2026-01-01', 'effective: 2026-01-01', false],
    ['starts the day after the rule ends', 'effective: 2026-03-02', 'expires: 2026-03-01', true],
    ['starts the day the rule ends', 'effective: 2026-03-01', 'expires: 2026-03-01', false],
    ['lies inside the rule', 'effective: 2026-06-01, expires: 2026-06-01', 'effective: 2026-01-01, expires: 2026-12-31', false],
    ['covers the rule', 'effective: 2025-01-01, expires: 2027-12-31', 'effective: 2026-01-01, expires: 2026-12-31', false],
    ['lies wholly before the rule', 'effective: 2025-01-01, expires: 2025-06-30', 'effective: 2026-01-01, expires: 2026-12-31', true],
    ['lies wholly after the rule', 'effective: 2027-01-01, expires: 2027-12-31', 'effective: 2026-01-01, expires: 2026-12-31', true],
    ['is open and the rule dated', '', 'effective: 2026-01-01, expires: 2026-12-31', false],
    ['is dated and the rule open', 'effective: 2027-01-01, expires: 2027-12-31', '', false],
  ])('an offer that %s', (_what, offerDates, ruleDates, expired) => {
    const ruleText = rule(ruleDates);
    expect(warnings(offer('dated', offerDates), ruleText)).toEqual(expired ? [warning(ruleText, 'offer: dated', "its offer 'dated' is")] : []);
  });

  it('warns for a list only when every offer of it is never live', () => {
    const offers = offer('old', 'expires: 2025-06-30') + offer('older', 'expires: 2025-01-31') + offer('live', 'effective: 2025-12-31') + list('all-old', ['old', 'older']) + list('mixed', ['old', 'live']);
    const expiredList = rule('effective: 2026-01-01', 'offerList: all-old');
    expect(warnings(offers, expiredList)).toEqual([warning(expiredList, 'offerList: all-old', "every offer of list 'all-old' is")]);
    expect(warnings(offers, rule('effective: 2026-01-01', 'offerList: mixed'))).toEqual([]);
  });

  it('leaves a backwards rule to the date-order error, an unknown offer to the reference error, and a smart list to the compiler', () => {
    const offers = offer('dated', 'expires: 2025-06-30') + list('has-unknown', ['dated', 'nowhere']);
    expect(warnings(offer('dated', 'expires: 2025-06-30'), rule('effective: 2026-01-01, expires: 2025-12-31')).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO204 rule 'r': expires 2025-12-31 is before effective 2026-01-01",
    ]);
    expect(warnings(offers, rule('effective: 2026-01-01', 'offerList: has-unknown')).map((l) => l.replace(/^\S+ /, ''))).toEqual([
      "error OO201 offer 'nowhere' is not defined",
    ]);
    const smart = `apiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: smart }\nspec: { where: 'offer.name == "dated"' }\n`;
    expect(warnings(offer('dated', 'expires: 2025-06-30') + smart, rule('effective: 2026-01-01', 'offerList: smart'))).toEqual([]);
  });
});
