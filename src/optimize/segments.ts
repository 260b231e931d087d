// Segment membership for the optimizer (docs/optimization-semantics.md "Segment
// membership"): each segment's expression evaluated over the audience with `session`
// empty and `now` the decision day. A customer missing from the audience, or whose
// expression fails at run time, is in no segment.
import type { BundleBody, BundleSegment } from '../bundle/types.js';
import { createEnvironment, toCelRecord, toCelTimestamp, withSegmentLookup } from '../expr/environment.js';
import { OptimizeInputError } from './input-error.js';
import type { AudienceMember } from './types.js';

/** segment name → membership flag per customer index. */
export type Memberships = Map<string, Uint8Array>;

/** The segments `names` depend on (inSegment), with themselves, in evaluation order. */
function closure(bundle: BundleBody, names: readonly string[]): BundleSegment[] {
  const byName = new Map(bundle.segments.map((s) => [s.name, s]));
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    if (wanted.has(name)) return;
    const segment = byName.get(name);
    if (!segment) throw new OptimizeInputError('policy', -1, null, `segment '${name}' is not in the bundle`);
    wanted.add(name);
    for (const dependency of segment.dependsOn) visit(dependency);
  };
  for (const name of names) visit(name);
  return [...wanted].map((name) => byName.get(name)!).sort((a, b) => a.evaluationOrder - b.evaluationOrder);
}

export function evaluateMemberships(
  bundle: BundleBody,
  names: readonly string[],
  audience: readonly AudienceMember[],
  customerIndex: ReadonlyMap<string, number>,
  customerCount: number,
  at: string,
): Memberships {
  const memberships: Memberships = new Map();
  if (names.length === 0) return memberships;
  const segments = closure(bundle, names);
  const now = toCelTimestamp(at);
  const compiled = segments.map((segment) => {
    const channel = bundle.channels.find((c) => c.name === segment.channel);
    const level = channel?.audienceLevels.find((l) => l.name === segment.audienceLevel) ?? channel?.audienceLevels[0];
    const attributes = level?.attributes ?? {};
    const env = createEnvironment('segment', {
      profile: { idField: level?.idField ?? 'customerId', attributes },
      session: channel?.sessionAttributes ?? {},
    });
    let evaluate: ((context: Record<string, unknown>) => unknown) | null = null;
    try {
      evaluate = env.parse(segment.expression) as unknown as (context: Record<string, unknown>) => unknown;
    } catch {
      evaluate = null; // validated bundles parse; a hand-made one simply has no members
    }
    memberships.set(segment.name, new Uint8Array(customerCount));
    return { segment, attributes, idField: level?.idField ?? 'customerId', evaluate };
  });
  for (const member of audience) {
    const index = customerIndex.get(member.customerId);
    if (index === undefined) continue; // not a customer of this run
    const current = new Map<string, boolean>();
    const lookup = (name: string): boolean => current.get(name) ?? false;
    for (const { segment, attributes, idField, evaluate } of compiled) {
      let inSegment = false;
      if (evaluate) {
        const profile = toCelRecord(attributes, { ...member.profile, [idField]: member.profile[idField] ?? member.customerId }, idField).value;
        try {
          inSegment = withSegmentLookup(lookup, () => evaluate!({ profile, session: {}, now })) === true;
        } catch {
          inSegment = false;
        }
      }
      current.set(segment.name, inSegment);
      if (inSegment) memberships.get(segment.name)![index] = 1;
    }
  }
  return memberships;
}
