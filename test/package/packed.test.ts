// The package as a user gets it (README.md#using-offerops-as-a-library): `npm pack` the
// repository, unpack the tarball as node_modules/offerops of a fresh project (its
// dependencies linked from ours: no network), copy the example config in, then
// type-check the README's TypeScript example against the packed type declarations and
// run it with node. Only the package's `exports` are reachable from there.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshDist } from '../server/fresh-dist.js';

const root = path.resolve(import.meta.dirname, '../..');
let project: string;

/** The TypeScript block of the README's library section. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Using offerops as a library\n')[1]?.split('\n## ')[0];
  const block = section === undefined ? undefined : /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```ts block under "## Using offerops as a library"');
  return block;
}

beforeAll(async () => {
  ensureFreshDist();
  project = await mkdtemp(path.join(tmpdir(), 'offerops-packed-'));
  // The scripts are not run: dist/ is fresh (ensureFreshDist), and `prepare` would rebuild it.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], { cwd: root, encoding: 'utf8' })) as { filename: string }[];
  const tarball = path.join(project, packed[0]!.filename);
  const modules = path.join(project, 'node_modules');
  await mkdir(path.join(modules, 'offerops'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', path.join(modules, 'offerops'), '--strip-components=1']);
  // Every package our node_modules holds (the offerops dependencies among them), linked.
  for (const name of await readdir(path.join(root, 'node_modules'))) {
    if (name.startsWith('.') || name === 'offerops') continue;
    await symlink(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  await cp(path.join(root, 'config'), path.join(project, 'config'), { recursive: true });
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-offerops', private: true, type: 'module' }));
  await writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], skipLibCheck: false, outDir: 'out', rootDir: '.' }, include: ['example.ts'] }),
  );
  await writeFile(path.join(project, 'example.ts'), await readmeExample());
}, 240_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built faces and the schemas, and no sources or tests', async () => {
    const files = execFileSync('tar', ['-tzf', path.join(project, (await readdir(project)).find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' }).split('\n');
    for (const face of ['index', 'engine/index', 'optimize/index', 'server/index', 'io/index', 'compile/index', 'bundle/index', 'config/index']) {
      expect(files).toContain(`package/dist/${face}.js`);
      expect(files).toContain(`package/dist/${face}.d.ts`);
    }
    expect(files).toContain('package/schema/v1/offer.schema.json');
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  // tsc over the packed declarations takes tens of seconds of CPU; a loaded machine stretches that past the default minute.
  it('type-checks the README example against the packed declarations, and runs it', { timeout: 240_000 }, () => {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    // A type error fails here with tsc's output.
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
    const output = execFileSync(process.execPath, [path.join(project, 'out/example.js')], { cwd: project, encoding: 'utf8' });
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^decide: [a-z0-9-]+ \(rule [a-z0-9-]+\)/);
    expect(lines[1]).toMatch(/^optimize: [1-3] of 3 chosen, objective \d+/);
    // The server decides as the engine does: the same offers for the same member and day.
    expect(lines[2]!.replace('serve: ', '')).toBe(lines[0]!.replace('decide: ', '').replace(/ \(rule [a-z0-9-]+\)/g, ''));
  });

  it('reaches only what `exports` offers', async () => {
    await writeFile(path.join(project, 'internal.mjs'), "await import('offerops/dist/engine/engine.js');\n");
    expect(() => execFileSync(process.execPath, [path.join(project, 'internal.mjs')], { cwd: project, stdio: 'pipe' })).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});
