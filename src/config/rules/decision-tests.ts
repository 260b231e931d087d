// Behaviour tests (DecisionTest documents, docs/behaviour-tests.md): every name a case
// uses must exist (channel, audience level, interaction point, offers, treatment rules),
// every input must fit what the channel declares (profile and session attributes and
// their types, the member's id, the decision day, history rows as a history file would
// hold them), and the expectations must be able to hold together. A test that could
// never pass, or that passes for a reason its author did not write, is reported here,
// before anything runs.
import { convertAttribute } from '../../expr/index.js';
import { historyRowFromFields } from '../../io/index.js';
import type { AttributeDeclaration } from '../../bundle/index.js';
import { historyRecordOf, testAudienceId, testCaseInputs } from '../decision-test-inputs.js';
import { declaredAttributes, type AttributeValues, type ConfigDocument, type DecisionTestCaseSpec, type TreatmentRuleSpec } from '../model.js';
import { didYouMean, toPointer } from '../problem.js';
import type { Rule, RuleContext } from '../rule-context.js';
import type { PathSegment } from '../source.js';
import type * as Generated from '../types.generated.js';
import { plural } from '../../words.js';

type TestDocument = ConfigDocument<'DecisionTest'>;
type ChannelDocument = ConfigDocument<'Channel'>;

interface PointInfo {
  name: string;
  channel: ChannelDocument;
  zone: string;
  maxOffers: number | undefined;
  defaultString: string | undefined;
}

interface TreatmentRuleInfo {
  rule: TreatmentRuleSpec;
  strategy: string;
}

/** Names the cases may use, indexed once per validation. */
interface TestIndex {
  pointsByName: Map<string, PointInfo[]>;
  /** Channel → treatment rule name → its first definition (duplicates are reported elsewhere). */
  rulesByChannel: Map<string, Map<string, TreatmentRuleInfo>>;
}

const indexes = new WeakMap<RuleContext, TestIndex>();

function testIndex(context: RuleContext): TestIndex {
  let index = indexes.get(context);
  if (index) return index;
  const pointsByName = new Map<string, PointInfo[]>();
  for (const channel of context.channels.values()) {
    for (const zone of channel.spec.zones) {
      for (const point of zone.interactionPoints) {
        const info: PointInfo = { name: point.name, channel, zone: zone.name, maxOffers: point.maxOffers, defaultString: point.defaultString };
        pointsByName.set(point.name, [...(pointsByName.get(point.name) ?? []), info]);
      }
    }
  }
  const rulesByChannel = new Map<string, Map<string, TreatmentRuleInfo>>();
  for (const strategy of [...context.model.strategies].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const rules = rulesByChannel.get(strategy.spec.channel) ?? new Map<string, TreatmentRuleInfo>();
    rulesByChannel.set(strategy.spec.channel, rules);
    strategy.spec.rules.forEach((rule) => {
      if (!rules.has(rule.name)) rules.set(rule.name, { rule, strategy: strategy.metadata.name });
    });
  }
  index = { pointsByName, rulesByChannel };
  indexes.set(context, index);
  return index;
}

/** Where a case decides: its channel, point and audience level, as far as they resolve. */
interface CaseScope {
  channel: ChannelDocument | undefined;
  point: PointInfo | undefined;
  level: Generated.AudienceLevel | undefined;
}

/** Each rule asks for a case's scope; it is resolved once per validation. */
const scopes = new WeakMap<RuleContext, WeakMap<DecisionTestCaseSpec, CaseScope>>();

function caseScope(context: RuleContext, test: TestDocument, testCase: DecisionTestCaseSpec): CaseScope {
  let known = scopes.get(context);
  if (known === undefined) {
    known = new WeakMap();
    scopes.set(context, known);
  }
  let scope = known.get(testCase);
  if (scope === undefined) {
    scope = resolveScope(context, test, testCase);
    known.set(testCase, scope);
  }
  return scope;
}

function resolveScope(context: RuleContext, test: TestDocument, testCase: DecisionTestCaseSpec): CaseScope {
  const named = test.spec.channel;
  let point: PointInfo | undefined;
  let channel: ChannelDocument | undefined;
  if (named !== undefined) {
    channel = context.channels.get(named);
    point = channel ? testIndex(context).pointsByName.get(testCase.point)?.find((p) => p.channel === channel) : undefined;
  } else {
    const found = testIndex(context).pointsByName.get(testCase.point) ?? [];
    if (found.length === 1) point = found[0];
    channel = point?.channel;
  }
  const levels = channel?.spec.audienceLevels ?? [];
  const level = test.spec.audienceLevel === undefined ? levels[0] : levels.find((l) => l.name === test.spec.audienceLevel);
  return { channel, point, level };
}

const casePath = (i: number, ...rest: PathSegment[]): PathSegment[] => ['spec', 'cases', i, ...rest];

/** Every offer an expectation names, with where it is written. */
function expectedOffers(expect: Generated.Expectations): { name: string; path: PathSegment[]; key?: boolean }[] {
  const out: { name: string; path: PathSegment[]; key?: boolean }[] = [];
  for (const field of ['offers', 'includes', 'excludes'] as const) (expect[field] ?? []).forEach((name, j) => out.push({ name, path: ['expect', field, j] }));
  if (expect.first !== undefined) out.push({ name: expect.first, path: ['expect', 'first'] });
  for (const name of Object.keys(expect.rules ?? {})) out.push({ name, path: ['expect', 'rules', name], key: true });
  for (const name of Object.keys(expect.attributes ?? {})) out.push({ name, path: ['expect', 'attributes', name], key: true });
  return out;
}

const testReferencesExist: Rule = (context) => {
  const index = testIndex(context);
  for (const test of context.model.decisionTests) {
    const named = test.spec.channel;
    const channelKnown = named === undefined || context.channels.has(named);
    if (!channelKnown && !context.isInvalid('Channel', named)) {
      context.error(test, ['spec', 'channel'], 'unknown-reference', `channel '${named}' is not defined${didYouMean(named, context.channels.keys())}`);
    }
    const levelsReported = new Set<string>();
    test.spec.cases.forEach((testCase, i) => {
      const scope = caseScope(context, test, testCase);
      if (channelKnown && scope.point === undefined) {
        const found = index.pointsByName.get(testCase.point) ?? [];
        if (named !== undefined) {
          const points = context.channels.get(named)!.spec.zones.flatMap((z) => z.interactionPoints.map((p) => p.name));
          context.error(test, casePath(i, 'point'), 'unknown-reference', `interaction point '${testCase.point}' is not defined on channel '${named}'${didYouMean(testCase.point, points)}`);
        } else if (found.length === 0) {
          context.error(test, casePath(i, 'point'), 'unknown-reference', `interaction point '${testCase.point}' is not defined on any channel${didYouMean(testCase.point, index.pointsByName.keys())}`);
        } else {
          const channels = found.map((p) => `'${p.channel.metadata.name}'`).join(', ');
          context.error(test, casePath(i, 'point'), 'test-input', `interaction point '${testCase.point}' is on channels ${channels}: name the channel with spec.channel`);
        }
      }
      if (scope.channel !== undefined && test.spec.audienceLevel !== undefined && scope.level === undefined && !levelsReported.has(scope.channel.metadata.name)) {
        levelsReported.add(scope.channel.metadata.name);
        const levels = scope.channel.spec.audienceLevels.map((l) => l.name);
        context.error(test, ['spec', 'audienceLevel'], 'unknown-reference', `audience level '${test.spec.audienceLevel}' is not declared on channel '${scope.channel.metadata.name}'${didYouMean(test.spec.audienceLevel, levels)}`);
      }
      for (const offer of expectedOffers(testCase.expect)) {
        if (!context.offers.has(offer.name) && !context.isInvalid('Offer', offer.name)) {
          context.error(test, casePath(i, ...offer.path), 'unknown-reference', `offer '${offer.name}' is not defined${didYouMean(offer.name, context.offers.keys())}`, { key: offer.key ?? false });
        }
      }
      for (const offer of Object.keys(testCase.givenEarlier ?? {})) {
        if (!context.offers.has(offer) && !context.isInvalid('Offer', offer)) {
          context.error(test, casePath(i, 'givenEarlier', offer), 'unknown-reference', `offer '${offer}' is not defined${didYouMean(offer, context.offers.keys())}`, { key: true });
        }
      }
      for (const field of ['accepted', 'rejected'] as const) {
        (testCase.sessionActivity?.[field] ?? []).forEach((offer, j) => {
          if (!context.offers.has(offer) && !context.isInvalid('Offer', offer)) {
            context.error(test, casePath(i, 'sessionActivity', field, j), 'unknown-reference', `offer '${offer}' is not defined${didYouMean(offer, context.offers.keys())}`);
          }
        });
      }
      (testCase.history ?? []).forEach((row, j) => {
        if (!context.offers.has(row.offer) && !context.isInvalid('Offer', row.offer)) {
          context.error(test, casePath(i, 'history', j, 'offer'), 'unknown-reference', `offer '${row.offer}' is not defined${didYouMean(row.offer, context.offers.keys())}`);
        }
      });
      if (scope.channel === undefined) return;
      const channelName = scope.channel.metadata.name;
      const rules = index.rulesByChannel.get(channelName) ?? new Map<string, TreatmentRuleInfo>();
      const checkRule = (name: string, path: PathSegment[]): void => {
        if (!rules.has(name)) context.error(test, casePath(i, ...path), 'unknown-reference', `treatment rule '${name}' is not defined on channel '${channelName}'${didYouMean(name, rules.keys())}`);
      };
      (testCase.expect.controlGroups ?? []).forEach((name, j) => checkRule(name, ['expect', 'controlGroups', j]));
      const points = new Set(scope.channel.spec.zones.flatMap((z) => z.interactionPoints.map((p) => p.name)));
      for (const [offer, point] of Object.entries(testCase.givenEarlier ?? {})) {
        if (!points.has(point)) context.error(test, casePath(i, 'givenEarlier', offer), 'unknown-reference', `interaction point '${point}' is not defined on channel '${channelName}'${didYouMean(point, points)}`);
      }
      for (const [offer, rule] of Object.entries(testCase.expect.rules ?? {})) checkRule(rule, ['expect', 'rules', offer]);
    });
  }
};

/** Reports each (place, message) once: a test's base profile is checked against every channel its cases use. */
class ReportOnce {
  private readonly seen = new Set<string>();
  constructor(private readonly context: RuleContext) {}
  error(test: TestDocument, path: PathSegment[], message: string, options: { key?: boolean } = {}): void {
    const key = `${toPointer(path)}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.context.error(test, path, 'test-input', message, options);
  }
}

function checkValues(report: ReportOnce, test: TestDocument, path: PathSegment[], what: 'profile' | 'session', values: AttributeValues | undefined, declared: Record<string, AttributeDeclaration>, owner: string, idField?: string): void {
  for (const [name, value] of Object.entries(values ?? {})) {
    const declaration = declared[name];
    if (declaration === undefined) {
      if (name === idField) {
        if (typeof value !== 'string' && typeof value !== 'number') report.error(test, [...path, name], `${what}.${name} is the member's id: a string or a number, got ${JSON.stringify(value)}`);
        continue;
      }
      const candidates = idField === undefined ? Object.keys(declared) : [...Object.keys(declared), idField];
      report.error(test, [...path, name], `${what} attribute '${name}' is not declared on ${owner}: a decision would ignore it${didYouMean(name, candidates)}`, { key: true });
      continue;
    }
    const converted = convertAttribute(declaration, value);
    if (!converted.ok) report.error(test, [...path, name], `${what}.${name} must be ${converted.expected}, got ${JSON.stringify(value)}`);
  }
}

/** A channel's declared attributes in the form the engine converts with, built once per validation. */
const declarations = new WeakMap<Generated.AudienceLevel, { profile: Record<string, AttributeDeclaration>; session: Record<string, AttributeDeclaration> }>();

function declarationsOf(channel: ChannelDocument, level: Generated.AudienceLevel): { profile: Record<string, AttributeDeclaration>; session: Record<string, AttributeDeclaration> } {
  let found = declarations.get(level);
  if (found === undefined) {
    found = { profile: declaredAttributes(level.attributes), session: declaredAttributes(channel.spec.sessionAttributes) };
    declarations.set(level, found);
  }
  return found;
}

const testInputsFitTheirDeclarations: Rule = (context) => {
  for (const test of context.model.decisionTests) {
    const report = new ReportOnce(context);
    // The test's base profile and session, checked once per audience level its cases use.
    const basesChecked = new Set<Generated.AudienceLevel>();
    test.spec.cases.forEach((testCase, i) => {
      const inputs = testCaseInputs(test.spec, testCase);
      if (inputs.at === undefined) context.error(test, casePath(i), 'test-input', `case '${testCase.name}' has no decision day: give 'at' on the case or on the test's spec`);
      const { channel, level } = caseScope(context, test, testCase);
      if (channel === undefined || level === undefined) return;
      const channelName = channel.metadata.name;
      const declared = declarationsOf(channel, level);
      const levelName = `audience level '${level.name}' of channel '${channelName}'`;
      if (!basesChecked.has(level)) {
        basesChecked.add(level);
        checkValues(report, test, ['spec', 'profile'], 'profile', test.spec.profile, declared.profile, levelName, level.idField);
        checkValues(report, test, ['spec', 'session'], 'session', test.spec.session, declared.session, `channel '${channelName}'`);
      }
      checkValues(report, test, casePath(i, 'profile'), 'profile', testCase.profile, declared.profile, levelName, level.idField);
      checkValues(report, test, casePath(i, 'session'), 'session', testCase.session, declared.session, `channel '${channelName}'`);
      const audienceId = testAudienceId(testCase.audienceId, inputs.profile, level.idField);
      if (audienceId === undefined) {
        context.error(test, casePath(i), 'test-input', `case '${testCase.name}' has no member id: give audienceId, or ${level.idField} in the profile`);
      }
      (testCase.history ?? []).forEach((row, j) => {
        const rowPath = casePath(i, 'history', j);
        const converted = historyRowFromFields(historyRecordOf(row, audienceId, channelName));
        if ('problem' in converted) {
          context.error(test, converted.problem.field === null ? rowPath : [...rowPath, converted.problem.field], 'test-input', `history row: ${converted.problem.reason}`);
          return;
        }
        const { row: historyRow } = converted;
        if (audienceId !== undefined && historyRow.customerId !== audienceId) {
          context.warning(test, [...rowPath, 'customerId'], 'test-input', `history row of member '${historyRow.customerId}', not of the case's member '${audienceId}': a decision ignores it`);
        } else if (inputs.at !== undefined && historyRow.date > inputs.at) {
          context.warning(test, [...rowPath, 'date'], 'test-input', `history row dated ${historyRow.date}, after the decision day ${inputs.at}: a decision never reads it`);
        }
      });
    });
  }
};

/** The offers a rule can give, when that is known before compiling (an offer, or a static list). */
function offersOfRule(context: RuleContext, rule: TreatmentRuleSpec): string[] | undefined {
  if (rule.offer !== undefined) return [rule.offer];
  if (rule.offerList !== undefined) return context.offerLists.get(rule.offerList)?.spec.offers;
  return undefined;
}

const testExpectationsCanHold: Rule = (context) => {
  const index = testIndex(context);
  for (const test of context.model.decisionTests) {
    const names = new Map<string, number>();
    test.spec.cases.forEach((testCase, i) => {
      const earlier = names.get(testCase.name);
      if (earlier !== undefined) context.error(test, casePath(i, 'name'), 'duplicate-name', `case '${testCase.name}' is already named in this test (case ${earlier + 1}); case names are unique in a test`);
      else names.set(testCase.name, i);

      const expect = testCase.expect;
      const at = (...path: PathSegment[]): PathSegment[] => casePath(i, 'expect', ...path);
      const contradiction = (path: PathSegment[], message: string): void => context.error(test, at(...path), 'test-expectation', message);
      const excluded = new Set(expect.excludes ?? []);
      (expect.includes ?? []).forEach((offer, j) => {
        if (excluded.has(offer)) contradiction(['includes', j], `offer '${offer}' is both included and excluded`);
      });
      if (expect.first !== undefined && excluded.has(expect.first)) contradiction(['first'], `the first offer '${expect.first}' is also excluded`);
      for (const offer of Object.keys(expect.rules ?? {})) if (excluded.has(offer)) contradiction(['rules', offer], `offer '${offer}' is expected from a rule and also excluded`);
      if (expect.offers !== undefined) {
        const offers = expect.offers;
        if (expect.count !== undefined && expect.count !== offers.length) contradiction(['count'], `count ${expect.count} contradicts offers, which lists ${offers.length}`);
        if (expect.first !== undefined && expect.first !== offers[0]) contradiction(['first'], `first '${expect.first}' contradicts offers, which starts with ${offers[0] === undefined ? 'no offer' : `'${offers[0]}'`}`);
        (expect.includes ?? []).forEach((offer, j) => {
          if (!offers.includes(offer)) contradiction(['includes', j], `offer '${offer}' is included but not among the exact offers expected`);
        });
        offers.forEach((offer, j) => {
          if (excluded.has(offer)) contradiction(['offers', j], `offer '${offer}' is expected and also excluded`);
        });
        for (const offer of Object.keys(expect.rules ?? {})) {
          if (!offers.includes(offer)) contradiction(['rules', offer], `offer '${offer}' is expected from a rule but is not among the exact offers expected`);
        }
      }
      const returnsSome = (expect.offers?.length ?? 0) > 0 || (expect.count ?? 0) > 0 || expect.includes !== undefined || expect.first !== undefined || expect.rules !== undefined;
      if (expect.defaultString !== undefined && returnsSome) contradiction(['defaultString'], 'a default string is answered only when no offer is returned, but this case also expects offers');

      const { channel, point } = caseScope(context, test, testCase);
      if (point === undefined || channel === undefined) return;
      // What the point can return at most: its maxOffers, and the count the case asks for.
      const asked = testCase.count ?? point.maxOffers ?? 1;
      const most = point.maxOffers === undefined ? asked : Math.min(asked, point.maxOffers);
      const why = point.maxOffers !== undefined && point.maxOffers <= asked ? `point '${point.name}' returns at most ${point.maxOffers}` : `the case asks for ${asked}`;
      const wanted: [PathSegment[], number][] = [
        [['count'], expect.count ?? 0],
        [['offers'], expect.offers?.length ?? 0],
        [['includes'], expect.includes?.length ?? 0],
        [['rules'], Object.keys(expect.rules ?? {}).length],
      ];
      for (const [path, n] of wanted) if (n > most) contradiction(path, `expects ${plural(n, 'offer')}, but ${why}`);
      if (expect.defaultString !== undefined && point.defaultString === undefined) {
        contradiction(['defaultString'], `interaction point '${point.name}' has no defaultString: a decision without offers answers with none`);
      }
      const rules = index.rulesByChannel.get(channel.metadata.name);
      const reachesPoint = (rule: TreatmentRuleSpec): boolean => rule.zone === undefined || rule.zone === point.zone;
      (expect.controlGroups ?? []).forEach((name, j) => {
        const info = rules?.get(name);
        if (info === undefined) return; // reported as unknown
        if ((info.rule.controlGroup?.percent ?? 0) === 0) contradiction(['controlGroups', j], `treatment rule '${name}' has no control group: it never holds a member out`);
        else if (!reachesPoint(info.rule)) contradiction(['controlGroups', j], `treatment rule '${name}' is for zone '${info.rule.zone}', not '${point.zone}' where '${point.name}' is`);
      });
      for (const [offer, name] of Object.entries(expect.rules ?? {})) {
        const info = rules?.get(name);
        if (info === undefined) continue; // reported as unknown
        if (!reachesPoint(info.rule)) {
          contradiction(['rules', offer], `treatment rule '${name}' is for zone '${info.rule.zone}', not '${point.zone}' where '${point.name}' is`);
          continue;
        }
        const offers = offersOfRule(context, info.rule);
        // An offer that is not defined at all is reported as unknown, once.
        if (offers !== undefined && !offers.includes(offer) && context.offers.has(offer)) {
          contradiction(['rules', offer], `treatment rule '${name}' never gives '${offer}' (it gives ${info.rule.offer !== undefined ? `'${info.rule.offer}'` : `the offers of list '${info.rule.offerList}'`})`);
        }
      }
    });
  }
};

export const decisionTestRules: Rule[] = [testReferencesExist, testInputsFitTheirDeclarations, testExpectationsCanHold];
