// Unknown references (docs/validation.md#codes, OO201) and references to the wrong channel:
// each name a document uses is checked where it is written, and the message says what
// exists nearby. A document whose own schema is broken is not reported again as missing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kiosk, linesWith, valueAt } from './in-memory.js';

const strip = (lines: string[]) => lines.map((l) => l.replace(/^\S+ /, ''));

describe('unknown references', () => {
  it('names what is missing and the closest name that exists, at the reference', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/validate/references/refs.yaml'), 'utf8');
    expect(linesWith({ 'refs.yaml': text })).toEqual([
      "config/refs.yaml:5:12 error OO201 channel 'webb' is not defined; did you mean 'web'?",
      "config/refs.yaml:13:18 error OO201 audience level 'household' is not defined in channel 'web'",
      "config/refs.yaml:14:26 error OO201 inSegment: segment 'adultz' is not defined; did you mean 'adults'?",
      "config/refs.yaml:22:28 error OO201 segment 'adult' is not defined; did you mean 'adults'?",
      "config/refs.yaml:22:54 error OO201 offer 'gold-crd' is not defined; did you mean 'gold-card'?",
      "config/refs.yaml:23:25 error OO201 zone 'basket' is not defined in channel 'web'",
      "config/refs.yaml:23:44 error OO201 offer list 'credit-offer' is not defined; did you mean 'credit-offers'?",
      "config/refs.yaml:29:23 error OO201 offer 'platinum-card' is not defined",
      "config/refs.yaml:37:62 error OO201 segment 'no-such' is not defined",
      "config/refs.yaml:37:87 error OO201 offer list 'nope' is not defined",
      "config/refs.yaml:38:75 error OO201 offer 'missing-offer' is not defined",
    ]);
  });

  it('accepts a segment on a declared audience level and rules naming what exists', () => {
    const segment = "apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: grown }\nspec: { channel: web, audienceLevel: customer, expression: 'profile.age > 30' }\n";
    const strategy = 'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: fine }\nspec:\n  channel: web\n  rules:\n    - { name: f, segment: grown, zone: home, offerList: credit-offers, score: 1 }\n';
    expect(linesWith({ 'x.yaml': segment, 'y.yaml': strategy })).toEqual([]);
  });

  it('reports an event category the channel does not declare, pointing to spec.categories', () => {
    const channel = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/validate/_base/channel.yaml'), 'utf8').replace('{ name: offer-click, actions', '{ name: offer-click, category: navigaton, actions');
    expect(linesWith({ 'channel.yaml': channel })).toEqual([
      `${valueAt('channel.yaml', channel, 'category: navigaton')} error OO201 category 'navigaton' is not defined in channel 'web' (declare it under spec.categories); did you mean 'navigation'?`,
    ]);
  });

  it("checks nothing more in a strategy whose channel is unknown, and a policy's offers even then", () => {
    const strategy = 'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: lost }\nspec:\n  channel: nowhere\n  rules:\n    - { name: l, segment: none, zone: none, offer: none, score: 1 }\n';
    expect(strip(linesWith({ 'x.yaml': strategy }))).toEqual(["error OO201 channel 'nowhere' is not defined"]);
    const policy =
      'apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: lost }\nspec:\n  channel: nowhere\n  rules:\n    - { name: p, type: neverAWithB, segment: none, a: { list: no-list }, b: { offer: gold-card } }\n';
    expect(linesWith({ 'x.yaml': policy })).toEqual([
      `${valueAt('x.yaml', policy, 'channel: nowhere')} error OO201 channel 'nowhere' is not defined`,
      `${valueAt('x.yaml', policy, 'list: no-list')} error OO201 offer list 'no-list' is not defined`,
    ]);
  });

  it('does not report a reference to a document whose own schema problems are reported', () => {
    const broken = 'apiVersion: offerops/v1\nkind: Segment\nmetadata: { name: broken }\nspec: { channel: web }\n';
    const strategy = 'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: uses }\nspec:\n  channel: web\n  rules:\n    - { name: u, segment: broken, offer: gold-card, score: 1 }\n';
    expect(strip(linesWith({ 'x.yaml': broken, 'y.yaml': strategy }))).toEqual(["error OO101 missing required field 'expression' in 'spec'"]);
  });
});

describe('references to another channel', () => {
  it("reports a treatment rule's and a policy rule's segment of another channel, naming both", () => {
    const strategy = 'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: mixed }\nspec:\n  channel: web\n  rules:\n    - { name: m, segment: kiosk-visitors, offer: gold-card, score: 1 }\n';
    const policy = 'apiVersion: offerops/v1\nkind: OptimizationPolicy\nmetadata: { name: mixed }\nspec:\n  channel: web\n  rules:\n    - { name: p, type: maxPackages, max: 1, segment: kiosk-visitors }\n';
    const message = "error OO208 segment 'kiosk-visitors' belongs to channel 'kiosk', not 'web'";
    expect(linesWith({ 'kiosk.yaml': kiosk, 'x.yaml': strategy, 'y.yaml': policy })).toEqual([
      `${valueAt('x.yaml', strategy, 'segment: kiosk-visitors')} ${message}`,
      `${valueAt('y.yaml', policy, 'segment: kiosk-visitors')} ${message}`,
    ]);
  });

  it('reports a zone of another channel as unknown on this one', () => {
    const strategy = 'apiVersion: offerops/v1\nkind: Strategy\nmetadata: { name: mixed }\nspec:\n  channel: web\n  rules:\n    - { name: m, zone: lobby, offer: gold-card, score: 1 }\n';
    expect(strip(linesWith({ 'kiosk.yaml': kiosk, 'x.yaml': strategy }))).toEqual(["error OO201 zone 'lobby' is not defined in channel 'web'"]);
  });
});
