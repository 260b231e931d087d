// A diff report of a small hand-written config and a change to it, with the run-to-run
// figures (latency) fixed, for the renderers' golden files and the browser test.
import { compileSources } from '../../src/compile/compile-sources.js';
import { verdictOf, type DiffReport } from '../../src/diff/diff-report.js';
import { checkGuardrails, parseGuardrails } from '../../src/diff/guardrails.js';
import { runDiff } from '../../src/diff/run-diff.js';
import { openAudienceSample, sampleShape } from '../../src/simulate/audience-sample.js';
import { allPoints } from '../../src/simulate/points.js';
import type { SimulationOptions } from '../../src/simulate/types.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: offerops/v1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;

function config(head: boolean): string {
  return [
    doc(
      'Channel',
      'web',
      `  audienceLevels: [{ name: customer, idField: customerId, attributes: { age: { type: int }, income: { type: double }, tier: { type: string, enum: [standard, gold] } } }]
  sessionAttributes: { device: { type: string, enum: [desktop, mobile] } }
  zones:
    - { name: home, interactionPoints: [{ name: home-hero, maxOffers: 1, defaultString: Welcome }, { name: home-tiles, maxOffers: 3 }] }
    - { name: apply, interactionPoints: [${head ? '' : '{ name: apply-confirmation, maxOffers: 1 }, '}{ name: apply-cross-sell, maxOffers: 2 }] }
`,
    ),
    ...['cash-isa', 'gold-card', 'travel-insurance', 'personal-loan', 'kids-saver'].map((o) => doc('Offer', o, `  displayName: ${o}\n`)),
    doc('Segment', 'affluent', `  channel: web\n  expression: 'profile.income > ${head ? '90000.0' : '60000.0'}'\n`),
    doc('Segment', 'families', "  channel: web\n  expression: 'profile.age >= 30 && profile.age < 50'\n"),
    doc(
      'Strategy',
      'web-home',
      `  channel: web
  rules:
    - { name: hero-gold, segment: affluent, zone: home, offer: gold-card, score: 80 }
    - { name: tiles-savings, zone: home, offer: cash-isa, score: ${head ? 60 : 40} }
    - { name: tiles-kids, segment: families, zone: home, offer: kids-saver, score: 55, controlGroup: { percent: 10 } }
    - { name: tiles-loan, zone: home, offer: personal-loan, score: 45, eligibility: 'profile.age < 65' }
    - { name: apply-travel, zone: apply, offer: travel-insurance, score: 50 }
`,
    ),
  ].join('---\n');
}

const GUARDRAILS = ['breaking', 'changed>20%', 'fill<-5pp', 'p99>+50%', 'gap>25pp'];

export async function fixtureReport(): Promise<DiffReport> {
  const base = compileSources(new Map([['config/all.yaml', config(false)]])).bundle!;
  const head = compileSources(new Map([['config/all.yaml', config(true)]])).bundle!;
  const points = allPoints([head.body, base.body]);
  const options: SimulationOptions = { at: '2026-11-02', points, count: null, explainStride: 1, fairness: { attribute: 'age', kind: 'numeric', cuts: [30, 50], integer: true }, examplesPerPoint: 5 };
  const source = openAudienceSample(sampleShape([head.body, base.body], ['web']), { customers: 400, seed: 3, at: '2026-11-02' });
  const { report } = await runDiff({
    base: { ref: 'env:staging', bundle: base },
    head: { ref: 'HEAD', bundle: head, commit: '0123456789abcdef0123456789abcdef01234567' },
    source,
    options,
    history: null,
    workers: 0,
    guardrails: parseGuardrails(GUARDRAILS),
    version: '0.0.0-test',
  });
  // Latency changes from run to run: fixed figures for the golden files.
  report.behaviour.points.forEach((p, i) => (p.latencyUs = { base: { p50: 10 + i, p99: 40 + i }, head: { p50: 11 + i, p99: 42 + i } }));
  report.guardrails = checkGuardrails(parseGuardrails(GUARDRAILS), report.behaviour, report.config.breaking);
  report.verdict = verdictOf(report);
  return report;
}
