// Unknown references (docs/validation.md#codes, OO201): every name a document uses must be defined — channels,
// audience levels, segments (and on the right channel), zones, offers, offer lists,
// event categories. Each message names what exists ("did you mean …?").
import type { ConfigKind } from '../kinds.js';
import type { ConfigDocument, OfferScopeSpec } from '../model.js';
import { didYouMean } from '../problem.js';
import type { PathSegment } from '../source.js';
import type { Rule, RuleContext } from '../rule-context.js';

const kindOfWhat: Record<string, ConfigKind> = { channel: 'Channel', segment: 'Segment', offer: 'Offer', 'offer list': 'OfferList' };

function unknown(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], what: string, name: string, candidates: Iterable<string>, suffix = ''): void {
  const kind = kindOfWhat[what];
  if (kind && context.isInvalid(kind, name)) return; // its own schema problems are reported
  context.error(document, path, 'unknown-reference', `${what} '${name}' is not defined${suffix}${didYouMean(name, candidates)}`);
}

function checkChannel(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], name: string): boolean {
  if (context.channels.has(name)) return true;
  unknown(context, document, path, 'channel', name, context.channels.keys());
  return false;
}

/** A segment reference from a document on `channel`: must exist and belong to that channel. */
function checkSegment(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], name: string, channel: string): void {
  const segment = context.segments.get(name);
  if (!segment) {
    unknown(context, document, path, 'segment', name, context.segments.keys());
    return;
  }
  if (segment.spec.channel !== channel) {
    context.error(document, path, 'channel-mismatch', `segment '${name}' belongs to channel '${segment.spec.channel}', not '${channel}'`);
  }
}

function checkOffer(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], name: string): void {
  if (!context.offers.has(name)) unknown(context, document, path, 'offer', name, context.offers.keys());
}

function checkOfferList(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], name: string): void {
  if (!context.offerLists.has(name)) unknown(context, document, path, 'offer list', name, context.offerLists.keys());
}

function checkScope(context: RuleContext, document: ConfigDocument<ConfigKind>, path: PathSegment[], scope: OfferScopeSpec | undefined): void {
  if (!scope) return;
  if (scope.offer !== undefined) checkOffer(context, document, [...path, 'offer'], scope.offer);
  if (scope.list !== undefined) checkOfferList(context, document, [...path, 'list'], scope.list);
}

const segmentReferences: Rule = (context) => {
  for (const segment of context.model.segments) {
    if (!checkChannel(context, segment, ['spec', 'channel'], segment.spec.channel)) continue;
    const level = segment.spec.audienceLevel;
    const levels = context.channels.get(segment.spec.channel)!.spec.audienceLevels.map((l) => l.name);
    if (level !== undefined && !levels.includes(level)) {
      unknown(context, segment, ['spec', 'audienceLevel'], 'audience level', level, levels, ` in channel '${segment.spec.channel}'`);
    }
  }
};

const offerListReferences: Rule = (context) => {
  for (const list of context.model.offerLists) {
    (list.spec.offers ?? []).forEach((offer, i) => checkOffer(context, list, ['spec', 'offers', i], offer));
  }
};

const channelEventReferences: Rule = (context) => {
  for (const channel of context.model.channels) {
    const categories = channel.spec.categories ?? [];
    (channel.spec.events ?? []).forEach((event, i) => {
      if (event.category !== undefined && !categories.includes(event.category)) {
        unknown(context, channel, ['spec', 'events', i, 'category'], 'category', event.category, categories, ` in channel '${channel.metadata.name}' (declare it under spec.categories)`);
      }
    });
  }
};

const strategyReferences: Rule = (context) => {
  for (const strategy of context.model.strategies) {
    const channelName = strategy.spec.channel;
    if (!checkChannel(context, strategy, ['spec', 'channel'], channelName)) continue;
    const zones = context.channels.get(channelName)!.spec.zones.map((z) => z.name);
    strategy.spec.rules.forEach((rule, i) => {
      const base: PathSegment[] = ['spec', 'rules', i];
      if (rule.segment !== undefined) checkSegment(context, strategy, [...base, 'segment'], rule.segment, channelName);
      if (rule.zone !== undefined && !zones.includes(rule.zone)) unknown(context, strategy, [...base, 'zone'], 'zone', rule.zone, zones, ` in channel '${channelName}'`);
      if (rule.offer !== undefined) checkOffer(context, strategy, [...base, 'offer'], rule.offer);
      if (rule.offerList !== undefined) checkOfferList(context, strategy, [...base, 'offerList'], rule.offerList);
    });
  }
};

const policyReferences: Rule = (context) => {
  for (const policy of context.model.policies) {
    const channelOk = checkChannel(context, policy, ['spec', 'channel'], policy.spec.channel);
    policy.spec.rules.forEach((rule, i) => {
      const base: PathSegment[] = ['spec', 'rules', i];
      if (rule.segment !== undefined && channelOk) checkSegment(context, policy, [...base, 'segment'], rule.segment, policy.spec.channel);
      checkScope(context, policy, [...base, 'offers'], rule.offers);
      checkScope(context, policy, [...base, 'a'], rule.a);
      checkScope(context, policy, [...base, 'b'], rule.b);
    });
  }
};

export const referenceRules: Rule[] = [segmentReferences, offerListReferences, channelEventReferences, strategyReferences, policyReferences];
