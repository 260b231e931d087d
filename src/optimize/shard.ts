// Beyond one machine (docs/optimization.md#beyond-one-machine-shards): customers are independent once capacity prices are
// known, so a run can be split by a stable hash of the customer id. Each shard solves
// its customers against its share of every capacity; a merge run over the union of the
// shard outputs repairs what the shares did not foresee. Prices travel as JSON.
import { isoDay } from '../days.js';
import { OptimizeInputError } from './input-error.js';
import type { Prices } from './lagrangian.js';
import type { Model } from './model.js';
import type { CapacityPrices } from './types.js';

/** FNV-1a (32 bit) of the customer id: the same shard on every machine. */
export function customerShard(customerId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    hash ^= customerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** Parses `i/N` (0 ≤ i < N). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count)) {
    throw new OptimizeInputError('prices', -1, null, `--shard must be i/N with 0 ≤ i < N (e.g. 0/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** Scales every capacity and global minimum to a shard's share. */
export function scaleCapacities(model: Model, share: number): void {
  for (const part of model.parts) {
    if (part.kind === 'avgMax' || part.kind === 'avgMin') continue; // ratios need no share
    for (let w = 0; w < part.rhs.length; w++) part.rhs[w] = part.rhs[w]! * share;
    for (let w = 0; w < part.minNeed.length; w++) part.minNeed[w] = part.minNeed[w]! * share;
  }
}

function windowKey(model: Model, kind: string, from: number, to: number): string {
  return `${kind} ${isoDay(model.d0 + from)}..${isoDay(model.d0 + to)}`;
}

export function exportPrices(model: Model, prices: Prices): CapacityPrices {
  const out: CapacityPrices = { policy: model.problem.policy, horizon: { from: isoDay(model.d0), to: isoDay(model.d1) }, prices: {} };
  model.parts.forEach((part, p) => {
    const name = model.rules[part.rule]!.name;
    const table = (out.prices[name] ??= {});
    for (let w = 0; w < part.rhs.length; w++) table[windowKey(model, part.kind, part.from[w]!, part.to[w]!)] = prices[p]![w]!;
  });
  return out;
}

/** Prices for this model's windows from a file; windows the file does not name start at 0. */
export function importPrices(model: Model, file: CapacityPrices): Prices {
  if (!file || typeof file !== 'object' || typeof file.prices !== 'object' || file.prices === null) {
    throw new OptimizeInputError('prices', -1, null, 'a prices file is {policy, horizon, prices: {rule: {window: price}}}');
  }
  if (file.policy !== model.problem.policy) {
    throw new OptimizeInputError('prices', -1, null, `the prices are for policy '${file.policy}', this run optimizes '${model.problem.policy}'`);
  }
  return model.parts.map((part) => {
    const table = file.prices[model.rules[part.rule]!.name] ?? {};
    const out = new Float64Array(part.rhs.length);
    for (let w = 0; w < part.rhs.length; w++) {
      const value = table[windowKey(model, part.kind, part.from[w]!, part.to[w]!)];
      out[w] = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
    }
    return out;
  });
}
