// The decide benchmark's workload (docs/benchmarks.md#decide--benchdecidebenchmjs), shared by
// bench/decide.bench.mjs and bench/compare/decide.mjs (which compares builds on the same
// requests): the seed, the point decided, the seeded members and the all-extensions bundle.
export const SEED = 20260101;
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const MEMBERS = 2000;
export const CHANNEL = 'web';
export const POINT = 'home-sidebar';
export const AT = '2026-07-15';

export function members(bundle, random) {
  const offers = bundle.body.offers.map((o) => o.name);
  const tiers = ['bronze', 'silver', 'gold', 'platinum'];
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const out = [];
  for (let i = 0; i < MEMBERS; i++) {
    const id = `cust-${String(i).padStart(6, '0')}`;
    const profile = {
      customerId: id,
      age: random.int(18, 85),
      income: random.int(10, 250) * 1000,
      balance: random.round(random.next() * 50000),
      creditScore: random.int(300, 850),
      tier: random.pick(tiers),
      region: random.pick(regions),
      tags: random.chance(0.5) ? ['vip'] : [],
      products: random.chance(0.5) ? ['checking', 'savings'] : ['checking'],
      joined: `20${random.int(10, 25)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      optIn: random.chance(0.7),
      lastPurchaseDays: random.int(0, 400),
    };
    const history = [];
    const rows = random.int(0, 6);
    for (let k = 0; k < rows; k++) {
      history.push({ customerId: id, offer: random.pick(offers), channel: random.pick(['web', 'email']), date: `2026-07-0${random.int(1, 9)}`, event: random.pick(['contact', 'contact', 'accept', 'reject']) });
    }
    out.push({ id, profile, session: { device: random.pick(['desktop', 'mobile', 'app']), visits: random.int(1, 20) }, history });
  }
  return out;
}

/** The bundle with the extensions on (see the header); the body is changed in place of a new config, which only the engine reads. */
export function withExtensions(bundle) {
  const body = structuredClone(bundle.body);
  for (const channel of body.channels) {
    if (channel.name !== CHANNEL) continue;
    channel.ties = 'rotate';
    channel.session = { suppressAccepted: true, suppressRejected: true, maxOffers: 12 };
  }
  body.rules.forEach((rule, i) => {
    if (i % 25 === 0) rule.priority = 'top';
  });
  // List picks: every 5th offer-list rule of the channel gives 2 of its list, by score, rotate and newest in turn.
  let lists = 0;
  for (const rule of body.rules) {
    if (rule.channel !== CHANNEL || rule.offerList === null || rule.offers.length < 3) continue;
    if (lists % 5 === 0) rule.pick = { count: 2, by: ['score', 'rotate', 'newest'][(lists / 5) % 3] };
    lists++;
  }
  body.offers.forEach((offer, i) => {
    offer.attributes = { ...offer.attributes, family: `f${i % 20}` };
    offer.suppression = { ...offer.suppression, afterReject: { count: 2, days: 30 }, related: 'family' };
    if (i % 2 === 0) offer.suppression = { ...offer.suppression, afterAccept: true, afterAcceptDays: 90 };
  });
  const modelScored = withRuleAttributes(body);
  return { bundle: { ...bundle, body }, modelScored };
}

/** Rule-set offer attributes and model scores from a map attribute (see the header); returns the offers scored from the map. */
function withRuleAttributes(body) {
  const level = body.channels.find((c) => c.name === CHANNEL).audienceLevels[0];
  level.attributes = Object.fromEntries(Object.entries({ ...level.attributes, modelScores: { type: 'map', values: 'double', enum: null } }).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const offer of body.offers) offer.attributes = { ...offer.attributes, discountPct: 10 };
  const scored = new Set();
  body.rules.forEach((rule, i) => {
    if (rule.channel !== CHANNEL) return;
    if (i % 10 === 0) rule.attributes = { discountPct: 'profile.tier == "gold" ? 20 : 10' };
    if (i % 100 === 0 && rule.offer !== null) {
      rule.scoreExpression = 'profile.modelScores[offer.name] * 100.0';
      scored.add(rule.offer);
    }
  });
  return [...scored].sort();
}

/** What each member's visit did so far, derived from their history (the all-extensions line's session activity). */
export function sessionActivityOf(member, index) {
  return { offered: index % 12, accepted: member.history.filter((r) => r.event === 'accept').map((r) => r.offer), rejected: member.history.filter((r) => r.event === 'reject').map((r) => r.offer) };
}
