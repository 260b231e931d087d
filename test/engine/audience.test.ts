// The audience member's inputs (audience.ts, docs/decisions.md): the profile against the
// audience level's declared attributes and the session against the channel's, typed JSON
// never coerced (docs/runtime-api.md#types-are-checked-never-coerced). Each wrong type is an
// input error naming the field and saying what was expected and what came.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import type { CompiledChannel, CompiledLevel } from '../../src/engine/compiled-types.js';
import { convertProfile, convertSession, isDecisionError, ProfileMemo, resolveAudienceId, resolveLevel } from '../../src/engine/audience.js';
import type { Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import { compileFixture, engineFor, offersOf, smallChannel, strategy } from './engine-fixture.js';

const shop = `
apiVersion: offerops/v1
kind: Channel
metadata: { name: shop }
spec:
  audienceLevels:
    - name: customer
      idField: customerId
      attributes:
        age: { type: int }
        income: { type: double }
        name: { type: string }
        optIn: { type: bool }
        joined: { type: date }
        counts: { type: list, items: int }
        flags: { type: map, values: bool }
    - name: account
      idField: accountNo
      attributes:
        accountNo: { type: int }
        balance: { type: double }
  sessionAttributes:
    device: { type: string, enum: [desktop, mobile] }
    visits: { type: int }
  zones:
    - name: main
      interactionPoints: [{ name: shop-main }]
`;

let channel: CompiledChannel;
let customer: CompiledLevel;
let account: CompiledLevel;

beforeAll(async () => {
  const compiled = compileBundle(await compileFixture(shop));
  channel = compiled.channels.get('shop')!;
  customer = channel.levels.find((l) => l.name === 'customer')!;
  account = channel.levels.find((l) => l.name === 'account')!;
});

/** The input errors of a profile at the customer level, as `field: message`. */
const profileErrors = (profile: unknown, level: () => CompiledLevel = () => customer, id: string | null = 'c1'): string[] =>
  convertProfile(level(), profile, id).errors.map((e) => `${e.field}: ${e.message}`);

describe('a profile value of the wrong JSON type', () => {
  it.each<[string, unknown, string]>([
    ['age', '30', 'profile.age must be a whole number, got the string "30"'],
    ['age', 1.5, 'profile.age must be a whole number, got 1.5'],
    ['income', '1.5', 'profile.income must be a number, got the string "1.5"'],
    ['income', true, 'profile.income must be a number, got true'],
    ['name', 7, 'profile.name must be a string, got 7'],
    ['name', ['a'], 'profile.name must be a string, got a list'],
    ['name', { a: 1 }, 'profile.name must be a string, got an object'],
    ['optIn', 'true', 'profile.optIn must be true or false, got the string "true"'],
    ['optIn', 1, 'profile.optIn must be true or false, got 1'],
    ['joined', 20200101, 'profile.joined must be a date as a "YYYY-MM-DD" string, got 20200101'],
    ['counts', 'app|savings', 'profile.counts must be a list of int (a JSON array), got the string "app|savings"'],
    ['counts', [1, 2, 'three'], 'profile.counts[2] must be a whole number, got the string "three"'],
    ['counts', [0.5], 'profile.counts[0] must be a whole number, got 0.5'],
    ['flags', [true], 'profile.flags must be a map of string to bool (a JSON object), got a list'],
    ['flags', 'yes', 'profile.flags must be a map of string to bool (a JSON object), got the string "yes"'],
    ['flags', { a: true, b: 'no', c: 1 }, 'profile.flags["b"] must be true or false, got the string "no"'],
    ['flags', { a: null }, 'profile.flags["a"] must be true or false, got null'],
    ['counts', [null], 'profile.counts[0] must be a whole number, got null'],
  ])('refuses %s = %j: %s', (field, value, message) => {
    expect(profileErrors({ [field]: value })).toEqual([`profile.${field}: ${message}`]);
  });

  it('cuts a long string after 60 characters in the message', () => {
    const sixty = 'x'.repeat(60);
    expect(profileErrors({ age: sixty })).toEqual([`profile.age: profile.age must be a whole number, got the string "${sixty}"`]);
    expect(profileErrors({ age: sixty + 'y' })).toEqual([`profile.age: profile.age must be a whole number, got the string "${sixty}…"`]);
  });

  it('takes numbers, NaN and infinities as what they are', () => {
    expect(profileErrors({ income: Number.NaN })).toEqual(['profile.income: profile.income must be a number, got NaN']);
    expect(profileErrors({ income: Number.POSITIVE_INFINITY })).toEqual(['profile.income: profile.income must be a number, got Infinity']);
    expect(profileErrors({ age: 12n, income: 3, joined: new Date('2020-01-01T00:00:00Z') })).toEqual([]);
  });

  it('reports every wrong field in the input’s order, and ignores null, missing and undeclared fields', () => {
    expect(profileErrors({ optIn: 'no', shoe: 'big', age: 'x', name: null, income: undefined })).toEqual([
      'profile.optIn: profile.optIn must be true or false, got the string "no"',
      'profile.age: profile.age must be a whole number, got the string "x"',
    ]);
    // An inherited name is not a declared field of the input.
    expect(profileErrors(JSON.parse('{"toString": 5, "constructor": "x"}'))).toEqual([]);
  });

  it('answers a wrong type with no profile value at all', () => {
    expect(convertProfile(customer, { age: 'x', income: 2 }, 'c1').value).toEqual({});
  });
});

describe('a profile value of the declared type that does not convert', () => {
  it('is an input error naming the field, as a wrong type is', () => {
    expect(profileErrors({ joined: '2026-02-30' })).toEqual(['profile.joined: profile.joined must be a date (YYYY-MM-DD), got "2026-02-30"']);
    expect(convertProfile(customer, { joined: '2026-02-30', age: 40 }, 'c1', new ProfileMemo()).errors).toEqual([
      { code: 'input', field: 'profile.joined', message: 'profile.joined must be a date (YYYY-MM-DD), got "2026-02-30"' },
    ]);
  });
});

describe('a profile or session that is not an object', () => {
  it.each<[unknown, string]>([
    [[1, 2], 'profile must be a JSON object, got [1,2]'],
    ['x', 'profile must be a JSON object, got "x"'],
    [5, 'profile must be a JSON object, got 5'],
  ])('refuses the profile %j', (profile, message) => {
    expect(convertProfile(customer, profile, 'c1')).toEqual({ value: {}, errors: [{ code: 'input', field: 'profile', message }] });
  });

  it.each<[unknown, string]>([
    [[1], 'session must be a JSON object, got [1]'],
    [true, 'session must be a JSON object, got true'],
  ])('refuses the session %j', (session, message) => {
    expect(convertSession(channel, session)).toEqual({ value: {}, errors: [{ code: 'input', field: 'session', message }] });
  });

  it('takes a missing or null profile or session as empty', () => {
    expect(convertProfile(customer, undefined, 'c1')).toEqual({ value: { customerId: 'c1' }, errors: [] });
    expect(convertProfile(customer, null, null)).toEqual({ value: {}, errors: [] });
    expect(convertSession(channel, undefined)).toEqual({ value: {}, errors: [] });
    expect(convertSession(channel, null)).toEqual({ value: {}, errors: [] });
  });
});

describe('a session value', () => {
  it('is checked against the channel’s session attributes: type, then enum', () => {
    expect(convertSession(channel, { device: 3 }).errors).toEqual([{ code: 'input', field: 'session.device', message: 'session.device must be a string, got 3' }]);
    expect(convertSession(channel, { visits: 1.5, device: 2 }).errors.map((e) => e.field)).toEqual(['session.visits', 'session.device']);
    const watch = convertSession(channel, { device: 'watch' });
    expect(watch.errors).toHaveLength(1);
    expect(watch.errors[0]).toMatchObject({ code: 'input', field: 'session.device' });
    expect(watch.errors[0]!.message).toMatch(/^session\.device /);
    expect(watch.errors[0]!.message).toContain('watch');
    expect(convertSession(channel, { device: 'mobile', visits: 3, other: 'x' })).toEqual({ value: { device: 'mobile', visits: 3n }, errors: [] });
  });

  it('is never coerced: a number sent as text is an input error, not the number', () => {
    expect(convertSession(channel, { visits: '3' })).toEqual({
      value: {},
      errors: [{ code: 'input', field: 'session.visits', message: 'session.visits must be a whole number, got the string "3"' }],
    });
  });
});

describe('the audience id in the profile', () => {
  it('is set from the audience id when the level does not declare its id field', () => {
    expect(convertProfile(customer, { age: 40 }, 'c1').value).toEqual({ age: 40n, customerId: 'c1' });
    expect(convertProfile(customer, { age: 40, customerId: 'c1' }, 'c1').errors).toEqual([]);
  });

  it('must name the same member as the audience id', () => {
    expect(profileErrors({ customerId: 'c2' })).toEqual(['profile.customerId: profile.customerId is "c2" but the audience id is "c1"']);
    expect(profileErrors({ customerId: 7 }, () => customer, '7')).toEqual([]);
    // Written as sent: a number as a number.
    expect(profileErrors({ customerId: 7 }, () => customer, '8')).toEqual(['profile.customerId: profile.customerId is 7 but the audience id is "8"']);
    // Not checked without an audience id (the server's check of a profile alone).
    expect(profileErrors({ customerId: 'c2' }, () => customer, null)).toEqual([]);
  });

  it('keeps the declared id field’s own value when the level declares it', () => {
    expect(convertProfile(account, { accountNo: 12, balance: 1 }, '12')).toEqual({ value: { accountNo: 12n, balance: 1 }, errors: [] });
    expect(profileErrors({ accountNo: 12 }, () => account, '13')).toEqual(['profile.accountNo: profile.accountNo is 12 but the audience id is "13"']);
    expect(convertProfile(account, { balance: 1 }, '12').value).toEqual({ balance: 1 });
  });
});

describe('resolveLevel', () => {
  it('takes the channel’s first level when none is named', () => {
    for (const level of [undefined, null, '']) expect(resolveLevel(channel, level)).toBe(customer);
    expect(resolveLevel(channel, 'account')).toBe(account);
  });

  it('refuses a level the channel does not declare, or one that is not a string', () => {
    expect(resolveLevel(channel, 'robot')).toEqual({
      code: 'input',
      field: 'audienceLevel',
      message: "audience level 'robot' is not declared on channel 'shop' (declared: customer, account)",
    });
    expect(resolveLevel(channel, 7)).toEqual({ code: 'input', field: 'audienceLevel', message: 'audienceLevel must be a string, got 7' });
    expect(resolveLevel({ ...channel, levels: [] }, undefined)).toEqual({ code: 'input', field: 'audienceLevel', message: "channel 'shop' declares no audience level" });
  });
});

describe('resolveAudienceId', () => {
  it('takes the given id, a finite number as its decimal text', () => {
    expect(resolveAudienceId(customer, 'c1', { customerId: 'c2' })).toBe('c1');
    expect(resolveAudienceId(customer, 42, {})).toBe('42');
    expect(resolveAudienceId(customer, 0, {})).toBe('0');
  });

  it('falls back to the profile’s id field when none is given', () => {
    for (const id of [undefined, null, '']) {
      expect(resolveAudienceId(customer, id, { customerId: 'c2' })).toBe('c2');
      expect(resolveAudienceId(customer, id, { customerId: 5 })).toBe('5');
    }
  });

  it('refuses a missing, empty or not finite id', () => {
    const needed = { code: 'input', field: 'audienceId', message: 'an audience id is needed: give it, or customerId in the profile' };
    expect(resolveAudienceId(customer, undefined, {})).toEqual(needed);
    expect(resolveAudienceId(customer, undefined, { customerId: '' })).toEqual(needed);
    expect(resolveAudienceId(customer, undefined, { customerId: Number.NaN })).toEqual(needed);
    expect(resolveAudienceId(customer, undefined, { customerId: true })).toEqual(needed);
    expect(resolveAudienceId(customer, undefined, ['c1'])).toEqual(needed);
    expect(resolveAudienceId(customer, undefined, null)).toEqual(needed);
    expect(resolveAudienceId(customer, Number.POSITIVE_INFINITY, {})).toEqual({ code: 'input', field: 'audienceId', message: 'audience id must be a non-empty string, got null' });
    expect(resolveAudienceId(customer, { id: 'c1' }, {})).toEqual({ code: 'input', field: 'audienceId', message: 'audience id must be a non-empty string, got {"id":"c1"}' });
  });
});

describe('isDecisionError', () => {
  it('is an input error object with a message, nothing else', () => {
    expect(isDecisionError({ code: 'input', field: 'x', message: 'm' })).toBe(true);
    expect(isDecisionError({ code: 'input', message: 'm' })).toBe(true);
    expect(isDecisionError({ code: 'expression-error', message: 'm' })).toBe(false);
    expect(isDecisionError({ code: 'input', message: 3 })).toBe(false);
    expect(isDecisionError([{ code: 'input', message: 'm' }])).toBe(false);
    expect(isDecisionError(null)).toBe(false);
    expect(isDecisionError(customer)).toBe(false);
  });
});

describe('a profile converted through a visit’s memo', () => {
  it('converts as without the memo, and takes the values it kept for the same profile object', () => {
    const memo = new ProfileMemo();
    const profile = { age: 40, counts: [1, 2], customerId: 'c1' };
    const first = convertProfile(customer, profile, 'c1', memo);
    expect(first).toEqual(convertProfile(customer, profile, 'c1'));
    expect(memo.raw).toBe(profile);
    const again = convertProfile(customer, profile, 'c1', memo);
    expect(again.value['counts']).toBe(first.value['counts']);
    // Another object, even alike, converts afresh.
    const copy = { ...profile };
    expect(convertProfile(customer, copy, 'c1', memo).value['counts']).not.toBe(first.value['counts']);
    expect(memo.raw).toBe(copy);
  });

  it('reports every problem as without the memo', () => {
    for (const profile of [{ age: 'x' }, { customerId: 'c2' }, { customerId: true }, { customerId: 5 }, { joined: '2026-02-30' }, { flags: { a: 1 } }, { age: null, name: 'n' }]) {
      expect(convertProfile(customer, profile, 'c1', new ProfileMemo()), JSON.stringify(profile)).toEqual(convertProfile(customer, profile, 'c1'));
    }
    expect(convertProfile(customer, { age: '30' }, 'c1', new ProfileMemo()).errors).toEqual([
      { code: 'input', field: 'profile.age', message: 'profile.age must be a whole number, got the string "30"' },
    ]);
  });

  it('keeps the declared id field’s own value when the level declares it', () => {
    expect(convertProfile(account, { accountNo: 12, balance: 1 }, '12', new ProfileMemo())).toEqual({ value: { accountNo: 12n, balance: 1 }, errors: [] });
    expect(convertProfile(account, { accountNo: 12 }, '13', new ProfileMemo()).errors).toEqual([
      { code: 'input', field: 'profile.accountNo', message: 'profile.accountNo is 12 but the audience id is "13"' },
    ]);
  });
});

describe('an audience level that declares its id field as an attribute', () => {
  let engine: Engine;
  beforeAll(async () => {
    const shop = smallChannel('shop', 'main', 'shop-main', '{ name: account, idField: accountNo, attributes: { accountNo: { type: int } } }');
    engine = await engineFor(shop + '---\n' + strategy('s', ["{ name: a, offer: gold-card, score: 1, eligibility: 'profile.accountNo == 12' }"], 'shop'));
  });

  const decide = (id: string | undefined, profile: Record<string, unknown>) =>
    engine.decide({ interactionPoint: 'shop-main', audience: { id, profile } as DecisionRequest['audience'], at: '2026-05-01', count: 1 });

  it('decides for a whole-number id that matches the audience id, with the declared value in the profile', () => {
    const decision = decide('12', { accountNo: 12 });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card']);
    expect(offersOf(decide(undefined, { accountNo: 12 }))).toEqual(['gold-card']);
  });

  it('decides the same within a session as for a single decision', () => {
    const cache = engine.newSegmentCache();
    const request = { interactionPoint: 'shop-main', audience: { id: '12', profile: { accountNo: 12 } }, at: '2026-05-01', count: 1 };
    const decision = engine.decide(request, cache);
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card']);
  });

  it('refuses a whole-number id that names another member, writing it as a number', () => {
    const decision = decide('13', { accountNo: 12 });
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([{ code: 'input', field: 'profile.accountNo', message: 'profile.accountNo is 12 but the audience id is "13"' }]);
    expect(engine.checkAudience('shop', undefined, { accountNo: 12 }, undefined, '13')).toEqual(decision.errors);
  });
});

describe('an audience level whose id field is a declared date', () => {
  // The id is the field as sent ("2026-01-02"), compared as sent; expressions see the date.
  let engine: Engine;
  beforeAll(async () => {
    const shop = smallChannel('shop', 'main', 'shop-main', '{ name: cohort, idField: started, attributes: { started: { type: date } } }');
    engine = await engineFor(shop + '---\n' + strategy('s', ["{ name: a, offer: gold-card, score: 1, eligibility: 'profile.started < now' }"], 'shop'));
  });

  const decide = (id: string | undefined, started: string) =>
    engine.decide({ interactionPoint: 'shop-main', audience: { id, profile: { started } } as DecisionRequest['audience'], at: '2026-05-01', count: 1 });

  it('decides for the day the id names, given or read from the profile, with the date in the profile', () => {
    for (const id of ['2026-01-02', undefined]) {
      const decision = decide(id, '2026-01-02');
      expect(decision.errors).toEqual([]);
      expect(offersOf(decision)).toEqual(['gold-card']);
    }
    // The eligibility reads the date: a day after the decision day gives nothing.
    expect(offersOf(decide(undefined, '2026-06-01'))).toEqual([]);
  });

  it('refuses a day that names another member', () => {
    expect(decide('2026-01-03', '2026-01-02').errors).toEqual([{ code: 'input', field: 'profile.started', message: 'profile.started is "2026-01-02" but the audience id is "2026-01-03"' }]);
  });
});
