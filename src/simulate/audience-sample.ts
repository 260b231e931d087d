// A seeded audience generated in memory (`--sample N --seed S`, or an environment's
// `simulation.sample`): members as `offerops sample` draws them from the declared
// attributes, each with a session drawn from the channels' session attributes. The same
// bundles, size, seed and day give the same members on any machine.
//
// One sample serves every simulated channel: a member's profile holds the attributes
// every channel's (first) audience level declares, the first declaration of a name
// winning (the head's before the base's in a diff, so a new attribute is sampled).
import type { AttributeDeclaration, BundleBody } from '../bundle/index.js';
import { canonicalJson, sha256Digest } from '../bundle/index.js';
import { parseIsoDate } from '../days.js';
import { UserError } from '../errors.js';
import { createRandom } from '../seeded-random.js';
import { attributeDraw, customerId, planSample, sampleAudience, sampleId, type SamplePlan } from './sample.js';
import type { AudienceMember, AudienceSource } from './types.js';

/** The PRNG stream of sessions (sample.ts uses 1 for profiles and 2 for proposed contacts). */
const SESSION_STREAM = 3;
/** The most members a sample may have (a guard against a typo, not a product limit). */
export const MAX_SAMPLE_MEMBERS = 100_000_000;

export interface SampleDefinition {
  customers: number;
  seed: number;
  /** The day the sample is taken: dates are drawn up to it (the decision day). */
  at: string;
}

export interface SampleShape {
  plan: SamplePlan;
  sessionAttributes: [string, AttributeDeclaration][];
}

/** Merges the profile and session declarations of `channels` across `bodies` (earlier bodies win a conflict). */
export function sampleShape(bodies: readonly BundleBody[], channels: readonly string[]): SampleShape {
  let plan: SamplePlan | null = null;
  const attributes = new Map<string, AttributeDeclaration>();
  const session = new Map<string, AttributeDeclaration>();
  for (const body of bodies) {
    for (const name of channels) {
      const channel = body.channels.find((c) => c.name === name);
      if (!channel) continue;
      const channelPlan = planSample(body, name);
      plan ??= channelPlan;
      for (const [attribute, declaration] of channelPlan.attributes) if (!attributes.has(attribute) && attribute !== plan.idField) attributes.set(attribute, declaration);
      for (const [attribute, declaration] of Object.entries(channel.sessionAttributes)) if (!session.has(attribute)) session.set(attribute, declaration);
    }
  }
  if (plan === null) throw new UserError('none of the simulated channels is in the bundle: there is no audience to sample');
  const sorted = <T>(map: Map<string, T>): [string, T][] => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { plan: { ...plan, attributes: sorted(attributes) }, sessionAttributes: sorted(session) };
}

/**
 * A sample as an audience source, with what a worker thread needs to draw any slice of it
 * itself: members are generated where they are decided instead of being copied between
 * threads.
 */
export interface SampleSource extends AudienceSource {
  readonly sample: { shape: SampleShape; definition: SampleDefinition };
}

export function isSampleSource(source: AudienceSource): source is SampleSource {
  return 'sample' in source && typeof (source as { sample?: unknown }).sample === 'object';
}

/** The audience id of sample member `index`, without drawing its attributes (for picking its history rows). */
export function sampleMemberId(shape: SampleShape, definition: SampleDefinition, index: number): string {
  return String(customerId(shape.plan, index, definition.customers));
}

export function openAudienceSample(shape: SampleShape, definition: SampleDefinition): SampleSource {
  const { customers, seed, at } = definition;
  if (!Number.isSafeInteger(customers) || customers < 1 || customers > MAX_SAMPLE_MEMBERS) throw new UserError(`a sample needs 1 to ${MAX_SAMPLE_MEMBERS} customers, got ${customers}`);
  if (!Number.isSafeInteger(seed)) throw new UserError(`a sample's seed must be a whole number, got ${seed}`);
  const atDate = parseIsoDate(at);
  if (!atDate) throw new UserError(`not a day: '${at}' (expected YYYY-MM-DD)`);
  const { plan, sessionAttributes } = shape;
  // The digest names what was generated: the generator, its inputs and the declarations it drew from.
  const digest = sha256Digest(
    canonicalJson({
      generator: 'offerops-sample/1',
      customers,
      seed,
      at,
      idField: plan.idField,
      idIsInt: plan.idIsInt,
      attributes: Object.fromEntries(plan.attributes),
      sessionAttributes: Object.fromEntries(sessionAttributes),
    }),
  );
  return {
    sample: { shape, definition },
    source: `sample:${customers}:${seed}`,
    digest,
    approxMembers: customers,
    async forEach(onMember) {
      let count = 0;
      for (const member of sampleMembers(shape, definition)) {
        count++;
        const pending = onMember(member);
        if (pending !== undefined) await pending;
      }
      return count;
    },
  };
}

/**
 * The sample's members, synchronously (for the pure library API and tests); with `from`
 * and `to`, the members of that index range only, the same as in the whole sample.
 */
export function* sampleMembers(shape: SampleShape, definition: SampleDefinition, from = 0, to = definition.customers): Generator<AudienceMember> {
  const { customers, seed, at } = definition;
  const atDay = parseIsoDate(at)!.getTime() / 86_400_000;
  const draws = shape.sessionAttributes.map(([name, declaration]) => [name, attributeDraw(name, declaration)] as const);
  let index = from;
  for (const row of sampleAudience(shape.plan, { customers, seed, at }, from, Math.min(to, customers))) {
    const random = createRandom(seed, SESSION_STREAM, index);
    const session: Record<string, unknown> = {};
    for (const [name, draw] of draws) session[name] = draw(random, atDay);
    yield { index, line: 0, id: sampleId(row, shape.plan.idField), profile: row, session };
    index++;
  }
}
