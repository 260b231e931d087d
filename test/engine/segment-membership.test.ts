// Engine.segmentMembership: every segment of the request's channel and audience level,
// evaluated for the member as a decision would (what behaviour-test coverage reads).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';
import { adult, channelYaml, engineFor, request, strategy } from './engine-fixture.js';

describe('Engine.segmentMembership', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(strategy('s', ['{ name: all, offer: savings-plus, score: 10 }']));
  });

  it('lists the segments of the channel and level the member is in, inSegment included', () => {
    expect(engine.segmentMembership(request({}, { ...adult, income: 90000 }))).toEqual({ members: ['adults', 'high-value'], failed: [], errors: [] });
    expect(engine.segmentMembership(request({}, { ...adult, income: 50000 }))).toEqual({ members: ['adults'], failed: [], errors: [] });
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

  it('says which day it wanted when at is not a day', () => {
    for (const at of ['2026-02-30', 20260501, undefined]) {
      expect(engine.segmentMembership(request({ at } as never))).toEqual({ members: [], failed: [], errors: [{ code: 'input', field: 'at', message: `at must be a YYYY-MM-DD day, got ${JSON.stringify(at)}` }] });
    }
  });

  it('takes the member id from the audience, or else from the profile', () => {
    expect(engine.segmentMembership({ ...request(), audience: { id: 'c9', profile: { age: 40, income: 90000 } } })).toEqual({ members: ['adults', 'high-value'], failed: [], errors: [] });
    expect(engine.segmentMembership({ ...request(), audience: { id: '', profile: { ...adult, income: 90000 } } })).toEqual({ members: ['adults', 'high-value'], failed: [], errors: [] });
    expect(engine.segmentMembership({ ...request(), audience: { id: 'c2', profile: adult } }).errors).toEqual([
      { code: 'input', field: 'profile.customerId', message: 'profile.customerId is "c1" but the audience id is "c2"' },
    ]);
  });

  it('checks the session too, and reports every problem of the profile and the session at once', () => {
    expect(engine.segmentMembership(request({ session: { device: 'watch' } })).errors.map((e) => e.field)).toEqual(['session.device']);
    expect(engine.segmentMembership(request({ session: { device: 'watch' } }, { ...adult, age: 'forty' }))).toMatchObject({
      members: [],
      failed: [],
      errors: [expect.objectContaining({ field: 'profile.age' }), expect.objectContaining({ field: 'session.device' })],
    });
  });

  it('evaluates the segments of the named channel only, and refuses a channel the bundle does not hold', async () => {
    const app = channelYaml.replace('metadata: { name: web }', 'metadata: { name: app }');
    const seniors = `apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: app-seniors }\nspec: { channel: app, expression: 'profile.age >= 65' }\n---\n`;
    const twoChannels = await engineFor(app + '---\n' + seniors + strategy('s', ['{ name: all, offer: savings-plus, score: 10 }']));
    const senior = { ...adult, age: 70 };
    expect(twoChannels.segmentMembership(request({ channel: 'web' }, senior)).members).toEqual(['adults']);
    expect(twoChannels.segmentMembership(request({ channel: 'app' }, senior)).members).toEqual(['app-seniors']);
    expect(twoChannels.segmentMembership(request({ channel: 'mobile' }, senior)).errors).toEqual([expect.objectContaining({ code: 'input', field: 'channel' })]);
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
