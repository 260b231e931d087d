// Duplicate names (docs/validation.md#codes, OO202): document names per kind; inside a channel its audience
// levels, zones, interaction points (unique across the channel) and events; treatment
// rule names per channel (across strategies); rule names per optimization policy.
import type { ConfigKind } from '../kinds.js';
import type { ConfigDocument } from '../model.js';
import { locate, type PathSegment } from '../source.js';
import type { Rule, RuleContext } from '../rule-context.js';

function where(document: ConfigDocument<ConfigKind>): string {
  const { line } = locate(document.source, ['metadata', 'name']);
  return `${document.source.source.file}:${line}`;
}

/** Every definition of a duplicated name is reported, each naming the others. */
const documentNamesAreUnique: Rule = (context) => {
  const { model } = context;
  for (const documents of [model.channels, model.offers, model.offerLists, model.segments, model.strategies, model.policies, model.decisionTests] as ConfigDocument<ConfigKind>[][]) {
    const byName = new Map<string, ConfigDocument<ConfigKind>[]>();
    for (const document of documents) byName.set(document.metadata.name, [...(byName.get(document.metadata.name) ?? []), document]);
    for (const [name, group] of byName) {
      if (group.length < 2) continue;
      for (const document of group) {
        const others = group.filter((d) => d !== document).map(where);
        context.error(document, ['metadata', 'name'], 'duplicate-name', `${document.kind} '${name}' is defined ${group.length} times (also at ${others.join(', ')})`);
      }
    }
  }
};

function uniqueWithin(context: RuleContext, document: ConfigDocument<ConfigKind>, what: string, entries: { name: string; path: PathSegment[] }[]): void {
  const seen = new Set<string>();
  // forEach: arrays of a pruned document may have holes (see pruneToSchema).
  entries.forEach((entry) => {
    if (seen.has(entry.name)) context.error(document, entry.path, 'duplicate-name', `${what} '${entry.name}' is declared twice in ${document.kind} '${document.metadata.name}'`);
    seen.add(entry.name);
  });
}

const channelNamesAreUnique: Rule = (context) => {
  for (const channel of context.model.channels) {
    const spec = channel.spec;
    uniqueWithin(context, channel, 'audience level', spec.audienceLevels.map((l, i) => ({ name: l.name, path: ['spec', 'audienceLevels', i, 'name'] })));
    uniqueWithin(context, channel, 'zone', spec.zones.map((z, i) => ({ name: z.name, path: ['spec', 'zones', i, 'name'] })));
    uniqueWithin(
      context,
      channel,
      'interaction point',
      spec.zones.flatMap((z, i) => z.interactionPoints.map((p, j) => ({ name: p.name, path: ['spec', 'zones', i, 'interactionPoints', j, 'name'] as PathSegment[] }))),
    );
    uniqueWithin(context, channel, 'event', (spec.events ?? []).map((e, i) => ({ name: e.name, path: ['spec', 'events', i, 'name'] })));
    uniqueWithin(context, channel, 'category', (spec.categories ?? []).map((c, i) => ({ name: c, path: ['spec', 'categories', i] })));
  }
};

const treatmentRuleNamesAreUniquePerChannel: Rule = (context) => {
  const firstByChannel = new Map<string, Map<string, string>>();
  for (const strategy of [...context.model.strategies].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const names = firstByChannel.get(strategy.spec.channel) ?? new Map<string, string>();
    firstByChannel.set(strategy.spec.channel, names);
    strategy.spec.rules.forEach((rule, i) => {
      const earlier = names.get(rule.name);
      if (earlier !== undefined) {
        const also = earlier === strategy.metadata.name ? 'earlier in this strategy' : `in strategy '${earlier}'`;
        context.error(strategy, ['spec', 'rules', i, 'name'], 'duplicate-name', `treatment rule '${rule.name}' is already defined for channel '${strategy.spec.channel}' (${also}); rule names are unique within a channel`);
      } else names.set(rule.name, strategy.metadata.name);
    });
  }
};

const policyRuleNamesAreUnique: Rule = (context) => {
  for (const policy of context.model.policies) {
    uniqueWithin(context, policy, 'rule', policy.spec.rules.map((r, i) => ({ name: r.name, path: ['spec', 'rules', i, 'name'] })));
  }
};

export const nameRules: Rule[] = [documentNamesAreUnique, channelNamesAreUnique, treatmentRuleNamesAreUniquePerChannel, policyRuleNamesAreUnique];
