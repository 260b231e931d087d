// The validator on a config held in memory: the small valid base config of the validation
// fixtures (test/fixtures/validate/_base) plus the files a test adds, compiled without a
// temporary directory, and its problems as one line each (file:line:column severity code
// message), so a test states exactly what a user reads.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSources } from '../../../src/compile/compile-sources.js';
import type { Bundle } from '../../../src/bundle/index.js';
import type { Problem } from '../../../src/config/problem.js';

const baseDir = path.resolve(import.meta.dirname, '../../fixtures/validate/_base');
const base = new Map(readdirSync(baseDir).map((name) => [`config/${name}`, readFileSync(path.join(baseDir, name), 'utf8')]));

/** The problems of the base config with `files` (name under config/ → YAML) added or replacing a base file. */
export function problemsWith(files: Record<string, string>): Problem[] {
  const sources = new Map(base);
  for (const [name, text] of Object.entries(files)) sources.set(`config/${name}`, text);
  return compileSources(sources).problems;
}

/** The bundle compiled from the base config with `files` added (null when it has errors). */
export function bundleWith(files: Record<string, string>): Bundle | null {
  const sources = new Map(base);
  for (const [name, text] of Object.entries(files)) sources.set(`config/${name}`, text);
  return compileSources(sources).bundle;
}

/** One line per problem, as a user reads it. */
export function linesWith(files: Record<string, string>): string[] {
  return problemsWith(files).map((p) => `${p.file}:${p.line}:${p.column} ${p.severity} ${p.code} ${p.message}`);
}

/**
 * `config/<file>:line:column` of `target` inside `needle`, which must occur exactly once in
 * `text`; without a target, of the value in `needle` = `key: value`.
 */
export function valueAt(file: string, text: string, needle: string, target?: string): string {
  const index = text.indexOf(needle);
  if (index < 0 || text.indexOf(needle, index + 1) >= 0) throw new Error(`'${needle}' must occur exactly once in the test's YAML`);
  const within = target === undefined ? needle.indexOf(': ') + 2 : needle.indexOf(target);
  if (within < (target === undefined ? 2 : 0)) throw new Error(`'${target ?? ': '}' is not in '${needle}'`);
  const before = text.slice(0, index + within).split('\n');
  return `config/${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** A second channel (kiosk, audience level visitor) with a segment and a rule of its own: for references across channels. */
export const kiosk = `apiVersion: offerops/v1
kind: Channel
metadata: { name: kiosk }
spec:
  audienceLevels: [ { name: visitor, idField: visitorId } ]
  categories: [ promo ]
  zones: [ { name: lobby, interactionPoints: [ { name: screen } ] } ]
---
apiVersion: offerops/v1
kind: Segment
metadata: { name: kiosk-visitors }
spec: { channel: kiosk, expression: 'true' }
---
apiVersion: offerops/v1
kind: Strategy
metadata: { name: kiosk-rules }
spec: { channel: kiosk, rules: [ { name: k, offer: gold-card, score: 1 } ] }
`;
