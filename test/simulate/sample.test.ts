// `offerops sample` core (docs/sample.md, docs/file-formats.md): seeded, reproducible, typed by the
// declared attributes, proposed contacts inside the window and the offers' dates.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleBody } from '../../src/bundle/types.js';
import { compileDirectory } from '../../src/compile/compile-directory.js';
import { UserError } from '../../src/errors.js';
import { convertAttribute } from '../../src/expr/environment.js';
import { createRandom } from '../../src/seeded-random.js';
import {
  audienceColumns,
  formatForFile,
  formatRow,
  formatRows,
  planSample,
  proposedColumns,
  sampleAudience,
  sampleProposedContacts,
  type SamplePlan,
  type SampleRow,
} from '../../src/simulate/sample.js';

const fixture = path.resolve(__dirname, '../fixtures/sample');
let body: BundleBody;
let plan: SamplePlan;

beforeAll(async () => {
  const result = await compileDirectory(fixture, { root: fixture });
  expect(result.problems).toEqual([]);
  body = result.bundle!.body;
  plan = planSample(body, 'web');
});

const audienceOptions = { customers: 200, seed: 7, at: '2026-03-15' };
const proposedOptions = { ...audienceOptions, offersPerCustomer: 3, days: 30 };
function byCustomer(rows: SampleRow[]): Map<unknown, SampleRow[]> {
  const groups = new Map<unknown, SampleRow[]>();
  for (const row of rows) groups.set(row['customerId'], [...(groups.get(row['customerId']) ?? []), row]);
  return groups;
}
const text = (rows: Iterable<SampleRow>, columns: string[], format: 'csv' | 'ndjson'): string => [...formatRows(rows, columns, format)].join('');

describe('createRandom', () => {
  it('gives the same stream for the same seed and keys, and another for a different seed or key', () => {
    const draw = (seed: number, ...keys: number[]) => {
      const random = createRandom(seed, ...keys);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(1, 2)).toEqual(draw(1, 2));
    expect(draw(1, 2)).not.toEqual(draw(2, 2));
    expect(draw(1, 2)).not.toEqual(draw(1, 3));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('stays in [0, 1) and int() within its bounds', () => {
    const random = createRandom(42);
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = random.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
  });
});

describe('planSample', () => {
  it('refuses an unknown channel, naming the channels the bundle has', () => {
    expect(() => planSample(body, 'kiosk')).toThrow(UserError);
    expect(() => planSample(body, 'kiosk')).toThrow(/'kiosk' is not in the bundle \(channels: branch, web\)/);
  });

  it('asks for --channel when the bundle has several channels', () => {
    expect(() => planSample(body)).toThrow(/choose one with --channel \(branch, web\)/);
  });

  it("uses the channel's first audience level unless one is named, and refuses an unknown level", () => {
    expect(plan.audienceLevel).toBe('customer');
    expect(plan.idField).toBe('customerId');
    expect(planSample(body, 'web', 'household').idField).toBe('householdId');
    expect(() => planSample(body, 'web', 'company')).toThrow(/audience level 'company' is not declared by channel 'web' \(levels: customer, household\)/);
  });

  it('takes contact channels from the policies and the extra numeric columns they read', () => {
    expect(plan.contactChannels).toEqual(['email', 'sms']);
    expect(plan.extraColumns).toEqual(['margin', 'riskScore']);
    expect(proposedColumns(plan)).toEqual(['customerId', 'offer', 'channel', 'date', 'score', 'cost', 'margin', 'riskScore']);
  });

  it('uses the channel name as the contact channel when no policy rule names one', () => {
    const withoutPolicies = { ...body, policies: [] };
    expect(planSample(withoutPolicies, 'branch').contactChannels).toEqual(['branch']);
    expect(planSample(withoutPolicies, 'branch').extraColumns).toEqual([]);
  });

  it("proposes only the offers the channel's treatment rules can give", () => {
    expect(plan.offers.map((o) => o.name)).toEqual(['gold-card', 'savings-plus', 'spring-sale']);
    expect(planSample(body, 'branch').offers.map((o) => o.name)).toEqual(['branch-only']);
  });
});

describe('sampleAudience', () => {
  it('gives every member every declared attribute, of its declared type and within its enum', () => {
    const rows = [...sampleAudience(plan, audienceOptions)];
    expect(rows).toHaveLength(200);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(audienceColumns(plan));
      for (const [name, declaration] of plan.attributes) {
        const converted = convertAttribute(declaration, row[name]);
        expect(converted.ok, `${name} = ${JSON.stringify(row[name])}`).toBe(true);
      }
      expect(['bronze', 'silver', 'gold']).toContain(row['tier']);
      expect([1, 2, 3]).toContain(row['band']);
      expect(Number.isInteger(row['age'])).toBe(true);
      expect(row['joined']! <= '2026-03-15').toBe(true);
      expect(row['churnRisk']).toBeGreaterThanOrEqual(0);
      expect(row['churnRisk']).toBeLessThan(1);
      for (const product of row['products'] as string[]) expect(['savings', 'mortgage', 'loan']).toContain(product);
    }
    expect(rows.some((r) => (r['products'] as string[]).length > 0)).toBe(true);
    expect(new Set(rows.map((r) => r['customerId'])).size).toBe(200);
    expect(rows[0]!['customerId']).toBe('c000001');
  });

  it('draws plausible ranges from attribute names (age 18..90)', () => {
    for (const row of sampleAudience(plan, audienceOptions)) {
      expect(row['age']).toBeGreaterThanOrEqual(18);
      expect(row['age']).toBeLessThanOrEqual(90);
    }
  });

  it('numbers members when the level declares its id field as an int', () => {
    const household = planSample(body, 'web', 'household');
    const rows = [...sampleAudience(household, { customers: 3, seed: 1, at: '2026-01-01' })];
    expect(rows.map((r) => r['householdId'])).toEqual([1, 2, 3]);
    expect(Object.keys(rows[0]!)).toEqual(['householdId', 'members']);
  });

  it('gives byte-identical output for the same seed and different output for another seed', () => {
    const a = text(sampleAudience(plan, audienceOptions), audienceColumns(plan), 'csv');
    const b = text(sampleAudience(plan, audienceOptions), audienceColumns(plan), 'csv');
    const c = text(sampleAudience(plan, { ...audienceOptions, seed: 8 }), audienceColumns(plan), 'csv');
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('keeps each member the same whatever the sample size (a prefix of a larger sample)', () => {
    const small = [...sampleAudience(plan, { ...audienceOptions, customers: 10 })];
    const large = [...sampleAudience(plan, { ...audienceOptions, customers: 100 })];
    expect(large.slice(0, 10)).toEqual(small);
  });
});

describe('sampleProposedContacts', () => {
  it('proposes K contacts per customer, with distinct offers while there are enough', () => {
    const rows = [...sampleProposedContacts(plan, proposedOptions)];
    expect(rows).toHaveLength(600);
    const groups = byCustomer(rows);
    expect(groups.size).toBe(200);
    for (const group of groups.values()) {
      expect(group).toHaveLength(3);
      expect(new Set(group.map((r) => r['offer'])).size).toBe(3);
    }
  });

  it('dates contacts inside at..at+days-1 and inside their offer’s effective..expires', () => {
    for (const row of sampleProposedContacts(plan, proposedOptions)) {
      expect(row['date']! >= '2026-03-15' && row['date']! <= '2026-04-13').toBe(true);
      if (row['offer'] === 'spring-sale') expect(row['date']! <= '2026-03-31').toBe(true);
    }
  });

  it('never proposes an offer that is not live in the window', () => {
    const rows = [...sampleProposedContacts(plan, { ...proposedOptions, at: '2026-05-01', offersPerCustomer: 5 })];
    expect(rows.some((r) => r['offer'] === 'spring-sale')).toBe(false);
    // Only two live offers for five contacts each: offers repeat rather than fail.
    expect(rows).toHaveLength(1000);
  });

  it('refuses to propose when no offer of the channel is live in the window', () => {
    const onlySale = { ...plan, offers: plan.offers.filter((o) => o.name === 'spring-sale') };
    expect(() => [...sampleProposedContacts(onlySale, { ...proposedOptions, at: '2026-06-01' })]).toThrow(/no offer of channel 'web' is live between 2026-06-01 and 2026-06-30/);
  });

  it('fills channel, score, cost and the extra columns, sorted by date within a customer', () => {
    const rows = [...sampleProposedContacts(plan, proposedOptions)];
    const costs: Record<string, number> = { 'gold-card': 2.5, 'savings-plus': 0.5, 'spring-sale': 0 };
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(proposedColumns(plan));
      expect(['email', 'sms']).toContain(row['channel']);
      expect(row['score']).toBeGreaterThanOrEqual(0);
      expect(row['score']).toBeLessThan(100);
      expect(row['cost']).toBe(costs[row['offer'] as string]);
      expect(row['riskScore']).toBeGreaterThanOrEqual(0);
      expect(row['riskScore']).toBeLessThan(1);
      expect(typeof row['margin']).toBe('number');
    }
    for (const group of byCustomer(rows).values()) {
      const dates = group.map((r) => r['date'] as string);
      expect(dates).toEqual([...dates].sort());
    }
  });

  it('proposes contacts for exactly the audience’s customers', () => {
    const audienceIds = [...sampleAudience(plan, audienceOptions)].map((r) => r['customerId']);
    const proposedIds = new Set([...sampleProposedContacts(plan, proposedOptions)].map((r) => r['customerId']));
    expect([...proposedIds]).toEqual(audienceIds);
  });

  it('is reproducible byte for byte, and changes with the seed', () => {
    const render = (seed: number) => text(sampleProposedContacts(plan, { ...proposedOptions, seed }), proposedColumns(plan), 'ndjson');
    expect(render(7)).toBe(render(7));
    expect(render(8)).not.toBe(render(7));
  });
});

describe('formatting', () => {
  it('chooses CSV for .csv files and NDJSON otherwise', () => {
    expect(formatForFile('out/audience.CSV')).toBe('csv');
    expect(formatForFile('audience.ndjson')).toBe('ndjson');
    expect(formatForFile('audience.json')).toBe('ndjson');
  });

  it('writes lists as a|b in CSV and as arrays in NDJSON', () => {
    const row: SampleRow = { customerId: 'c1', tags: ['a', 'b'], optIn: true };
    expect(formatRow(row, ['customerId', 'tags', 'optIn'], 'csv')).toBe('c1,a|b,true\n');
    expect(formatRow(row, ['customerId', 'tags', 'optIn'], 'ndjson')).toBe('{"customerId":"c1","tags":["a","b"],"optIn":true}\n');
  });

  it('quotes CSV fields holding commas, quotes or newlines', () => {
    const row: SampleRow = { a: 'x,y', b: 'say "hi"', c: 'two\nlines' };
    expect(formatRow(row, ['a', 'b', 'c'], 'csv')).toBe('"x,y","say ""hi""","two\nlines"\n');
  });

  it('reads back through the CSV conversion of the declared types', () => {
    const [header, ...lines] = text(sampleAudience(plan, { ...audienceOptions, customers: 50 }), audienceColumns(plan), 'csv').trimEnd().split('\n');
    const columns = header!.split(',');
    expect(columns).toEqual(audienceColumns(plan));
    for (const line of lines) {
      const values = line.split(',');
      for (const [name, declaration] of plan.attributes) expect(convertAttribute(declaration, values[columns.indexOf(name)]).ok, `${name}=${values[columns.indexOf(name)]}`).toBe(true);
    }
  });

  it('streams in chunks of about 64 KiB rather than one string', () => {
    const chunks = [...formatRows(sampleProposedContacts(plan, { ...proposedOptions, customers: 5000 }), proposedColumns(plan), 'csv')];
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeLessThan(70 * 1024);
  });
});
