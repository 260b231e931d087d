// Which segments of a diff's head are twins of the base's (src/engine/peer-memo.ts
// segmentTwins): the same name, channel, audience level and expression, the level and the
// channel's session declared alike, and every segment it reads a twin too. A twin's
// membership is taken from the base's memo of the same member, so a segment that is not
// one must never be called one; one that is, is found wherever it sits in the peer.
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '../../src/bundle/bundle.js';
import type { BundleBody, BundleSegment } from '../../src/bundle/types.js';
import { compileBundle } from '../../src/engine/compile-bundle.js';
import { segmentTwins } from '../../src/engine/peer-memo.js';
import { channelYaml, compileFixture } from './engine-fixture.js';

// A second channel declared exactly as web (levels, session, zones): only the channel differs.
const app = channelYaml.replace('metadata: { name: web }', 'metadata: { name: app }');
const segment = (name: string, spec: string): string => `---\napiVersion: offerops/v1\nkind: Segment\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
const extra =
  app +
  segment('aaa-unrelated', "{ channel: web, expression: 'profile.age > 99' }") +
  segment('reads-adults', '{ channel: web, expression: \'inSegment("adults") && profile.age < 65\' }') +
  segment('everyone', "{ channel: web, expression: '1 == 1' }") +
  segment('app-adults', "{ channel: app, expression: 'profile.age >= 18' }");

let base: BundleBody;
beforeAll(async () => {
  base = (await compileFixture(extra)).body;
});

/** own's segment name → the name of its twin in peer (found through the index segmentTwins gives), or null. */
function twinsOf(own: BundleBody, peer: BundleBody): Record<string, string | null> {
  const found = segmentTwins(compileBundle(createBundle(own)), compileBundle(createBundle(peer)));
  return Object.fromEntries(own.segments.map((s, i) => [s.name, found[i]! < 0 ? null : peer.segments[found[i]!]!.name]));
}

function edited(body: BundleBody, edit: (segments: BundleSegment[], body: BundleBody) => void): BundleBody {
  const copy = structuredClone(body);
  edit(copy.segments, copy);
  return copy;
}

const named = (segments: BundleSegment[], name: string): BundleSegment => segments.find((s) => s.name === name)!;
const all = (names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, n]));

describe('segment twins of a base and a head', () => {
  it('finds every segment of two equal bundles, also where the peer holds it at another place', () => {
    const names = base.segments.map((s) => s.name);
    expect(twinsOf(base, base)).toEqual(all(names));
    // The peer without the first segment: every other one sits one place earlier there.
    const shorter = edited(base, (segments) => segments.splice(segments.indexOf(named(segments, 'aaa-unrelated')), 1));
    expect(twinsOf(base, shorter)).toEqual({ ...all(names), 'aaa-unrelated': null });
  });

  it('is no twin when the expression differs, nor is any segment that reads it', () => {
    const head = edited(base, (segments) => void (named(segments, 'adults').expression = 'profile.age >= 21'));
    const twins = twinsOf(base, head);
    expect(twins['adults']).toBeNull();
    expect(twins['high-value']).toBeNull();
    expect(twins['reads-adults']).toBeNull();
    expect(twins['everyone']).toBe('everyone');
    expect(twins['app-adults']).toBe('app-adults');
  });

  it('is no twin on another channel or another audience level, the expression the same', () => {
    const otherChannel = edited(base, (segments) => void (named(segments, 'everyone').channel = 'app'));
    expect(twinsOf(base, otherChannel)['everyone']).toBeNull();
    const otherLevel = edited(base, (segments) => void (named(segments, 'everyone').audienceLevel = 'household'));
    expect(twinsOf(base, otherLevel)['everyone']).toBeNull();
    expect(twinsOf(base, otherLevel)['adults']).toBe('adults');
  });

  it('is no twin when its level declares the attributes otherwise, and stays one on a level declared alike', () => {
    const head = edited(base, (_, body) => {
      const level = body.channels.find((c) => c.name === 'web')!.audienceLevels.find((l) => l.name === 'household')!;
      level.attributes = { ...level.attributes, rooms: { type: 'int', enum: null } };
    });
    const twins = twinsOf(base, head);
    expect(twins['big-households']).toBeNull();
    expect(twins['adults']).toBe('adults');
  });

  it('reads a name with inSegment: one neither bundle has fails alike (a twin), one only the peer has does not', () => {
    const ghost = (body: BundleBody): BundleBody => edited(body, (segments) => void (named(segments, 'everyone').expression = 'inSegment("nowhere")'));
    expect(twinsOf(ghost(base), ghost(base))['everyone']).toBe('everyone');
    const peerHasIt = edited(ghost(base), (segments) => {
      const copy = { ...named(segments, 'everyone'), name: 'nowhere', expression: '1 == 1', dependsOn: [] };
      segments.push(copy);
      segments.sort((a, b) => (a.name < b.name ? -1 : 1));
    });
    expect(twinsOf(ghost(base), peerHasIt)['everyone']).toBeNull();
  });

  it('is no twin when inSegment is called with anything but a literal name', () => {
    const dynamic = edited(base, (segments) => void (named(segments, 'everyone').expression = 'inSegment(profile.tier)'));
    expect(twinsOf(dynamic, dynamic)['everyone']).toBeNull();
    expect(twinsOf(dynamic, dynamic)['adults']).toBe('adults');
  });
});
