// CEL `matches` runs on RE2 (src/expr/re2-matches.ts): linear time whatever the pattern
// and the profile value, RE2's syntax and partial-match semantics, patterns RE2 refuses
// kept out of bundles, each pattern compiled once.
import { describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import { createEngine } from '../../src/engine/engine.js';
import { createEnvironment } from '../../src/expr/environment.js';
import { compilePattern, findPatternProblems, PatternError, re2Matches } from '../../src/expr/re2-matches.js';
import { adult, compileFixture, engineFor, offersOf, request, strategy } from '../engine/engine-fixture.js';

const segments = (expression: string) => `
apiVersion: offerops/v1
kind: Segment
metadata: { name: patterned }
spec: { channel: web, expression: '${expression}' }
---
${strategy('patterns', ['{ name: for-patterned, segment: patterned, offer: gold-card, score: 50 }', '{ name: for-all, offer: savings-plus, score: 10 }'])}`;

const member = (tier: string, tags: string[] = []) => ({ ...adult, tier: 'gold', tags, customerId: tier.slice(0, 8) || 'c1' });

describe('matches() on RE2', () => {
  it('answers the nested-quantifier pattern on a 34-character near-match at once (a backtracking engine runs for minutes)', async () => {
    const engine = await engineFor(segments('profile.tags.exists(t, t.matches("^(a+)+$"))'));
    const hostile = 'a'.repeat(34) + '!';
    const decision = engine.decide(request({}, member('x', [hostile])));
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['savings-plus']);
    // Far longer texts are no harder: the time is linear in the text.
    const long = engine.decide(request({}, member('x', ['a'.repeat(100_000) + '!'])));
    expect(offersOf(long)).toEqual(['savings-plus']);
    expect(offersOf(engine.decide(request({}, member('x', ['aaaa']))))).toEqual(['gold-card', 'savings-plus']);
  });

  it('keeps CEL semantics: a partial match unless anchored, RE2 syntax', () => {
    const env = createEnvironment('contactWhere');
    const run = (expression: string, contact: Record<string, unknown>): unknown => env.parse(expression)({ contact });
    expect(run('contact.offer.matches("card")', { offer: 'gold-card' })).toBe(true);
    expect(run('contact.offer.matches("^card")', { offer: 'gold-card' })).toBe(false);
    expect(run('contact.offer.matches("(?i)^GOLD-")', { offer: 'gold-card' })).toBe(true);
    expect(run('contact.offer.matches("\\\\x{2603}")', { offer: 'snow ☃' })).toBe(true);
    expect(run('contact.offer.matches("^\\\\p{Greek}+$")', { offer: 'αβγ' })).toBe(true);
    expect(run('contact.offer.matches("^\\\\p{Greek}+$")', { offer: 'abc' })).toBe(false);
    // A value that is not a string is a type error, as with any other overload.
    expect(() => run('contact.offer.matches("x")', { offer: 3 })).toThrow(/no matching overload/);
  });

  it('matches a pattern computed at run time, and fails (without hanging) on one RE2 refuses', async () => {
    const engine = await engineFor(segments('profile.tags.exists(t, profile.tier.matches(t))'));
    expect(offersOf(engine.decide(request({}, member('x', ['^go']))))).toEqual(['gold-card', 'savings-plus']);
    expect(offersOf(engine.decide(request({}, member('x', ['^(a+)+$']))))).toEqual(['savings-plus']);
    const refused = engine.decide(request({}, member('x', ['(?<=g)old'])));
    expect(offersOf(refused)).toEqual(['savings-plus']);
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'expression-error', message: expect.stringContaining('RE2 does not accept the pattern "(?<=g)old"') })]);
  });

  it('finds the literal patterns RE2 refuses, with their range in the expression', () => {
    const expression = 'contact.a.matches("ok") && contact.b.matches("(x)\\\\1")';
    const parsed = createEnvironment('contactWhere').parse(expression);
    const problems = findPatternProblems(parsed.ast);
    expect(problems).toHaveLength(1);
    expect(expression.slice(problems[0]!.range.start, problems[0]!.range.end)).toBe('"(x)\\\\1"');
    expect(problems[0]!.message).toMatch(/RE2 does not accept the pattern "\(x\)\\\\1": invalid escape sequence/);
    expect(() => compilePattern('a{1001}')).toThrow(PatternError);
    expect(compilePattern('a{1000}').test('a'.repeat(1000))).toBe(true);
  });

  it('refuses to load a bundle holding a pattern RE2 refuses (one compiled before validation checked them)', async () => {
    const bundle = await compileFixture(segments('profile.tier.matches("go")'));
    const body = structuredClone(bundle.body);
    const segment = body.segments.find((s) => s.name === 'patterned')!;
    segment.expression = 'profile.tier.matches("(go)\\\\1")';
    expect(() => createEngine(createBundle(body))).toThrow(/segment 'patterned'.*RE2 does not accept the pattern/);
  });

  it('compiles a run-time pattern once and reuses it', () => {
    // Same answers whether the pattern comes fresh or from the cache, for many patterns.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 50; i++) expect(re2Matches(`id-${i}`, `^id-${i}$`)).toBe(true);
    }
    expect(re2Matches('id-1', '^id-2$')).toBe(false);
  });
});
