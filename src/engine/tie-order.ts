// The order of offers with equal scores (docs/decisions.md#ties-and-top-priority).
// `ties: name` (the default): offer name ascending, which is offer index order since the
// bundle sorts offers by name. `ties: rotate`: a stable hash of (audienceId, offer,
// decision day), ascending, the offer name breaking the (rare) equal hashes — so a member
// sees equal offers take turns day by day, the same all day, reproducibly:
//   h   = FNV-1a 32-bit over the UTF-8 bytes of  audienceId 0x00 offer 0x00 YYYY-MM-DD
//   key = murmur3 fmix32(h)
// The sort key is key · 2^21 + offer index: exact in a double for up to 2^21 offers.
import { fnv1aUpdate } from './control-group.js';
import { mix32 } from '../seeded-random.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const INDEX_SPACE = 2 ** 21;

/** The rotate hash of an offer for a member on a day (0 .. 2^32 − 1). */
export function rotateHash(audienceId: string, offer: string, day: string): number {
  let h = fnv1aUpdate(FNV_OFFSET, audienceId);
  h = Math.imul(h ^ 0, FNV_PRIME) >>> 0;
  h = fnv1aUpdate(h, offer);
  h = Math.imul(h ^ 0, FNV_PRIME) >>> 0;
  return mix32(fnv1aUpdate(h, day)) >>> 0;
}

/**
 * Tie keys (lower first), computed for an offer the first time it is compared, and kept
 * while the member and the day stay the same: a member's decisions at the points of a
 * channel, one after another, compute each offer's hash once.
 */
export class TieOrder {
  private readonly keys: Float64Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  private audienceId = '';
  private day = '';

  constructor(private readonly offerNames: readonly string[]) {
    this.keys = new Float64Array(offerNames.length);
    this.stamp = new Int32Array(offerNames.length);
  }

  begin(audienceId: string, day: string): void {
    // The keys depend only on the member and the day.
    if (this.generation !== 0 && audienceId === this.audienceId && day === this.day) return;
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.audienceId = audienceId;
    this.day = day;
  }

  key(offer: number): number {
    if (this.stamp[offer] !== this.generation) {
      this.stamp[offer] = this.generation;
      this.keys[offer] = rotateHash(this.audienceId, this.offerNames[offer]!, this.day) * INDEX_SPACE + offer;
    }
    return this.keys[offer]!;
  }
}
