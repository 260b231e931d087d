// POST /v1/sessions/:sessionId/events (docs/runtime-api.md#post-v1sessionssessionidevents--an-event-and-its-actions):
// an event the session's channel declares, with its actions applied. Attribute updates
// are checked before anything is applied (a bad one changes nothing); history rows are
// written before the 2xx, so an acknowledged event survives the process being killed.
import type { FastifyPluginAsync } from 'fastify';
import type { BundleChannel } from '../../bundle/index.js';
import { parseTreatmentCode, type Engine } from '../../engine/index.js';
import { declaredFields, keepDeclared } from '../declared-fields.js';
import { eventRows } from '../event-rows.js';
import { ApiError, audienceError, unknownSession } from '../http-errors.js';
import { findOffer } from '../offer-index.js';
import { decisionDay, type ServerRuntime } from '../runtime.js';
import { eventSchema, type EventBody, type SessionParams } from '../schemas.js';
import { SessionStoreError, type Session, type SessionStore } from '../session-store.js';

export const eventRoutes: FastifyPluginAsync<{ runtime: ServerRuntime }> = async (api, { runtime }) => {
  const { bundles, sessions, history, metrics, now } = runtime;

  api.post<{ Params: SessionParams; Body: EventBody }>('/v1/sessions/:sessionId/events', { schema: eventSchema }, async (request) => {
    const { engine } = bundles.current;
    const session = await sessions.use(request.params.sessionId);
    if (!session) throw unknownSession(request.params.sessionId);
    const body = request.body;
    const channel = engine.bundle.body.channels.find((c) => c.name === session.channel);
    const declared = channel?.events.find((e) => e.name === body.event);
    if (!channel || !declared) throw unknownEvent(channel, session.channel, body.event);

    // Attribute updates are checked before anything is applied: a bad one changes nothing.
    const profile = body.profile ? { ...session.profile, ...body.profile } : session.profile;
    const attributes = body.session ? { ...session.attributes, ...body.session } : session.attributes;
    if (body.profile || body.session) {
      const problems = engine.checkAudience(session.channel, session.audienceLevel, profile, attributes, session.audienceId);
      if (problems.length > 0) throw audienceError(problems);
    }

    const offer = body.offer !== undefined || body.treatmentCode !== undefined ? await resolveOffer(engine, sessions, session, body) : null;
    const written = eventRows({ declared, offer, audienceId: session.audienceId, channel: session.channel, date: decisionDay(now()) });
    if (!written.ok) {
      throw new ApiError(400, 'invalid-request', `event '${body.event}' logs ${written.needsOffer.join(', ')}: give the offer it is about as offer or treatmentCode`, 'offer');
    }
    const rows = written.rows;
    // 2xx only after the store has durably committed.
    await history.append(rows);
    for (const row of rows) metrics.historyRowsWritten.inc({ event: row.event });
    metrics.events.inc({ channel: session.channel, event: declared.name });

    // This event's updates are merged into the session as it is now (another event of the
    // session, here or on another instance, may have updated it while the history write
    // was awaited); declared fields only.
    const fields = declaredFields(engine.bundle, session.channel, session.audienceLevel);
    const resegment = declared.actions.includes('resegment') || body.profile !== undefined || body.session !== undefined;
    try {
      await sessions.update(session.id, {
        ...(body.profile ? { profile: keepDeclared(body.profile, fields.profile) } : {}),
        ...(body.session ? { attributes: keepDeclared(body.session, fields.session) } : {}),
        resegment,
        // Session rules read the offers accepted and rejected in the session (docs/runtime-api.md#session-rules).
        ...(rows.some((row) => row.event === 'accept') ? { accepted: rows.filter((row) => row.event === 'accept').map((row) => row.offer) } : {}),
        ...(rows.some((row) => row.event === 'reject') ? { rejected: rows.filter((row) => row.event === 'reject').map((row) => row.offer) } : {}),
      });
    } catch (error) {
      if (!(error instanceof SessionStoreError) || rows.length === 0) throw error;
      // The rows are committed: say so, so the touchpoint does not log the event twice.
      throw new ApiError(503, 'sessions-unavailable', `the event's history rows were written, but the session store did not take its ${body.profile || body.session ? 'attribute updates' : 'resegment'}; send those again without the offer`, undefined, undefined, { 'retry-after': '1' });
    }
    return {
      sessionId: session.id,
      event: declared.name,
      actions: declared.actions,
      logged: rows.map(({ customerId, offer: rowOffer, channel: rowChannel, date: rowDate, event }) => ({ customerId, offer: rowOffer, channel: rowChannel, date: rowDate, event })),
      resegmented: resegment,
    };
  });
};

function unknownEvent(channel: BundleChannel | undefined, channelName: string, event: string): ApiError {
  if (!channel) return new ApiError(400, 'unknown-event', `channel '${channelName}' is not in the active bundle`, 'event');
  const names = channel.events.map((e) => e.name);
  return new ApiError(400, 'unknown-event', `event '${event}' is not declared by channel '${channel.name}'; declared: ${names.length > 0 ? names.join(', ') : '(none)'}`, 'event');
}

/** The offer an event is about: a treatment code shown in this session, or one valid for the active bundle, or an offer code. */
async function resolveOffer(engine: Engine, sessions: SessionStore, session: Session, body: EventBody): Promise<string> {
  let fromCode: string | null = null;
  if (body.treatmentCode !== undefined) {
    const shown = await sessions.shownCode(session, body.treatmentCode);
    const parsed = parseTreatmentCode(engine, body.treatmentCode);
    const known = shown ?? (parsed && parsed.channel === session.channel ? parsed : null);
    if (!known) {
      throw new ApiError(400, 'unknown-treatment-code', `treatmentCode '${truncate(body.treatmentCode)}' was not issued in this session nor by the active bundle for channel '${session.channel}'`, 'treatmentCode');
    }
    fromCode = known.offer;
  }
  if (body.offer !== undefined) {
    if (!findOffer(engine, body.offer) && !(await sessions.shownOffer(session, body.offer))) throw new ApiError(400, 'unknown-offer', `offer '${body.offer}' is not in the active bundle`, 'offer');
    if (fromCode !== null && fromCode !== body.offer) {
      throw new ApiError(400, 'invalid-request', `offer '${body.offer}' does not match treatmentCode, which is for offer '${fromCode}'`, 'offer');
    }
    return body.offer;
  }
  return fromCode as string;
}

function truncate(text: string): string {
  return text.length > 80 ? text.slice(0, 80) + '…' : text;
}
