// Segment membership for the optimizer (docs/optimization-semantics.md#contacts-days-and-scope):
// the engine's reading (compiled once, a segment that does not compile refuses the
// bundle, evaluated lazily with inSegment() through the same memo, run-time failures
// false), applied to every customer of the audience with `session` empty and `now` the
// decision day. A customer missing from the audience is in no segment.
import type { BundleBody } from '../bundle/index.js';
import { isMember, memberSegmentLookup, SegmentMemo, type CompiledSegment, type MemberState } from '../engine/index.js';
import { toCelRecord, toCelTimestamp, withSegmentLookup } from '../expr/index.js';
import type { Memberships } from './model-types.js';
import type { AudienceMember } from './types.js';

/** One audience level's segments, evaluated against a profile converted with its attributes. */
interface LevelGroup {
  attributes: BundleBody['channels'][number]['audienceLevels'][number]['attributes'];
  idField: string;
  segments: CompiledSegment[];
}

export function evaluateMemberships(
  bundle: BundleBody,
  segments: readonly CompiledSegment[],
  wanted: readonly CompiledSegment[],
  audience: readonly AudienceMember[],
  customerIndex: ReadonlyMap<string, number>,
  customerCount: number,
  at: string,
): Memberships {
  const memberships: Memberships = new Map();
  if (wanted.length === 0) return memberships;
  const groups = new Map<string, LevelGroup>();
  for (const segment of wanted) {
    memberships.set(segment.name, new Uint8Array(customerCount));
    const key = `${segment.channel}\0${segment.level}`;
    let group = groups.get(key);
    if (!group) {
      const channel = bundle.channels.find((c) => c.name === segment.channel);
      const level = channel?.audienceLevels.find((l) => l.name === segment.level) ?? channel?.audienceLevels[0];
      group = { attributes: level?.attributes ?? {}, idField: level?.idField ?? 'customerId', segments: [] };
      groups.set(key, group);
    }
    group.segments.push(segment);
  }
  const byName = new Map(segments.map((s) => [s.name, s]));
  const state: MemberState = {
    channel: null,
    level: null,
    cel: { profile: {}, session: {}, now: toCelTimestamp(at), offer: null },
    segments: new SegmentMemo(),
    errors: [],
    reported: null,
  };
  const lookup = memberSegmentLookup(state, byName);
  for (const member of audience) {
    const index = customerIndex.get(member.customerId);
    if (index === undefined) continue; // not a customer of this run
    for (const group of groups.values()) {
      state.segments.clear(segments.length);
      // Failures count as false; the optimizer's report does not list them per customer.
      state.errors.length = 0;
      state.reported = null;
      const idField = group.idField;
      state.cel.profile = toCelRecord(group.attributes, { ...member.profile, [idField]: member.profile[idField] ?? member.customerId }, idField).value;
      withSegmentLookup(lookup, () => {
        for (const segment of group.segments) if (isMember(state, segment)) memberships.get(segment.name)![index] = 1;
      });
    }
  }
  return memberships;
}
