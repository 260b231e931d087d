// Small hand-written configs for the engine's tests: a base channel and offers, plus the
// strategies and policies each test writes, compiled through the real compiler.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { DecisionRequest } from '../../src/engine/types.js';

export const channelYaml = `
apiVersion: offerops/v1
kind: Channel
metadata: { name: web }
spec:
  audienceLevels:
    - name: customer
      idField: customerId
      attributes:
        age: { type: int }
        income: { type: double }
        tier: { type: string, enum: [bronze, silver, gold, platinum] }
        tags: { type: list, items: string }
        joined: { type: date }
    - name: household
      idField: householdId
      attributes:
        size: { type: int }
  sessionAttributes:
    device: { type: string, enum: [desktop, mobile, app] }
  zones:
    - name: home
      interactionPoints:
        - { name: home-hero, defaultString: "Welcome back", maxOffers: 2 }
        - { name: home-sidebar }
    - name: checkout
      interactionPoints:
        - { name: checkout-upsell }
  events:
    - { name: page-view, actions: [resegment] }
    - { name: offer-shown, actions: [logContact] }
`;

export const offersYaml = `
apiVersion: offerops/v1
kind: Offer
metadata: { name: gold-card, labels: { category: credit } }
spec: { displayName: Gold card, cost: 2.5 }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: platinum-card, labels: { category: credit } }
spec: { displayName: Platinum card, cost: 4 }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: savings-plus, labels: { category: savings } }
spec: { displayName: Savings plus }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: travel-insurance, labels: { category: insurance } }
spec: { displayName: Travel insurance, effective: 2026-03-01, expires: 2026-09-30 }
---
apiVersion: offerops/v1
kind: OfferList
metadata: { name: credit-offers }
spec: { where: 'offer.labels.category == "credit"' }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: adults }
spec: { channel: web, expression: 'profile.age >= 18' }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: high-value }
spec: { channel: web, expression: 'profile.income > 80000.0 && inSegment("adults")' }
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: big-households }
spec: { channel: web, audienceLevel: household, expression: 'profile.size >= 4' }
`;

/** Compiles the base channel and offers plus `extra` YAML; fails loudly on config errors. */
export async function compileFixture(extra: string, options: { base?: boolean } = {}): Promise<Bundle> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offerops-engine-'));
  try {
    if (options.base !== false) {
      await writeFile(path.join(dir, 'channel.yaml'), channelYaml);
      await writeFile(path.join(dir, 'offers.yaml'), offersYaml);
    }
    await writeFile(path.join(dir, 'extra.yaml'), extra);
    const result = await compileDirectory(dir, { root: dir });
    if (!result.bundle) throw new Error(`fixture does not compile:\n${result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('\n')}`);
    return result.bundle;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function engineFor(extra: string, options: { base?: boolean } = {}): Promise<Engine> {
  return createEngine(await compileFixture(extra, options));
}

/** A strategy document on channel web with the given rules (YAML flow maps, one per line). */
/**
 * Three offers with a suppression rule each, as YAML documents to put before a strategy:
 * `once` (afterAccept), `pushy` (maxRejects) and `capped` (maxContacts in a window).
 */
export function suppressedOffers(maxRejects: number, capped: { count: number; periodDays: number }): string {
  return `
apiVersion: offerops/v1
kind: Offer
metadata: { name: once }
spec: { suppression: { afterAccept: true } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: pushy }
spec: { suppression: { maxRejects: ${maxRejects} } }
---
apiVersion: offerops/v1
kind: Offer
metadata: { name: capped }
spec: { suppression: { maxContacts: { count: ${capped.count}, periodDays: ${capped.periodDays} } } }
---
`;
}

export function strategy(name: string, rules: string[], channel = 'web'): string {
  return `apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: ${name} }\nspec:\n  channel: ${channel}\n  rules:\n${rules.map((r) => `    - ${r}`).join('\n')}\n`;
}

/** A realtime policy on channel web (or `channel`) with the given rules. */
export function policy(name: string, rules: string[], realtime = true, channel = 'web'): string {
  return `apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: ${name} }\nspec:\n  channel: ${channel}\n  realtime: ${realtime}\n  rules:\n${rules.map((r) => `    - ${r}`).join('\n')}\n`;
}

/** A second channel beside web: one audience level (customers with an int age unless given), one zone holding one interaction point. */
export function smallChannel(name: string, zone: string, point: string, level = '{ name: customer, idField: customerId, attributes: { age: { type: int } } }'): string {
  return `apiVersion: offerops/v1\nkind: Channel\nmetadata: { name: ${name} }\nspec:\n  audienceLevels:\n    - ${level}\n  zones:\n    - { name: ${zone}, interactionPoints: [{ name: ${point} }] }\n`;
}

/** An offer of the list `weighted` (weightedList) whose attribute `weight` is the YAML value `weight`; starts with its own `---`. */
export function weightedOffer(name: string, weight: string): string {
  return `---\napiVersion: offerops/v1\nkind: Offer\nmetadata: { name: ${name}, labels: { group: weighted } }\nspec: { displayName: ${name}, attributes: { weight: ${weight} } }\n`;
}

/** The offer list `weighted`: every weightedOffer. */
export const weightedList = '---\napiVersion: offerops/v1\nkind: OfferList\nmetadata: { name: weighted }\nspec: { where: \'offer.labels.group == "weighted"\' }\n';

export const adult = { customerId: 'c1', age: 40, income: 50000, tier: 'gold', tags: ['a'], joined: '2020-01-01' };

export function request(overrides: Partial<DecisionRequest> = {}, profile: Record<string, unknown> = adult): DecisionRequest {
  return {
    interactionPoint: 'home-sidebar',
    audience: { id: typeof profile['customerId'] === 'string' ? profile['customerId'] : 'c1', profile },
    at: '2026-05-01',
    count: 5,
    ...overrides,
  };
}

export const offersOf = (decision: { offers: { offer: string }[] }): string[] => decision.offers.map((o) => o.offer);
