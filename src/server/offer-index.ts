// Offers of a loaded bundle by name, built once per engine: the server looks offers up
// on every decision (display name, attributes) and event.
import type { Engine } from '../engine/index.js';

export type BundleOffer = Engine['bundle']['body']['offers'][number];

const offerIndexes = new WeakMap<Engine, Map<string, BundleOffer>>();

export function findOffer(engine: Engine, name: string): BundleOffer | undefined {
  let index = offerIndexes.get(engine);
  if (!index) {
    index = new Map(engine.bundle.body.offers.map((offer) => [offer.name, offer]));
    offerIndexes.set(engine, index);
  }
  return index.get(name);
}
