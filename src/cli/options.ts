// Reading a flag's value from commander's parsed options: `--name <value>` gives a
// string, absent flags nothing. One helper, so every command reads text flags alike.
import { UserError } from '../errors.js';

/** The text of a `--flag <value>` option, or undefined when it was not given. */
export function optionText(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A pull request number flag (--pr): a positive whole number. */
export function pullRequestNumber(value: unknown, flag = '--pr'): number {
  const text = (typeof value === 'string' ? value : '').trim();
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new UserError(`${flag} must be a pull request number (a positive whole number), got '${text}'`);
  return Number(text);
}
