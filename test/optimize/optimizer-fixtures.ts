// Small hand-made bundles and rows for the optimizer's own tests.
import type { BundleBody, BundleOfferScope, BundlePolicyRule } from '../../src/bundle/types.js';
import type { HistoryRow } from '../../src/engine/types.js';
import type { AudienceMember, OptimizeProblem, ProposedContact } from '../../src/optimize/types.js';

export const offers = ['a', 'b', 'c', 'd'];

export function scope(offer?: string): BundleOfferScope {
  return offer === undefined ? { offer: null, list: null, offers: null } : { offer, list: null, offers: [offer] };
}

export function listScope(list: string, members: string[]): BundleOfferScope {
  return { offer: null, list, offers: members };
}

export function bundleWith(rules: BundlePolicyRule[], segments: { name: string; expression: string }[] = []): BundleBody {
  return {
    apiVersion: 'offerops/v1',
    channels: [
      {
        name: 'web',
        description: null,
        labels: {},
        audienceLevels: [{ name: 'customer', idField: 'customerId', attributes: { tier: { type: 'string', enum: null }, age: { type: 'int', enum: null } } }],
        sessionAttributes: {},
        categories: [],
        zones: [],
        interactionPoints: {},
        events: [],
      },
    ],
    offers: offers.map((name) => ({
      name,
      description: null,
      labels: {},
      displayName: name,
      effective: null,
      expires: null,
      cost: 0,
      attributes: {},
      suppression: { afterAccept: false, maxRejects: null, maxContacts: null },
    })),
    offerLists: [{ name: 'ab', description: null, labels: {}, where: null, offers: ['a', 'b'] }],
    segments: segments.map((s, i) => ({ name: s.name, description: null, labels: {}, channel: 'web', audienceLevel: 'customer', expression: s.expression, dependsOn: [], evaluationOrder: i })),
    strategies: [],
    rules: [],
    policies: [{ name: 'p', description: null, labels: {}, channel: 'web', realtime: false, rules }],
    indexes: { rulesByChannelZone: {}, zoneByInteractionPoint: {} },
  };
}

const base = { segment: null, channel: null, periodDays: null };
export const rule = {
  customersIn: (mode: 'include' | 'exclude', segment: string, offer?: string): BundlePolicyRule => ({ ...base, name: 'ci', type: 'customersIn', mode, segment, offers: scope(offer) }),
  where: (mode: 'include' | 'exclude', where: string, offer?: string): BundlePolicyRule => ({ ...base, name: 'iw', type: 'interactionsWhere', mode, where, offers: scope(offer) }),
  offerCapacity: (max: number | null, extra: Partial<BundlePolicyRule> = {}, offer?: string): BundlePolicyRule =>
    ({ ...base, name: 'oc', type: 'offerCapacity', offers: scope(offer), min: 0, max, exceptions: [], ...extra }) as BundlePolicyRule,
  customCapacity: (aggregate: 'sum' | 'avg', field: string, max: number | null, min = 0, extra: Partial<BundlePolicyRule> = {}): BundlePolicyRule =>
    ({ ...base, name: 'cc', type: 'customCapacity', offers: scope(), aggregate, field, min, max, ...extra }) as BundlePolicyRule,
  customerOfferCount: (max: number | null, min = 0, extra: Partial<BundlePolicyRule> = {}, offer?: string): BundlePolicyRule =>
    ({ ...base, name: 'coc', type: 'customerOfferCount', offers: scope(offer), min, max, ...extra }) as BundlePolicyRule,
  maxPackages: (max: number, extra: Partial<BundlePolicyRule> = {}): BundlePolicyRule => ({ ...base, name: 'mp', type: 'maxPackages', max, ...extra }) as BundlePolicyRule,
  maxDuplicateOffers: (max: number, extra: Partial<BundlePolicyRule> = {}, offer?: string): BundlePolicyRule =>
    ({ ...base, name: 'mdo', type: 'maxDuplicateOffers', offers: scope(offer), max, ...extra }) as BundlePolicyRule,
  sequence: (type: 'neverAWithB' | 'neverAFollowedByB' | 'bOnlyWithA', a: string, b: string, periodDays: number | null = null): BundlePolicyRule =>
    ({ ...base, name: type, type, a: scope(a), b: scope(b), periodDays }),
};

export function contact(customerId: string, offer: string, date: string, score: number, extra: Partial<ProposedContact> & { fields?: Record<string, string | number> } = {}): ProposedContact {
  const channel = extra.channel ?? 'email';
  const pkg = extra.package ?? `${customerId}|${channel}|${date}`;
  const fields: Record<string, string | number> = { customerId, offer, channel, date, score, cost: 0, ...(extra.fields ?? {}) };
  return { customerId, offer, channel, date, score, cost: 0, package: pkg, fields };
}

export function past(customerId: string, offer: string, date: string, extra: Partial<HistoryRow> = {}): HistoryRow {
  return { customerId, offer, channel: 'email', date, package: null, event: 'contact', ...extra };
}

export function problemOf(
  rules: BundlePolicyRule[],
  proposed: ProposedContact[],
  more: { history?: HistoryRow[]; audience?: AudienceMember[]; segments?: { name: string; expression: string }[]; at?: string } = {},
): OptimizeProblem {
  return {
    bundle: bundleWith(rules, more.segments ?? []),
    policy: 'p',
    proposed,
    history: more.history ?? [],
    audience: more.audience ?? [],
    ...(more.at ? { at: more.at } : {}),
  };
}
