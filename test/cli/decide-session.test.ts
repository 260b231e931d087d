// docs/cli.md#offerops-decide: --session-activity decides as a session that has had that
// much, for the channel's session rules (the example bank's web channel: maxOffers 12,
// suppressAccepted, suppressRejected); several --ip points are one visit.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const priya = JSON.stringify({ customerId: 'C-100231', age: 31, income: 62000.0, tier: 'plus', creditScore: 735, riskScore: 0.12, savingsBalance: 18000.0, hasMortgage: false, products: ['current-account', 'savings'], dependants: 0, vulnerable: false, customerSince: '2019-03-14' });

interface Out {
  interactionPoint?: string;
  offers: { offer: string }[];
  defaultString?: string;
}

async function decide(points: string, activity: string, count = 3) {
  return runCli(['decide', '--channel', 'web', '--ip', points, '--count', String(count), '--at', '2026-11-25', '--json', '--profile', priya, '--session-activity', activity], { cwd: repo });
}

describe('decide --session-activity', () => {
  it('takes what is left of maxOffers 12: 2 at 10 given, 1 at 11, none and the default string at 12 and 13', async () => {
    const tiles = async (offered: number): Promise<Out> => JSON.parse((await decide('home-tiles', JSON.stringify({ offered }))).stdout) as Out;
    expect((await tiles(10)).offers.map((o) => o.offer)).toEqual(['black-friday-cashback', 'first-time-buyer-mortgage']);
    expect((await tiles(11)).offers.map((o) => o.offer)).toEqual(['black-friday-cashback']);
    for (const offered of [12, 13]) {
      const hero = JSON.parse((await decide('home-hero', JSON.stringify({ offered }))).stdout) as Out;
      expect(hero.offers).toEqual([]);
      expect(hero.defaultString).toBe('Welcome back to Northgate');
    }
  });

  it('counts the offers of earlier points of the same call, so the cap can fall between points', async () => {
    const result = await decide('home-tiles,home-hero', '{"offered": 9}');
    expect(result.code, result.stderr).toBe(0);
    const [tiles, hero] = JSON.parse(result.stdout) as Out[];
    expect(tiles!.offers).toHaveLength(3);
    expect(hero!.offers).toEqual([]);
    expect(hero!.defaultString).toBe('Welcome back to Northgate');
  });

  it('leaves out what the session accepted or rejected; the next in rank take their places', async () => {
    const result = await decide('home-tiles', '{"accepted": ["black-friday-cashback"], "rejected": ["first-time-buyer-mortgage"]}');
    // Without them: the 95 and 85 offers, then the 55-point cards by name, then the savings
    // product the list's daily rotation picks for this member on the day (pick: 1 by rotate).
    expect((JSON.parse(result.stdout) as Out).offers.map((o) => o.offer)).toEqual(['balance-transfer-card', 'cashback-card', 'easy-access-saver']);
  });

  it.each([
    ['{"offered": -1}', 'sessionActivity.offered must be a whole number'],
    ['{"rejected": "cash-isa"}', 'sessionActivity.rejected must be a list'],
    ['{"offerd": 3}', "sessionActivity has no field 'offerd'"],
  ])('refuses %s with exit 2, naming --session-activity', async (activity, message) => {
    const result = await decide('home-tiles', activity);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--session-activity: ${message}`);
  });

  it('refuses text that is not a JSON object with exit 2', async () => {
    const result = await decide('home-tiles', '{offered: 3');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--session-activity');
  });
});
