// Environment files for tests, parsed as the commands parse them.
import { parseEnvironmentFiles, type Environment } from '../../src/gitops/environment.js';

export function environmentFiles(files: Record<string, string>) {
  return parseEnvironmentFiles(Object.entries(files).map(([name, text]) => ({ file: `environments/${name}.yaml`, bytes: Buffer.from(text) })));
}

/** One valid environment from its spec lines (YAML, two-space indented under spec:). */
export function environment(name: string, spec: string, others: Record<string, string> = {}): Environment {
  const set = environmentFiles({ [name]: `apiVersion: offerops/v1\nkind: Environment\nmetadata: { name: ${name} }\nspec:\n${spec}\n`, ...others });
  const found = set.environments.get(name);
  if (!found) throw new Error(`environment ${name} is not valid: ${JSON.stringify(set.problems, null, 1)}`);
  return found;
}

export const digestA = 'sha256:' + 'a'.repeat(64);
export const digestB = 'sha256:' + 'b'.repeat(64);
