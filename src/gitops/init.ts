// `offerops init DIR` (docs/gitops.md#init): a new config repository that validates,
// compiles, releases and deploys out of the box — a tiny organisation in config/,
// staging and production in environments/ (deploying to folders inside the repository,
// so nothing outside it is needed), the validate workflow, and a package.json depending
// on offerops — committed as the first commit of a new git repository on main.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { gitEnvironment, gitIn } from './scm/local.js';

/** The template, shipped with the package (npm never ships a file named .gitignore, so it is `gitignore` there). */
export const templateDirectory = fileURLToPath(new URL('../../templates/init/', import.meta.url));

export interface InitResult {
  directory: string;
  files: string[];
  commit: string;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), relative)));
    else out.push(relative);
  }
  return out;
}

/** A package name from the folder's name (lowercase, npm's allowed characters). */
function packageName(directory: string): string {
  const name = path.basename(directory).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name || 'offer-decisioning-config';
}

export async function initRepository(directory: string, options: { offeropsVersion: string; env: Record<string, string | undefined> }): Promise<InitResult> {
  if (existsSync(directory)) {
    const entries = await readdir(directory).catch(() => null);
    if (entries === null) throw new UserError(`${directory} exists and is not a directory`);
    if (entries.length > 0) throw new UserError(`${directory} is not empty: offerops init creates a new repository in a new or empty folder`);
  }
  try {
    await mkdir(directory, { recursive: true });
    await cp(templateDirectory, directory, { recursive: true });
    await rename(path.join(directory, 'gitignore'), path.join(directory, '.gitignore'));
    const manifest = {
      name: packageName(directory),
      private: true,
      version: '0.0.0',
      description: 'Offer decisioning config, deployed with offerops',
      type: 'module',
      scripts: { validate: 'offerops validate', compile: 'offerops compile --out build/bundle.json', verify: 'offerops verify', status: 'offerops status' },
      dependencies: { offerops: `^${options.offeropsVersion}` },
    };
    await writeFile(path.join(directory, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  } catch (error) {
    throw new UserError(`cannot write the new repository in ${directory}: ${(error as Error).message}`);
  }
  const env = gitEnvironment(options.env);
  const git = gitIn(directory, env);
  try {
    await git.raw(['init', '--quiet', '--initial-branch=main']);
    const hasName = (await git.raw(['config', '--get', 'user.name']).catch(() => '')).trim() !== '' || env['GIT_AUTHOR_NAME'];
    const hasMail = (await git.raw(['config', '--get', 'user.email']).catch(() => '')).trim() !== '' || env['GIT_AUTHOR_EMAIL'];
    if (!hasName) Object.assign(env, { GIT_AUTHOR_NAME: 'offerops', GIT_COMMITTER_NAME: 'offerops' });
    if (!hasMail) Object.assign(env, { GIT_AUTHOR_EMAIL: 'offerops@localhost', GIT_COMMITTER_EMAIL: 'offerops@localhost' });
    const committer = gitIn(directory, env);
    await committer.raw(['add', '--all']);
    await committer.raw(['commit', '--quiet', '--no-verify', '-m', 'chore: offerops init\n\nconfig/, environments/ (staging, production), the validate workflow and package.json.']);
    const commit = (await committer.raw(['rev-parse', 'HEAD'])).trim();
    return { directory, files: await listFiles(directory).then((files) => files.filter((f) => !f.startsWith('.git/'))), commit };
  } catch (error) {
    throw new UserError(`the files are written, but git could not make the first commit in ${directory}: ${(error as Error).message}`, 3);
  }
}
