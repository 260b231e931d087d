// Expressions (docs/config-language.md#types-and-expressions): every CEL expression parses
// and type-checks against the declared profile, session, offer and contact types; errors
// point inside the YAML string, with a hint where CEL's own words leave the fix unsaid.
// inSegment() names must exist on the same channel and audience level.
import { checkExpression, ExpressionCompiler, findEnumLiteralProblems, offerSchema, type EnvironmentShape, type ExpressionKind, type ExpressionRange } from '../../expr/index.js';
import type { ConfigKind } from '../kinds.js';
import { declaredAttributes, type ConfigDocument } from '../model.js';
import { didYouMean } from '../problem.js';
import type { PathSegment } from '../source.js';
import type { Rule, RuleContext } from '../rule-context.js';
import { checkRuleAttributeType } from './rule-attributes.js';

/** Expressions are checked against the environments the engine compiles them with: one per (kind, channel, audience level). */
function expressionCompiler(context: RuleContext): ExpressionCompiler {
  return new ExpressionCompiler((channelName, levelName) => {
    const channel = channelName ? context.channels.get(channelName) : undefined;
    if (!channel) return {};
    const level = channel.spec.audienceLevels.find((l) => l.name === levelName) ?? channel.spec.audienceLevels[0];
    return {
      profile: level ? { idField: level.idField, attributes: declaredAttributes(level.attributes) } : undefined,
      session: declaredAttributes(channel.spec.sessionAttributes),
    };
  });
}

interface ExpressionSite {
  document: ConfigDocument<ConfigKind>;
  path: PathSegment[];
  source: string;
  kind: ExpressionKind;
  channel?: string;
  level?: string;
  /** Segment that owns the expression (for dependency facts). */
  segment?: string;
  /** A rule's offer attribute: its result type is checked against the offers' own values. */
  attribute?: { strategy: ConfigDocument<'Strategy'>; rule: number; name: string };
}

function expressionSites(context: RuleContext): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  for (const segment of context.model.segments) {
    if (!context.channels.has(segment.spec.channel)) continue;
    sites.push({ document: segment, path: ['spec', 'expression'], source: segment.spec.expression, kind: 'segment', channel: segment.spec.channel, level: context.audienceLevelOf(segment), segment: segment.metadata.name });
  }
  for (const list of context.model.offerLists) {
    if (list.spec.where !== undefined) sites.push({ document: list, path: ['spec', 'where'], source: list.spec.where, kind: 'offerListWhere' });
  }
  for (const strategy of context.model.strategies) {
    if (!context.channels.has(strategy.spec.channel)) continue;
    strategy.spec.rules.forEach((rule, i) => {
      // Without a segment, a rule's expressions are checked against the channel's first audience level.
      const segment = rule.segment ? context.segments.get(rule.segment) : undefined;
      const level = segment ? context.audienceLevelOf(segment) : undefined;
      for (const field of ['eligibility', 'scoreExpression'] as const) {
        const source = rule[field];
        if (source !== undefined) sites.push({ document: strategy, path: ['spec', 'rules', i, field], source, kind: field, channel: strategy.spec.channel, level });
      }
      for (const [name, source] of Object.entries(rule.attributes ?? {})) {
        sites.push({ document: strategy, path: ['spec', 'rules', i, 'attributes', name], source, kind: 'offerAttribute', channel: strategy.spec.channel, level, attribute: { strategy, rule: i, name } });
      }
    });
  }
  for (const policy of context.model.policies) {
    policy.spec.rules.forEach((rule, i) => {
      if (rule.type === 'interactionsWhere' && rule.where !== undefined) sites.push({ document: policy, path: ['spec', 'rules', i, 'where'], source: rule.where, kind: 'contactWhere' });
    });
  }
  return sites;
}

const expressionsTypeCheck: Rule = (context) => {
  const environments = expressionCompiler(context);
  for (const site of expressionSites(context)) {
    const env = environments.environment(site.kind, site.channel, site.level);
    const result = checkExpression(env, site.kind, site.source);
    if (!result.ok) {
      const hint = typeErrorHint(result.message, site.source, result.range, environments.shape(site.channel, site.level));
      const label = site.kind === 'segment' ? 'segment expression' : site.kind === 'offerAttribute' ? `attributes.${site.path[site.path.length - 1]}` : site.path[site.path.length - 1];
      context.error(site.document, site.path, result.code, `${label}: ${result.message}${hint}`, { range: result.range });
      continue;
    }
    if (site.attribute !== undefined) checkRuleAttributeType(context, site.attribute.strategy, site.attribute.rule, site.attribute.name, result.type, { start: 0, end: site.source.length });
    if (site.kind !== 'offerListWhere' && site.kind !== 'contactWhere') {
      const shape = environments.shape(site.channel, site.level);
      for (const problem of findEnumLiteralProblems(result.ast, { profile: shape.profile?.attributes, session: shape.session })) {
        const value = JSON.stringify(problem.value);
        const allowed = problem.allowed.map((v) => JSON.stringify(v));
        const hint = typeof problem.value === 'string' ? didYouMean(problem.value, problem.allowed.map(String)) : '';
        context.error(
          site.document,
          site.path,
          'expression-type',
          `${problem.variable}.${problem.attribute} ${problem.list ? 'never holds' : 'is never'} ${value}: its enum allows ${allowed.join(', ')}${hint}`,
          { range: problem.range },
        );
      }
    }
    const dependencies: string[] = [];
    for (const reference of result.segmentReferences) {
      const target = context.segments.get(reference.name);
      if (!target) {
        if (context.isInvalid('Segment', reference.name)) continue;
        context.error(site.document, site.path, 'unknown-reference', `inSegment: segment '${reference.name}' is not defined${didYouMean(reference.name, context.segments.keys())}`, { range: reference.range });
        continue;
      }
      const targetLevel = context.audienceLevelOf(target);
      if (target.spec.channel !== site.channel || (site.level !== undefined && targetLevel !== site.level)) {
        context.error(
          site.document,
          site.path,
          'channel-mismatch',
          // A rule without a segment has no audience level of its own: say only the channel.
          `inSegment: segment '${reference.name}' is on channel '${target.spec.channel}' (audience level '${targetLevel}'), not on '${site.channel}'${site.level === undefined ? '' : ` (audience level '${site.level}')`}`,
          { range: reference.range },
        );
        continue;
      }
      dependencies.push(reference.name);
    }
    if (site.segment !== undefined) context.facts.segmentDependencies.set(site.segment, [...new Set(dependencies)].sort());
  }
};

/**
 * What to do about a type error, where CEL's message only states it: an int and a double
 * never mix (`profile.income == 80000`), and an undeclared attribute may be a typo.
 */
export function typeErrorHint(message: string, source: string, range: ExpressionRange, shape: EnvironmentShape): string {
  const mixed = /^no such overload: (int|double) (\S+) (int|double)$/.exec(message);
  if (mixed && mixed[1] !== mixed[3]) {
    // An int literal in the failing part is the usual cause: say how to write it.
    const literal = /(?<![\w.])(\d+)(?![\w.])/.exec(source.slice(range.start, range.end))?.[1];
    return literal
      ? `; CEL never mixes int and double: write ${literal} as ${literal}.0, or convert with double(…)`
      : '; CEL never mixes int and double: convert one side with double(…) or int(…)';
  }
  const unknown = /^unknown attribute '([^']+)'/.exec(message);
  if (unknown) {
    // The range is the unknown field; the variable it belongs to comes just before it.
    const variable = /\b(profile|session|offer)\s*\.\s*\w+\s*$/.exec(source.slice(0, range.end))?.[1];
    const declared =
      variable === 'profile' ? [...Object.keys(shape.profile?.attributes ?? {}), ...(shape.profile ? [shape.profile.idField] : [])]
      : variable === 'session' ? Object.keys(shape.session ?? {})
      : variable === 'offer' ? Object.keys(offerSchema)
      : [];
    return didYouMean(unknown[1]!, declared);
  }
  return '';
}

export const expressionRules: Rule[] = [expressionsTypeCheck];
