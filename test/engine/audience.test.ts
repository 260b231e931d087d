// The audience member's inputs (audience.ts, docs/decisions.md): the profile against the
// audience level's declared attributes and the session against the channel's, typed JSON
// never coerced (docs/runtime-api.md#types-are-checked-never-coerced).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { engineFor, offersOf, strategy } from './engine-fixture.js';

describe('an audience level that declares its id field as an attribute', () => {
  let engine: Engine;
  beforeAll(async () => {
    const shop = `
apiVersion: offerops/v1
kind: Channel
metadata: { name: shop }
spec:
  audienceLevels:
    - name: account
      idField: accountNo
      attributes:
        accountNo: { type: int }
  zones:
    - name: main
      interactionPoints: [{ name: shop-main }]
---
`;
    engine = await engineFor(shop + strategy('s', ["{ name: a, offer: gold-card, score: 1, eligibility: 'profile.accountNo == 12' }"]).replace('channel: web', 'channel: shop'));
  });

  const decide = (id: string | undefined, profile: Record<string, unknown>) =>
    engine.decide({ interactionPoint: 'shop-main', audience: { id, profile }, at: '2026-05-01', count: 1 });

  it('decides for a whole-number id that matches the audience id, with the declared value in the profile', () => {
    const decision = decide('12', { accountNo: 12 });
    expect(decision.errors).toEqual([]);
    expect(offersOf(decision)).toEqual(['gold-card']);
    expect(offersOf(decide(undefined, { accountNo: 12 }))).toEqual(['gold-card']);
  });

  it('refuses a whole-number id that names another member, writing it as a number', () => {
    const decision = decide('13', { accountNo: 12 });
    expect(decision.offers).toEqual([]);
    expect(decision.errors).toEqual([{ code: 'input', field: 'profile.accountNo', message: 'profile.accountNo is 12 but the audience id is "13"' }]);
    expect(engine.checkAudience('shop', undefined, { accountNo: 12 }, undefined, '13')).toEqual(decision.errors);
  });
});
