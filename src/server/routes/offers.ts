// POST /v1/sessions/:sessionId/offers and …/offers:batch (docs/runtime-api.md#post-v1sessionssessionidoffers--offers-for-one-interaction-point):
// the session's member decided at an interaction point by the engine of the active
// bundle, with the member's history from the store: only the window the bundle's rules
// can see plus all-time totals (docs/runtime-api.md#history-store-and-durability), so a
// member with a long history costs no more than a new one. The engine is read once per
// request, so a request finishes on the bundle it started with.
import type { FastifyPluginAsync } from 'fastify';
import type { Engine } from '../../engine/index.js';
import type { Decision, DecisionRequest, HistoryWindow } from '../../engine/index.js';
import { ApiError, unknownSession } from '../http-errors.js';
import type { ServerMetrics } from '../metrics.js';
import { findOffer } from '../offer-index.js';
import { decisionDay, type ServerRuntime } from '../runtime.js';
import { offersBatchSchema, offersSchema, type OfferRequestBody, type OffersBatchBody, type SessionParams } from '../schemas.js';
import type { Session, ShownOffer } from '../session-store.js';

export const offerRoutes: FastifyPluginAsync<{ runtime: ServerRuntime }> = async (api, { runtime }) => {
  const { bundles, sessions, history, metrics, memos, now } = runtime;
  const countDecision = decisionCounter(metrics);

  async function requireSession(id: string): Promise<Session> {
    const session = await sessions.use(id);
    if (!session) throw unknownSession(id);
    return session;
  }

  /** The member's history as the engine needs it for a decision today: a bounded window, whatever the member's history holds. */
  function readHistory(engine: Engine, audienceId: string, day: string): Promise<HistoryWindow> {
    return history.readWindow(audienceId, day, engine.historyNeeds);
  }

  /** One decision; the treatment codes it returns are added to `shown`, to be remembered in the session. */
  function decideFor(
    engine: Engine,
    session: Session,
    item: OfferRequestBody,
    memberHistory: HistoryWindow,
    day: string,
    shown: [string, ShownOffer][],
    givenEarlier?: Record<string, string>,
  ): Omit<Decision, 'channel'> {
    const inputs = memos.for(session, engine);
    const decisionRequest: DecisionRequest = {
      channel: session.channel,
      interactionPoint: item.interactionPoint,
      audience: { level: session.audienceLevel, id: session.audienceId, profile: inputs.profile },
      session: inputs.attributes,
      historyWindow: memberHistory,
      at: day,
      count: item.count,
      explain: item.explain,
    };
    if (givenEarlier !== undefined) decisionRequest.givenEarlier = givenEarlier;
    // The session's activity, with the offers of this request's earlier points counted
    // (they are remembered after the request): the channel's session rules read it.
    const { activity } = session;
    const offered = activity.offered + shown.length;
    if (offered > 0 || activity.accepted.length > 0 || activity.rejected.length > 0) decisionRequest.sessionActivity = { offered, accepted: activity.accepted, rejected: activity.rejected };
    const decision = engine.decide(decisionRequest, inputs.cache);
    countDecision(session.channel, decision.interactionPoint, decision.offers.length);
    const offers = decision.offers.map((chosen) => {
      shown.push([chosen.treatmentCode, { offer: chosen.offer, interactionPoint: decision.interactionPoint, rule: chosen.rule }]);
      const offer = findOffer(engine, chosen.offer);
      if (!offer) return chosen;
      // The decision's attributes: the offer's own, with those its rule sets for this member.
      return { offer: chosen.offer, score: chosen.score, rule: chosen.rule, treatmentCode: chosen.treatmentCode, displayName: offer.displayName, attributes: chosen.attributes };
    });
    const result: Omit<Decision, 'channel'> = { interactionPoint: decision.interactionPoint, zone: decision.zone, offers, controlGroups: decision.controlGroups, errors: decision.errors };
    if (decision.defaultString !== undefined) result.defaultString = decision.defaultString;
    if (decision.explain !== undefined) result.explain = decision.explain;
    return result;
  }

  api.post<{ Params: SessionParams; Body: OfferRequestBody }>('/v1/sessions/:sessionId/offers', { schema: offersSchema }, async (request) => {
    const { engine } = bundles.current;
    const session = await requireSession(request.params.sessionId);
    checkPoint(engine, session, request.body.interactionPoint, 'interactionPoint');
    const day = decisionDay(now());
    const memberHistory = await readHistory(engine, session.audienceId, day);
    const shown: [string, ShownOffer][] = [];
    const result = decideFor(engine, session, request.body, memberHistory, day, shown);
    // Remembered before the answer, so an event about an offer shown finds its code on any instance.
    await sessions.remember(session, shown);
    return { sessionId: session.id, bundle: engine.digest, ...result };
  });

  api.post<{ Params: SessionParams; Body: OffersBatchBody }>('/v1/sessions/:sessionId/offers::batch', { schema: offersBatchSchema }, async (request) => {
    const { engine } = bundles.current;
    const session = await requireSession(request.params.sessionId);
    request.body.requests.forEach((item, index) => checkPoint(engine, session, item.interactionPoint, `requests.${index}.interactionPoint`));
    const day = decisionDay(now());
    const memberHistory = await readHistory(engine, session.audienceId, day);
    const shown: [string, ShownOffer][] = [];
    // dedupe: each point in turn, the offers given so far kept from the later ones.
    const given: Record<string, string> | undefined = request.body.dedupe === true ? {} : undefined;
    const results = request.body.requests.map((item) => {
      const result = decideFor(engine, session, item, memberHistory, day, shown, given);
      if (given !== undefined) for (const chosen of result.offers) given[chosen.offer] ??= result.interactionPoint;
      return result;
    });
    await sessions.remember(session, shown);
    return { sessionId: session.id, bundle: engine.digest, results };
  });
};

function checkPoint(engine: Engine, session: Session, point: string, field: string): void {
  if (engine.findInteractionPoint(point, session.channel) === null) {
    throw new ApiError(400, 'unknown-interaction-point', `interaction point '${point}' is not declared by channel '${session.channel}'`, field);
  }
}

/** Counts a decision; label children cached per (channel, point): names come from the bundle, so the map is bounded. */
function decisionCounter(metrics: ServerMetrics): (channel: string, point: string, offerCount: number) => void {
  const counters = new Map<string, { decisions: ReturnType<ServerMetrics['decisions']['labels']>; offers: ReturnType<ServerMetrics['offersReturned']['labels']> }>();
  return (channel, point, offerCount) => {
    const key = channel + '\0' + point;
    let pair = counters.get(key);
    if (!pair) {
      pair = { decisions: metrics.decisions.labels({ channel, interaction_point: point }), offers: metrics.offersReturned.labels({ channel }) };
      counters.set(key, pair);
    }
    pair.decisions.inc();
    if (offerCount > 0) pair.offers.inc(offerCount);
  };
}
