// Rule-set offer attributes (docs/decisions.md#offer-attributes): the attributes a decision
// returns with an offer — the offer's own, with those the rule that gave the offer sets
// evaluated for this member. Only the chosen offers' attributes are evaluated, once each,
// so a config without rule attributes pays nothing but handing the offer's own object on.
import type { CompiledOffer, CompiledRule } from './compiled-types.js';
import { reportExpressionError, type DecisionState } from './decision-state.js';

export type OfferAttributeValue = string | number | boolean;

const FALLBACK = "the offer's own value is returned";

/** A CEL result as the JSON value of an attribute whose own value is `like`; throws when it is not of that type. */
function attributeValue(result: unknown, like: OfferValueLike): OfferAttributeValue {
  let value = result;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`gave ${value}, beyond the integers JSON carries exactly`);
    value = Number(value);
  }
  if (typeof value !== typeof like) throw new Error(`gave ${describe(value)}, not ${typeof like === 'boolean' ? 'a bool' : `a ${typeof like}`} like the offer's own value`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`gave ${value}, not a finite number`);
  return value as OfferAttributeValue;
}

type OfferValueLike = OfferAttributeValue;

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value instanceof Date) return 'a timestamp';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    // A map is a plain object (or a Map); any other object is named by its class: cel-js's durations are 'a duration'.
    return value instanceof Map || prototype === Object.prototype || prototype === null ? 'a map' : `a ${value.constructor.name.toLowerCase()}`;
  }
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : typeof value;
}

export interface ResolvedAttributes {
  attributes: Record<string, OfferAttributeValue>;
  /** For the explanation: the attributes whose expression failed, with why (their own value was returned). */
  failures: string[] | null;
}

/**
 * The attributes of `offer` as given by `rule` in this decision. A failing expression
 * (missing attribute, wrong type) keeps the offer's own value and is reported once per
 * decision in `errors`, like every run-time failure.
 */
export function resolveAttributes(state: DecisionState, rule: CompiledRule, offer: CompiledOffer): ResolvedAttributes {
  const own = offer.attributes;
  if (rule.attributes === null) return { attributes: own, failures: null };
  const attributes: Record<string, OfferAttributeValue> = { ...own };
  let failures: string[] | null = null;
  const previous = state.cel.offer;
  state.cel.offer = offer.cel;
  try {
    for (const attribute of rule.attributes) {
      if (!Object.hasOwn(own, attribute.name)) continue; // the validator refuses it; a hand-made bundle gets the offer as it is
      try {
        attributes[attribute.name] = attributeValue(attribute.evaluate(state.cel), own[attribute.name]!);
      } catch (error) {
        const message = reportExpressionError(state, attribute.place, error, FALLBACK);
        (failures ??= []).push(`attributes.${attribute.name} of rule '${rule.name}' could not be evaluated (${message}); the offer's own ${JSON.stringify(own[attribute.name])} is returned`);
      }
    }
  } finally {
    state.cel.offer = previous;
  }
  return { attributes, failures };
}
