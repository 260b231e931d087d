// The hints added to CEL's type errors (docs/config-language.md#types-and-expressions): how
// to write an int literal where a double is compared, and the declared name closest to an
// unknown attribute of profile, session or offer. The range is the failing part of the source.
import { describe, expect, it } from 'vitest';
import { typeErrorHint } from '../../../src/config/rules/expressions.js';
import type { EnvironmentShape } from '../../../src/expr/index.js';

const shape: EnvironmentShape = {
  profile: { idField: 'customerId', attributes: { income: { type: 'double', enum: null }, age: { type: 'int', enum: null } } },
  session: { device: { type: 'string', enum: null } },
};

/** The range of `part` in `source`. */
function rangeOf(source: string, part: string): { start: number; end: number } {
  const start = source.indexOf(part);
  if (start < 0) throw new Error(`'${part}' is not in '${source}'`);
  return { start, end: start + part.length };
}

const hint = (message: string, source: string, part = source, environment = shape) => typeErrorHint(message, source, rangeOf(source, part), environment);
const literalHint = (n: string) => `; CEL never mixes int and double: write ${n} as ${n}.0, or convert with double(…)`;
const convertHint = '; CEL never mixes int and double: convert one side with double(…) or int(…)';

describe('int and double mixed', () => {
  it('says how to write the int literal of the failing part', () => {
    expect(hint('no such overload: double == int', 'profile.income == 80000')).toBe(literalHint('80000'));
    expect(hint('no such overload: int < double', '3 < profile.income')).toBe(literalHint('3'));
  });

  it('says to convert when the failing part has no int literal', () => {
    expect(hint('no such overload: double < int', 'profile.income < profile.age')).toBe(convertHint);
    expect(hint('no such overload: double == int', 'profile.income == 2.5 + profile.age')).toBe(convertHint);
    expect(hint('no such overload: double == int', 'profile.income == profile.age1')).toBe(convertHint);
  });

  it('looks for the literal only inside the failing part', () => {
    const source = 'profile.age > 3 && profile.income == profile.age';
    expect(hint('no such overload: double == int', source, 'profile.income == profile.age')).toBe(convertHint);
  });

  it('adds nothing when both sides have the same type, or for another message', () => {
    expect(hint('no such overload: int + int', 'profile.age + 1')).toBe('');
    expect(hint('no such overload: double == int extra', 'profile.income == 1')).toBe('');
    expect(hint('found no matching overload for _==_ applied to (double, int)', 'profile.income == 1')).toBe('');
    expect(hint('in x: no such overload: double == int', 'profile.income == 1')).toBe('');
  });
});

describe('unknown attributes', () => {
  it("suggests the closest declared profile attribute or the profile's id field", () => {
    expect(hint("unknown attribute 'incme': it is not declared", 'profile.incme > 1.0', 'incme')).toBe("; did you mean 'income'?");
    expect(hint("unknown attribute 'customerI'", 'profile.customerI == "x"', 'customerI')).toBe("; did you mean 'customerId'?");
    expect(hint("unknown attribute 'incme'", 'profile . incme > 1.0', 'incme')).toBe("; did you mean 'income'?");
    expect(hint("unknown attribute 'incme'", 'profile.incme  > 1.0', 'incme  ')).toBe("; did you mean 'income'?");
  });

  it('suggests from the variable right before the unknown field, not another one in the source', () => {
    expect(hint("unknown attribute 'devic'", 'profile.age > 1 && session.devic == "x"', 'devic')).toBe("; did you mean 'device'?");
    expect(hint("unknown attribute 'cots'", 'profile.income > offer.cots', 'cots')).toBe("; did you mean 'cost'?");
  });

  it('suggests nothing for a variable it does not know, nothing close, or without a profile', () => {
    expect(hint("reading x: unknown attribute 'incme'", 'profile.incme > 1.0', 'incme')).toBe('');
    expect(hint("unknown attribute 'incme'", 'contact.incme > 1', 'incme')).toBe('');
    expect(hint("unknown attribute 'zzzzzz'", 'profile.zzzzzz > 1', 'zzzzzz')).toBe('');
    expect(hint("unknown attribute 'incme'", 'profile.incme > 1.0', 'incme', {})).toBe('');
    expect(hint("unknown attribute 'devic'", 'session.devic == "x"', 'devic', {})).toBe('');
    expect(hint("unknown attribute 'customerI'", 'profile.customerI == "x"', 'customerI', { profile: { idField: 'customerId', attributes: {} } })).toBe("; did you mean 'customerId'?");
  });
});
