// The diff as data (docs/simulation-and-diff.md#the-diff-json): both sides, the audience,
// the config changes in config terms, breaking changes, the behaviour diff, the
// optimization diff, guardrail results and a one-line verdict. The Markdown and HTML
// renderers read only this.
import type { BundlePolicyRule } from '../bundle/index.js';
import type { ShadowPrice } from '../optimize/index.js';
import type { AudienceInfo } from '../simulate/index.js';
import type { OptimizationSummary } from '../simulate/index.js';
import type { BehaviourDiff } from './behaviour-diff.js';
import type { BreakingChange } from './breaking.js';
import type { EntityChange } from './config-diff.js';
import type { GuardrailResult } from './guardrails.js';
import { plural } from '../words.js';

export interface DiffSide {
  /** As given: a bundle file, a git ref, `env:NAME`, or the working config directory. */
  ref: string;
  digest: string;
  /** The commit, for a git ref. */
  commit?: string;
}

export interface OptimizationDiff {
  policy: string;
  objective: { base: number; head: number };
  upperBound: { base: number; head: number };
  chosen: { offer: string; base: number; head: number; delta: number }[];
  /** Rules that bind (removed a contact, or left a minimum unmet), per side. */
  binding: { base: string[]; head: string[] };
  unmetMinimums: { base: number; head: number };
  /** Per capacity rule, what one more unit buys on each side; largest change first. */
  shadowPrices: ShadowPriceDiff[];
}

/** One side of a capacity rule's shadow price (null in ShadowPriceDiff when the side's policy lacks the rule). */
export interface ShadowPriceSide {
  price: number;
  minimumPrice: number | null;
  bindingWindows: number;
  hardestWindow: { from: string; to: string } | null;
  method: ShadowPrice['method'];
}

export interface ShadowPriceDiff {
  rule: string;
  type: ShadowPrice['type'];
  unit: ShadowPrice['unit'];
  base: ShadowPriceSide | null;
  head: ShadowPriceSide | null;
  /** Head price − base price (a missing side counts 0). */
  delta: number;
  /** Whether the rule binds (a window at capacity) on each side: 'new' binds on head only, 'released' on base only. */
  binding: 'both' | 'new' | 'released' | 'neither';
  /** The rule's definition (bounds, window, scope) differs between base and head, or only one side has it. */
  ruleChanged: boolean;
}

/** The policy's rules on each side, to tell a cap that changed from one that did not. */
export interface PolicyRules {
  base: readonly BundlePolicyRule[];
  head: readonly BundlePolicyRule[];
}

function priceSide(price: ShadowPrice | undefined): ShadowPriceSide | null {
  if (!price) return null;
  return { price: price.price, minimumPrice: price.minimumPrice, bindingWindows: price.bindingWindows, hardestWindow: price.hardestWindow, method: price.method };
}

/** The shadow prices worth showing: a rule that binds on a side, has a price, or changed. */
export function shownShadowPrices(list: readonly ShadowPriceDiff[]): ShadowPriceDiff[] {
  return list.filter((d) => d.binding !== 'neither' || d.ruleChanged || d.delta !== 0 || (d.base?.minimumPrice ?? 0) > 0 || (d.head?.minimumPrice ?? 0) > 0);
}

/** A price as the renderers print it: up to two decimals. */
export function priceText(price: number | null | undefined): string {
  return price === null || price === undefined ? '—' : price.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** What an approver should notice about one rule's price, in words. */
export function shadowPriceNotes(d: ShadowPriceDiff): string[] {
  const notes: string[] = [];
  if (!d.base) notes.push('new rule');
  else if (!d.head) notes.push('rule removed');
  else if (d.ruleChanged) notes.push('rule changed');
  if (d.binding === 'new') notes.push('binds now');
  if (d.binding === 'released') notes.push('no longer binds');
  const minBase = d.base?.minimumPrice ?? null;
  const minHead = d.head?.minimumPrice ?? null;
  if ((minBase ?? 0) > 0 || (minHead ?? 0) > 0) notes.push(`minimum −1 buys ${priceText(minBase)} → ${priceText(minHead)}`);
  return notes;
}

/** Shadow prices base against head, sorted by impact: largest change, then largest price. */
export function shadowPriceDiff(base: readonly ShadowPrice[], head: readonly ShadowPrice[], rules: PolicyRules | null): ShadowPriceDiff[] {
  const names = [...new Set([...head.map((p) => p.rule), ...base.map((p) => p.rule)])];
  const definition = (list: readonly BundlePolicyRule[], name: string): string | null => {
    const rule = list.find((r) => r.name === name);
    return rule ? JSON.stringify(rule) : null;
  };
  return names
    .map((rule): ShadowPriceDiff => {
      const b = base.find((p) => p.rule === rule);
      const h = head.find((p) => p.rule === rule);
      const either = (h ?? b)!;
      const bindsBase = (b?.bindingWindows ?? 0) > 0;
      const bindsHead = (h?.bindingWindows ?? 0) > 0;
      return {
        rule,
        type: either.type,
        unit: either.unit,
        base: priceSide(b),
        head: priceSide(h),
        delta: Number(((h?.price ?? 0) - (b?.price ?? 0)).toPrecision(12)),
        binding: bindsBase && bindsHead ? 'both' : bindsHead ? 'new' : bindsBase ? 'released' : 'neither',
        ruleChanged: rules ? definition(rules.base, rule) !== definition(rules.head, rule) : !b || !h,
      };
    })
    .sort(
      (x, y) =>
        Math.abs(y.delta) - Math.abs(x.delta) ||
        Math.max(y.base?.price ?? 0, y.head?.price ?? 0) - Math.max(x.base?.price ?? 0, x.head?.price ?? 0) ||
        Number(y.ruleChanged) - Number(x.ruleChanged) ||
        (x.rule < y.rule ? -1 : 1),
    );
}

export interface DiffReport {
  base: DiffSide;
  head: DiffSide;
  audience: AudienceInfo;
  config: { changes: EntityChange[]; breaking: BreakingChange[] };
  behaviour: BehaviourDiff;
  optimization: OptimizationDiff | null;
  guardrails: GuardrailResult[];
  verdict: string;
  /** The offerops version that made the report. */
  version: string;
}

export function optimizationDiff(base: OptimizationSummary, head: OptimizationSummary, rules: PolicyRules | null = null): OptimizationDiff {
  const offers = [...new Set([...base.chosen.map((c) => c.offer), ...head.chosen.map((c) => c.offer)])];
  const count = (summary: OptimizationSummary, offer: string): number => summary.chosen.find((c) => c.offer === offer)?.contacts ?? 0;
  return {
    policy: head.policy,
    objective: { base: base.report.objective, head: head.report.objective },
    upperBound: { base: base.report.upperBound, head: head.report.upperBound },
    chosen: offers
      .map((offer) => ({ offer, base: count(base, offer), head: count(head, offer), delta: count(head, offer) - count(base, offer) }))
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || Math.max(b.base, b.head) - Math.max(a.base, a.head) || (a.offer < b.offer ? -1 : 1)),
    binding: { base: base.report.rules.filter((r) => r.binds).map((r) => r.name), head: head.report.rules.filter((r) => r.binds).map((r) => r.name) },
    unmetMinimums: { base: base.report.unmetMinimums.length, head: head.report.unmetMinimums.length },
    shadowPrices: shadowPriceDiff(base.report.shadowPrices, head.report.shadowPrices, rules),
  };
}

const number = (n: number): string => n.toLocaleString('en-US');
const percent = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((part * 100) / whole).toFixed(1)}%`;

/** One line, what an approver reads first. */
export function verdictOf(report: Omit<DiffReport, 'verdict'>): string {
  const parts: string[] = [];
  const failed = report.guardrails.filter((g) => !g.ok);
  if (failed.length > 0) parts.push(`guardrail${failed.length === 1 ? '' : 's'} failed: ${failed.map((g) => `${g.expr} (${g.value}${g.at ? ` at ${g.at}` : ''})`).join(', ')}`);
  if (report.config.breaking.length > 0) parts.push(`${plural(report.config.breaking.length, 'breaking change')} for touchpoints`);
  const changedPoints = report.behaviour.points.filter((p) => p.changed > 0).sort((a, b) => b.changed - a.changed || (a.point < b.point ? -1 : 1));
  if (changedPoints.length === 0) {
    const points = report.behaviour.points.length;
    const same = report.base.digest === report.head.digest ? 'the same bundle on both sides' : plural(report.config.changes.length, 'config change');
    parts.push(`no decision changes for ${number(report.behaviour.members)} members at ${plural(points, 'point')} (${same})`);
  } else {
    const shown = changedPoints.slice(0, 2).map((p) => `${number(p.changed)} of ${number(p.members)} ${p.channel} members (${percent(p.changed, p.members)}) see different offers at ${p.point}`);
    const more = changedPoints.length - shown.length;
    parts.push(shown.join('; ') + (more > 0 ? `; and at ${plural(more, 'more point')}` : ''));
  }
  return parts.join('; ');
}
