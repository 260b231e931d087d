// Compiled expressions, with the one cache every reader of the config or a bundle uses
// (docs/config-language.md#types-and-expressions): one CEL environment per (expression kind,
// channel, audience level), built once, and each source compiled once per environment,
// with the fast evaluator in front of it when the expression is in its subset
// (fast-evaluator.ts). Validation asks it for environments to type-check against; the
// engine and the optimizer ask it for evaluators, so all three see the same variables.
import type { Environment } from '@marcbachmann/cel-js';
import type { BundleChannel } from '../bundle/index.js';
import { activeSegmentLookup, createEnvironment, typedVariables, type EnvironmentShape, type ExpressionKind } from './environment.js';
import { buildFastEvaluator, withFastPath, type AstNode, type CelEvaluator, type FastOptions } from './fast-evaluator.js';
import { findPatternProblems } from './re2-matches.js';

/** A compiled CEL expression: call it with the evaluation context. */
export type Evaluator = (context: Record<string, unknown>) => unknown;

/** The typed shape of `profile` and `session` for an expression of a channel and audience level. */
export type ShapeResolver = (channel: string | undefined, level: string | undefined) => EnvironmentShape;

/** An expression that does not compile, named by where it is written. */
export class ExpressionCompileError extends Error {
  constructor(
    /** Where the expression is, e.g. `strategy 'web-core' rule 'hv-gold' eligibility`. */
    readonly place: string,
    readonly reason: string,
  ) {
    super(`${place}: ${reason}`);
    this.name = 'ExpressionCompileError';
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

const memberKinds: ReadonlySet<ExpressionKind> = new Set<ExpressionKind>(['segment', 'eligibility', 'scoreExpression', 'offerAttribute']);

export class ExpressionCompiler {
  private readonly environments = new Map<string, Environment>();
  private readonly shapes = new Map<string, EnvironmentShape>();
  private readonly fastOptions = new Map<string, Omit<FastOptions, 'constant'>>();
  private readonly compiled = new Map<string, Evaluator>();

  constructor(private readonly resolveShape: ShapeResolver) {}

  /** The shape expressions of this channel and level are typed against (cached). */
  shape(channel?: string, level?: string): EnvironmentShape {
    const key = `${channel ?? ''}\0${level ?? ''}`;
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = this.resolveShape(channel, level);
      this.shapes.set(key, shape);
    }
    return shape;
  }

  /** The CEL environment of an expression kind on a channel and level (built once). */
  environment(kind: ExpressionKind, channel?: string, level?: string): Environment {
    const key = `${kind}\0${channel ?? ''}\0${level ?? ''}`;
    let env = this.environments.get(key);
    if (!env) {
      env = createEnvironment(kind, this.shape(channel, level));
      this.environments.set(key, env);
    }
    return env;
  }

  /** Compiles `source` once per environment; throws ExpressionCompileError naming `place`. */
  compile(kind: ExpressionKind, source: string, place: string, channel?: string, level?: string): Evaluator {
    const envKey = `${kind}\0${channel ?? ''}\0${level ?? ''}`;
    const key = `${envKey}\0${source}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    if (typeof source !== 'string') throw new ExpressionCompileError(place, 'expression is not a string');
    const env = this.environment(kind, channel, level);
    let evaluator: Evaluator;
    try {
      evaluator = env.parse(source);
    } catch (error) {
      throw new ExpressionCompileError(place, `expression does not compile: ${firstLine(error)}`);
    }
    // matches() runs on RE2 (re2-matches.ts): a pattern RE2 refuses never reaches a decision.
    const badPattern = findPatternProblems((evaluator as unknown as { ast?: unknown }).ast)[0];
    if (badPattern) throw new ExpressionCompileError(place, `expression does not compile: ${badPattern.message}`);
    evaluator = this.withFastPath(kind, envKey, env, source, evaluator, channel, level);
    this.compiled.set(key, evaluator);
    return evaluator;
  }

  /** The expression in front of its fast evaluator when it is in the subset (fast-evaluator.ts): same results and errors, less time. */
  private withFastPath(kind: ExpressionKind, envKey: string, env: Environment, source: string, evaluator: Evaluator, channel?: string, level?: string): Evaluator {
    let options = this.fastOptions.get(envKey);
    if (!options) {
      const member = memberKinds.has(kind);
      options = { variables: typedVariables(kind, this.shape(channel, level)), dynamicMaps: kind === 'contactWhere' ? ['contact'] : [], hasNow: member, hasInSegment: member, segmentLookup: activeSegmentLookup };
      this.fastOptions.set(envKey, options);
    }
    const cel = evaluator as CelEvaluator;
    const constant = (node: AstNode): unknown => {
      if (typeof node.start !== 'number' || typeof node.end !== 'number' || node.end <= node.start || node.end > source.length) throw new Error('no source range');
      return (env.parse(source.slice(node.start, node.end)) as unknown as CelEvaluator)({});
    };
    // Offer-only parts (fast-evaluator.ts) are compiled from their source range in the same environment.
    const offerPart = (node: AstNode): CelEvaluator => {
      if (typeof node.start !== 'number' || typeof node.end !== 'number' || node.end <= node.start || node.end > source.length) throw new Error('no source range');
      return env.parse(source.slice(node.start, node.end));
    };
    const fast = buildFastEvaluator(cel.ast, { ...options, constant, ...(options.variables['offer'] !== undefined ? { offerPart } : {}) });
    return fast === null ? evaluator : withFastPath(cel, fast);
  }
}

/** Shapes from a bundle's channels: a level's attributes and id field, the channel's session attributes. */
export function bundleShapes(channels: readonly BundleChannel[]): ShapeResolver {
  const byName = new Map(channels.map((c) => [c.name, c]));
  return (channelName, levelName) => {
    const channel = channelName === undefined ? undefined : byName.get(channelName);
    if (!channel) return {};
    const level = channel.audienceLevels.find((l) => l.name === levelName) ?? channel.audienceLevels[0];
    return {
      profile: level ? { idField: level.idField, attributes: level.attributes } : undefined,
      session: channel.sessionAttributes,
    };
  };
}

/** Does the compiled expression read the identifier `offer` anywhere? (A false "yes" only costs time.) */
export function readsOffer(evaluator: Evaluator): boolean {
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(visit);
    if (typeof node !== 'object' || node === null) return false;
    const n = node as { op?: unknown; args?: unknown };
    if (n.op === 'id') return n.args === 'offer';
    return visit(n.args);
  };
  const ast = (evaluator as unknown as { ast?: unknown }).ast;
  return ast === undefined ? true : visit(ast);
}
