// Guardrails (`--fail-on`, an environment's `simulation.guardrails`): conditions on a diff
// that fail the run (exit 1) when they hold, e.g. `changed>20%` (more than 20% of a point's
// members see different offers), `fill<-5pp`, `p99>+50%`, `gap>10pp`, `breaking`.
// docs/simulation-and-diff.md#guardrails has the grammar; parsing and checking are pure.
import { UserError } from '../errors.js';
import type { BehaviourDiff, BehaviourPoint } from './behaviour-diff.js';
import type { BreakingChange } from './breaking.js';
import { plural } from '../words.js';

export type GuardrailMetric = 'changed' | 'fill' | 'p50' | 'p99' | 'score' | 'gap' | 'breaking';
type Operator = '>' | '>=' | '<' | '<=';
type Unit = '%' | 'pp' | 'us' | 'ms' | '';

export interface Guardrail {
  expr: string;
  metric: GuardrailMetric;
  /** A point (`NAME` or `CHANNEL/NAME`), `all` (the whole audience, changed only), or null: every point, the worst one reported. */
  scope: string | null;
  operator: Operator;
  /** Signed values (`+50%`, `-5pp`) compare a change from base to head; unsigned ones the head's value. */
  relative: boolean;
  value: number;
  unit: Unit;
}

export interface GuardrailResult {
  expr: string;
  ok: boolean;
  /** The measured value, formatted with the guardrail's unit (the worst point's, when checked per point). */
  value: string;
  /** The point it was measured at, when per point. */
  at?: string;
}

const UNITS: Record<Exclude<GuardrailMetric, 'breaking'>, { absolute: Unit[]; relative: Unit[]; help: string }> = {
  changed: { absolute: ['%', ''], relative: [], help: 'changed>N% (share of members) or changed>N (members)' },
  fill: { absolute: ['%'], relative: ['pp'], help: 'fill<-Npp (change of the fill rate) or fill<N% (the head fill rate)' },
  p50: { absolute: ['us', 'ms'], relative: ['%'], help: 'p50>+N% (change) or p50>Nms / p50>Nus (the head latency)' },
  p99: { absolute: ['us', 'ms'], relative: ['%'], help: 'p99>+N% (change) or p99>Nms / p99>Nus (the head latency)' },
  score: { absolute: [], relative: ['%'], help: 'score<-N% (change of the total score)' },
  gap: { absolute: ['pp'], relative: ['pp'], help: 'gap>Npp (the largest fairness gap of the head) or gap>+Npp (its growth)' },
};

const SYNTAX = /^(changed|fill|p50|p99|score|gap)(?:\[([A-Za-z0-9/_-]+)\])?\s*(>=|<=|>|<)\s*([+-])?(\d+(?:\.\d+)?)\s*(%|pp|us|µs|ms)?$/;

export function parseGuardrail(text: string): Guardrail {
  const expr = text.trim();
  if (expr === 'breaking') return { expr, metric: 'breaking', scope: null, operator: '>', relative: false, value: 0, unit: '' };
  const match = SYNTAX.exec(expr.replace(/\s+/g, ''));
  if (!match) {
    throw new UserError(`guardrail '${text}' is not understood: write breaking, changed>N%, fill<-Npp, p99>+N%, score<-N%, gap>Npp (optionally METRIC[POINT]); see docs/simulation-and-diff.md#guardrails`);
  }
  const [, metricText, scope, operator, sign, number, unitText] = match;
  const metric = metricText as Exclude<GuardrailMetric, 'breaking'>;
  const unit = (unitText === 'µs' ? 'us' : (unitText ?? '')) as Unit;
  const relative = sign !== undefined;
  const allowed = relative ? UNITS[metric].relative : UNITS[metric].absolute;
  if (!allowed.includes(unit)) throw new UserError(`guardrail '${text}': ${metric} takes ${UNITS[metric].help}`);
  if (scope === 'all' && metric !== 'changed') throw new UserError(`guardrail '${text}': [all] applies to changed only`);
  return { expr, metric, scope: scope ?? null, operator: operator as Operator, relative, value: (sign === '-' ? -1 : 1) * Number(number), unit };
}

/** Guardrails from `--fail-on` flags (each may hold several, comma-separated). */
export function parseGuardrails(texts: readonly string[]): Guardrail[] {
  return texts
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(parseGuardrail);
}

const clean = (x: number): number => Math.round(x * 1e9) / 1e9;

function holds(operator: Operator, measured: number, limit: number): boolean {
  const m = clean(measured);
  const l = clean(limit);
  switch (operator) {
    case '>':
      return m > l;
    case '>=':
      return m >= l;
    case '<':
      return m < l;
    case '<=':
      return m <= l;
  }
}

const signed = (x: number, digits: number): string => `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;

/** The guardrail's measure at one point, in its unit; null when it cannot be measured there. */
function measure(guardrail: Guardrail, point: BehaviourPoint): { value: number; text: string } | null {
  switch (guardrail.metric) {
    case 'changed':
      if (guardrail.unit === '') return { value: point.changed, text: String(point.changed) };
      if (point.members === 0) return null;
      return { value: (point.changed * 100) / point.members, text: `${((point.changed * 100) / point.members).toFixed(1)}%` };
    case 'fill': {
      if (!guardrail.relative) return point.present.head ? { value: point.fillRate.head * 100, text: `${(point.fillRate.head * 100).toFixed(1)}%` } : null;
      const delta = (point.fillRate.head - point.fillRate.base) * 100;
      return { value: delta, text: `${signed(delta, 1)}pp` };
    }
    case 'p50':
    case 'p99': {
      const key = guardrail.metric;
      const head = point.latencyUs.head[key];
      if (head === null) return null;
      if (!guardrail.relative) {
        const value = guardrail.unit === 'ms' ? head / 1000 : head;
        return { value, text: guardrail.unit === 'ms' ? `${value.toFixed(3)}ms` : `${value.toFixed(1)}µs` };
      }
      const base = point.latencyUs.base[key];
      if (base === null || base === 0) return null;
      const change = (head / base - 1) * 100;
      return { value: change, text: `${signed(change, 1)}%` };
    }
    case 'score': {
      if (point.score.base === 0) return null;
      const change = (point.score.head / point.score.base - 1) * 100;
      return { value: change, text: `${signed(change, 1)}%` };
    }
    case 'gap': {
      const head = point.fairness?.head.largestGap?.gapPp;
      if (head === undefined) return null;
      if (!guardrail.relative) return { value: head, text: `${head.toFixed(1)}pp` };
      const base = point.fairness?.base.largestGap?.gapPp ?? 0;
      return { value: head - base, text: `${signed(head - base, 1)}pp` };
    }
    case 'breaking':
      return null;
  }
}

function matchesScope(scope: string, point: BehaviourPoint): boolean {
  return scope.includes('/') ? `${point.channel}/${point.point}` === scope : point.point === scope;
}

/** Checks every guardrail; a guardrail fails (ok: false) when its condition holds. */
export function checkGuardrails(guardrails: readonly Guardrail[], behaviour: BehaviourDiff, breaking: readonly BreakingChange[]): GuardrailResult[] {
  return guardrails.map((guardrail) => {
    if (guardrail.metric === 'breaking') {
      return { expr: guardrail.expr, ok: breaking.length === 0, value: plural(breaking.length, 'breaking change') };
    }
    if (guardrail.scope === 'all') {
      const share = behaviour.members === 0 ? 0 : (behaviour.changed * 100) / behaviour.members;
      const value = guardrail.unit === '' ? behaviour.changed : share;
      return { expr: guardrail.expr, ok: !holds(guardrail.operator, value, guardrail.value), value: guardrail.unit === '' ? String(value) : `${share.toFixed(1)}%` };
    }
    const points = guardrail.scope === null ? behaviour.points : behaviour.points.filter((p) => matchesScope(guardrail.scope!, p));
    if (guardrail.scope !== null && points.length === 0) throw new UserError(`guardrail '${guardrail.expr}': no simulated interaction point '${guardrail.scope}'`);
    // The worst point: the one that fails, or else the one closest to failing.
    let worst: { point: BehaviourPoint; value: number; text: string } | null = null;
    const worse = (a: number, b: number): boolean => (guardrail.operator === '>' || guardrail.operator === '>=' ? a > b : a < b);
    for (const point of points) {
      const measured = measure(guardrail, point);
      if (measured === null) continue;
      if (worst === null || worse(measured.value, worst.value)) worst = { point, ...measured };
    }
    if (worst === null) return { expr: guardrail.expr, ok: true, value: 'n/a' };
    return { expr: guardrail.expr, ok: !holds(guardrail.operator, worst.value, guardrail.value), value: worst.text, at: `${worst.point.channel}/${worst.point.point}` };
  });
}
