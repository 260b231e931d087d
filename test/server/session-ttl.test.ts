// The session idle TTL at its boundary (docs/runtime-api.md#sessions-ttl-and-limits): a
// session used TTL − 1 ms after its last use is alive (and the use restarts its TTL); one
// used exactly TTL or TTL + 1 ms after is gone, for offers and for DELETE alike.
import { describe, expect, it } from 'vitest';
import { makeServer, startSession } from './harness.js';

const TTL = 60_000;

describe('the session idle TTL', () => {
  it('keeps a session used at TTL − 1 ms and drops one used at TTL or TTL + 1 ms', async () => {
    const { app, clock } = await makeServer({ sessionLimits: { ttlMs: TTL } });
    const [early, exact, late, deleted] = [await startSession(app), await startSession(app), await startSession(app), await startSession(app)];
    const use = async (id: string): Promise<number> => (await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'home-hero' } })).statusCode;

    clock.advance(TTL - 1);
    expect(await use(early)).toBe(200);
    clock.advance(1); // exactly TTL since the others were last used
    expect(await use(exact)).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${deleted}` })).statusCode).toBe(404);
    clock.advance(1);
    expect(await use(late)).toBe(404);
    // The use at TTL − 1 restarted the early session's TTL: 2 ms later it is alive.
    expect(await use(early)).toBe(200);
    clock.advance(TTL);
    expect(await use(early)).toBe(404);
  });
});
