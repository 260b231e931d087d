// The semantic config diff (docs/simulation-and-diff.md#config-changes): what changed
// between two bundles, in the config's own terms — entities by kind and name, fields by
// their path with list items keyed by name (`rules[tiles-savings].score`: 40 → 60) —
// never by array index. Derived parts of the bundle (precedence, indexes, expanded rule
// offers, evaluation order) are left out: they change when the config does, and say
// nothing an author wrote.
import { canonicalJson } from '../bundle/index.js';
import type { BundleBody, BundleChannel, BundleOfferScope, BundleTreatmentRule } from '../bundle/index.js';
import type { ConfigKind } from '../config/index.js';

export type ChangeType = 'added' | 'removed' | 'changed' | 'renamed';

export interface FieldChange {
  /** `rules[tiles-savings].score`, `expression`, `zones[home].interactionPoints[home-hero].maxOffers`. */
  path: string;
  /** null when the field (or list item) is not on that side. */
  base: unknown;
  head: unknown;
}

export interface EntityChange {
  kind: ConfigKind;
  name: string;
  change: ChangeType;
  /** For `renamed`: the name on the base side. */
  from?: string;
  fields: FieldChange[];
}


export const kindOrder: readonly ConfigKind[] = ['Channel', 'Offer', 'OfferList', 'Segment', 'Strategy', 'OptimizationPolicy'];

function omit<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function channelDocument(channel: BundleChannel): Record<string, unknown> {
  // Interaction points are written inside their zones; the bundle's point map is derived.
  const zones = channel.zones.map((zone) => ({
    name: zone.name,
    interactionPoints: zone.interactionPoints.map((point) => {
      const p = channel.interactionPoints[point];
      return { name: point, defaultString: p?.defaultString ?? null, maxOffers: p?.maxOffers ?? null };
    }),
  }));
  return { ...omit(channel, ['interactionPoints', 'zones']), zones };
}

function scope(value: BundleOfferScope): Record<string, unknown> {
  return { offer: value.offer, list: value.list };
}

function ruleDocument(rule: BundleTreatmentRule): Record<string, unknown> {
  const { controlGroupPercent, ...rest } = rule;
  return { ...omit(rest, ['precedence', 'strategy', 'channel', 'offers']), controlGroup: { percent: controlGroupPercent } };
}

/** Every entity of a bundle as a config-like document, by kind and name. */
export function documentsOf(body: BundleBody): Map<ConfigKind, Map<string, Record<string, unknown>>> {
  const rulesOf = new Map<string, BundleTreatmentRule[]>();
  for (const rule of body.rules) {
    const list = rulesOf.get(rule.strategy) ?? [];
    list.push(rule);
    rulesOf.set(rule.strategy, list);
  }
  const byName = <T extends { name: string }>(items: readonly T[], shape: (item: T) => Record<string, unknown>): Map<string, Record<string, unknown>> =>
    new Map(items.map((item) => [item.name, shape(item)]));
  return new Map<ConfigKind, Map<string, Record<string, unknown>>>([
    ['Channel', byName(body.channels, channelDocument)],
    ['Offer', byName(body.offers, (o) => ({ ...o }))],
    ['OfferList', byName(body.offerLists, (l) => (l.where === null ? { ...l } : { ...omit(l, ['offers']), 'offers (expanded)': l.offers }))],
    ['Segment', byName(body.segments, (s) => omit(s, ['dependsOn', 'evaluationOrder']))],
    ['Strategy', byName(body.strategies, (s) => ({ ...omit(s, ['rules']), rules: (rulesOf.get(s.name) ?? []).map(ruleDocument) }))],
    [
      'OptimizationPolicy',
      byName(body.policies, (p) => ({
        ...p,
        rules: p.rules.map((rule) => {
          const out: Record<string, unknown> = { ...rule };
          for (const key of ['offers', 'a', 'b'] as const) if (key in rule) out[key] = scope((rule as unknown as Record<string, BundleOfferScope>)[key]!);
          return out;
        }),
      })),
    ],
  ]);
}

const isNamedList = (value: unknown): value is { name: string }[] =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { name?: unknown }).name === 'string');

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

const keyPath = (path: string, key: string): string => (path === '' ? key : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}["${key}"]`);

/** Field-by-field changes between two values, list items keyed by name. */
export function diffFields(base: unknown, head: unknown, path = ''): FieldChange[] {
  if (same(base, head)) return [];
  if (isObject(base) && isObject(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    return keys.flatMap((key) => diffFields(base[key], head[key], keyPath(path, key)));
  }
  if ((isNamedList(base) || (Array.isArray(base) && base.length === 0)) && (isNamedList(head) || (Array.isArray(head) && head.length === 0)) && (isNamedList(base) || isNamedList(head))) {
    return diffNamedLists(base as { name: string }[], head as { name: string }[], path);
  }
  return [{ path, base: (base ?? null), head: (head ?? null) }];
}

function diffNamedLists(base: { name: string }[], head: { name: string }[], path: string): FieldChange[] {
  const a = new Map(base.map((item) => [item.name, item]));
  const b = new Map(head.map((item) => [item.name, item]));
  const out: FieldChange[] = [];
  const removed = base.filter((item) => !b.has(item.name));
  const added = head.filter((item) => !a.has(item.name));
  // An item removed and one added with the same content: a rename.
  const renamedTo = new Map<string, string>();
  for (const gone of removed) {
    const match = added.find((item) => !renamedTo.has(item.name) && ![...renamedTo.values()].includes(item.name) && same({ ...gone, name: '' }, { ...item, name: '' }));
    if (match) renamedTo.set(gone.name, match.name);
  }
  const renamedFrom = new Set(renamedTo.values());
  for (const item of base) {
    const at = `${path}[${item.name}]`;
    if (renamedTo.has(item.name)) out.push({ path: `${at}.name`, base: item.name, head: renamedTo.get(item.name)! });
    else if (!b.has(item.name)) out.push({ path: at, base: item, head: null });
    else out.push(...diffFields(omit(item, ['name']), omit(b.get(item.name)!, ['name']), at));
  }
  for (const item of head) if (!a.has(item.name) && !renamedFrom.has(item.name)) out.push({ path: `${path}[${item.name}]`, base: null, head: item });
  // Order matters for rules (a score tie goes to the rule written first) and reads naturally for the rest.
  // (A renamed item keeps its place: compared under its head name, shown under each side's.)
  const orderA = base.filter((i) => b.has(i.name) || renamedTo.has(i.name)).map((i) => i.name);
  const orderB = head.filter((i) => a.has(i.name) || renamedFrom.has(i.name)).map((i) => i.name);
  if (orderA.map((n) => renamedTo.get(n) ?? n).join('\u0000') !== orderB.join('\u0000')) out.push({ path: `${path} (order)`, base: orderA, head: orderB });
  return out;
}

/** What changed between the base and head bundles, entity by entity, in kind order then by name. */
export function diffConfig(base: BundleBody, head: BundleBody): EntityChange[] {
  const a = documentsOf(base);
  const b = documentsOf(head);
  const changes: EntityChange[] = [];
  for (const kind of kindOrder) {
    const before = a.get(kind)!;
    const after = b.get(kind)!;
    const removed = [...before.keys()].filter((name) => !after.has(name));
    const added = [...after.keys()].filter((name) => !before.has(name));
    const renamed = new Map<string, string>(); // head name → base name
    for (const name of removed) {
      const twin = added.find((candidate) => !renamed.has(candidate) && same({ ...before.get(name)!, name: '' }, { ...after.get(candidate)!, name: '' }));
      if (twin !== undefined) renamed.set(twin, name);
    }
    const renamedFrom = new Set(renamed.values());
    const ofKind: EntityChange[] = [];
    for (const name of removed) if (!renamedFrom.has(name)) ofKind.push({ kind, name, change: 'removed', fields: [] });
    for (const name of added) {
      const from = renamed.get(name);
      ofKind.push(from === undefined ? { kind, name, change: 'added', fields: [] } : { kind, name, change: 'renamed', from, fields: [] });
    }
    for (const [name, document] of before) {
      if (!after.has(name)) continue;
      const fields = diffFields(omit(document, ['name']), omit(after.get(name)!, ['name']));
      if (fields.length > 0) ofKind.push({ kind, name, change: 'changed', fields });
    }
    ofKind.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    changes.push(...ofKind);
  }
  return changes;
}
