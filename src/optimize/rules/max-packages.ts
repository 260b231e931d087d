// maxPackages (docs/optimization-semantics.md#the-ten-rules): per customer (in the segment), the distinct packages among its
// contacts (channel filter applies; every offer) in each window are at most `max`. A
// package counts in a window when any of its contacts — chosen or in history — falls in
// it, so a row whose package history already counts there adds nothing to that window
// — unless history alone is over max there, which leaves no room for any contact.
import type { BundlePolicyRule } from '../../bundle/index.js';
import { addPackageCap, type CustomerDraft } from '../customer-model.js';
import { historyPackage } from '../history-contacts.js';
import type { Model } from '../model-types.js';
import { rowPackage } from '../proposed-columns.js';
import type { RuleHandler } from './rule-handler.js';

type MaxPackages = Extract<BundlePolicyRule, { type: 'maxPackages' }>;

/**
 * Numbers the customer's packages (proposed ones first, then history-only ones, in order
 * of first appearance): `pkgOf` of every row, and the id of each history contact. A
 * contact without a package has the default one, named from customer, channel and date:
 * it is keyed by channel and day instead of its name, unless a named package of the
 * customer could be such a name (then every package is keyed by its name).
 */
function numberPackages(model: Model, draft: CustomerDraft, history: number[]): number[] {
  const { table } = model;
  const hist = model.history;
  const prefix = model.customerIds[draft.customer]! + '|';
  let byName = false;
  for (const row of draft.rows) {
    const id = table.pkg[row]!;
    if (id !== -1 && table.packageNames[id]!.startsWith(prefix)) byName = true;
  }
  for (const h of history) {
    const id = hist.pkg[h]!;
    if (id !== -1 && hist.packageNames[id]!.startsWith(prefix)) byName = true;
  }
  const ids = new Map<string | number, number>();
  const idOf = (key: string | number): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  // Channel ids are the model's (proposed rows and history share them); days of years 0
  // to 9999 (what dates can be) are 3.7 million apart at most, under 2^22.
  const defaultKey = (channel: number, day: number): number => channel * 4_194_304 + (day + 719_528);
  for (let local = 0; local < draft.rows.length; local++) {
    const row = draft.rows[local]!;
    const id = table.pkg[row]!;
    draft.pkgOf[local] = idOf(byName ? rowPackage(table, row) : id !== -1 ? table.packageNames[id]! : defaultKey(model.channel[row]!, model.absDay[row]!));
  }
  return history.map((h) => {
    const id = hist.pkg[h]!;
    return idOf(byName ? historyPackage(model, h) : id !== -1 ? hist.packageNames[id]! : defaultKey(hist.channel[h]!, hist.day[h]!));
  });
}

export const maxPackagesHandler: RuleHandler<MaxPackages> = {
  customer: (rule, index, context) => {
    const { build, customerModel, history } = context;
    if (!build.inSegment(rule.segment, customerModel.customer)) return;
    const { model } = build;
    const historyPkg = numberPackages(model, customerModel, history);
    const locals: number[] = [];
    customerModel.rows.forEach((row, local) => {
      if (build.rowInScope(row, null, rule, false)) locals.push(local);
    });
    if (locals.length === 0) return;
    const hist: { day: number; pkg: number }[] = [];
    history.forEach((h, j) => {
      if (build.historyInScope(h, null, rule, false)) hist.push({ day: model.history.day[h]!, pkg: historyPkg[j]! });
    });
    const days = locals.map((l) => model.absDay[customerModel.rows[l]!]!);
    const period = rule.periodDays;
    const starts: number[] = [];
    if (period === null) starts.push(days[0]!);
    else {
      for (const u of days) starts.push(u - period + 1, u + 1);
      for (const h of hist) starts.push(h.day - period + 1, h.day + 1);
      starts.sort((a, b) => a - b);
    }
    const first = period === null ? -Infinity : days[0]! - period + 1;
    const last = days[days.length - 1]!;
    const seen = new Set<string>();
    let previous = NaN;
    for (const raw of starts) {
      const s = Math.max(raw, first);
      if (s > last || s === previous) continue;
      previous = s;
      const e = period === null ? Infinity : s + period - 1;
      const inWindow = period === null ? locals : locals.filter((_, j) => days[j]! >= s && days[j]! <= e);
      if (inWindow.length === 0) continue;
      const historyPackages = new Set<number>();
      if (period !== null) for (const h of hist) if (h.day >= s && h.day <= e) historyPackages.add(h.pkg);
      const counting = inWindow.filter((l) => !historyPackages.has(customerModel.pkgOf[l]!));
      const room = rule.max - historyPackages.size;
      if (room < 0) {
        // History alone is over max: any chosen contact here would be in a broken window.
        for (const l of inWindow) context.forbidLocal(l, index);
        continue;
      }
      if (room === 0) {
        // History at max: only contacts joining a package already in the window fit.
        for (const l of counting) context.forbidLocal(l, index);
        continue;
      }
      const distinct = new Set(counting.map((l) => customerModel.pkgOf[l]!));
      if (distinct.size <= room) continue;
      const key = `${counting.join(',')}/${room}`;
      if (seen.has(key)) continue;
      seen.add(key);
      addPackageCap(customerModel, index, counting, room);
    }
  },
};
