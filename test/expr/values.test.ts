// Plain JSON → CEL values (src/expr/environment.ts): what every profile, session, history
// file and CSV column goes through.
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/days.js';
import { convertAttribute } from '../../src/expr/environment.js';

describe('parseIsoDate', () => {
  it.each(['2026-01-01', '2024-02-29', '2026-12-31', '1999-06-15', '0099-01-01'])('reads the real calendar day %s', (text) => {
    expect(parseIsoDate(text)?.toISOString().slice(0, 10)).toBe(text);
  });

  it.each(['2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01', '2026-01-1 ', '26-01-01', '2026/01/01', 'abcd-ef-gh', '２０２６-01-01', ''])(
    'refuses %j, which is not a YYYY-MM-DD calendar day',
    (text) => {
      expect(parseIsoDate(text)).toBeNull();
    },
  );
});

describe('convertAttribute', () => {
  it('accepts an enum value given as itself or as its text, and refuses others naming the allowed values', () => {
    expect(convertAttribute({ type: 'string', enum: ['gold', 'silver'] }, 'gold')).toEqual({ ok: true, value: 'gold' });
    expect(convertAttribute({ type: 'int', enum: [1, 2] }, '2')).toEqual({ ok: true, value: 2n });
    expect(convertAttribute({ type: 'string', enum: ['gold', 'silver'] }, 'bronze')).toEqual({ ok: false, expected: 'one of "gold", "silver"' });
  });

  it('holds every item of a list to the enum of its items', () => {
    const products = { type: 'list', items: 'string', enum: ['savings', 'mortgage'] } as const;
    expect(convertAttribute({ ...products, enum: [...products.enum] }, ['savings'])).toEqual({ ok: true, value: ['savings'] });
    expect(convertAttribute({ ...products, enum: [...products.enum] }, 'savings|mortgage')).toEqual({ ok: true, value: ['savings', 'mortgage'] });
    expect(convertAttribute({ ...products, enum: [...products.enum] }, ['savings', 'crypto'])).toEqual({ ok: false, expected: 'a list of items from "savings", "mortgage"' });
  });

  it('reads a date, a CSV list and refuses a wrong type', () => {
    expect(convertAttribute({ type: 'date', enum: null }, '2026-03-01')).toEqual({ ok: true, value: new Date('2026-03-01T00:00:00Z') });
    expect(convertAttribute({ type: 'list', items: 'int', enum: null }, '1|2')).toEqual({ ok: true, value: [1n, 2n] });
    expect(convertAttribute({ type: 'double', enum: null }, 'lots')).toEqual({ ok: false, expected: 'a value of type double' });
  });
});
