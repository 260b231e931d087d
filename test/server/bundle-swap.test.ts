// docs/runtime-api.md#bundle-hot-swap: hot swap through PUT /admin/bundle and a watched directory. A
// corrupt, tampered or unknown-format bundle is refused and the old one keeps serving;
// a request in flight finishes on the bundle it started with.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { HistoryRow } from '../../src/engine/types.js';
import type { HistoryStore } from '../../src/server/history-store.js';
import { SqliteHistoryStore } from '../../src/server/sqlite-history-store.js';
import { bundleText, fixtureBundle, makeServer, startSession, variantBundle } from './harness.js';

const token = 'admin-token-for-tests-123';
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

type App = Awaited<ReturnType<typeof makeServer>>['app'];

function put(app: App, payload: string, contentType = 'application/json') {
  return app.inject({ method: 'PUT', url: '/admin/bundle', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, payload });
}

async function activeDigest(app: App): Promise<string> {
  return (await app.inject({ method: 'GET', url: '/v1/bundle' })).json<{ digest: string }>().digest;
}

async function topOffers(app: App, id: string): Promise<string[]> {
  const response = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'checkout-upsell', count: 2 } });
  return response.json<{ offers: { offer: string }[] }>().offers.map((o) => o.offer);
}

async function metricValue(app: App, line: RegExp): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : 0;
}

describe('PUT /admin/bundle', () => {
  it('swaps in a valid bundle; later decisions use it and live sessions keep working', async () => {
    const { app, bundle } = await makeServer({ adminToken: token });
    const id = await startSession(app);
    expect(await topOffers(app, id)).toEqual(['savings-plus', 'travel-card']);
    const next = await variantBundle();
    const response = await put(app, bundleText(next));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ digest: next.digest, previousDigest: bundle.digest, swapped: true });
    expect(await activeDigest(app)).toBe(next.digest);
    expect(await topOffers(app, id)).toEqual(['travel-card', 'savings-plus']);
    expect(await metricValue(app, /^offerops_bundle_swaps_total\{via="admin"\}/)).toBe(1);
    expect(await metricValue(app, new RegExp(`^offerops_bundle_info\\{digest="${next.digest}"\\}`))).toBe(1);
  });

  it('accepts application/octet-stream and reports an already active bundle as not swapped', async () => {
    const { app, bundle } = await makeServer({ adminToken: token });
    const response = await put(app, bundleText(bundle), 'application/octet-stream');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ digest: bundle.digest, swapped: false });
  });

  const refusals: [string, (text: string) => string, RegExp][] = [
    ['a tampered body (digest mismatch)', (text) => text.replace('"score": 80', '"score": 81'), /digest mismatch/],
    ['garbage', () => 'garbage \u0000 not json', /not valid JSON/],
    ['an unknown formatVersion', (text) => text.replace('"formatVersion": 1', '"formatVersion": 99'), /unknown bundle formatVersion 99/],
    ['an empty object', () => '{}', /formatVersion/],
    ['a JSON array', () => '[1,2,3]', /a bundle is a JSON object/],
  ];
  it.each(refusals)('refuses %s with 422 and keeps the old bundle serving', async (_name, corrupt, reason) => {
    const { app, bundle } = await makeServer({ adminToken: token });
    const id = await startSession(app);
    const response = await put(app, corrupt(bundleText(await variantBundle())));
    expect(response.statusCode).toBe(422);
    const body = response.json<{ code: string; message: string }>();
    expect(body.code).toBe('bundle-refused');
    expect(body.message).toMatch(reason);
    expect(body.message).toContain('keeps serving');
    expect(await activeDigest(app)).toBe(bundle.digest);
    expect(await topOffers(app, id)).toEqual(['savings-plus', 'travel-card']);
    expect(await metricValue(app, /^offerops_bundles_refused_total\{via="admin"\}/)).toBe(1);
  });

  it('refuses a bundle over the admin body limit with 413', async () => {
    const { app } = await makeServer({ adminToken: token, bundleBodyLimit: 1024 });
    const response = await put(app, bundleText(await variantBundle()));
    expect(response.statusCode).toBe(413);
  });
});

describe('a request in flight', () => {
  it('finishes on the bundle it started with when a swap happens meanwhile', async () => {
    // A history store whose read waits until the test lets it go: the request is then
    // between "engine taken" and "decision made" while the swap happens.
    const inner = new SqliteHistoryStore(':memory:');
    let release: () => void = () => undefined;
    let reading: () => void = () => undefined;
    const readStarted = new Promise<void>((resolve) => (reading = resolve));
    let gate: Promise<void> | null = null;
    const store: HistoryStore = {
      kind: 'sqlite',
      description: 'gated',
      open: () => inner.open(),
      append: (rows: readonly HistoryRow[]) => inner.append(rows),
      readMember: (id: string) => inner.readMember(id),
      readWindow: async (id, at, needs) => {
        if (gate) {
          reading();
          await gate;
        }
        return inner.readWindow(id, at, needs);
      },
      ping: () => inner.ping(),
      close: () => inner.close(),
    };
    const { app, bundle } = await makeServer({ adminToken: token, store });
    const id = await startSession(app);
    gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'checkout-upsell', count: 2 } });
    await readStarted;
    const next = await variantBundle();
    expect((await put(app, bundleText(next))).statusCode).toBe(200);
    release();
    const response = (await inFlight).json<{ bundle: string; offers: { offer: string; treatmentCode: string }[] }>();
    expect(response.bundle).toBe(bundle.digest);
    expect(response.offers.map((o) => o.offer)).toEqual(['savings-plus', 'travel-card']);
    gate = null;
    // An event about an offer shown under the old bundle is still accepted after the swap.
    const event = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/events`, payload: { event: 'offer-click', treatmentCode: response.offers[0]!.treatmentCode } });
    expect(event.statusCode, event.body).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/offers`, payload: { interactionPoint: 'checkout-upsell' } })).json()).toMatchObject({ bundle: next.digest });
  });
});

describe('watching a directory', () => {
  async function watchedServer() {
    const dir = await mkdtemp(path.join(tmpdir(), 'offerops-watch-'));
    dirs.push(dir);
    const server = await makeServer({ watchDir: dir });
    return { ...server, dir };
  }

  // deploy writes a temporary file and renames it into place: readers never see half a bundle.
  async function deployTo(dir: string, text: string): Promise<void> {
    const temporary = path.join(dir, `.bundle.json.${process.pid}.tmp`);
    await writeFile(temporary, text);
    await rename(temporary, path.join(dir, 'bundle.json'));
  }

  it('swaps in bundle.json when it is written into the watched directory', async () => {
    const { app, dir } = await watchedServer();
    const next = await variantBundle();
    await deployTo(dir, bundleText(next));
    await vi.waitFor(() => expect(app.offerops.bundles.current.engine.digest).toBe(next.digest), { timeout: 5000, interval: 20 });
    expect(await metricValue(app, /^offerops_bundle_swaps_total\{via="watch"\}/)).toBe(1);
    await app.close();
  });

  it('refuses a corrupt bundle.json and keeps the old bundle serving', async () => {
    const { app, dir, bundle } = await watchedServer();
    const text = bundleText(await variantBundle()).replace('"score": 50', '"score": 51');
    await deployTo(dir, text);
    await vi.waitFor(async () => expect(await metricValue(app, /^offerops_bundles_refused_total\{via="watch"\}/)).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 20 });
    expect(await activeDigest(app)).toBe(bundle.digest);
    // …and a good one afterwards still gets in.
    const next = await variantBundle();
    await deployTo(dir, bundleText(next));
    await vi.waitFor(() => expect(app.offerops.bundles.current.engine.digest).toBe(next.digest), { timeout: 5000, interval: 20 });
    await app.close();
  });

  it('serves the original bundle when the watched file is removed', async () => {
    const { app, dir } = await watchedServer();
    const original = await fixtureBundle();
    await deployTo(dir, bundleText(original));
    await rm(path.join(dir, 'bundle.json'));
    await app.offerops.bundles.reloadFrom(dir);
    expect(await activeDigest(app)).toBe(original.digest);
    await app.close();
  });
});
