// The history contacts' packages (docs/optimization-semantics.md#the-ten-rules, max packages):
// a contact read without a package has the default one, named from its customer, channel
// and date as the engine names it; the model keeps only ids and names it when asked.
import { isoDay } from '../days.js';
import { defaultPackage } from '../engine/index.js';
import type { Model } from './model-types.js';

/** The package of history contact `h`, as the engine names it. */
export function historyPackage(model: Pick<Model, 'history' | 'customerIds'>, h: number): string {
  const history = model.history;
  const id = history.pkg[h]!;
  if (id !== -1) return history.packageNames[id]!;
  return defaultPackage(model.customerIds[history.customer[h]!]!, history.channelNames[history.channel[h]!]!, isoDay(history.day[h]!));
}
