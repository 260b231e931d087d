// The Scm: the few things a GitOps command asks of where the repository is hosted
// (release-please's split of plan from Scm). local.ts implements it on git alone: pull
// requests are files holding their body. A GitHub implementation adds real pull
// requests and comments behind the same methods (github.ts).
import type { FileChange, Lease } from '../plan.js';

export interface CommitRequest {
  /** The commit the new one goes on top of; null for the first commit of a branch. */
  parent: string | null;
  files: FileChange[];
  message: string;
}

export interface PushRequest {
  remote: string;
  commit: string;
  branch: string;
  lease: Lease;
}

export type PushResult =
  | { ok: true }
  /** The branch moved since it was read (the lease failed) or the push was not a fast-forward. */
  | { ok: false; reason: 'moved'; message: string }
  /** The remote could not lock the branch: another push to it was under way at that moment. */
  | { ok: false; reason: 'busy'; message: string };

export interface PullRequest {
  /** A number on a forge; the body file's path locally. */
  id: string;
  /** Where people open it: a URL, or the body file. */
  location: string;
  head: string;
  base: string;
  title: string;
  body: string;
}

export interface PullRequestDraft {
  head: string;
  base: string;
  title: string;
  body: string;
  /** Where the local Scm writes the body. */
  bodyFile: string;
  /** Labels a forge adds to it (never removing others); the local Scm has none. */
  labels?: readonly string[];
}

export interface Scm {
  readonly kind: 'local' | 'github';
  /** A file's text at a ref (commit, branch, remote-tracking ref); null when absent. */
  readFile(ref: string, file: string): Promise<string | null>;
  /** A new commit with `files` changed on top of `parent`; no branch moves. Returns its id. */
  commitFiles(request: CommitRequest): Promise<string>;
  /** Moves a remote branch to a commit, under a lease. A rejected lease is a result, not an error. */
  push(request: PushRequest): Promise<PushResult>;
  findPullRequest(head: string, base: string, bodyFile: string): Promise<PullRequest | null>;
  openPullRequest(draft: PullRequestDraft): Promise<PullRequest>;
  updatePullRequest(pullRequest: PullRequest, draft: PullRequestDraft): Promise<PullRequest>;
  comment(pullRequest: PullRequest, body: string): Promise<void>;
}
