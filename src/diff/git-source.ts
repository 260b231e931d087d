// Reads the config tree at a git ref into memory, for `offerops diff --base REF`: the
// files under the config directory as they are in that commit, read with `git ls-tree`
// and `git show` of their blobs through simple-git. The work tree and the index are never
// touched, so a diff runs safely in a checkout with uncommitted changes.
import { simpleGit, type SimpleGit } from 'simple-git';
import { isConfigFilePath } from '../config/index.js';
import { UserError } from '../errors.js';

export interface ConfigAtRef {
  /** The ref as the user gave it. */
  ref: string;
  /** The commit it names (40 hex digits). */
  commit: string;
  /** Path relative to the repository root (`/`-separated) → the file's bytes at the commit. */
  files: Map<string, Uint8Array>;
}

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
  path: string;
}

/** Blobs per `git show`: keeps the command line short on any system. */
const BLOBS_PER_COMMAND = 200;

function gitFailed(what: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message.trim().split('\n')[0]! : String(error);
  return new UserError(`git failed while ${what}: ${message}`, 3);
}

/** The commit a ref names, or a UserError (exit 2) saying the ref is not one. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  const git = simpleGit({ baseDir: root });
  if (!(await git.checkIsRepo().catch(() => false))) throw new UserError(`'${ref}' cannot be read as a git ref: ${root} is not in a git repository`);
  // A ref that starts with '-' would be read as an option: refuse it rather than pass it on.
  if (ref.startsWith('-') || ref.trim() === '') throw new UserError(`'${ref}' is not a git ref`);
  const out = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '');
  const commit = out.trim();
  if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new UserError(`'${ref}' is not a commit of the repository at ${root}`);
  return commit;
}

function parseTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const tab = record.indexOf('\t');
    const [mode, type, object, size] = record.slice(0, tab).trim().split(/\s+/);
    entries.push({ mode: mode!, type: type!, object: object!, size: size === '-' ? -1 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

async function readBlobs(git: SimpleGit, entries: TreeEntry[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let start = 0; start < entries.length; start += BLOBS_PER_COMMAND) {
    const chunk = entries.slice(start, start + BLOBS_PER_COMMAND);
    // `git show` of several blobs prints their bytes back to back; the sizes from ls-tree
    // split them. A mismatch (never expected) falls back to one blob per command.
    const buffer = await git.showBuffer(['--no-textconv', ...chunk.map((e) => e.object)]).catch((error: unknown) => {
      throw gitFailed('reading config files', error);
    });
    const expected = chunk.reduce((sum, e) => sum + e.size, 0);
    if (buffer.length === expected) {
      let offset = 0;
      for (const entry of chunk) {
        out.push(buffer.subarray(offset, offset + entry.size));
        offset += entry.size;
      }
      continue;
    }
    for (const entry of chunk) {
      const blob = (await git.binaryCatFile(['blob', entry.object]).catch((error: unknown): never => {
        throw gitFailed(`reading ${entry.path}`, error);
      })) as Buffer;
      out.push(blob);
    }
  }
  return out;
}

/**
 * The config files under `configPath` (relative to the repository root) at `ref`.
 * Symbolic links and submodules are skipped, as the directory loader skips them.
 */
export async function readConfigAtRef(root: string, ref: string, configPath: string): Promise<ConfigAtRef> {
  const commit = await resolveCommit(root, ref);
  const git = simpleGit({ baseDir: root });
  const prefix = configPath === '.' || configPath === '' ? '' : `${configPath.replace(/\/+$/, '')}/`;
  const listing = await git.raw(['ls-tree', '-r', '-l', '-z', '--full-tree', commit, '--', prefix === '' ? '.' : prefix]).catch((error: unknown) => {
    throw gitFailed(`listing ${prefix || 'the tree'} at ${ref}`, error);
  });
  const entries = parseTree(listing).filter(
    (e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755') && e.path.startsWith(prefix) && isConfigFilePath(e.path.slice(prefix.length)),
  );
  if (entries.length === 0) {
    throw new UserError(`there is no config at ${ref} (commit ${commit.slice(0, 12)}): no .yaml file under ${prefix || 'the repository root'}`);
  }
  const blobs = await readBlobs(git, entries);
  const files = new Map<string, Uint8Array>();
  entries.forEach((entry, i) => files.set(entry.path, blobs[i]!));
  return { ref, commit, files };
}
