// Git through simple-git, for the GitOps commands: reading files at refs, making commits
// without touching the work tree or the index (a temporary index file, like the forges'
// tree APIs), pushing under a lease, fast-forwarding the checked-out branch, and the
// records branch. `LocalScm` is the Scm of a repository without a forge: a pull request
// is a file holding its body.
//
// Commands run with a small, explicit environment (PATH, HOME, identity): the caller's
// variables are never passed wholesale, so nothing in them changes what git does.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { UserError } from '../../errors.js';
import { formatRecord, parseRecord, recordPath, RECORDS_BRANCH, RECORDS_DIR, type GitopsRecord } from '../records.js';
import type { CommitRequest, PullRequest, PullRequestDraft, PushRequest, PushResult, Scm } from './scm.js';

export const DEFAULT_REMOTE = 'origin';

// What git needs to find its config and reach a remote (an ssh agent, a proxy), and an identity.
const PASSED_VARIABLES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TMPDIR', 'XDG_CONFIG_HOME',
  'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL',
];
/** The GIT_* variables offerops itself sets (simple-git refuses every other one). */
const ALLOWED_GIT_VARIABLES = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_TERMINAL_PROMPT', 'GIT_INDEX_FILE'];

/** A simple-git instance in `baseDir` running with exactly `env`. */
export function gitIn(baseDir: string, env: Record<string, string>): SimpleGit {
  return simpleGit({ baseDir, allowEnvironment: ALLOWED_GIT_VARIABLES }).env(env);
}

export function gitEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) if (env[name] !== undefined) out[name] = env[name]!;
  out['PATH'] ??= '/usr/local/bin:/usr/bin:/bin';
  out['GIT_TERMINAL_PROMPT'] = '0';
  return out;
}

function gitMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

/**
 * A refused push's answer, most telling line first: the remote's own error ("cannot lock
 * ref …"), then each refused ref as "dst: [rejected] (stale info)" from the porcelain
 * lines, then the rest; the "To <remote>" and "Done" framing is left out.
 */
function pushMessage(raw: string): string {
  const remoteErrors: string[] = [];
  const refused: string[] = [];
  const rest: string[] = [];
  for (const line of raw.split('\n')) {
    const text = line.trim();
    if (text === '' || text === 'Done' || text === 'remote:' || line.startsWith('To ')) continue;
    const status = /^([!=*+ -])\t([^\t]*)\t(.*)$/.exec(line);
    if (status) refused.push(`${status[2]!.split(':').pop()}: ${status[3]}`);
    else if (text.startsWith('remote: error:')) remoteErrors.push(text.slice('remote: '.length));
    else rest.push(text);
  }
  return [...remoteErrors, ...refused, ...rest].join('\n');
}

export class LocalGit {
  private constructor(
    readonly root: string,
    private readonly env: Record<string, string>,
    private readonly git: SimpleGit,
  ) {}

  /** The repository holding `cwd`; a usage error when there is none. */
  static async open(cwd: string, env: Record<string, string | undefined>): Promise<LocalGit> {
    const gitEnv = gitEnvironment(env);
    if (!existsSync(cwd)) throw new UserError(`${cwd}: no such directory`);
    const probe = gitIn(cwd, gitEnv);
    let root: string;
    try {
      root = (await probe.raw(['rev-parse', '--show-toplevel'])).trim();
    } catch (error) {
      throw new UserError(`${cwd} is not in a git repository (${gitMessage(error).split('\n')[0]}); GitOps commands work in the config repository (offerops init DIR creates one)`);
    }
    const git = gitIn(root, gitEnv);
    const named = (await git.raw(['config', '--get', 'user.name']).catch(() => '')).trim();
    const mail = (await git.raw(['config', '--get', 'user.email']).catch(() => '')).trim();
    // Commits need an identity; CI runners often have none configured.
    if (!named && !gitEnv['GIT_AUTHOR_NAME']) Object.assign(gitEnv, { GIT_AUTHOR_NAME: 'offerops', GIT_COMMITTER_NAME: 'offerops' });
    if (!mail && !gitEnv['GIT_AUTHOR_EMAIL']) Object.assign(gitEnv, { GIT_AUTHOR_EMAIL: 'offerops@localhost', GIT_COMMITTER_EMAIL: 'offerops@localhost' });
    return new LocalGit(root, gitEnv, gitIn(root, gitEnv));
  }

  raw(args: string[]): Promise<string> {
    return this.git.raw(args);
  }

  /** The command's output, or null when git fails. */
  async tryRaw(args: string[]): Promise<string | null> {
    try {
      return await this.git.raw(args);
    } catch {
      return null;
    }
  }

  /** `user.name <user.email>` (what commits carry). */
  async identity(): Promise<string> {
    const name = (await this.tryRaw(['config', '--get', 'user.name']))?.trim() || this.env['GIT_AUTHOR_NAME'] || 'offerops';
    const email = (await this.tryRaw(['config', '--get', 'user.email']))?.trim() || this.env['GIT_AUTHOR_EMAIL'] || 'offerops@localhost';
    return `${name} <${email}>`;
  }

  async hasRemote(remote: string): Promise<boolean> {
    const remotes = (await this.tryRaw(['remote'])) ?? '';
    return remotes.split('\n').map((r) => r.trim()).includes(remote);
  }

  /** Fetches every branch of `remote` (remote-tracking refs pruned); exit 3 when it fails. */
  async fetch(remote: string): Promise<void> {
    try {
      await this.git.raw(['fetch', '--quiet', '--prune', '--no-tags', remote, `+refs/heads/*:refs/remotes/${remote}/*`]);
    } catch (error) {
      throw new UserError(`git fetch ${remote} failed: ${gitMessage(error)}`, 3);
    }
  }

  async resolve(ref: string): Promise<string | null> {
    const out = (await this.tryRaw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))?.trim();
    return out ? out : null;
  }

  async currentBranch(): Promise<string | null> {
    const out = (await this.tryRaw(['symbolic-ref', '--short', '-q', 'HEAD']))?.trim();
    return out ? out : null;
  }

  /** Files under `paths` that differ from HEAD (staged, unstaged or untracked). */
  async changedFiles(paths: string[]): Promise<string[]> {
    const out = await this.git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths]);
    return out
      .split('\0')
      .filter((entry) => entry.length > 3)
      .map((entry) => entry.slice(3));
  }

  /** The blob id of `file` at `ref`, or null when there is none. (simple-git reports a quiet non-zero exit as empty output, so existence is asked as a lookup.) */
  private async blobAt(ref: string, file: string): Promise<string | null> {
    const id = (await this.tryRaw(['rev-parse', '--verify', '--quiet', `${ref}:${file}`]))?.trim();
    return id ? id : null;
  }

  async readFile(ref: string, file: string): Promise<string | null> {
    const blob = await this.blobAt(ref, file);
    return blob === null ? null : this.git.raw(['cat-file', 'blob', blob]);
  }

  /** A file's exact bytes at `ref` (for compiling: invalid UTF-8 must reach the loader as it is). */
  async readBytes(ref: string, file: string): Promise<Buffer | null> {
    const blob = await this.blobAt(ref, file);
    return blob === null ? null : ((await this.git.binaryCatFile(['blob', blob])) as Buffer);
  }

  /** Files under `dir` at `ref` (recursively), relative to the root. */
  async listFiles(ref: string, dir: string): Promise<string[]> {
    const out = (await this.tryRaw(['ls-tree', '-r', '--name-only', ref, '--', dir])) ?? '';
    return out.split('\n').filter(Boolean);
  }

  /**
   * The text of every file under `dir` at `ref`, in one git process (git grep prints each
   * line as `ref:path NUL line`): reading records one file at a time would cost two
   * processes per record.
   */
  async readTextFiles(ref: string, dir: string): Promise<Map<string, string>> {
    const out = (await this.tryRaw(['grep', '-z', '--full-name', '-I', '-e', '', ref, '--', dir])) ?? '';
    const files = new Map<string, string[]>();
    const prefix = `${ref}:`;
    for (const line of out.split('\n')) {
      const nul = line.indexOf('\0');
      if (nul < 0 || !line.startsWith(prefix)) continue;
      const file = line.slice(prefix.length, nul);
      let lines = files.get(file);
      if (!lines) files.set(file, (lines = []));
      lines.push(line.slice(nul + 1));
    }
    return new Map([...files].map(([file, lines]) => [file, lines.join('\n') + '\n']));
  }

  /** Commits reachable from `ref` that changed `file`, newest first. */
  async commitsTouching(ref: string, file: string): Promise<string[]> {
    const out = (await this.tryRaw(['log', '--format=%H', ref, '--', file])) ?? '';
    return out.split('\n').filter(Boolean);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const a = await this.resolve(ancestor);
    const base = (await this.tryRaw(['merge-base', ancestor, descendant]))?.trim();
    return a !== null && base === a;
  }

  async parentOf(commit: string): Promise<string | null> {
    return this.resolve(`${commit}^`);
  }

  /** Commit time of `commit` (committer date). */
  async commitTime(commit: string): Promise<Date | null> {
    const out = (await this.tryRaw(['show', '-s', '--format=%cI', commit]))?.trim();
    return out ? new Date(out) : null;
  }

  /** A commit with `files` on top of `parent`, made in a temporary index: the work tree, the index and every branch stay as they are. */
  async commitFiles(request: CommitRequest): Promise<string> {
    const gitDir = (await this.git.raw(['rev-parse', '--absolute-git-dir'])).trim();
    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const index = path.join(gitDir, `offerops-index-${suffix}`);
    const scratch = path.join(tmpdir(), `offerops-blob-${suffix}`);
    const withIndex = gitIn(this.root, { ...this.env, GIT_INDEX_FILE: index });
    try {
      await withIndex.raw(request.parent === null ? ['read-tree', '--empty'] : ['read-tree', request.parent]);
      for (const file of request.files) {
        await writeFile(scratch, file.content);
        const blob = (await withIndex.raw(['hash-object', '-w', '--no-filters', scratch])).trim();
        await withIndex.raw(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`]);
      }
      const tree = (await withIndex.raw(['write-tree'])).trim();
      const args = ['commit-tree', tree, ...(request.parent === null ? [] : ['-p', request.parent]), '-m', request.message];
      return (await withIndex.raw(args)).trim();
    } catch (error) {
      throw new UserError(`git could not make the commit: ${gitMessage(error)}`, 2);
    } finally {
      await rm(index, { force: true });
      await rm(scratch, { force: true });
    }
  }

  /** Moves `branch` on `remote` to `commit` under its lease; a moved branch is a result, anything else exit 3. */
  async push(request: PushRequest): Promise<PushResult> {
    const ref = `refs/heads/${request.branch}`;
    // --porcelain (not --quiet): a line per ref, so a ref the remote already held at this
    // very commit shows as `=` ("[up to date]") in the push's own answer.
    const args = ['push', '--porcelain', '--no-verify'];
    if (request.lease.kind === 'replace') args.push(`--force-with-lease=${ref}:${request.lease.expect ?? ''}`);
    args.push(request.remote, `${request.commit}:${ref}`);
    try {
      const out = await this.git.raw(args);
      // Another run may have pushed this very commit (same tree, parent, message and second:
      // the same hash); git calls our push a success, and this run would record a promotion
      // it did not make. It is a race lost to an identical result: say "moved".
      if (out.split('\n').some((line) => line.startsWith('=\t') && line.split('\t')[1]?.endsWith(`:${ref}`))) {
        return { ok: false, reason: 'moved', message: `${request.remote} ${ref} already holds ${request.commit.slice(0, 12)}, pushed by another run` };
      }
      return { ok: true };
    } catch (error) {
      const message = pushMessage(gitMessage(error));
      if (/stale info|\[rejected\]|non-fast-forward|fetch first|already exists/i.test(message)) return { ok: false, reason: 'moved', message };
      // Two pushes to one branch at the same moment: the remote holds the ref's lock for the
      // first and rejects the second ("cannot lock ref …", "[remote rejected] … (failed to
      // update ref)") before any lease is looked at. Nothing was written; reading again tells.
      if (/cannot lock ref|failed to lock|\(failed to update ref\)/i.test(message)) return { ok: false, reason: 'busy', message };
      throw new UserError(`git push to ${request.remote} failed: ${message}`, 3);
    }
  }

  /** Moves the local `branch` to `commit`: a fast-forward merge when it is checked out (the work tree follows), else the ref alone. */
  async fastForward(branch: string, commit: string): Promise<void> {
    if ((await this.currentBranch()) === branch) {
      try {
        await this.git.raw(['merge', '--ff-only', '--quiet', commit]);
      } catch (error) {
        throw new UserError(`the commit was pushed, but the checked-out ${branch} could not be moved to it: ${gitMessage(error)}; run git pull`, 3);
      }
      return;
    }
    const current = await this.resolve(`refs/heads/${branch}`);
    await this.git.raw(['update-ref', `refs/heads/${branch}`, commit, ...(current ? [current] : [])]);
  }
}

/** The Scm of a repository without a forge: pull requests are their body, written to a file. */
export class LocalScm implements Scm {
  readonly kind = 'local' as const;

  constructor(private readonly git: LocalGit) {}

  readFile(ref: string, file: string): Promise<string | null> {
    return this.git.readFile(ref, file);
  }

  commitFiles(request: CommitRequest): Promise<string> {
    return this.git.commitFiles(request);
  }

  push(request: PushRequest): Promise<PushResult> {
    return this.git.push(request);
  }

  async findPullRequest(head: string, base: string, bodyFile: string): Promise<PullRequest | null> {
    const file = path.resolve(this.git.root, bodyFile);
    if (!existsSync(file)) return null;
    const body = await readFile(file, 'utf8');
    return { id: bodyFile, location: bodyFile, head, base, title: body.split('\n')[0]!.replace(/^#\s*/, ''), body };
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    await this.writeBody(draft);
    return { id: draft.bodyFile, location: draft.bodyFile, head: draft.head, base: draft.base, title: draft.title, body: draft.body };
  }

  async updatePullRequest(_pullRequest: PullRequest, draft: PullRequestDraft): Promise<PullRequest> {
    return this.openPullRequest(draft);
  }

  async comment(pullRequest: PullRequest, body: string): Promise<void> {
    await appendFile(path.resolve(this.git.root, pullRequest.id.replace(/\.md$/, '') + '.comments.md'), body.endsWith('\n') ? body : body + '\n');
  }

  private async writeBody(draft: PullRequestDraft): Promise<void> {
    const file = path.resolve(this.git.root, draft.bodyFile);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, `# ${draft.title}\n\n${draft.body}`);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw new UserError(`cannot write the pull request body to ${draft.bodyFile}: ${(error as Error).message}`, 2);
    }
  }
}

/**
 * The records branch (src/gitops/records.ts): read from the remote's copy when there is a
 * remote (that is what others see), else the local branch; appended by a commit on top
 * of the remote tip and a fast-forward push, retried on a fresh tip when another writer
 * got there first (each record is its own file, so retrying is always safe).
 */
export class GitRecordStore {
  constructor(
    private readonly git: LocalGit,
    private readonly remote: string | null,
  ) {}

  private get trackingRef(): string {
    return this.remote === null ? `refs/heads/${RECORDS_BRANCH}` : `refs/remotes/${this.remote}/${RECORDS_BRANCH}`;
  }

  /** Updates the remote-tracking ref of the records branch alone (absent on the remote: no records yet). */
  private async fetchRecords(): Promise<void> {
    if (this.remote === null) return;
    try {
      await this.git.raw(['fetch', '--quiet', '--no-tags', this.remote, `+refs/heads/${RECORDS_BRANCH}:${this.trackingRef}`]);
    } catch (error) {
      const message = gitMessage(error);
      if (/couldn't find remote ref/i.test(message)) return;
      throw new UserError(`git fetch ${this.remote} ${RECORDS_BRANCH} failed: ${message}`, 3);
    }
  }

  async read(options: { fetch?: boolean } = {}): Promise<GitopsRecord[]> {
    if (options.fetch) await this.fetchRecords();
    const refs = [this.trackingRef];
    if (this.remote !== null) refs.push(`refs/heads/${RECORDS_BRANCH}`);
    const seen = new Set<string>();
    const records: GitopsRecord[] = [];
    for (const ref of refs) {
      if ((await this.git.resolve(ref)) === null) continue;
      for (const [file, text] of await this.git.readTextFiles(ref, RECORDS_DIR)) {
        if (seen.has(file) || !file.endsWith('.json')) continue;
        seen.add(file);
        const record = parseRecord(text);
        if (record) records.push(record);
      }
    }
    return records;
  }

  /** Adds one record; returns its path on the branch. */
  async append(record: GitopsRecord): Promise<string> {
    const file = recordPath(record);
    const files = [{ path: file, content: formatRecord(record), what: `the ${record.kind} record` }];
    const message = `record(${record.environment}): ${record.kind} ${record.digest.slice(0, 19)}`;
    for (let attempt = 1; ; attempt++) {
      await this.fetchRecords();
      const tip = await this.git.resolve(this.trackingRef);
      const commit = await this.git.commitFiles({ parent: tip, files, message });
      if (this.remote === null) {
        await this.git.raw(['update-ref', this.trackingRef, commit, ...(tip ? [tip] : [])]);
        return file;
      }
      const pushed = await this.git.push({ remote: this.remote, commit, branch: RECORDS_BRANCH, lease: { kind: 'replace', expect: tip } });
      if (pushed.ok) {
        await this.git.raw(['update-ref', this.trackingRef, commit]);
        // Keep a local branch of the same name in step when it only trails the remote.
        const local = await this.git.resolve(`refs/heads/${RECORDS_BRANCH}`);
        if (local && (await this.git.isAncestor(local, commit))) await this.git.raw(['update-ref', `refs/heads/${RECORDS_BRANCH}`, commit, local]);
        return file;
      }
      if (attempt >= 5) throw new UserError(`could not add the ${record.kind} record to ${RECORDS_BRANCH}: the branch kept moving or stayed locked (${pushed.message})`, 3);
    }
  }
}
