// `duration(text)` with the text from a profile: cel-js's parser backtracks in time cubic
// in a digit string's length (1,024 digits took seconds); longer than 64 characters is an
// invalid duration before it is parsed (src/expr/bounded-duration.ts).
import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../../src/expr/environment.js';
import { MAX_DURATION_TEXT } from '../../src/expr/bounded-duration.js';
import { engineFor, offersOf, request, strategy, adult } from '../engine/engine-fixture.js';

describe('duration() of a profile value', () => {
  const env = createEnvironment('contactWhere');
  const longer = env.parse('duration(contact.text) > duration("1h")');

  it('parses a duration up to 64 characters, as cel-js does', () => {
    expect(longer({ contact: { text: '90m' } })).toBe(true);
    expect(longer({ contact: { text: '-1.5h' } })).toBe(false);
    const at = '2h' + '0'.repeat(MAX_DURATION_TEXT - 3) + 's'; // 64 characters
    expect(at).toHaveLength(MAX_DURATION_TEXT);
    expect(longer({ contact: { text: at } })).toBe(true);
  });

  it('refuses 65 characters and more as an invalid duration, whatever they hold', () => {
    const over = '2h' + '0'.repeat(MAX_DURATION_TEXT - 2) + 's'; // 65 characters
    expect(() => void longer({ contact: { text: over } })).toThrow(/Invalid duration string: longer than 64 characters/);
    expect(() => void longer({ contact: { text: '1'.repeat(1024) } })).toThrow(/longer than 64 characters/);
    expect(() => void longer({ contact: { text: '1'.repeat(100_000) } })).toThrow(/longer than 64 characters/);
  });

  it('counts a decision whose duration text is hostile as false for that member, at once', async () => {
    const engine = await engineFor(`
apiVersion: offerops/v1
kind: Segment
metadata: { name: tagged-recently }
spec: { channel: web, expression: 'profile.tags.exists(t, duration(t) < duration("24h"))' }
---
${strategy('durations', ['{ name: recent, segment: tagged-recently, offer: gold-card, score: 50 }', '{ name: for-all, offer: savings-plus, score: 10 }'])}`);
    const hostile = engine.decide(request({}, { ...adult, tags: ['1'.repeat(1024)] }));
    expect(offersOf(hostile)).toEqual(['savings-plus']);
    expect(hostile.errors[0]?.message).toMatch(/longer than 64 characters/);
    expect(offersOf(engine.decide(request({}, { ...adult, tags: ['2h'] })))).toEqual(['gold-card', 'savings-plus']);
  });
});
