// Counts in words, for every message that says how many of something there are ("1 day",
// "3 days", "2 strategies"): one spelling of the plural for the engine's reasons, the
// validator's findings, the reports and the CLI.

/** `1 offer`, `12 offers`; `pluralWord` for a word that does not just take an s (`strategy`, `strategies`). */
export function plural(n: number, singular: string, pluralWord = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralWord}`;
}
