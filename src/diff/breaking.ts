// Breaking changes for touchpoints (docs/simulation-and-diff.md#breaking-changes): what
// the runtime API exposes by name and a change takes away — a channel, interaction point,
// zone, event, audience level, or an audience or session attribute removed or renamed,
// or an attribute that no longer accepts what touchpoints send (type changed, enum values
// dropped). A touchpoint calling by the old name would get an error after the change.
import type { AttributeDeclaration, BundleBody, BundleChannel } from '../bundle/index.js';
import { canonicalJson } from '../bundle/index.js';
import { plural } from '../words.js';

export interface BreakingChange {
  kind: 'Channel';
  /** The channel. */
  name: string;
  what: string;
}

const q = (name: string): string => `'${name}'`;

function pointsOf(channel: BundleChannel): Map<string, string> {
  return new Map(Object.entries(channel.interactionPoints).map(([name, p]) => [name, p.zone]));
}

/** "removed", or "renamed to 'x'?" when exactly one new name of the same shape appeared. */
function removal(candidates: readonly string[]): string {
  return candidates.length === 1 ? `removed (renamed to ${q(candidates[0]!)}?)` : 'removed';
}

function describe(declaration: AttributeDeclaration): string {
  if (declaration.type === 'map') return `map of ${declaration.values}`;
  return declaration.type === 'list' ? `list of ${declaration.items}` : declaration.type;
}

function attributeBreaks(label: string, base: Record<string, AttributeDeclaration>, head: Record<string, AttributeDeclaration>, out: string[]): void {
  const added = Object.keys(head).filter((name) => !(name in base));
  for (const [name, before] of Object.entries(base)) {
    const after = Object.hasOwn(head, name) ? head[name] : undefined;
    if (!after) {
      out.push(`${label} ${q(name)} ${removal(added.filter((n) => canonicalJson(head[n]) === canonicalJson(before)))}`);
      continue;
    }
    if (describe(before) !== describe(after)) {
      out.push(`${label} ${q(name)} is now ${describe(after)} (was ${describe(before)})`);
      continue;
    }
    if (after.enum !== null) {
      const dropped = (before.enum ?? null) === null ? null : before.enum!.filter((v) => !after.enum!.map(String).includes(String(v)));
      if (dropped === null) out.push(`${label} ${q(name)} now accepts only ${after.enum.map((v) => JSON.stringify(v)).join(', ')}`);
      else if (dropped.length > 0) out.push(`${label} ${q(name)} no longer accepts ${dropped.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }
}

function channelBreaks(base: BundleChannel, head: BundleChannel): string[] {
  const out: string[] = [];
  const headZones = new Set(head.zones.map((z) => z.name));
  const newZones = head.zones.map((z) => z.name).filter((z) => !base.zones.some((b) => b.name === z));
  for (const zone of base.zones) if (!headZones.has(zone.name)) out.push(`zone ${q(zone.name)} ${removal(newZones)}`);
  const before = pointsOf(base);
  const after = pointsOf(head);
  const newPoints = [...after.keys()].filter((p) => !before.has(p));
  for (const [point, zone] of before) {
    if (after.has(point)) continue;
    const sameZone = newPoints.filter((p) => after.get(p) === zone || (!headZones.has(zone) && newZones.includes(after.get(p)!)));
    out.push(`interaction point ${q(point)} ${removal(sameZone)}`);
  }
  const events = new Set(head.events.map((e) => e.name));
  const newEvents = head.events.filter((e) => !base.events.some((b) => b.name === e.name));
  for (const event of base.events) {
    if (events.has(event.name)) continue;
    out.push(`event ${q(event.name)} ${removal(newEvents.filter((e) => canonicalJson(e.actions) === canonicalJson(event.actions)).map((e) => e.name))}`);
  }
  const newLevels = head.audienceLevels.filter((l) => !base.audienceLevels.some((b) => b.name === l.name)).map((l) => l.name);
  for (const level of base.audienceLevels) {
    const match = head.audienceLevels.find((l) => l.name === level.name);
    if (!match) {
      out.push(`audience level ${q(level.name)} ${removal(newLevels)}`);
      continue;
    }
    if (match.idField !== level.idField) out.push(`audience level ${q(level.name)} now identifies members by ${q(match.idField)} (was ${q(level.idField)})`);
    attributeBreaks(`audience attribute`, level.attributes, match.attributes, out);
  }
  attributeBreaks('session attribute', base.sessionAttributes, head.sessionAttributes, out);
  return out;
}

/** Breaking changes from base to head, channel by channel (channels by name). */
export function breakingChanges(base: BundleBody, head: BundleBody): BreakingChange[] {
  const out: BreakingChange[] = [];
  const newChannels = head.channels.filter((c) => !base.channels.some((b) => b.name === c.name)).map((c) => c.name);
  for (const channel of base.channels) {
    const match = head.channels.find((c) => c.name === channel.name);
    if (!match) {
      const points = Object.keys(channel.interactionPoints).length;
      out.push({ kind: 'Channel', name: channel.name, what: `channel ${q(channel.name)} ${removal(newChannels)}, with its ${plural(points, 'interaction point')}` });
      continue;
    }
    for (const what of channelBreaks(channel, match)) out.push({ kind: 'Channel', name: channel.name, what });
  }
  return out;
}
