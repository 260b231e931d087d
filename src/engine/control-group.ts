// Control groups (docs/decisions.md#control-group-hash): a stable hash of (channel, rule, audienceId) into
// 0..9999; a member whose bucket is below `percent × 100` is in the rule's control group.
//
// The hash, documented in docs/decisions.md so other systems can reproduce it:
//   h      = FNV-1a 32-bit over the UTF-8 bytes of  channel 0x00 rule 0x00 audienceId
//   h      = murmur3 fmix32(h)        (spreads FNV's weak low bits over the whole word)
//   bucket = h mod 10000
// It depends on nothing else (not the bundle digest, not the date), so a member stays in
// or out of a rule's control group across bundle versions for as long as the rule keeps
// its name, and raising the percent only adds members.
import { mix32 } from '../seeded-random.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Folds a string's UTF-8 bytes into an FNV-1a state. */
export function fnv1aUpdate(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      h = Math.imul(h ^ code, FNV_PRIME);
      continue;
    }
    // Encode to UTF-8 on the fly (surrogate pairs → one 4-byte code point).
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x800) {
      h = Math.imul(h ^ (0xc0 | (code >> 6)), FNV_PRIME);
    } else if (code < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (code >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (code >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    }
    h = Math.imul(h ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  return h >>> 0;
}

/** The hash state after `channel 0x00 rule 0x00`: computed once per rule when the engine loads. */
export function controlGroupSeed(channel: string, rule: string): number {
  let h = fnv1aUpdate(FNV_OFFSET, channel);
  h = Math.imul(h ^ 0, FNV_PRIME) >>> 0;
  h = fnv1aUpdate(h, rule);
  return Math.imul(h ^ 0, FNV_PRIME) >>> 0;
}

/** The member's bucket 0..9999 for a rule, from the rule's seed. */
export function controlGroupBucketFromSeed(seed: number, audienceId: string): number {
  return mix32(fnv1aUpdate(seed, audienceId)) % 10000;
}

/** hash(channel, rule, audienceId) in 0..9999 (docs/decisions.md#control-group-hash). */
export function controlGroupBucket(channel: string, rule: string, audienceId: string): number {
  return controlGroupBucketFromSeed(controlGroupSeed(channel, rule), audienceId);
}

/** Buckets below this are in the control group: bucket < percent × 100 (docs/decisions.md#control-group-hash), percent
 *  may have decimals (12.4 → buckets 0..12); the epsilon keeps float noise from adding a bucket. */
export function controlGroupThreshold(percent: number): number {
  return Math.max(0, Math.ceil(percent * 100 - 1e-9));
}
