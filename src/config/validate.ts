// The validator (docs/validation.md): envelope, schema per kind, then every cross-document rule.
// All problems are collected (never the first only); only programming errors throw.
import { API_VERSION, configKinds, isConfigKind, type ConfigKind } from './kinds.js';
import type { LoadedConfig } from './load.js';
import { emptyModel, modelKey, type ConfigDocument, type ConfigModel } from './model.js';
import { didYouMean, makeProblem, sortProblems, type Problem } from './problem.js';
import { RuleContext, type ExpressionFacts, type Rule } from './rule-context.js';
import { checkSchema, pruneToSchema } from './schema-check.js';
import { locate, type LoadedDocument } from './source.js';
import { attributeRules } from './rules/attributes.js';
import { dateRules } from './rules/dates.js';
import { decisionTestRules } from './rules/decision-tests.js';
import { expressionRules } from './rules/expressions.js';
import { listPickRules } from './rules/list-pick.js';
import { nameRules } from './rules/names.js';
import { rangeRules } from './rules/ranges.js';
import { reachabilityRules } from './rules/reachability.js';
import { referenceRules } from './rules/references.js';
import { ruleAttributeRules } from './rules/rule-attributes.js';
import { segmentRules } from './rules/segments.js';
import { sessionRuleChecks } from './rules/session-rules.js';
import { suppressionRules } from './rules/suppression.js';

/** In order: segment cycles need the dependencies the expression rule collects. */
const rules: Rule[] = [...attributeRules, ...nameRules, ...referenceRules, ...expressionRules, ...segmentRules, ...dateRules, ...rangeRules, ...reachabilityRules, ...suppressionRules, ...sessionRuleChecks, ...listPickRules, ...ruleAttributeRules, ...decisionTestRules];

export interface ValidationResult {
  problems: Problem[];
  /** The documents that passed the structural checks, grouped by kind. */
  model: ConfigModel;
  facts: ExpressionFacts;
}

function checkEnvelope(document: LoadedDocument): Problem | null {
  const value = document.value as Record<string, unknown>;
  const file = document.source.file;
  if (value['apiVersion'] !== API_VERSION) {
    const got = value['apiVersion'];
    const message =
      got === undefined ? `missing apiVersion: every document starts with 'apiVersion: ${API_VERSION}'` : `unsupported apiVersion ${JSON.stringify(got)}; this offerops reads '${API_VERSION}'`;
    return makeProblem('envelope', 'error', message, file, locate(document, got === undefined ? [] : ['apiVersion']), '/apiVersion');
  }
  const kind = value['kind'];
  if (kind === 'Environment') {
    return makeProblem('envelope', 'error', 'Environment documents belong in environments/<name>.yaml, not in the config directory', file, locate(document, ['kind']), '/kind');
  }
  if (!isConfigKind(kind)) {
    const message =
      kind === undefined
        ? `missing kind: one of ${configKinds.join(', ')}`
        : `unknown kind ${JSON.stringify(kind)}; expected one of ${configKinds.join(', ')}${didYouMean(typeof kind === 'string' ? kind : JSON.stringify(kind), configKinds)}`;
    return makeProblem('envelope', 'error', message, file, locate(document, kind === undefined ? [] : ['kind']), '/kind');
  }
  return null;
}

/** Validates loaded documents: structure per document, then the cross-document rules. */
export function validateConfig(loaded: LoadedConfig): ValidationResult {
  const problems: Problem[] = [...loaded.problems];
  const model = emptyModel();
  const invalid: { kind: ConfigKind; name: string }[] = [];
  for (const document of loaded.documents) {
    const envelope = checkEnvelope(document);
    if (envelope) {
      problems.push(envelope);
      continue;
    }
    const value = document.value as { kind: (typeof configKinds)[number]; metadata: ConfigDocument['metadata']; spec: unknown };
    const schemaProblems = checkSchema(document, value.kind);
    let usable: typeof value | null = value;
    if (schemaProblems.length > 0) {
      problems.push(...schemaProblems);
      usable = pruneToSchema(value, value.kind) as typeof value | null;
      if (!usable) {
        if (typeof value.metadata?.name === 'string') invalid.push({ kind: value.kind, name: value.metadata.name });
        continue;
      }
    }
    (model[modelKey[value.kind]] as ConfigDocument[]).push({ kind: usable.kind, metadata: usable.metadata, spec: usable.spec, source: document } as ConfigDocument);
  }
  const context = new RuleContext(model);
  for (const { kind, name } of invalid) {
    const names = context.invalidNames.get(kind) ?? new Set<string>();
    names.add(name);
    context.invalidNames.set(kind, names);
  }
  for (const rule of rules) rule(context);
  problems.push(...context.problems);
  return { problems: sortProblems(problems), model, facts: context.facts };
}
