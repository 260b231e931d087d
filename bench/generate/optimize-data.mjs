// Reproducible data for the optimize benchmark (docs/benchmarks.md#targets): a bundle with one policy of
// twelve rules covering all ten rule types, an audience, contact history and proposed
// contacts (default 1,000,000 rows for 100,000 customers over 30 days), from a seed.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createBundle, formatBundle } from '../../dist/bundle/bundle.js';

export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

const OFFERS = Array.from({ length: 20 }, (_, i) => `offer-${String(i).padStart(2, '0')}`);
const all = { offer: null, list: null, offers: null };
const one = (offer) => ({ offer, list: null, offers: [offer] });
const list = (name, offers) => ({ offer: null, list: name, offers });
const base = { segment: null, channel: null, periodDays: null };

export function benchRules(customers) {
  const k = customers / 100_000;
  return [
    { ...base, name: 'no-credit-for-young', type: 'customersIn', mode: 'exclude', segment: 'young', offers: list('credit', OFFERS.slice(0, 4)) },
    { ...base, name: 'positive-score-only', type: 'interactionsWhere', mode: 'exclude', where: 'contact.score <= 3.0', offers: all },
    { ...base, name: 'offer-01-cap', type: 'offerCapacity', offers: one('offer-01'), min: 0, max: Math.round(6000 * k), periodDays: 7,
      exceptions: [{ from: '2026-03-20', to: '2026-03-31', min: 0, max: Math.round(8000 * k) }] },
    { ...base, name: 'sms-volume', type: 'offerCapacity', channel: 'sms', offers: all, min: Math.round(1000 * k), max: Math.round(60000 * k), periodDays: 14, exceptions: [] },
    { ...base, name: 'loan-risk', type: 'customCapacity', offers: list('loans', OFFERS.slice(4, 8)), aggregate: 'avg', field: 'risk', min: 0, max: 0.35 },
    { ...base, name: 'budget', type: 'customCapacity', offers: all, aggregate: 'sum', field: 'cost', min: 0, max: Math.round(250000 * k), periodDays: 30 },
    { ...base, name: 'gold-volume', type: 'customerOfferCount', segment: 'gold', offers: all, min: 1, max: 8, periodDays: 30 },
    { ...base, name: 'pressure', type: 'maxPackages', max: 3, periodDays: 7 },
    { ...base, name: 'no-repeat', type: 'maxDuplicateOffers', offers: all, max: 1, periodDays: 14 },
    { ...base, name: 'coupon-conflict', type: 'neverAWithB', a: one('offer-10'), b: one('offer-11'), periodDays: 7 },
    { ...base, name: 'cd-then-cut', type: 'neverAFollowedByB', a: one('offer-12'), b: one('offer-13'), periodDays: 10 },
    { ...base, name: 'call-after-mail', type: 'bOnlyWithA', a: one('offer-14'), b: one('offer-15'), periodDays: 14 },
  ];
}

export function benchBundle(customers) {
  const offer = (name) => ({ name, description: null, labels: {}, displayName: name, effective: null, expires: null, cost: 0, attributes: {},
    suppression: { afterAccept: false, maxRejects: null, maxContacts: null } });
  const segment = (name, expression, order) => ({ name, description: null, labels: {}, channel: 'web', audienceLevel: 'customer', expression, dependsOn: [], evaluationOrder: order });
  return createBundle({
    apiVersion: 'offerops/v1',
    channels: [{ name: 'web', description: null, labels: {}, sessionAttributes: {}, categories: [], zones: [], interactionPoints: {}, events: [],
      audienceLevels: [{ name: 'customer', idField: 'customerId', attributes: { age: { type: 'int', enum: null }, tier: { type: 'string', enum: null } } }] }],
    offers: OFFERS.map(offer),
    offerLists: [
      { name: 'credit', description: null, labels: {}, where: null, offers: OFFERS.slice(0, 4) },
      { name: 'loans', description: null, labels: {}, where: null, offers: OFFERS.slice(4, 8) },
    ],
    segments: [segment('gold', 'profile.tier == "gold"', 0), segment('young', 'profile.age < 21', 1)],
    strategies: [],
    rules: [],
    policies: [{ name: 'bench', description: null, labels: {}, channel: 'web', realtime: false, rules: benchRules(customers) }],
    indexes: { rulesByChannelZone: {}, zoneByInteractionPoint: {} },
  });
}

function day(offset) {
  return new Date(Date.UTC(2026, 2, 1) + offset * 86_400_000).toISOString().slice(0, 10);
}

async function writeLines(file, count, line) {
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((r, j) => out.on('finish', r).on('error', j));
}

/** Writes bundle.json, audience.csv, history.csv and proposed.csv into `dir`. */
export async function generateOptimizeData(dir, { customers = 100_000, perCustomer = 10, seed = 42, days = 30 } = {}) {
  await mkdir(dir, { recursive: true });
  const random = rng(seed);
  await writeFile(path.join(dir, 'bundle.json'), formatBundle(benchBundle(customers)));
  const tiers = ['bronze', 'silver', 'gold'];
  const profile = Array.from({ length: customers }, () => ({ age: 18 + Math.floor(random() * 60), tier: tiers[Math.floor(random() * 3)] }));
  await writeLines(path.join(dir, 'audience.csv'), customers + 1, (i) =>
    i === 0 ? 'customerId,age,tier\n' : `c${i - 1},${profile[i - 1].age},${profile[i - 1].tier}\n`);
  const historyRows = Math.round(customers * 1.5);
  await writeLines(path.join(dir, 'history.csv'), historyRows + 1, (i) => {
    if (i === 0) return 'customerId,offer,channel,date,event\n';
    const c = Math.floor(random() * customers);
    const o = OFFERS[Math.floor(random() * OFFERS.length)];
    return `c${c},${o},${random() < 0.3 ? 'sms' : 'email'},${day(-Math.floor(random() * 20) - 1)},${random() < 0.9 ? 'contact' : 'accept'}\n`;
  });
  const rows = customers * perCustomer;
  await writeLines(path.join(dir, 'proposed.csv'), rows + 1, (i) => {
    if (i === 0) return 'customerId,offer,channel,date,score,cost,risk\n';
    const c = Math.floor((i - 1) / perCustomer);
    const o = Math.floor(random() * OFFERS.length);
    const score = (5 + random() * 90 + o * 0.5).toFixed(2);
    return `c${c},${OFFERS[o]},${random() < 0.3 ? 'sms' : 'email'},${day(Math.floor(random() * days))},${score},${(0.5 + random() * 2).toFixed(2)},${(random() * 0.8).toFixed(3)}\n`;
  });
  return { dir, customers, rows };
}
