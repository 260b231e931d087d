// Behaviour tests on small hand-written configs: the engine tests' channel and offers,
// a strategy, and DecisionTest documents, read and validated by the real loader.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Bundle } from '../../src/bundle/types.js';
import { compileLoaded } from '../../src/compile/compile-directory.js';
import { loadConfigDirectory } from '../../src/config/load.js';
import type { Problem } from '../../src/config/problem.js';
import { collectTestCases } from '../../src/decision-tests/index.js';
import type { TestCase } from '../../src/decision-tests/types.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { channelYaml, offersYaml } from '../engine/engine-fixture.js';

export interface LoadedTests {
  bundle: Bundle | null;
  engine: Engine | null;
  cases: TestCase[];
  problems: Problem[];
}

/** A repository (a `.git` folder marks its root) with config/ holding the base config plus `files`. */
export async function repositoryWith(files: Record<string, string>, options: { base?: boolean } = {}): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'offerops-tests-'));
  await mkdir(path.join(root, '.git'));
  await mkdir(path.join(root, 'config', 'tests'), { recursive: true });
  if (options.base !== false) {
    await writeFile(path.join(root, 'config', 'channel.yaml'), channelYaml);
    await writeFile(path.join(root, 'config', 'offers.yaml'), offersYaml);
  }
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, 'config', name)), { recursive: true });
    await writeFile(path.join(root, 'config', name), text);
  }
  return root;
}

export async function loadTests(files: Record<string, string>, options: { base?: boolean } = {}): Promise<LoadedTests> {
  const root = await repositoryWith(files, options);
  try {
    const compiled = compileLoaded(await loadConfigDirectory('config', { root }));
    return { bundle: compiled.bundle, engine: compiled.bundle ? createEngine(compiled.bundle) : null, cases: collectTestCases(compiled.model), problems: compiled.problems };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A DecisionTest document on channel web; `cases` is YAML for the list items, indented by 4. */
export function decisionTest(name: string, cases: string, spec = 'channel: web\n  at: 2026-05-01'): string {
  return `apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: ${name} }\nspec:\n  ${spec}\n  cases:\n${cases}`;
}
