// The expression stage's public face (docs/config-language.md#types-and-expressions): the CEL
// environment each kind of expression sees, type-checking, compiled expressions with
// their one cache, and the conversion of plain JSON values to what CEL expects.
export { checkExpression, type ExpressionCheck, type ExpressionRange } from './check.js';
export { findEnumLiteralProblems, type EnumLiteralProblem } from './enum-literals.js';
export {
  activeSegmentLookup,
  celTypeOf,
  convertAttribute,
  createEnvironment,
  expectedResultType,
  fromCel,
  offerSchema,
  toCelOffer,
  toCelRecord,
  toCelTimestamp,
  typedVariables,
  swapSegmentLookup,
  withSegmentLookup,
  type ConversionError,
  type EnvironmentShape,
  type ExpressionKind,
  type PlainValue,
  type ProfileShape,
} from './environment.js';
export { bundleShapes, ExpressionCompileError, ExpressionCompiler, readsOffer, type Evaluator, type ShapeResolver } from './expression-compiler.js';
