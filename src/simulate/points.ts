// Which interaction points a simulation decides at: every point of every channel of the
// bundle(s), or those named with --ip (`NAME` or `CHANNEL/NAME`). With two bundles (a diff)
// the points of both are simulated, so a point one side lacks shows as such.
import type { BundleBody } from '../bundle/index.js';
import { didYouMean } from '../config/index.js';
import { UserError } from '../errors.js';
import type { SimulatedPoint } from './types.js';

function pointsOf(body: BundleBody): SimulatedPoint[] {
  const out: SimulatedPoint[] = [];
  for (const channel of body.channels) for (const zone of channel.zones) for (const point of zone.interactionPoints) out.push({ channel: channel.name, point });
  return out;
}

/** Every point of the bundles, channels by name, points as written; points only in a later bundle come after. */
export function allPoints(bodies: readonly BundleBody[]): SimulatedPoint[] {
  const seen = new Set<string>();
  const out: SimulatedPoint[] = [];
  for (const body of bodies) {
    for (const p of pointsOf(body)) {
      const key = `${p.channel}/${p.point}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(p);
      }
    }
  }
  const channelOrder = [...new Set(out.map((p) => p.channel))].sort();
  return out.sort((a, b) => channelOrder.indexOf(a.channel) - channelOrder.indexOf(b.channel));
}

/**
 * The points named by `--ip` (each `NAME` or `CHANNEL/NAME`, several per flag separated by
 * commas), in the order named; every point when none are named. A name that is on several
 * channels must say which.
 */
export function resolvePoints(bodies: readonly BundleBody[], named: readonly string[] | null): SimulatedPoint[] {
  const all = allPoints(bodies);
  if (named === null || named.length === 0) {
    if (all.length === 0) throw new UserError('the bundle declares no interaction points: there is nothing to simulate');
    return all;
  }
  const out: SimulatedPoint[] = [];
  const taken = new Set<string>();
  for (const name of named.flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '')) {
    const slash = name.indexOf('/');
    const matches = slash >= 0 ? all.filter((p) => p.channel === name.slice(0, slash) && p.point === name.slice(slash + 1)) : all.filter((p) => p.point === name);
    if (matches.length === 0) {
      throw new UserError(`--ip ${name}: no such interaction point${didYouMean(name, all.map((p) => (slash >= 0 ? `${p.channel}/${p.point}` : p.point)))}`);
    }
    if (matches.length > 1) throw new UserError(`--ip ${name}: the point is on channels ${matches.map((m) => `'${m.channel}'`).join(', ')}; name it as CHANNEL/${name}`);
    const key = `${matches[0]!.channel}/${matches[0]!.point}`;
    if (!taken.has(key)) {
      taken.add(key);
      out.push(matches[0]!);
    }
  }
  return out;
}
