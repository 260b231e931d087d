// maxPackages (docs/optimization-semantics.md#the-ten-rules): per customer (in the segment), the distinct packages among its
// contacts (channel filter applies; every offer) in each window are at most `max`. A
// package counts in a window when any of its contacts — chosen or in history — falls in
// it, so a row whose package history already counts there adds nothing to that window
// — unless history alone is over max there, which leaves no room for any contact.
import type { BundlePolicyRule } from '../../bundle/index.js';
import { addPackageCap, type CustomerDraft } from '../customer-model.js';
import { historyPackage } from '../history-contacts.js';
import type { Model } from '../model-types.js';
import { forEachCustomerWindow } from '../windows.js';
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

// A mark per package id, reused by every customer: a window's packages are those marked
// with its number (no Set per window). Cleared for each customer, whose windows are few.
let marks = new Int32Array(64);
let lastMark = 0;

/** The marks of a customer's `ids` package ids, all cleared. */
function packageMarks(ids: number): Int32Array {
  if (marks.length < ids) marks = new Int32Array(2 * ids);
  else marks.fill(0, 0, ids);
  lastMark = 0;
  return marks;
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
    const histDay: number[] = [];
    const histPkg: number[] = [];
    history.forEach((h, j) => {
      if (!build.historyInScope(h, null, rule, false)) return;
      histDay.push(model.history.day[h]!);
      histPkg.push(historyPkg[j]!);
    });
    const days = locals.map((l) => model.absDay[customerModel.rows[l]!]!);
    const period = rule.periodDays;
    const pkgOf = customerModel.pkgOf;
    const marks = packageMarks(pkgOf.length + history.length); // every package id of the customer
    const seen = new Set<string>();
    forEachCustomerWindow(days, histDay, period, (s, e, lo, hi) => {
      // History packages in the window, then the distinct packages of the rows that count.
      const inHistory = ++lastMark;
      const counted = ++lastMark;
      let historyPackages = 0;
      if (period !== null)
        for (let j = 0; j < histDay.length; j++)
          if (histDay[j]! >= s && histDay[j]! <= e && marks[histPkg[j]!] !== inHistory) {
            marks[histPkg[j]!] = inHistory;
            historyPackages++;
          }
      let distinct = 0;
      for (let j = lo; j <= hi; j++) {
        const pkg = pkgOf[locals[j]!]!;
        if (marks[pkg] === inHistory) continue;
        if (marks[pkg] !== counted) {
          marks[pkg] = counted;
          distinct++;
        }
      }
      const room = rule.max - historyPackages;
      if (room < 0) {
        // History alone is over max: any chosen contact here would be in a broken window.
        for (let j = lo; j <= hi; j++) context.forbidLocal(locals[j]!, index);
        return;
      }
      if (room === 0) {
        // History at max: only contacts joining a package already in the window fit.
        for (let j = lo; j <= hi; j++) if (marks[pkgOf[locals[j]!]!] !== inHistory) context.forbidLocal(locals[j]!, index);
        return;
      }
      if (distinct <= room) return;
      const rows: number[] = [];
      for (let j = lo; j <= hi; j++) if (marks[pkgOf[locals[j]!]!] !== inHistory) rows.push(locals[j]!);
      const key = `${rows.join(',')}/${room}`;
      if (seen.has(key)) return;
      seen.add(key);
      addPackageCap(customerModel, index, rows, room);
    });
  },
};
