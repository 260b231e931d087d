// The compiler (docs/bundle-format.md): a validated config model → the canonical bundle body. Pure and
// deterministic: every collection is ordered by name (or by the precedence the language
// defines), defaults are filled, references resolved, smart lists expanded, rules
// indexed by channel and zone. File layout, YAML style and document order do not matter.
import type { Environment } from '@marcbachmann/cel-js';
import type {
  BundleBody,
  BundleChannel,
  BundleOffer,
  BundleOfferList,
  BundleOfferScope,
  BundleOptimizationPolicy,
  BundlePolicyRule,
  BundleSegment,
  BundleStrategy,
  BundleTreatmentRule,
  BundleSuppression,
  BundleSessionRules,
} from '../bundle/index.js';
import { InternalError } from '../errors.js';
import { ExpressionCompiler, toCelOffer } from '../expr/index.js';
import type { ConfigDocument, ConfigModel, OfferScopeSpec, PolicyRuleSpec } from '../config/index.js';
import { declaredAttributes, sortDocuments } from '../config/index.js';
import { makeProblem, type Problem } from '../config/index.js';
import type { ExpressionFacts } from '../config/index.js';
import { locate } from '../config/index.js';

export interface CompileResult {
  body: BundleBody;
  /** Warnings found while compiling (e.g. a smart list that matches no offer). */
  problems: Problem[];
}

function metadataOf(document: ConfigDocument): { name: string; description: string | null; labels: Record<string, string> } {
  return { name: document.metadata.name, description: document.metadata.description ?? null, labels: sortRecord(document.metadata.labels ?? {}) };
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

function compileChannel(document: ConfigDocument<'Channel'>): BundleChannel {
  const spec = document.spec;
  const interactionPoints: BundleChannel['interactionPoints'] = {};
  for (const zone of spec.zones) {
    for (const point of zone.interactionPoints) {
      interactionPoints[point.name] = { name: point.name, zone: zone.name, defaultString: point.defaultString ?? null, maxOffers: point.maxOffers ?? null };
    }
  }
  const channel: BundleChannel = {
    ...metadataOf(document),
    audienceLevels: spec.audienceLevels.map((level) => ({ name: level.name, idField: level.idField, attributes: declaredAttributes(level.attributes) })),
    sessionAttributes: declaredAttributes(spec.sessionAttributes),
    categories: [...(spec.categories ?? [])],
    zones: spec.zones.map((zone) => ({ name: zone.name, interactionPoints: zone.interactionPoints.map((p) => p.name) })),
    interactionPoints: sortRecord(interactionPoints),
    events: (spec.events ?? []).map((event) => ({ name: event.name, category: event.category ?? null, actions: [...(event.actions ?? [])] })),
  };
  // Written only when not the default: bundles of configs without it keep their bytes.
  if (spec.ties === 'rotate') channel.ties = 'rotate';
  const session = compileSessionRules(spec.session);
  if (session !== null) channel.session = session;
  return channel;
}

/** Session rules with only the keys that are set; null when none is, so such bundles keep their bytes. */
function compileSessionRules(session: ConfigDocument<'Channel'>['spec']['session']): BundleSessionRules | null {
  if (session === undefined) return null;
  const rules: BundleSessionRules = {};
  if (session.suppressAccepted === true) rules.suppressAccepted = true;
  if (session.suppressRejected === true) rules.suppressRejected = true;
  if (session.maxOffers !== undefined) rules.maxOffers = session.maxOffers;
  return Object.keys(rules).length === 0 ? null : rules;
}

function compileOffer(document: ConfigDocument<'Offer'>): BundleOffer {
  const spec = document.spec;
  return {
    ...metadataOf(document),
    displayName: spec.displayName ?? document.metadata.name,
    effective: spec.effective ?? null,
    expires: spec.expires ?? null,
    cost: spec.cost ?? 0,
    attributes: sortRecord(spec.attributes ?? {}),
    suppression: compileSuppression(spec.suppression),
  };
}

function compileSuppression(suppression: ConfigDocument<'Offer'>['spec']['suppression']): BundleSuppression {
  const afterAccept = suppression?.afterAccept ?? false;
  const compiled: BundleSuppression = {
    afterAccept: afterAccept !== false,
    maxRejects: suppression?.maxRejects ?? null,
    maxContacts: suppression?.maxContacts ? { count: suppression.maxContacts.count, periodDays: suppression.maxContacts.periodDays } : null,
  };
  // Optional keys only when used: configs without them compile to the same bytes as before.
  if (typeof afterAccept === 'object') compiled.afterAcceptDays = afterAccept.days;
  if (suppression?.afterReject) compiled.afterReject = { count: suppression.afterReject.count, days: suppression.afterReject.days };
  if (suppression?.related) compiled.related = suppression.related.attribute;
  return compiled;
}

/** Smart lists: the `where` expression over every offer, in name order. */
function expandOfferList(document: ConfigDocument<'OfferList'>, offers: BundleOffer[], env: Environment, problems: Problem[]): BundleOfferList {
  const metadata = metadataOf(document);
  if (document.spec.offers !== undefined) {
    return { ...metadata, where: null, offers: [...new Set(document.spec.offers)] };
  }
  const where = document.spec.where!;
  const evaluate = env.parse(where);
  const members: string[] = [];
  for (const offer of offers) {
    let matches: boolean;
    try {
      matches = evaluate({ offer: toCelOffer(offer) }) === true;
    } catch {
      // An offer without a label the expression reads (a run-time "no such key") does not match.
      matches = false;
    }
    if (matches) members.push(offer.name);
  }
  if (members.length === 0) {
    problems.push(
      makeProblem('empty-offer-list', 'warning', `smart offer list '${metadata.name}' matches no offer`, document.source.source.file, locate(document.source, ['spec', 'where']), '/spec/where'),
    );
  }
  return { ...metadata, where, offers: members };
}

/** Dependencies first, ties by name: a stable evaluation order for segment membership. */
function segmentOrder(names: string[], dependencies: Map<string, string[]>): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (name: string, trail: Set<string>): void => {
    if (order.has(name) || trail.has(name)) return;
    trail.add(name);
    for (const dependency of dependencies.get(name) ?? []) visit(dependency, trail);
    trail.delete(name);
    order.set(name, order.size);
  };
  for (const name of [...names].sort()) visit(name, new Set());
  return order;
}

function compileSegments(model: ConfigModel, facts: ExpressionFacts): BundleSegment[] {
  const documents = sortDocuments(model.segments);
  const order = segmentOrder(
    documents.map((d) => d.metadata.name),
    facts.segmentDependencies,
  );
  return documents.map((document) => {
    const channel = model.channels.find((c) => c.metadata.name === document.spec.channel);
    return {
      ...metadataOf(document),
      channel: document.spec.channel,
      audienceLevel: document.spec.audienceLevel ?? channel?.spec.audienceLevels[0]?.name ?? '',
      expression: document.spec.expression,
      dependsOn: [...(facts.segmentDependencies.get(document.metadata.name) ?? [])].sort(),
      evaluationOrder: order.get(document.metadata.name) ?? 0,
    };
  });
}

function resolveScope(scope: OfferScopeSpec | undefined, lists: Map<string, BundleOfferList>): BundleOfferScope {
  if (scope?.offer !== undefined) return { offer: scope.offer, list: null, offers: [scope.offer] };
  if (scope?.list !== undefined) return { offer: null, list: scope.list, offers: [...(lists.get(scope.list)?.offers ?? [])] };
  return { offer: null, list: null, offers: null };
}

function compilePolicyRule(rule: PolicyRuleSpec, lists: Map<string, BundleOfferList>): BundlePolicyRule {
  const base = { name: rule.name, segment: rule.segment ?? null, channel: rule.channel ?? null, periodDays: rule.periodDays ?? null };
  const offers = resolveScope(rule.offers, lists);
  switch (rule.type) {
    case 'customersIn':
      return { ...base, type: 'customersIn', mode: rule.mode!, offers };
    case 'interactionsWhere':
      return { ...base, type: 'interactionsWhere', mode: rule.mode!, where: rule.where!, offers };
    case 'offerCapacity':
      return {
        ...base,
        type: 'offerCapacity',
        offers,
        min: rule.min ?? 0,
        max: rule.max ?? null,
        // An exception replaces what it gives; a bound it leaves out stays the rule's own.
        exceptions: (rule.exceptions ?? []).map((e) => ({ from: e.from, to: e.to, min: e.min ?? rule.min ?? 0, max: e.max ?? rule.max ?? null })),
      };
    case 'customCapacity':
      return { ...base, type: 'customCapacity', offers, aggregate: rule.aggregate!, field: rule.field!, min: rule.min ?? null, max: rule.max ?? null };
    case 'customerOfferCount':
      return { ...base, type: 'customerOfferCount', offers, min: rule.min ?? 0, max: rule.max ?? null };
    case 'maxPackages':
      return { ...base, type: 'maxPackages', max: rule.max! };
    case 'maxDuplicateOffers':
      return { ...base, type: 'maxDuplicateOffers', offers, max: rule.max! };
    case 'neverAWithB':
    case 'neverAFollowedByB':
    case 'bOnlyWithA':
      return { ...base, type: rule.type, a: resolveScope(rule.a, lists), b: resolveScope(rule.b, lists) };
    default:
      throw new InternalError(`unknown optimization rule type ${JSON.stringify((rule as { type: unknown }).type)} passed validation`);
  }
}

/** Compiles a model that validated without errors. */
export function compileModel(model: ConfigModel, facts: ExpressionFacts): CompileResult {
  const problems: Problem[] = [];
  const channels = sortDocuments(model.channels).map(compileChannel);
  const offers = sortDocuments(model.offers).map(compileOffer);
  // Smart lists see only `offer`: no channel, so no profile or session shape.
  const offerEnv = new ExpressionCompiler(() => ({})).environment('offerListWhere');
  const offerLists = sortDocuments(model.offerLists).map((d) => expandOfferList(d, offers, offerEnv, problems));
  const listsByName = new Map(offerLists.map((l) => [l.name, l]));
  const segments = compileSegments(model, facts);

  const strategies: BundleStrategy[] = [];
  const rules: BundleTreatmentRule[] = [];
  for (const document of sortDocuments(model.strategies)) {
    strategies.push({ ...metadataOf(document), channel: document.spec.channel, rules: document.spec.rules.map((r) => r.name) });
    for (const rule of document.spec.rules) {
      const compiled: BundleTreatmentRule = {
        name: rule.name,
        strategy: document.metadata.name,
        channel: document.spec.channel,
        precedence: rules.length,
        segment: rule.segment ?? null,
        zone: rule.zone ?? null,
        offer: rule.offer ?? null,
        offerList: rule.offerList ?? null,
        offers: rule.offer !== undefined ? [rule.offer] : [...(listsByName.get(rule.offerList!)?.offers ?? [])],
        score: rule.score ?? 0,
        scoreExpression: rule.scoreExpression ?? null,
        eligibility: rule.eligibility ?? null,
        effective: rule.effective ?? null,
        expires: rule.expires ?? null,
        enabled: rule.enabled ?? true,
        controlGroupPercent: rule.controlGroup?.percent ?? 0,
      };
      if (rule.priority === 'top') compiled.priority = 'top';
      if (rule.pick !== undefined && rule.offerList !== undefined) {
        compiled.pick = { count: rule.pick.count, by: rule.pick.by };
      }
      const attributes = Object.keys(rule.attributes ?? {}).sort();
      if (attributes.length > 0) compiled.attributes = Object.fromEntries(attributes.map((name) => [name, rule.attributes![name]!]));
      rules.push(compiled);
    }
  }

  const rulesByChannelZone: Record<string, Record<string, number[]>> = {};
  const zoneByInteractionPoint: Record<string, Record<string, string>> = {};
  for (const channel of channels) {
    const byZone: Record<string, number[]> = {};
    for (const zone of [...channel.zones].sort((a, b) => (a.name < b.name ? -1 : 1))) byZone[zone.name] = [];
    zoneByInteractionPoint[channel.name] = Object.fromEntries(Object.values(channel.interactionPoints).map((p) => [p.name, p.zone]));
    for (const rule of rules) {
      if (rule.channel !== channel.name) continue;
      for (const zone of Object.keys(byZone)) if (rule.zone === null || rule.zone === zone) byZone[zone]!.push(rule.precedence);
    }
    rulesByChannelZone[channel.name] = byZone;
  }

  const policies: BundleOptimizationPolicy[] = sortDocuments(model.policies).map((document) => ({
    ...metadataOf(document),
    channel: document.spec.channel,
    realtime: document.spec.realtime ?? false,
    rules: document.spec.rules.map((rule) => compilePolicyRule(rule, listsByName)),
  }));

  return {
    body: { apiVersion: 'offerops/v1', channels, offers, offerLists, segments, strategies, rules, policies, indexes: { rulesByChannelZone, zoneByInteractionPoint } },
    problems,
  };
}
