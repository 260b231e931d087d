// Turning an event into history rows is a pure function of the declared actions, the
// offer, the member and the day (src/server/event-rows.ts).
import { describe, expect, it } from 'vitest';
import { eventRows, loggedEvents } from '../../src/server/event-rows.js';

const facts = { offer: 'gold-card', audienceId: 'c-1', channel: 'web', date: '2026-03-10' };

describe('event rows', () => {
  it('writes one row per logging action, in the order the channel declares them', () => {
    expect(eventRows({ ...facts, declared: { actions: ['logContact', 'resegment', 'logAccept'] } })).toEqual({
      ok: true,
      rows: [
        { customerId: 'c-1', offer: 'gold-card', channel: 'web', date: '2026-03-10', package: null, event: 'contact' },
        { customerId: 'c-1', offer: 'gold-card', channel: 'web', date: '2026-03-10', package: null, event: 'accept' },
      ],
    });
  });

  it('writes nothing for an event whose actions log nothing, with or without an offer', () => {
    expect(eventRows({ ...facts, declared: { actions: ['resegment'] } })).toEqual({ ok: true, rows: [] });
    expect(eventRows({ ...facts, offer: null, declared: { actions: [] } })).toEqual({ ok: true, rows: [] });
  });

  it('names what a logging event would log when it names no offer', () => {
    expect(eventRows({ ...facts, offer: null, declared: { actions: ['logReject', 'logContact'] } })).toEqual({ ok: false, needsOffer: ['reject', 'contact'] });
    expect(loggedEvents({ actions: ['resegment', 'logReject'] })).toEqual(['reject']);
  });
});
