// What a session memo may take from a peer: another engine's memo of the same member's
// visit, as a diff decides each member with a base and a head bundle
// (docs/simulation-and-diff.md#what-base-and-head-share). Where the two bundles declare
// and define something alike, the member's value for it is the same on both sides:
// - the converted profile and session, when the channel's audience level and session
//   attributes are declared alike (the same declarations convert the same input alike);
// - a segment's membership, when the segment is its twin in the peer's bundle: the same
//   name, channel, audience level and expression, declared alike, and every segment it
//   reads through inSegment a twin too.
// Anything else is evaluated by the memo's own engine as usual; a peer never changes a
// decision, it only saves evaluating what the peer already evaluated.
import { canonicalJson } from '../bundle/index.js';
import type { CompiledBundle, CompiledChannel, CompiledLevel } from './compiled-types.js';
import { segmentsNamedIn } from './zone-digest.js';

// Declarations as canonical JSON, interned: equal declarations get the same number, so a
// memo compares one number per decision, never two JSON texts.
const declarationIds = new Map<string, number>();
const inputsIdByLevel = new WeakMap<CompiledLevel, Map<CompiledChannel, number>>();

/** A number naming what converting a member's profile and session reads: the level's declarations and the channel's session attributes. */
export function inputsId(channel: CompiledChannel, level: CompiledLevel): number {
  let byChannel = inputsIdByLevel.get(level);
  if (byChannel === undefined) inputsIdByLevel.set(level, (byChannel = new Map<CompiledChannel, number>()));
  let id = byChannel.get(channel);
  if (id === undefined) {
    const text = canonicalJson({ level: level.name, idField: level.idField, attributes: level.attributes, session: channel.sessionAttributes });
    id = declarationIds.get(text);
    if (id === undefined) declarationIds.set(text, (id = declarationIds.size));
    byChannel.set(channel, id);
  }
  return id;
}

const twinsByPeer = new WeakMap<CompiledBundle, WeakMap<CompiledBundle, Int32Array>>();

/** Per segment index of `own`: the index of its twin in `peer`, or -1. */
export function segmentTwins(own: CompiledBundle, peer: CompiledBundle): Int32Array {
  let byPeer = twinsByPeer.get(own);
  if (byPeer === undefined) twinsByPeer.set(own, (byPeer = new WeakMap()));
  const known = byPeer.get(peer);
  if (known !== undefined) return known;
  const ownBody = own.bundle.body.segments;
  const peerBody = peer.bundle.body.segments;
  const peerIndex = new Map(peerBody.map((segment, index) => [segment.name, index]));
  const declarations = (compiled: CompiledBundle, channel: string, level: string): number | null => {
    const c = compiled.channels.get(channel);
    const l = c?.levels.find((x) => x.name === level);
    return c === undefined || l === undefined ? null : inputsId(c, l);
  };
  const result = new Int32Array(ownBody.length).fill(-1);
  // 0: not decided yet, 1: being decided (a cycle: no twin), 2: decided.
  const status = new Uint8Array(ownBody.length);
  const ownIndex = new Map(ownBody.map((segment, index) => [segment.name, index]));
  const decide = (i: number): boolean => {
    if (status[i] === 2) return result[i]! >= 0;
    if (status[i] === 1) return false;
    status[i] = 1;
    const mine = ownBody[i]!;
    const j = peerIndex.get(mine.name);
    const theirs = j === undefined ? undefined : peerBody[j];
    let twin =
      theirs !== undefined &&
      theirs.channel === mine.channel &&
      theirs.audienceLevel === mine.audienceLevel &&
      theirs.expression === mine.expression &&
      declarations(own, mine.channel, mine.audienceLevel) !== null &&
      declarations(own, mine.channel, mine.audienceLevel) === declarations(peer, theirs.channel, theirs.audienceLevel);
    if (twin) {
      const named = segmentsNamedIn(mine.expression);
      if (named === null) twin = false;
      else {
        for (const name of new Set([...named, ...mine.dependsOn])) {
          const k = ownIndex.get(name);
          // A name neither bundle has fails alike on both sides; one only one side has does not.
          if (k === undefined ? peerIndex.has(name) : !decide(k)) {
            twin = false;
            break;
          }
        }
      }
    }
    status[i] = 2;
    if (twin) result[i] = j!;
    return twin;
  };
  for (let i = 0; i < ownBody.length; i++) decide(i);
  byPeer.set(peer, result);
  return result;
}
