// What a cross-document rule sees: the model, indexes by name, and a way to report a
// located problem. Rules are named functions (STYLE, changesets `rules.ts`).
import type { ConfigKind } from './kinds.js';
import { byName, type ConfigDocument, type ConfigModel } from './model.js';
import { makeProblem, toPointer, type Problem, type ProblemSlug, type Severity } from './problem.js';
import { locate, locateInScalar, type PathSegment } from './source.js';

export interface ExpressionFacts {
  /** Segment → segments it names through inSegment(). */
  segmentDependencies: Map<string, string[]>;
}

export class RuleContext {
  readonly problems: Problem[] = [];
  readonly channels: Map<string, ConfigDocument<'Channel'>>;
  readonly offers: Map<string, ConfigDocument<'Offer'>>;
  readonly offerLists: Map<string, ConfigDocument<'OfferList'>>;
  readonly segments: Map<string, ConfigDocument<'Segment'>>;
  readonly strategies: Map<string, ConfigDocument<'Strategy'>>;
  readonly policies: Map<string, ConfigDocument<'OptimizationPolicy'>>;
  readonly facts: ExpressionFacts = { segmentDependencies: new Map() };

  /** Names of documents that failed the schema: references to them are not reported again. */
  readonly invalidNames = new Map<ConfigKind, Set<string>>();

  constructor(readonly model: ConfigModel) {
    this.channels = byName(model.channels);
    this.offers = byName(model.offers);
    this.offerLists = byName(model.offerLists);
    this.segments = byName(model.segments);
    this.strategies = byName(model.strategies);
    this.policies = byName(model.policies);
  }

  report(
    document: ConfigDocument<ConfigKind>,
    path: PathSegment[],
    rule: ProblemSlug,
    severity: Severity,
    message: string,
    options: { key?: boolean; range?: { start: number; end: number } } = {},
  ): void {
    const location = options.range
      ? locateInScalar(document.source, path, options.range.start, options.range.end)
      : locate(document.source, path, { key: options.key ?? false });
    this.problems.push(makeProblem(rule, severity, message, document.source.source.file, location, toPointer(path)));
  }

  error(document: ConfigDocument<ConfigKind>, path: PathSegment[], rule: ProblemSlug, message: string, options?: { key?: boolean; range?: { start: number; end: number } }): void {
    this.report(document, path, rule, 'error', message, options);
  }

  warning(document: ConfigDocument<ConfigKind>, path: PathSegment[], rule: ProblemSlug, message: string, options?: { key?: boolean }): void {
    this.report(document, path, rule, 'warning', message, options);
  }

  isInvalid(kind: ConfigKind, name: string): boolean {
    return this.invalidNames.get(kind)?.has(name) ?? false;
  }

  /** The audience level a segment uses: as written, else the channel's first. */
  audienceLevelOf(segment: ConfigDocument<'Segment'>): string | undefined {
    return segment.spec.audienceLevel ?? this.channels.get(segment.spec.channel)?.spec.audienceLevels[0]?.name;
  }
}

export type Rule = (context: RuleContext) => void;
