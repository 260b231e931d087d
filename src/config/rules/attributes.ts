// Attribute declarations (docs/config-language.md#types-and-expressions): an `enum` lists the only values an attribute (or, for
// a list, each item) may hold, so its values must be of the declared type, and it only
// makes sense for string, int and double values. The schema cannot tie the two together
// with a useful message; this rule reports each offending value where it is written.
import type { AttributeDeclaration } from '../types.generated.js';
import type { ConfigDocument } from '../model.js';
import type { Rule, RuleContext } from '../rule-context.js';
import type { PathSegment } from '../source.js';

const enumTypes = new Set(['string', 'int', 'double']);

function fits(type: string, value: string | number): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'int') return typeof value === 'number' && Number.isSafeInteger(value);
  return typeof value === 'number';
}

function checkDeclarations(context: RuleContext, channel: ConfigDocument<'Channel'>, attributes: Record<string, AttributeDeclaration> | undefined, path: PathSegment[]): void {
  for (const [name, declaration] of Object.entries(attributes ?? {})) {
    if (!declaration.enum) continue;
    const valueType = declaration.type === 'list' ? (declaration.items ?? 'string') : declaration.type;
    if (declaration.type === 'map') {
      context.error(channel, [...path, name, 'enum'], 'schema', `enum is for string, int and double values; map attribute '${name}' holds a value per key and takes no enum`, { key: true });
      continue;
    }
    const what = declaration.type === 'list' ? `the items of list attribute '${name}'` : `attribute '${name}'`;
    if (!enumTypes.has(valueType)) {
      context.error(channel, [...path, name, 'enum'], 'schema', `enum is for string, int and double values; ${what} ${declaration.type === 'list' ? 'are' : 'is'} ${valueType}`, { key: true });
      continue;
    }
    declaration.enum.forEach((value, i) => {
      if (!fits(valueType, value)) {
        context.error(channel, [...path, name, 'enum', i], 'schema', `enum value ${JSON.stringify(value)} is not ${valueType === 'int' ? 'an int' : `a ${valueType}`}, the type of ${what}`);
      }
    });
  }
}

const enumsFitTheirType: Rule = (context) => {
  for (const channel of context.model.channels) {
    channel.spec.audienceLevels.forEach((level, i) => checkDeclarations(context, channel, level.attributes, ['spec', 'audienceLevels', i, 'attributes']));
    checkDeclarations(context, channel, channel.spec.sessionAttributes, ['spec', 'sessionAttributes']);
  }
};

export const attributeRules: Rule[] = [enumsFitTheirType];
