// The diff as data (docs/simulation-and-diff.md#the-diff-json): both sides, the audience,
// the config changes in config terms, breaking changes, the behaviour diff, the
// optimization diff, guardrail results and a one-line verdict. The Markdown and HTML
// renderers read only this.
import type { AudienceInfo } from '../simulate/index.js';
import type { OptimizationSummary } from '../simulate/index.js';
import type { BehaviourDiff } from './behaviour-diff.js';
import type { BreakingChange } from './breaking.js';
import type { EntityChange } from './config-diff.js';
import type { GuardrailResult } from './guardrails.js';

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

export function optimizationDiff(base: OptimizationSummary, head: OptimizationSummary): OptimizationDiff {
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
  };
}

const number = (n: number): string => n.toLocaleString('en-US');
const percent = (part: number, whole: number): string => `${whole === 0 ? '0.0' : ((part * 100) / whole).toFixed(1)}%`;

/** One line, what an approver reads first. */
export function verdictOf(report: Omit<DiffReport, 'verdict'>): string {
  const parts: string[] = [];
  const failed = report.guardrails.filter((g) => !g.ok);
  if (failed.length > 0) parts.push(`guardrail${failed.length === 1 ? '' : 's'} failed: ${failed.map((g) => `${g.expr} (${g.value}${g.at ? ` at ${g.at}` : ''})`).join(', ')}`);
  if (report.config.breaking.length > 0) parts.push(`${report.config.breaking.length} breaking change${report.config.breaking.length === 1 ? '' : 's'} for touchpoints`);
  const changedPoints = report.behaviour.points.filter((p) => p.changed > 0).sort((a, b) => b.changed - a.changed || (a.point < b.point ? -1 : 1));
  if (changedPoints.length === 0) {
    const points = report.behaviour.points.length;
    const same = report.base.digest === report.head.digest ? 'the same bundle on both sides' : `${report.config.changes.length} config change${report.config.changes.length === 1 ? '' : 's'}`;
    parts.push(`no decision changes for ${number(report.behaviour.members)} members at ${points} point${points === 1 ? '' : 's'} (${same})`);
  } else {
    const shown = changedPoints.slice(0, 2).map((p) => `${number(p.changed)} of ${number(p.members)} ${p.channel} members (${percent(p.changed, p.members)}) see different offers at ${p.point}`);
    const more = changedPoints.length - shown.length;
    parts.push(shown.join('; ') + (more > 0 ? `; and at ${more} more point${more === 1 ? '' : 's'}` : ''));
  }
  return parts.join('; ');
}
