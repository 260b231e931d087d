// The profile and session fields a channel declares (docs/runtime-api.md#post-v1sessions--start-a-session):
// decisions ignore undeclared fields, and a session keeps none of them, so a client
// cannot grow a session with junk however many events it sends.
import type { Bundle } from '../bundle/index.js';

export interface DeclaredFields {
  profile: ReadonlySet<string>;
  session: ReadonlySet<string>;
}

const cache = new WeakMap<Bundle, Map<string, DeclaredFields>>();

/** The profile fields (the level's attributes and id field) and session attributes a channel declares. */
export function declaredFields(bundle: Bundle, channelName: string, levelName: string | undefined): DeclaredFields {
  let byKey = cache.get(bundle);
  if (!byKey) {
    byKey = new Map();
    cache.set(bundle, byKey);
  }
  const key = `${channelName}\0${levelName ?? ''}`;
  let fields = byKey.get(key);
  if (!fields) {
    const channel = bundle.body.channels.find((c) => c.name === channelName);
    const level = channel?.audienceLevels.find((l) => l.name === levelName) ?? channel?.audienceLevels[0];
    fields = {
      profile: new Set(level ? [...Object.keys(level.attributes), level.idField] : []),
      session: new Set(Object.keys(channel?.sessionAttributes ?? {})),
    };
    byKey.set(key, fields);
  }
  return fields;
}

export function keepDeclared(values: Record<string, unknown>, declared: ReadonlySet<string>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (declared.has(key)) kept[key] = values[key];
  return kept;
}
