// The runtime API with map profile attributes and rule-set offer attributes
// (docs/runtime-api.md, docs/decisions.md#offer-attributes): a session's map profile is
// checked as typed JSON, and each offer comes back with the attributes its rule set.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { channelYaml, compileFixture, strategy } from '../engine/engine-fixture.js';
import { makeServer } from './harness.js';

const channel = channelYaml.replace('        joined: { type: date }\n', '        joined: { type: date }\n        modelScores: { type: map, values: double }\n');
const offers = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: gold-card }
spec: { displayName: Gold card, attributes: { discountPct: 10, creative: card.png } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: savings-plus }
spec: { displayName: Savings plus, attributes: { rate: 4.1 } }
`;
const rules = [
  `{ name: gold-discount, offer: gold-card, scoreExpression: 'profile.modelScores[offer.name] * 100.0', attributes: { discountPct: 'profile.tier == "gold" ? 20 : 10' } }`,
  `{ name: savings, offer: savings-plus, score: 1 }`,
];

async function server() {
  const bundle = await compileFixture(`${channel}\n---\n${offers}\n---\n${strategy('attrs', rules)}`, { base: false });
  return makeServer({ engine: createEngine(bundle) });
}

describe('offer attributes in the runtime API', () => {
  it('returns each offer with the attributes its rule set for the member', async () => {
    const { app } = await server();
    const start = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceId: 'c-1', profile: { tier: 'gold', modelScores: { 'gold-card': 0.7 } } } });
    expect(start.statusCode).toBe(201);
    const { sessionId } = start.json<{ sessionId: string }>();
    const response = await app.inject({ method: 'POST', url: `/v1/sessions/${sessionId}/offers`, payload: { interactionPoint: 'home-sidebar', count: 2 } });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ offers: { offer: string; score: number; attributes: Record<string, unknown> }[]; errors: unknown[] }>();
    expect(body.errors).toEqual([]);
    expect(body.offers.map((o) => [o.offer, o.score, o.attributes])).toEqual([
      ['gold-card', 70, { discountPct: 20, creative: 'card.png' }],
      ['savings-plus', 1, { rate: 4.1 }],
    ]);
    await app.close();
  });

  it('refuses a map profile value of the wrong shape, naming the key', async () => {
    const { app } = await server();
    const start = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { channel: 'web', audienceId: 'c-1', profile: { modelScores: { 'gold-card': '0.7' } } } });
    expect(start.statusCode).toBe(400);
    expect(JSON.stringify(start.json())).toContain('profile.modelScores[\\"gold-card\\"] must be a number');
    await app.close();
  });
});
