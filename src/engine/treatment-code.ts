// Treatment codes (docs/decisions.md#treatment-codes): the string a touchpoint echoes back with an event so the
// event is tied to the offer shown. A code is stable for (bundle digest, channel,
// interaction point, rule, offer) and readable:
//
//   <first 12 hex digits of the bundle digest>.<channel>.<interaction point>.<rule>.<offer>
//
// e.g. `3f9a1c0b7d2e.web.home-hero.hv-gold-upgrade.gold-card`. Names never contain a
// dot (docs/config-language.md#the-envelope, name pattern), so the code splits unambiguously.
import type { Bundle, BundleTreatmentRule } from '../bundle/index.js';

export interface TreatmentCodeParts {
  channel: string;
  interactionPoint: string;
  rule: string;
  offer: string;
}

const DIGEST_PREFIX_LENGTH = 12;
const namePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function digestPrefix(digest: string): string {
  return digest.slice('sha256:'.length, 'sha256:'.length + DIGEST_PREFIX_LENGTH);
}

export function formatTreatmentCode(prefix: string, channel: string, interactionPoint: string, rule: string, offer: string): string {
  return prefix + '.' + channel + '.' + interactionPoint + '.' + rule + '.' + offer;
}

/** Splits a code without checking it against a bundle; null when it is not shaped like one. */
export function decodeTreatmentCode(code: unknown): (TreatmentCodeParts & { digestPrefix: string }) | null {
  if (typeof code !== 'string' || code.length > 300) return null;
  const parts = code.split('.');
  if (parts.length !== 5) return null;
  const [prefix, channel, interactionPoint, rule, offer] = parts as [string, string, string, string, string];
  if (!/^[0-9a-f]{12}$/.test(prefix)) return null;
  if (![channel, interactionPoint, rule, offer].every((name) => namePattern.test(name))) return null;
  return { digestPrefix: prefix, channel, interactionPoint, rule, offer };
}

const rulesByBundle = new WeakMap<Bundle, Map<string, BundleTreatmentRule>>();

function ruleIndex(bundle: Bundle): Map<string, BundleTreatmentRule> {
  let index = rulesByBundle.get(bundle);
  if (!index) {
    index = new Map(bundle.body.rules.map((rule) => [`${rule.channel}\0${rule.name}`, rule]));
    rulesByBundle.set(bundle, index);
  }
  return index;
}

/**
 * The (channel, interaction point, rule, offer) a code was issued for, when it was
 * issued by this engine's bundle and names a rule that can give that offer at that
 * point; null otherwise (malformed, another bundle's code, or made up).
 */
export function parseTreatmentCode(engine: { readonly bundle: Bundle; readonly digest: string }, code: unknown): TreatmentCodeParts | null {
  const decoded = decodeTreatmentCode(code);
  if (!decoded || decoded.digestPrefix !== digestPrefix(engine.digest)) return null;
  const channel = engine.bundle.body.channels.find((c) => c.name === decoded.channel);
  const point = channel ? Object.prototype.hasOwnProperty.call(channel.interactionPoints, decoded.interactionPoint) ? channel.interactionPoints[decoded.interactionPoint] : undefined : undefined;
  if (!point) return null;
  const rule = ruleIndex(engine.bundle).get(`${decoded.channel}\0${decoded.rule}`);
  if (!rule || (rule.zone !== null && rule.zone !== point.zone) || !rule.offers.includes(decoded.offer)) return null;
  return { channel: decoded.channel, interactionPoint: decoded.interactionPoint, rule: decoded.rule, offer: decoded.offer };
}
