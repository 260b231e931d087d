// The package version, read once from package.json.
import { readFile } from 'node:fs/promises';

let version: Promise<string> | null = null;

export function packageVersion(): Promise<string> {
  version ??= readFile(new URL('../../package.json', import.meta.url), 'utf8').then((text) => (JSON.parse(text) as { version: string }).version);
  return version;
}
