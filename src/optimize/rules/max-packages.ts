// maxPackages (docs/optimization-semantics.md#the-ten-rules): per customer (in the segment), the distinct packages among its
// contacts (channel filter applies; every offer) in each window are at most `max`. A
// package counts in a window when any of its contacts — chosen or in history — falls in
// it, so a row whose package history already counts there adds nothing to that window
// — unless history alone is over max there, which leaves no room for any contact.
import type { BundlePolicyRule } from '../../bundle/index.js';
import { addPackageCap } from '../customer-model.js';
import { historyPackage } from '../history-contacts.js';
import { rowPackage } from '../proposed-columns.js';
import type { RuleHandler } from './rule-handler.js';

type MaxPackages = Extract<BundlePolicyRule, { type: 'maxPackages' }>;

export const maxPackagesHandler: RuleHandler<MaxPackages> = {
  customer: (rule, index, context) => {
    const { build, customerModel, history } = context;
    if (!build.inSegment(rule.segment, customerModel.customer)) return;
    const { model } = build;
    // Package ids per customer: proposed packages first, then history-only ones.
    const ids = new Map<string, number>();
    customerModel.rows.forEach((row, local) => {
      const name = rowPackage(model.table, row);
      let id = ids.get(name);
      if (id === undefined) ids.set(name, (id = ids.size));
      customerModel.pkgOf[local] = id;
    });
    const locals: number[] = [];
    customerModel.rows.forEach((row, local) => {
      if (build.rowInScope(row, null, rule, false)) locals.push(local);
    });
    if (locals.length === 0) return;
    const hist = history
      .filter((h) => build.historyInScope(h, null, rule, false))
      .map((h) => {
        const name = historyPackage(model, h);
        let id = ids.get(name);
        if (id === undefined) ids.set(name, (id = ids.size));
        return { day: model.history.day[h]!, pkg: id };
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
