// `npm run mutate -- <folder or file>` (README.md#mutation-testing): which code a run
// mutates, which tests it runs, where it keeps its results, and how it refuses a target
// it does not cover. The Stryker and vitest configs read the same target.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allFolders, MutateTargetError, mutateFolders, mutateTarget, targetVariable } from '../../scripts/mutate-targets.mjs';

const repo = path.resolve(import.meta.dirname, '../..');

describe('mutate targets', () => {
  it('mutates a whole folder, index.ts aside, with the tests paired with it, into its own report folder', () => {
    expect(mutateTarget('src/optimize/rules', repo)).toEqual({
      folder: 'src/optimize/rules',
      mutate: ['src/optimize/rules/**/*.ts', '!src/optimize/rules/**/index.ts'],
      tests: ['test/optimize/**/*.test.ts', 'test/engine/customer-rules-cross-check.test.ts'],
      exclude: [
        'test/optimize/at-scale.test.ts',
        'test/optimize/optimizer-cli-check-fails.test.ts',
        'test/optimize/properties.test.ts',
        'test/optimize/optimizer-cli.test.ts',
        'test/optimize/oracles.test.ts',
        'test/optimize/shadow-prices.test.ts',
      ],
      reportDirectory: 'reports/mutation/optimize-rules',
      incrementalFile: 'reports/mutation/optimize-rules/incremental.json',
    });
  });

  it('mutates one file with the tests of its folder, and keeps its results apart from the folder run', () => {
    const target = mutateTarget('./src/config/rules/names.ts', repo)!;
    expect(target.mutate).toEqual(['src/config/rules/names.ts']);
    expect(target.tests).toEqual(['test/config/**/*.test.ts', 'test/decision-tests/validation.test.ts']);
    expect(target.incrementalFile).toBe('reports/mutation/config-rules-names/incremental.json');
    expect(target.incrementalFile).not.toBe(mutateTarget('src/config/rules', repo)!.incrementalFile);
  });

  it('reads a folder written with a trailing slash or backslashes as the folder', () => {
    expect(mutateTarget('src/bundle/', repo)).toEqual(mutateTarget('src/bundle', repo));
    expect(mutateTarget('src\\bundle', repo)).toEqual(mutateTarget('src/bundle', repo));
  });

  it('means every folder when no target is given', () => {
    expect(mutateTarget(undefined, repo)).toBeNull();
    expect(mutateTarget('  ', repo)).toBeNull();
    expect(allFolders.mutate).toEqual(['src/bundle/**/*.ts', 'src/config/rules/**/*.ts', 'src/optimize/rules/**/*.ts', 'src/engine/**/*.ts', '!src/**/index.ts']);
  });

  it.each([
    ['src/cli', "'src/cli' is not under a folder mutation testing covers (src/bundle, src/config/rules, src/optimize/rules, src/engine)"],
    ['src/optimize', "'src/optimize' is not under a folder mutation testing covers"],
    ['src/optimize/rulesx', "'src/optimize/rulesx' is not under a folder mutation testing covers"],
    ['src/engine/nope.ts', "'src/engine/nope.ts' does not exist"],
  ])('refuses %s, saying why', (argument, message) => {
    expect(() => mutateTarget(argument, repo)).toThrow(MutateTargetError);
    expect(() => mutateTarget(argument, repo)).toThrow(message);
  });

  describe('in a folder of its own', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'offerops-mutate-'));
    afterAll(() => rmSync(base, { recursive: true, force: true }));
    mkdirSync(path.join(base, 'src/engine/sub'), { recursive: true });
    writeFileSync(path.join(base, 'src/engine/notes.md'), '# not code\n');

    it('mutates a folder inside a covered one with the covered folder tests', () => {
      const target = mutateTarget('src/engine/sub', base)!;
      expect(target.mutate).toEqual(['src/engine/sub/**/*.ts', '!src/engine/sub/**/index.ts']);
      expect(target.tests).toEqual(['test/engine/**/*.test.ts']);
      expect(target.reportDirectory).toBe('reports/mutation/engine-sub');
    });

    it('refuses a file that is not TypeScript', () => {
      expect(() => mutateTarget('src/engine/notes.md', base)).toThrow("'src/engine/notes.md' is not a TypeScript file");
    });
  });

  it.each(mutateFolders.map((f) => [f.folder, f]))('%s: vitest finds test files for each pattern paired with it, none it excludes, none mocking a module', (folder, entry) => {
    // The list vitest itself makes from vitest.mutate.config.ts for this target.
    const listed = spawnSync(process.execPath, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'list', '--filesOnly', '--json', '--config', 'vitest.mutate.config.ts'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, [targetVariable]: folder },
    });
    expect(listed.status, listed.stderr).toBe(0);
    const files = (JSON.parse(listed.stdout) as { file: string }[]).map((f) => path.relative(repo, f.file).replaceAll(path.sep, '/'));
    for (const pattern of entry.tests) {
      const prefix = pattern.replace(/\*\*\/\*\.test\.ts$/, '');
      expect(files.filter((f) => f === pattern || (prefix !== pattern && f.startsWith(prefix))).length, pattern).toBeGreaterThan(0);
    }
    for (const excluded of entry.exclude) {
      expect(existsSync(path.join(repo, excluded)), `${excluded} exists`).toBe(true);
      expect(files).not.toContain(excluded);
    }
    // A mutant's test files share their modules (vitest.mutate.config.ts): a module mocked
    // by one file would be the real one in a file loaded before it.
    expect(files.filter((f) => /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(path.join(repo, f), 'utf8')))).toEqual([]);
  });

  it('runs the test files of one mutant sharing their modules, as the mutate config says', async () => {
    const config = await configWith<{ test: { isolate?: boolean } }>('vitest.mutate.config.ts', 'src/engine');
    expect(config.test.isolate).toBe(false);
  });
});

/** A config module loaded afresh with OFFEROPS_MUTATE_TARGET set to `target` (unset when undefined). */
async function configWith<T>(file: string, target: string | undefined): Promise<T> {
  const saved = process.env[targetVariable];
  if (target === undefined) delete process.env[targetVariable];
  else process.env[targetVariable] = target;
  try {
    const module = (await import(`${pathToFileURL(path.join(repo, file)).href}?target=${encodeURIComponent(target ?? '')}`)) as { default: T };
    return module.default;
  } finally {
    if (saved === undefined) delete process.env[targetVariable];
    else process.env[targetVariable] = saved;
  }
}

describe('the configs read the target from the environment', () => {
  it('Stryker mutates the target and keeps its incremental file and reports in its folder', async () => {
    const options = await configWith<Record<string, unknown>>('stryker.config.mjs', 'src/config/rules/list-pick.ts');
    expect(options).toMatchObject({
      mutate: ['src/config/rules/list-pick.ts'],
      incremental: true,
      incrementalFile: 'reports/mutation/config-rules-list-pick/incremental.json',
      jsonReporter: { fileName: 'reports/mutation/config-rules-list-pick/mutation.json' },
      htmlReporter: { fileName: 'reports/mutation/config-rules-list-pick/mutation.html' },
      vitest: { configFile: 'vitest.mutate.config.ts', related: false },
    });
  });

  it('Stryker without a target mutates every folder with every paired test, as `npx stryker run` always did', async () => {
    const options = await configWith<Record<string, unknown>>('stryker.config.mjs', undefined);
    expect(options).toMatchObject({ mutate: allFolders.mutate, incrementalFile: 'reports/stryker-incremental.json', jsonReporter: { fileName: 'reports/mutation/mutation.json' } });
    const config = await configWith<{ test: { include: string[] } }>('vitest.mutate.config.ts', undefined);
    expect(config.test.include).toEqual(allFolders.tests);
  });

  it('vitest runs the tests paired with the target folder', async () => {
    const config = await configWith<{ test: { include: string[]; exclude: string[] } }>('vitest.mutate.config.ts', 'src/optimize/rules/sequence.ts');
    const folder = mutateTarget('src/optimize/rules', repo)!;
    expect(config.test).toMatchObject({ include: folder.tests, exclude: folder.exclude });
  });

  it('npm run mutate refuses an unknown target with exit 2 and the folders it covers, before starting Stryker', () => {
    const result = spawnSync(process.execPath, ['scripts/mutate.mjs', 'src/server', '--concurrency', '1'], { cwd: repo, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("mutate: 'src/server' is not under a folder mutation testing covers");
    expect(result.stderr).toContain('  src/optimize/rules\n');
    // Stryker logs every step with INFO: none means it never started.
    expect(result.stdout + result.stderr).not.toContain('INFO');
  });
});
