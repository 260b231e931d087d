// Reading a flag's value from commander's parsed options: `--name <value>` gives a
// string, absent flags nothing. One helper, so every command reads text flags alike.

/** The text of a `--flag <value>` option, or undefined when it was not given. */
export function optionText(options: Record<string, unknown>, key: string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
