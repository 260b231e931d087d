// Synthetic audiences and proposed contacts (docs/sample.md, docs/file-formats.md):
// a reproducible sample generated from the attributes a channel's audience level
// declares, and proposed contacts for it drawn from the bundle's offers.
//
// Pure and seeded: the same bundle, options and seed give the same rows, byte for byte,
// on any machine (a small sfc32 PRNG, never Math.random; no clock: dates count from
// `at`). Every customer draws from its own PRNG stream derived from (seed, index), so
// the audience and the proposed contacts are generated independently, row by row, and
// a million rows never need to be held in memory at once. Formatting (NDJSON / CSV)
// lives here too, as lazily produced text chunks; writing them is the caller's IO.
import type { AttributeDeclaration, BundleBody, ScalarAttributeType } from '../bundle/index.js';
import { isoDay, parseIsoDate } from '../days.js';
import { UserError } from '../errors.js';
import { createRandom, type Random } from '../seeded-random.js';

const AUDIENCE_STREAM = 1;
const PROPOSED_STREAM = 2;

// ---------------------------------------------------------------------------
// What to sample, resolved from the bundle

export interface ProposableOffer {
  name: string;
  cost: number;
  /** Inclusive day numbers (days since 1970-01-01) the offer is live; null = open. */
  firstDay: number | null;
  lastDay: number | null;
}

export interface SamplePlan {
  channel: string;
  audienceLevel: string;
  idField: string;
  /** Ids are whole numbers when the level declares its id field as an int, else `c000001`-style strings. */
  idIsInt: boolean;
  /** Declared attributes, by name (the id field excluded). */
  attributes: [string, AttributeDeclaration][];
  /** Offers the channel's treatment rules can give (every offer when it has none), by name. */
  offers: ProposableOffer[];
  /** Values of the proposed contacts' `channel` column. */
  contactChannels: string[];
  /** Extra numeric columns the bundle's policies read from proposed contacts (e.g. riskScore). */
  extraColumns: string[];
}

const STANDARD_CONTACT_COLUMNS = new Set(['customerId', 'offer', 'channel', 'date', 'score', 'cost', 'package', 'event']);
const MS_PER_DAY = 86_400_000;

function dayOf(iso: string): number {
  const date = parseIsoDate(iso);
  if (!date) throw new UserError(`not a date: '${iso}' (expected YYYY-MM-DD)`);
  return date.getTime() / MS_PER_DAY;
}

/**
 * Resolves the channel and audience level to sample, the offers to propose and the
 * contact columns. `channel` may be omitted when the bundle has exactly one channel;
 * `audienceLevel` defaults to the channel's first.
 */
export function planSample(body: BundleBody, channelName?: string, audienceLevel?: string): SamplePlan {
  const names = body.channels.map((c) => c.name);
  if (names.length === 0) throw new UserError('the bundle has no channels: there is no audience to sample');
  if (channelName === undefined && names.length > 1) throw new UserError(`the bundle has ${names.length} channels; choose one with --channel (${names.join(', ')})`);
  const name = channelName ?? names[0]!;
  const channel = body.channels.find((c) => c.name === name);
  if (!channel) throw new UserError(`channel '${name}' is not in the bundle (channels: ${names.join(', ')})`);
  const levelName = audienceLevel ?? channel.audienceLevels[0]?.name;
  const level = channel.audienceLevels.find((l) => l.name === levelName);
  if (!level) throw new UserError(`audience level '${levelName ?? ''}' is not declared by channel '${name}' (levels: ${channel.audienceLevels.map((l) => l.name).join(', ') || 'none'})`);

  const reachable = new Set(body.rules.filter((r) => r.channel === name).flatMap((r) => r.offers));
  const offers = body.offers
    .filter((o) => reachable.size === 0 || reachable.has(o.name))
    .map((o) => ({ name: o.name, cost: o.cost, firstDay: o.effective === null ? null : dayOf(o.effective), lastDay: o.expires === null ? null : dayOf(o.expires) }));

  const contactChannels = new Set<string>();
  const extraColumns = new Set<string>();
  for (const policy of body.policies) {
    for (const rule of policy.rules) {
      if (rule.channel !== null) contactChannels.add(rule.channel);
      if (rule.type === 'customCapacity') extraColumns.add(rule.field);
      if (rule.type === 'interactionsWhere') for (const match of rule.where.matchAll(/\bcontact\.([A-Za-z_][A-Za-z0-9_]*)/g)) extraColumns.add(match[1]!);
    }
  }
  for (const standard of STANDARD_CONTACT_COLUMNS) extraColumns.delete(standard);

  return {
    channel: name,
    audienceLevel: level.name,
    idField: level.idField,
    idIsInt: level.attributes[level.idField]?.type === 'int',
    // A map attribute (model scores by offer) comes from a team's own models, which a
    // synthetic member has none of: sampled members leave it out, as a profile may
    // (docs/decisions-log.md), and a sample of a config without maps is unchanged.
    attributes: Object.entries(level.attributes)
      .filter(([attribute, declaration]) => attribute !== level.idField && declaration.type !== 'map')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    offers,
    contactChannels: contactChannels.size > 0 ? [...contactChannels].sort() : [name],
    extraColumns: [...extraColumns].sort(),
  };
}

// ---------------------------------------------------------------------------
// Values

export type SampleValue = string | number | boolean | SampleValue[] | { [key: string]: SampleValue };
export type SampleRow = Record<string, SampleValue>;

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Log-uniform in [low, high]: many small amounts, few large ones, like money. */
const logUniform = (random: Random, low: number, high: number): number => Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)));

// Plausible ranges from the attribute's name (documented in docs/sample.md#the-audience).
const intRanges: [RegExp, number, number][] = [
  [/(?:^age|Age)(?![a-z])/, 18, 90],
  [/credit.?score/i, 300, 850],
  [/days/i, 0, 365],
  [/count|visits|members|number|num[A-Z]|qty|quantity|children|dependants|dependents|products|tenure|years/i, 0, 10],
];

/** A draw of one attribute's value from a member's stream (`atDay`: the day the sample is taken). */
export type AttributeDraw = (random: Random, atDay: number) => SampleValue;

function intDraw(name: string): AttributeDraw {
  for (const [pattern, min, max] of intRanges) if (pattern.test(name)) return (random) => random.int(min, max);
  return (random) => random.int(0, 100);
}

function doubleDraw(name: string): AttributeDraw {
  if (/income|salary|revenue/i.test(name)) return (random) => round(logUniform(random, 10_000, 250_000), 2);
  if (/balance|amount|spend|value|limit|price|cost/i.test(name)) return (random) => round(logUniform(random, 10, 50_000), 2);
  if (/rate|ratio|pct|percent|probability|propensity|risk|share|churn/i.test(name)) return (random) => round(random.next(), 4);
  return (random) => round(random.next() * 1000, 2);
}

function dateDraw(name: string): AttributeDraw {
  // Birth dates 18..90 years before `at`; any other date within the 10 years up to `at`.
  if (/birth|dob/i.test(name)) return (random, atDay) => isoDay(atDay - random.int(18 * 365, 90 * 365));
  return (random, atDay) => isoDay(atDay - random.int(0, 10 * 365));
}

function scalarDraw(type: ScalarAttributeType, name: string): AttributeDraw {
  switch (type) {
    case 'int':
      return intDraw(name);
    case 'double':
      return doubleDraw(name);
    case 'string':
      return (random) => `${name}-${random.int(1, 8)}`;
    case 'bool':
      return (random) => random.next() < 0.5;
    case 'date':
      return dateDraw(name);
  }
}

/**
 * How a declared attribute's values are drawn (plausible ranges from the name; enums and
 * lists honoured), worked out once per attribute: a sample draws millions of values.
 */
export function attributeDraw(name: string, declaration: AttributeDeclaration): AttributeDraw {
  if (declaration.type === 'map') return () => ({}); // a session map: no keys to draw for
  if (declaration.type === 'list') {
    const allowed = declaration.enum && declaration.enum.length > 0 ? declaration.enum : null;
    const item = allowed === null ? scalarDraw(declaration.items, name) : (random: Random) => random.pick(allowed);
    return (random, atDay) => {
      const items = new Set<string | number | boolean>();
      const count = random.int(0, 3);
      for (let i = 0; i < count; i++) items.add(item(random, atDay) as string | number | boolean);
      return [...items];
    };
  }
  if (declaration.enum && declaration.enum.length > 0) {
    const allowed = declaration.enum;
    return (random) => random.pick(allowed);
  }
  return scalarDraw(declaration.type, name);
}

// ---------------------------------------------------------------------------
// Rows

export interface AudienceOptions {
  customers: number;
  seed: number;
  /** ISO day the sample is taken: dates are drawn up to it. */
  at: string;
}

export interface ProposedOptions extends AudienceOptions {
  offersPerCustomer: number;
  /** Contacts are dated at, at+1, …, at+days-1. */
  days: number;
}

/** The id of the customer at `index` (0-based): `c000001`…, zero-padded to at least 6 digits (or index + 1 for int ids). */
export function customerId(plan: Pick<SamplePlan, 'idIsInt'>, index: number, customers: number): string | number {
  return plan.idIsInt ? index + 1 : `c${String(index + 1).padStart(Math.max(6, String(customers).length), '0')}`;
}

/** A sampled member's id as text: the id attribute is always a string or an int. */
export function sampleId(row: SampleRow, idField: string): string {
  const id = row[idField];
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`sampled member has no id in ${idField}`);
  return String(id);
}

/**
 * The audience, one member at a time: the id field first, then the attributes by name.
 * Member `index` is drawn from its own stream, so any slice [from, to) comes out the same
 * as in the whole (worker threads draw their own slices of one sample).
 */
export function* sampleAudience(plan: SamplePlan, options: AudienceOptions, from = 0, to = options.customers): Generator<SampleRow> {
  const atDay = dayOf(options.at);
  const draws = plan.attributes.map(([name, declaration]) => [name, attributeDraw(name, declaration)] as const);
  for (let index = from; index < to; index++) {
    const random = createRandom(options.seed, AUDIENCE_STREAM, index);
    const row: SampleRow = { [plan.idField]: customerId(plan, index, options.customers) };
    for (const [name, draw] of draws) row[name] = draw(random, atDay);
    yield row;
  }
}

/** Columns of the proposed contacts (docs/file-formats.md#proposed-contacts): the standard ones, then the policies' extra columns. */
export function proposedColumns(plan: SamplePlan): string[] {
  return ['customerId', 'offer', 'channel', 'date', 'score', 'cost', ...plan.extraColumns];
}

/** Columns of the audience: the id field, then the declared attributes by name. */
export function audienceColumns(plan: SamplePlan): string[] {
  return [plan.idField, ...plan.attributes.map(([name]) => name)];
}

function extraValue(column: string, random: Random): number {
  return /risk|prob|rate|ratio|pct|percent|share|propensity|churn/i.test(column) ? round(random.next(), 4) : round(random.next() * 100, 2);
}

/**
 * Proposed contacts: for each customer, `offersPerCustomer` contacts (distinct offers
 * while there are enough), each on a day of the window at..at+days-1 when its offer is
 * live, with a channel, a score in [0, 100), the offer's cost and the extra columns.
 * A customer's rows come sorted by date, then offer.
 */
export function* sampleProposedContacts(plan: SamplePlan, options: ProposedOptions): Generator<SampleRow> {
  const firstDay = dayOf(options.at);
  const lastDay = firstDay + options.days - 1;
  // Offers live on at least one day of the window, with that overlap.
  const live = plan.offers
    .map((offer) => ({ offer, from: Math.max(firstDay, offer.firstDay ?? firstDay), to: Math.min(lastDay, offer.lastDay ?? lastDay) }))
    .filter((o) => o.from <= o.to);
  if (live.length === 0) {
    throw new UserError(`no offer of channel '${plan.channel}' is live between ${isoDay(firstDay)} and ${isoDay(lastDay)}: there is nothing to propose`);
  }
  const dates = new Map<number, string>();
  const iso = (day: number): string => {
    let text = dates.get(day);
    if (text === undefined) dates.set(day, (text = isoDay(day)));
    return text;
  };
  const k = options.offersPerCustomer;
  for (let index = 0; index < options.customers; index++) {
    const random = createRandom(options.seed, PROPOSED_STREAM, index);
    const id = customerId(plan, index, options.customers);
    const chosen = new Set<number>();
    const rows: { day: number; name: string; row: SampleRow }[] = [];
    for (let j = 0; j < k; j++) {
      let pick = random.int(0, live.length - 1);
      // Distinct offers per customer while there are enough: a bounded linear probe.
      if (chosen.size < live.length) while (chosen.has(pick)) pick = (pick + 1) % live.length;
      chosen.add(pick);
      const { offer, from, to } = live[pick]!;
      const day = random.int(from, to);
      const row: SampleRow = { customerId: id, offer: offer.name, channel: random.pick(plan.contactChannels), date: iso(day), score: round(random.next() * 100, 2), cost: offer.cost };
      for (const column of plan.extraColumns) row[column] = extraValue(column, random);
      rows.push({ day, name: offer.name, row });
    }
    rows.sort((a, b) => a.day - b.day || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of rows) yield entry.row;
  }
}

// ---------------------------------------------------------------------------
// Formatting: NDJSON (lists as arrays) or CSV (lists as `a|b`, docs/file-formats.md#csv-and-ndjson)

export type SampleFormat = 'ndjson' | 'csv';

/** CSV when the file name ends in .csv, NDJSON otherwise. */
export function formatForFile(file: string): SampleFormat {
  return /\.csv$/i.test(file) ? 'csv' : 'ndjson';
}

function csvField(value: SampleValue | undefined): string {
  if (value === undefined) return '';
  // A map goes into its cell as JSON text (docs/file-formats.md#csv-and-ndjson).
  const text = Array.isArray(value) ? value.map(String).join('|') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row as a line (with its newline). */
export function formatRow(row: SampleRow, columns: readonly string[], format: SampleFormat): string {
  if (format === 'ndjson') return JSON.stringify(row) + '\n';
  let line = '';
  for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : ',') + csvField(row[columns[i]!]);
  return line + '\n';
}

const CHUNK_CHARS = 64 * 1024;

/** The rows as text in chunks of about 64 KiB (a CSV header first), for streaming writes. */
export function* formatRows(rows: Iterable<SampleRow>, columns: readonly string[], format: SampleFormat): Generator<string> {
  let chunk = format === 'csv' ? columns.map((c) => csvField(c)).join(',') + '\n' : '';
  for (const row of rows) {
    chunk += formatRow(row, columns, format);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
