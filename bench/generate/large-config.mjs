// The large config of docs/benchmarks.md#targets (1,000 offers, 500 segments, 20,000 treatment rules,
// 50 optimization policies), generated reproducibly from a seed and written as YAML
// files, several documents per file, the way a big organisation's config/ looks.
//
// The mixture is meant to exercise every part of load → validate → compile: several
// channels (one with two audience levels), every attribute type, segments that use
// inSegment() (acyclic: only earlier segments of the same channel and level), static and
// smart offer lists, rules with and without zone, segment, eligibility, scoreExpression,
// dates, control groups and disabled rules, and every optimization rule type.
//
// The generated config validates with no errors at any `scale` (test/bench/large-config.test.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

/** The sizes of docs/benchmarks.md#targets at scale 1. */
export const FULL_SIZE = Object.freeze({ offers: 1000, segments: 500, rules: 20000, policies: 50 });

const API_VERSION = 'offerops/v1';
const RULES_PER_STRATEGY = 100;
const STRATEGIES_PER_FILE = 2;
const OFFERS_PER_FILE = 50;
const SEGMENTS_PER_FILE = 50;
const POLICIES_PER_FILE = 10;

/** mulberry32: a small, fast, seeded 32-bit PRNG (never Math.random: the config must be reproducible). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    round: (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits,
  };
}

const pad = (n, width) => String(n).padStart(width, '0');

/** Sizes for a scale factor (each kind at least 1). */
export function largeConfigSize(scale = 1) {
  const of = (n) => Math.max(1, Math.round(n * scale));
  return { offers: of(FULL_SIZE.offers), segments: of(FULL_SIZE.segments), rules: of(FULL_SIZE.rules), policies: of(FULL_SIZE.policies) };
}

const categories = ['credit', 'savings', 'mortgage', 'insurance', 'travel', 'loyalty', 'telecom', 'retail'];
const tiers = ['bronze', 'silver', 'gold', 'platinum'];
const regions = ['north', 'south', 'east', 'west', 'central'];
const tagWords = ['student', 'family', 'traveller', 'investor', 'homeowner', 'digital', 'retired', 'vip'];
const contactChannels = ['email', 'sms', 'web', 'call', 'push', 'direct-mail'];

const customerAttributes = {
  age: { type: 'int' },
  income: { type: 'double' },
  balance: { type: 'double' },
  creditScore: { type: 'int' },
  tier: { type: 'string', enum: tiers },
  region: { type: 'string', enum: regions },
  tags: { type: 'list', items: 'string' },
  products: { type: 'list', items: 'string' },
  joined: { type: 'date' },
  optIn: { type: 'bool' },
  lastPurchaseDays: { type: 'int' },
};

const householdAttributes = {
  members: { type: 'int' },
  homeOwner: { type: 'bool' },
  postcode: { type: 'string' },
  totalIncome: { type: 'double' },
};

/** Channels: name, zones × interaction points, and whether it has a household level. */
const channelPlans = [
  { name: 'web', zones: ['home', 'checkout', 'account', 'offers', 'support', 'search'], household: true },
  { name: 'mobile-app', zones: ['home', 'wallet', 'notifications', 'profile'], household: false },
  { name: 'call-center', zones: ['inbound', 'retention', 'service'], household: false },
  { name: 'branch', zones: ['teller', 'advisor', 'kiosk'], household: false },
];

function channelDocument(plan) {
  const audienceLevels = [{ name: 'customer', idField: 'customerId', attributes: customerAttributes }];
  if (plan.household) audienceLevels.push({ name: 'household', idField: 'householdId', attributes: householdAttributes });
  return {
    apiVersion: API_VERSION,
    kind: 'Channel',
    metadata: { name: plan.name, description: `The ${plan.name} channel`, labels: { team: 'digital' } },
    spec: {
      audienceLevels,
      sessionAttributes: { device: { type: 'string', enum: ['desktop', 'mobile', 'app'] }, visits: { type: 'int' } },
      categories: ['navigation', 'commerce'],
      zones: plan.zones.map((zone) => ({
        name: zone,
        interactionPoints: [
          { name: `${zone}-hero`, defaultString: `Welcome to ${zone}`, maxOffers: 1 },
          { name: `${zone}-sidebar`, maxOffers: 3 },
          { name: `${zone}-footer` },
        ],
      })),
      events: [
        { name: 'page-view', category: 'navigation', actions: ['resegment'] },
        { name: 'offer-shown', actions: ['logContact'] },
        { name: 'offer-click', category: 'commerce', actions: ['logAccept'] },
        { name: 'offer-dismiss', actions: ['logReject'] },
      ],
    },
  };
}

/** A random boolean clause over the customer attributes (type-checks against them). */
function customerClause(random) {
  switch (random.int(0, 10)) {
    case 0:
      return `profile.age >= ${random.int(18, 70)}`;
    case 1:
      return `profile.income > ${random.int(10, 200) * 1000}.0`;
    case 2:
      return `profile.tier in [${[...new Set([random.pick(tiers), random.pick(tiers)])].map((t) => `"${t}"`).join(', ')}]`;
    case 3:
      return `"${random.pick(tagWords)}" in profile.tags`;
    case 4:
      return `profile.region == "${random.pick(regions)}"`;
    case 5:
      return `profile.creditScore >= ${random.int(300, 800)}`;
    case 6:
      return `profile.balance < ${random.int(1, 100) * 500}.0`;
    case 7:
      return `profile.joined < timestamp("${random.int(2005, 2025)}-01-01T00:00:00Z")`;
    case 8:
      return random.chance(0.5) ? 'profile.optIn' : '!profile.optIn';
    case 9:
      return `profile.lastPurchaseDays <= ${random.int(7, 365)}`;
    default:
      return `size(profile.products) >= ${random.int(1, 4)}`;
  }
}

function householdClause(random) {
  switch (random.int(0, 3)) {
    case 0:
      return `profile.members >= ${random.int(1, 6)}`;
    case 1:
      return 'profile.homeOwner';
    case 2:
      return `profile.postcode.startsWith("${random.int(1, 9)}")`;
    default:
      return `profile.totalIncome > ${random.int(20, 300) * 1000}.0`;
  }
}

function conjunction(random, clause, count) {
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(clause(random));
  return parts.join(random.chance(0.8) ? ' && ' : ' || ');
}

/**
 * Generates the large config as files (relative path → YAML text), in memory.
 * `scale` shrinks or grows every count (1 = the targets' size); `seed` makes it reproducible.
 */
export function generateLargeConfig({ seed = 20260101, scale = 1 } = {}) {
  const random = seededRandom(seed);
  const size = largeConfigSize(scale);
  const files = new Map();
  const addFile = (name, documents) => files.set(name, documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));

  // Channels: all in one file.
  addFile('channels.yaml', channelPlans.map(channelDocument));

  // Offers: every offer is live at least 2026-06-01..2026-09-30, so rules dated inside
  // that range never trip the "expired rule" warning.
  const offers = [];
  const offersByCategory = new Map(categories.map((c) => [c, []]));
  for (let i = 1; i <= size.offers; i++) {
    const name = `offer-${pad(i, 5)}`;
    const category = categories[(i - 1) % categories.length];
    offersByCategory.get(category).push(name);
    const spec = { displayName: `Offer ${i} (${category})`, cost: random.round(random.next() * 10) };
    if (random.chance(0.3)) spec.effective = `2026-0${random.int(1, 5)}-01`;
    if (random.chance(0.3)) spec.expires = `202${random.int(6, 7)}-12-31`;
    spec.attributes = { creative: `/img/${name}.png`, discountPct: random.int(0, 50), premium: random.chance(0.2) };
    if (random.chance(0.5)) {
      spec.suppression = {};
      if (random.chance(0.5)) spec.suppression.afterAccept = true;
      if (random.chance(0.5)) spec.suppression.maxRejects = random.int(1, 5);
      if (random.chance(0.5)) spec.suppression.maxContacts = { count: random.int(1, 10), periodDays: random.pick([7, 14, 30, 90]) };
    }
    const labels = { category };
    if (random.chance(0.5)) labels.tier = random.pick(tiers);
    offers.push({ apiVersion: API_VERSION, kind: 'Offer', metadata: { name, labels }, spec });
  }
  for (let f = 0; f * OFFERS_PER_FILE < offers.length; f++) addFile(`offers/offers-${pad(f + 1, 3)}.yaml`, offers.slice(f * OFFERS_PER_FILE, (f + 1) * OFFERS_PER_FILE));

  // Offer lists: a smart list per category, some cost-bounded smart lists, and static lists.
  const lists = [];
  for (const category of categories) lists.push({ apiVersion: API_VERSION, kind: 'OfferList', metadata: { name: `${category}-offers` }, spec: { where: `offer.labels.category == "${category}"` } });
  for (const category of categories.slice(0, 4)) {
    lists.push({ apiVersion: API_VERSION, kind: 'OfferList', metadata: { name: `cheap-${category}` }, spec: { where: `offer.labels.category == "${category}" && offer.cost < 5.0` } });
  }
  const staticLists = Math.max(2, Math.round(50 * scale));
  for (let i = 1; i <= staticLists; i++) {
    const members = new Set();
    const count = random.int(2, 20);
    for (let k = 0; k < count; k++) members.add(random.pick(offers).metadata.name);
    lists.push({ apiVersion: API_VERSION, kind: 'OfferList', metadata: { name: `campaign-${pad(i, 3)}` }, spec: { offers: [...members] } });
  }
  addFile('offer-lists.yaml', lists);
  const listNames = lists.map((l) => l.metadata.name);

  // Segments: round-robin over channels; 1 in 12 of the web ones (from the second) is at household level.
  const segments = [];
  const segmentsByChannel = new Map(channelPlans.map((p) => [p.name, { customer: [], household: [] }]));
  for (let i = 1; i <= size.segments; i++) {
    const plan = channelPlans[(i - 1) % channelPlans.length];
    const name = `segment-${pad(i, 4)}`;
    const pool = segmentsByChannel.get(plan.name);
    const onChannel = pool.customer.length + pool.household.length;
    const household = plan.household && onChannel % 12 === 1;
    const spec = { channel: plan.name };
    if (household) {
      spec.audienceLevel = 'household';
      spec.expression = conjunction(random, householdClause, random.int(1, 2));
      pool.household.push(name);
    } else {
      if (random.chance(0.3)) spec.audienceLevel = 'customer';
      let expression = conjunction(random, customerClause, random.int(1, 3));
      // inSegment() only towards earlier segments of the same channel and level: no cycles.
      if (pool.customer.length > 0 && random.chance(0.15)) expression = `inSegment("${random.pick(pool.customer)}") && (${expression})`;
      if (random.chance(0.1)) expression += ` && session.device == "${random.pick(['desktop', 'mobile', 'app'])}"`;
      spec.expression = expression;
      pool.customer.push(name);
    }
    segments.push({ apiVersion: API_VERSION, kind: 'Segment', metadata: { name, description: `Generated segment ${i}` }, spec });
  }
  for (let f = 0; f * SEGMENTS_PER_FILE < segments.length; f++) addFile(`segments/segments-${pad(f + 1, 3)}.yaml`, segments.slice(f * SEGMENTS_PER_FILE, (f + 1) * SEGMENTS_PER_FILE));

  // Strategies: RULES_PER_STRATEGY rules each, round-robin over channels. Each channel's
  // first strategy starts with a zone-less rule so every interaction point is reachable.
  const strategies = [];
  const strategyCount = Math.ceil(size.rules / RULES_PER_STRATEGY);
  let ruleNumber = 0;
  for (let s = 0; s < strategyCount; s++) {
    const plan = channelPlans[s % channelPlans.length];
    const pool = segmentsByChannel.get(plan.name);
    const rules = [];
    const count = Math.min(RULES_PER_STRATEGY, size.rules - ruleNumber);
    for (let r = 0; r < count; r++) {
      ruleNumber++;
      const rule = { name: `rule-${pad(ruleNumber, 6)}` };
      const householdRule = pool.household.length > 0 && random.chance(0.03);
      const firstOfChannel = s < channelPlans.length && r === 0;
      if (householdRule) rule.segment = random.pick(pool.household);
      else if (!firstOfChannel && pool.customer.length > 0 && random.chance(0.8)) rule.segment = random.pick(pool.customer);
      if (!firstOfChannel && random.chance(0.6)) rule.zone = random.pick(plan.zones);
      if (random.chance(0.75)) rule.offer = random.pick(offers).metadata.name;
      else rule.offerList = random.pick(listNames);
      // Expressions over the profile only where the profile is the customer level.
      if (!householdRule && random.chance(0.2)) {
        rule.scoreExpression = random.pick([
          'profile.income / 1000.0',
          'double(profile.creditScore) / 10.0',
          'offer.cost * 10.0 + double(profile.age) / 2.0',
          'double(offer.attributes.discountPct) + 20.0',
        ]);
        if (random.chance(0.5)) rule.score = random.int(0, 100);
      } else {
        rule.score = random.int(0, 100);
      }
      if (!householdRule && random.chance(0.25)) rule.eligibility = random.chance(0.7) ? customerClause(random) : `offer.cost < ${random.int(1, 9)}.0`;
      if (random.chance(0.15)) {
        rule.effective = `2026-0${random.int(6, 7)}-${pad(random.int(1, 28), 2)}`;
        rule.expires = `2026-09-${pad(random.int(1, 30), 2)}`;
      }
      if (!firstOfChannel && random.chance(0.03)) rule.enabled = false;
      if (random.chance(0.1)) rule.controlGroup = { percent: random.pick([5, 10, 20]) };
      rules.push(rule);
    }
    strategies.push({ apiVersion: API_VERSION, kind: 'Strategy', metadata: { name: `strategy-${pad(s + 1, 4)}`, labels: { owner: `team-${(s % 7) + 1}` } }, spec: { channel: plan.name, rules } });
  }
  for (let f = 0; f * STRATEGIES_PER_FILE < strategies.length; f++) {
    addFile(`strategies/strategies-${pad(f + 1, 3)}.yaml`, strategies.slice(f * STRATEGIES_PER_FILE, (f + 1) * STRATEGIES_PER_FILE));
  }

  // Optimization policies: 4–12 rules each, every rule type in the mixture.
  const scope = () => (random.chance(0.5) ? { offer: random.pick(offers).metadata.name } : { list: random.pick(listNames) });
  const policyRule = (requestedType, index, plan) => {
    const pool = segmentsByChannel.get(plan.name).customer;
    // A tiny scale may leave a channel without segments: customersIn needs one.
    const type = requestedType === 'customersIn' && pool.length === 0 ? 'maxDuplicateOffers' : requestedType;
    const rule = { name: `${type.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${index}`, type };
    if (random.chance(0.3)) rule.channel = random.pick(contactChannels);
    const withPeriod = () => {
      if (random.chance(0.7)) rule.periodDays = random.pick([7, 14, 30, 60, 90, 182]);
    };
    switch (type) {
      case 'customersIn':
        Object.assign(rule, { mode: random.pick(['include', 'exclude']), segment: random.pick(pool), offers: scope() });
        break;
      case 'interactionsWhere':
        Object.assign(rule, { mode: 'exclude', where: random.pick(['contact.score <= 0.0', 'contact.riskScore > 0.8', 'contact.cost > 8.0 && contact.score < 20.0']) });
        if (random.chance(0.5)) rule.offers = scope();
        break;
      case 'offerCapacity': {
        const max = random.int(1000, 100000);
        Object.assign(rule, { offers: scope(), max });
        if (random.chance(0.3)) rule.min = random.int(0, Math.floor(max / 10));
        withPeriod();
        if (random.chance(0.3)) rule.exceptions = [{ from: '2026-12-01', to: '2026-12-31', max: max + random.int(0, 50000) }];
        break;
      }
      case 'customCapacity':
        Object.assign(rule, { offers: scope(), aggregate: random.pick(['sum', 'avg']), field: random.pick(['riskScore', 'margin']), max: random.round(random.next() * 1000 + 0.3) });
        withPeriod();
        break;
      case 'customerOfferCount': {
        const max = random.int(3, 30);
        Object.assign(rule, { max });
        if (pool.length > 0) rule.segment = random.pick(pool);
        if (random.chance(0.4)) rule.min = random.int(0, 3);
        if (random.chance(0.5)) rule.offers = scope();
        withPeriod();
        break;
      }
      case 'maxPackages':
        Object.assign(rule, { max: random.int(1, 5), periodDays: random.pick([7, 30, 90]) });
        if (pool.length > 0 && random.chance(0.5)) rule.segment = random.pick(pool);
        break;
      case 'maxDuplicateOffers':
        Object.assign(rule, { offers: scope(), max: random.int(1, 10) });
        withPeriod();
        break;
      default: // neverAWithB, neverAFollowedByB, bOnlyWithA
        Object.assign(rule, { a: scope(), b: scope() });
        withPeriod();
    }
    return rule;
  };
  const ruleTypes = ['customersIn', 'interactionsWhere', 'offerCapacity', 'customCapacity', 'customerOfferCount', 'maxPackages', 'maxDuplicateOffers', 'neverAWithB', 'neverAFollowedByB', 'bOnlyWithA'];
  const policies = [];
  for (let p = 1; p <= size.policies; p++) {
    const plan = channelPlans[(p - 1) % channelPlans.length];
    const count = random.int(4, 12);
    const rules = [];
    for (let r = 0; r < count; r++) rules.push(policyRule(ruleTypes[(p + r) % ruleTypes.length], r + 1, plan));
    policies.push({ apiVersion: API_VERSION, kind: 'OptimizationPolicy', metadata: { name: `policy-${pad(p, 3)}` }, spec: { channel: plan.name, realtime: random.chance(0.2), rules } });
  }
  for (let f = 0; f * POLICIES_PER_FILE < policies.length; f++) addFile(`policies/policies-${pad(f + 1, 3)}.yaml`, policies.slice(f * POLICIES_PER_FILE, (f + 1) * POLICIES_PER_FILE));

  return {
    files,
    counts: { channels: channelPlans.length, offers: offers.length, offerLists: lists.length, segments: segments.length, strategies: strategies.length, rules: ruleNumber, policies: policies.length },
  };
}

/** Writes the generated config under `dir` (created); returns the counts, files and bytes. */
export async function writeLargeConfig(dir, options = {}) {
  const { files, counts } = generateLargeConfig(options);
  let bytes = 0;
  for (const [name, text] of files) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    bytes += Buffer.byteLength(text);
  }
  return { dir, counts, files: [...files.keys()], bytes };
}
