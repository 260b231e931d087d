// Arbitration (docs/decisions.md#the-steps, steps 5 and 7): one entry per offer, the highest score winning and
// a tie going to the rule that comes first (lower precedence: strategies in name order,
// rules as written); then the ranking, score descending, offer name ascending. A pair of a
// `priority: top` rule beats every pair of a rule without it, whatever the scores, and top
// offers rank first; with `ties: rotate` equal scores go by the rotate key (tie-order.ts)
// instead of the name (docs/decisions.md#ties-and-top-priority).
//
// The board is scratch memory owned by one engine and reused by every decision (a
// generation stamp clears it in O(1)), so arbitration allocates nothing per candidate.
// Decisions are synchronous, so one board per engine is never shared by two at once.
import type { CompiledRule } from './compiled-types.js';

export class OfferBoard {
  private readonly stamp: Int32Array;
  readonly bestScore: Float64Array;
  readonly bestRule: Int32Array;
  /** 1 when the offer's entry comes from a `priority: top` rule. */
  readonly bestTier: Int8Array;
  private generation = 0;
  /** Offer indexes that have an entry in this decision, in first-seen order. */
  readonly offers: number[] = [];
  private readonly byRank: (a: number, b: number) => number;

  constructor(offerCount: number) {
    this.stamp = new Int32Array(offerCount);
    this.bestScore = new Float64Array(offerCount);
    this.bestRule = new Int32Array(offerCount);
    this.bestTier = new Int8Array(offerCount);
    // Offers are sorted by name in the bundle, so index order is name order.
    this.byRank = (a, b) => this.bestTier[b]! - this.bestTier[a]! || this.bestScore[b]! - this.bestScore[a]! || a - b;
  }

  begin(): void {
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.offers.length = 0;
  }

  /** Proposes `offer` from `rule` at `score`; rules arrive in precedence order, so a tie keeps the first. */
  propose(offer: number, score: number, rule: CompiledRule): void {
    const tier = rule.top ? 1 : 0;
    if (this.stamp[offer] !== this.generation) {
      this.stamp[offer] = this.generation;
      this.bestScore[offer] = score;
      this.bestRule[offer] = rule.precedence;
      this.bestTier[offer] = tier;
      this.offers.push(offer);
    } else if (tier > this.bestTier[offer]! || (tier === this.bestTier[offer] && score > this.bestScore[offer]!)) {
      this.bestScore[offer] = score;
      this.bestRule[offer] = rule.precedence;
      this.bestTier[offer] = tier;
    }
  }

  has(offer: number): boolean {
    return this.stamp[offer] === this.generation;
  }

  /** The offers with an entry, best first (top first, score descending, then name ascending or `tieKey` ascending). */
  ranked(tieKey?: (offer: number) => number): number[] {
    if (tieKey === undefined) return this.offers.slice().sort(this.byRank);
    return this.offers.slice().sort((a, b) => this.bestTier[b]! - this.bestTier[a]! || this.bestScore[b]! - this.bestScore[a]! || tieKey(a) - tieKey(b));
  }
}
