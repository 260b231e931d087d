// Engine.segmentMembership: every segment of the request's channel and audience level,
// evaluated for the member as a decision would (what behaviour-test coverage reads).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import { adult, engineFor, request, strategy } from './engine-fixture.js';

describe('Engine.segmentMembership', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: all, offer: savings-plus, score: 10 }']));
  });

  it('lists the segments of the channel and level the member is in, inSegment included', () => {
    expect(engine.segmentMembership(request({}, { ...adult, income: 90000 }))).toEqual({ members: ['adults', 'high-value'], failed: [], errors: [] });
    expect(engine.segmentMembership(request({}, { ...adult, income: 50000 })).members).toEqual(['adults']);
    expect(engine.segmentMembership(request({}, { ...adult, age: 17, income: 90000 })).members).toEqual([]);
  });

  it('evaluates the segments of the requested audience level only', () => {
    const household = { householdId: 'h1', size: 5 };
    expect(engine.segmentMembership({ ...request({}, household), audience: { level: 'household', id: 'h1', profile: household } }).members).toEqual(['big-households']);
  });

  it('counts a segment that fails at run time as not a member and reports why', () => {
    const result = engine.segmentMembership(request({}, { customerId: 'c1', age: 40 }));
    expect(result.members).toEqual(['adults']);
    expect(result.failed).toEqual(['high-value']);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'expression-error', place: "segment 'high-value'" })]);
  });

  it('agrees with the decision on the same request, whatever the decision needed', () => {
    const rich = request({ explain: true }, { ...adult, income: 90000 });
    expect(engine.decide(rich).errors).toEqual([]);
    expect(engine.segmentMembership(rich).members).toContain('high-value');
  });

  it('refuses bad input as a decision does, naming the field', () => {
    expect(engine.segmentMembership(request({ interactionPoint: 'nope' })).errors[0]).toMatchObject({ code: 'input', field: 'interactionPoint' });
    expect(engine.segmentMembership(request({ at: '2026-13-01' })).errors[0]).toMatchObject({ code: 'input', field: 'at' });
    expect(engine.segmentMembership(request({}, { ...adult, age: 'forty' })).errors[0]).toMatchObject({ code: 'input', field: 'profile.age' });
    expect(engine.segmentMembership({ ...request(), audience: { id: '', profile: { age: 40 } } })).toMatchObject({ members: [], failed: [], errors: [expect.objectContaining({ field: 'audienceId' })] });
  });

  it('refuses an audience that is not an object, or names a level the channel does not declare, with no segment evaluated', () => {
    for (const audience of ['c1', null, [adult]]) {
      expect(engine.segmentMembership({ ...request(), audience } as unknown as DecisionRequest)).toEqual({
        members: [],
        failed: [],
        errors: [{ code: 'input', field: 'audience', message: 'audience must be an object with id and profile' }],
      });
    }
    expect(engine.segmentMembership({ ...request(), audience: { level: 'branch', id: 'c1', profile: adult } })).toEqual({
      members: [],
      failed: [],
      errors: [{ code: 'input', field: 'audienceLevel', message: "audience level 'branch' is not declared on channel 'web' (declared: customer, household)" }],
    });
  });
});
