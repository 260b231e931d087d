// Small builders for optimization problems in tests: the base bundle compiled from
// test/optimize/fixtures/base-config (a channel with a typed customer profile, six
// offers, three offer lists, six segments), a policy made of the rules a test gives,
// and proposed/history rows with the defaults docs/file-formats.md gives.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleBody, BundleOfferScope, BundlePolicyRule, CapacityException } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import type { HistoryRow } from '../../src/engine/types.js';
import { defaultPackage } from './checker.js';
import type { AudienceMember, OptimizeProblem, ProposedContact } from './contract.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BASE_CONFIG_DIR = path.join(here, 'fixtures', 'base-config');
export const POLICY = 'test-policy';

let base: Promise<BundleBody> | null = null;

/** The compiled base bundle (compiled once per test file). */
export function loadBaseBundle(): Promise<BundleBody> {
  base ??= compileDirectory(BASE_CONFIG_DIR, { root: path.resolve(here, '..', '..') }).then((result) => {
    if (!result.bundle) throw new Error(`base config does not compile: ${JSON.stringify(result.problems)}`);
    return result.bundle.body;
  });
  return base;
}

/** The day `offset` days after `from` (both YYYY-MM-DD). */
export function dayAfter(from: string, offset: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** `'alpha'` = one offer, `{list: 'loans'}` = a list, undefined = every offer. */
export type ScopeInput = string | { list: string } | undefined;

export function scopeOf(bundle: BundleBody, input: ScopeInput): BundleOfferScope {
  if (input === undefined) return { offer: null, list: null, offers: null };
  if (typeof input === 'string') return { offer: input, list: null, offers: [input] };
  const list = bundle.offerLists.find((l) => l.name === input.list);
  if (!list) throw new Error(`no offer list ${input.list}`);
  return { offer: null, list: input.list, offers: [...list.offers] };
}

interface Common {
  name?: string;
  segment?: string;
  channel?: string;
  periodDays?: number;
}

/** A policy rule as a test writes it; defaults as the compiler fills them. */
export type RuleInput =
  | (Common & { type: 'customersIn'; mode: 'include' | 'exclude'; segment: string; offers?: ScopeInput })
  | (Common & { type: 'interactionsWhere'; mode: 'include' | 'exclude'; where: string; offers?: ScopeInput })
  | (Common & { type: 'offerCapacity'; offers?: ScopeInput; min?: number; max?: number; exceptions?: Partial<CapacityException>[] })
  | (Common & { type: 'customCapacity'; offers?: ScopeInput; aggregate: 'sum' | 'avg'; field: string; min?: number; max?: number })
  | (Common & { type: 'customerOfferCount'; offers?: ScopeInput; min?: number; max?: number })
  | (Common & { type: 'maxPackages'; max: number })
  | (Common & { type: 'maxDuplicateOffers'; offers?: ScopeInput; max: number })
  | (Common & { type: 'neverAWithB' | 'neverAFollowedByB' | 'bOnlyWithA'; a: ScopeInput; b: ScopeInput });

export function toPolicyRule(bundle: BundleBody, input: RuleInput, index: number): BundlePolicyRule {
  const common = { name: input.name ?? `rule-${index}`, segment: input.segment ?? null, channel: input.channel ?? null, periodDays: input.periodDays ?? null };
  switch (input.type) {
    case 'customersIn':
      return { ...common, type: input.type, mode: input.mode, offers: scopeOf(bundle, input.offers) };
    case 'interactionsWhere':
      return { ...common, type: input.type, mode: input.mode, where: input.where, offers: scopeOf(bundle, input.offers) };
    case 'offerCapacity':
      return {
        ...common,
        type: input.type,
        offers: scopeOf(bundle, input.offers),
        min: input.min ?? 0,
        max: input.max ?? null,
        exceptions: (input.exceptions ?? []).map((e) => ({ from: e.from!, to: e.to!, min: e.min ?? 0, max: e.max ?? null })),
      };
    case 'customCapacity':
      return { ...common, type: input.type, offers: scopeOf(bundle, input.offers), aggregate: input.aggregate, field: input.field, min: input.min ?? null, max: input.max ?? null };
    case 'customerOfferCount':
      return { ...common, type: input.type, offers: scopeOf(bundle, input.offers), min: input.min ?? 0, max: input.max ?? null };
    case 'maxPackages':
      return { ...common, type: input.type, max: input.max };
    case 'maxDuplicateOffers':
      return { ...common, type: input.type, offers: scopeOf(bundle, input.offers), max: input.max };
    default:
      return { ...common, type: input.type, a: scopeOf(bundle, input.a), b: scopeOf(bundle, input.b) };
  }
}

/** The base bundle with its policies replaced by one policy holding `rules`. */
export function bundleWithRules(bundle: BundleBody, rules: RuleInput[]): BundleBody {
  return {
    ...bundle,
    policies: [{ name: POLICY, description: null, labels: {}, channel: 'outbound', realtime: false, rules: rules.map((r, i) => toPolicyRule(bundle, r, i)) }],
  };
}

export interface ContactInput {
  channel?: string;
  score?: number;
  cost?: number;
  package?: string;
  extra?: Record<string, string | number>;
}

/** A proposed row with the file format's defaults (channel email, cost 0, package customer|channel|date). */
export function proposed(customerId: string, offer: string, date: string, options: ContactInput = {}): ProposedContact {
  const channel = options.channel ?? 'email';
  const score = options.score ?? 10;
  const cost = options.cost ?? 0;
  const pkg = options.package ?? defaultPackage(customerId, channel, date);
  const fields: Record<string, string | number> = { customerId, offer, channel, date, score, cost, ...(options.package !== undefined ? { package: options.package } : {}), ...(options.extra ?? {}) };
  return { customerId, offer, channel, date, score, cost, package: pkg, fields };
}

export function past(customerId: string, offer: string, date: string, options: { channel?: string; package?: string; event?: HistoryRow['event'] } = {}): HistoryRow {
  return { customerId, offer, channel: options.channel ?? 'email', date, package: options.package ?? null, event: options.event ?? 'contact' };
}

export function member(customerId: string, profile: Record<string, unknown>): AudienceMember {
  return { customerId, profile: { customerId, ...profile } };
}

export interface ProblemInput {
  rules: RuleInput[];
  proposed: ProposedContact[];
  history?: HistoryRow[];
  audience?: AudienceMember[];
  at?: string;
}

export function makeProblem(bundle: BundleBody, input: ProblemInput): OptimizeProblem {
  return {
    bundle: bundleWithRules(bundle, input.rules),
    policy: POLICY,
    proposed: input.proposed,
    history: input.history ?? [],
    audience: input.audience ?? [],
    ...(input.at !== undefined ? { at: input.at } : {}),
  };
}
