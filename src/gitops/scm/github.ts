// The Scm on GitHub (docs/github.md): git stays git (commits and pushes through the local
// clone), and pull requests are GitHub's — found by their head branch, opened or updated
// in place, labelled. Beside the Scm, what only a forge has: the one sticky comment on a
// pull request, the pull requests a commit belongs to, Deployments with their statuses,
// and commit statuses. Every call goes through GitHubClient (retries, rate limits, typed
// errors, the token kept out of messages).
import type { CommitRequest, PullRequest, PullRequestDraft, PushRequest, PushResult, Scm } from './scm.js';
import type { LocalGit } from './local.js';
import { GitHubApiError, type GitHubClient } from './github-client.js';

/** GitHub refuses pull request bodies and comments longer than this. */
export const GITHUB_TEXT_LIMIT = 65_536;

/** The hidden marker that makes a comment the sticky one (docs/github.md#the-sticky-comment). */
export const STICKY_MARKER = '<!-- offerops:comment -->';

export interface GitHubPull {
  number: number;
  title: string;
  body: string;
  state: string;
  merged: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  url: string;
  author: string;
  labels: string[];
  mergeCommit: string | null;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive' | 'queued' | 'pending';

interface RawPull {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  merged?: boolean | null;
  merged_at?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  html_url: string;
  user?: { login?: string } | null;
  labels?: ({ name?: string } | string)[];
  merge_commit_sha?: string | null;
}

function pullOf(raw: RawPull): GitHubPull {
  return {
    number: raw.number,
    title: raw.title,
    body: raw.body ?? '',
    state: raw.state,
    merged: Boolean(raw.merged || raw.merged_at),
    headRef: raw.head.ref,
    headSha: raw.head.sha,
    baseRef: raw.base.ref,
    url: raw.html_url,
    author: raw.user?.login ?? '',
    labels: (raw.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    mergeCommit: raw.merge_commit_sha ?? null,
  };
}

const asPullRequest = (pull: GitHubPull): PullRequest => ({ id: String(pull.number), location: pull.url, head: pull.headRef, base: pull.baseRef, title: pull.title, body: pull.body });

/** Text cut to GitHub's limit at a line, saying so: a last guard, the renderers size their text themselves. */
export function fitToLimit(text: string, limit = GITHUB_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = '\n\n_…cut to fit GitHub\'s size limit: see the full report._\n';
  const cut = text.lastIndexOf('\n', limit - note.length);
  return text.slice(0, Math.max(0, cut)) + note;
}

export class GitHubScm implements Scm {
  readonly kind = 'github' as const;

  constructor(
    private readonly git: LocalGit,
    readonly client: GitHubClient,
  ) {}

  readFile(ref: string, file: string): Promise<string | null> {
    return this.git.readFile(ref, file);
  }

  commitFiles(request: CommitRequest): Promise<string> {
    return this.git.commitFiles(request);
  }

  push(request: PushRequest): Promise<PushResult> {
    return this.git.push(request);
  }

  /** The open pull request from `head` (a branch of this repository) into `base`. */
  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    const pull = await this.openPullFrom(head, base);
    return pull ? asPullRequest(pull) : null;
  }

  async openPullFrom(head: string, base: string): Promise<GitHubPull | null> {
    const { client } = this;
    const found = await client.call(`finding the pull request from ${head}`, (o) => o.rest.pulls.list({ owner: client.owner, repo: client.repo, state: 'open', head: `${client.owner}:${head}`, base, per_page: 10 }));
    const raw = (found.data as RawPull[]).find((p) => p.head.ref === head && p.base.ref === base);
    return raw ? pullOf(raw) : null;
  }

  /**
   * Opens the pull request — or, when one from the same head into the same base appeared
   * meanwhile (another run got there first: GitHub refuses a second one), updates that one.
   */
  async openPullRequest(draft: PullRequestDraft): Promise<PullRequest> {
    const { client } = this;
    const body = fitToLimit(draft.body);
    let pull: GitHubPull;
    try {
      const created = await this.client.octokit.rest.pulls.create({ owner: client.owner, repo: client.repo, head: draft.head, base: draft.base, title: draft.title, body });
      pull = pullOf(created.data);
    } catch (error) {
      const exists = (error as { status?: number }).status === 422 && /already exists/i.test(JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? ''));
      const existing = exists ? await this.openPullFrom(draft.head, draft.base) : null;
      if (!existing) throw client.failure(`opening the pull request from ${draft.head}`, error);
      return this.updatePullRequest(asPullRequest(existing), draft);
    }
    await this.addLabels(pull.number, draft.labels ?? []);
    return asPullRequest(pull);
  }

  async updatePullRequest(pullRequest: PullRequest, draft: PullRequestDraft): Promise<PullRequest> {
    const { client } = this;
    const number = Number(pullRequest.id);
    const updated = await client.call(`updating pull request #${number}`, (o) => o.rest.pulls.update({ owner: client.owner, repo: client.repo, pull_number: number, title: draft.title, body: fitToLimit(draft.body) }));
    await this.addLabels(number, draft.labels ?? []);
    return asPullRequest(pullOf(updated.data));
  }

  /** Adds labels (GitHub creates the ones the repository does not have yet); never removes any. */
  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    const { client } = this;
    await client.call(`labelling pull request #${number}`, (o) => o.rest.issues.addLabels({ owner: client.owner, repo: client.repo, issue_number: number, labels: [...labels] }));
  }

  async comment(pullRequest: PullRequest, body: string): Promise<void> {
    const { client } = this;
    const number = Number(pullRequest.id);
    await client.call(`commenting on pull request #${number}`, (o) => o.rest.issues.createComment({ owner: client.owner, repo: client.repo, issue_number: number, body: fitToLimit(body) }));
  }

  async pullRequest(number: number): Promise<GitHubPull> {
    const { client } = this;
    const found = await client.call(`reading pull request #${number}`, (o) => o.rest.pulls.get({ owner: client.owner, repo: client.repo, pull_number: number }));
    return pullOf(found.data);
  }

  /** The pull requests GitHub associates with a commit (the one merged as it, or whose head it is). */
  async pullRequestsOf(commit: string): Promise<GitHubPull[]> {
    const { client } = this;
    const found = await client.call(`finding the pull requests of commit ${commit.slice(0, 12)}`, (o) => o.rest.repos.listPullRequestsAssociatedWithCommit({ owner: client.owner, repo: client.repo, commit_sha: commit, per_page: 100 }));
    return (found.data as RawPull[]).map(pullOf);
  }

  /** Closes a pull request offerops opened, saying why. */
  async closePullRequest(number: number, why: string): Promise<void> {
    const { client } = this;
    await client.call(`commenting on pull request #${number}`, (o) => o.rest.issues.createComment({ owner: client.owner, repo: client.repo, issue_number: number, body: why }));
    await client.call(`closing pull request #${number}`, (o) => o.rest.pulls.update({ owner: client.owner, repo: client.repo, pull_number: number, state: 'closed' }));
  }

  /**
   * Creates or updates the one comment carrying STICKY_MARKER on pull request `number`.
   * The oldest marked comment this token may edit is updated in place. Two runs at once
   * may each find none and both post; each then lists again and keeps only the oldest
   * marked comment by the same author (updated with its text), deleting the others — so
   * the pull request ends with one, whichever run finishes last. A marked comment someone
   * else wrote (quoting the marker, say) is never edited or deleted: GitHub refuses, and
   * it is not ours.
   */
  async upsertStickyComment(number: number, text: string): Promise<{ id: number; url: string; created: boolean; removed: number }> {
    const body = fitToLimit(text.includes(STICKY_MARKER) ? text : `${STICKY_MARKER}\n${text}`);
    const marked = await this.markedComments(number);
    for (const candidate of marked) {
      const url = await this.editComment(candidate.id, body);
      if (url === null) continue;
      const removed = await this.deleteComments(marked.filter((c) => c.id !== candidate.id && c.author === candidate.author).map((c) => c.id));
      return { id: candidate.id, url, created: false, removed };
    }
    const { client } = this;
    const created = await client.call(`commenting on pull request #${number}`, (o) => o.rest.issues.createComment({ owner: client.owner, repo: client.repo, issue_number: number, body }));
    const author = created.data.user?.login ?? '';
    const again = (await this.markedComments(number)).filter((c) => c.author === author);
    const keeper = again[0];
    if (!keeper || keeper.id === created.data.id) {
      const removed = await this.deleteComments(again.slice(1).map((c) => c.id));
      return { id: created.data.id, url: created.data.html_url, created: true, removed };
    }
    // Another run posted first: its comment stays, with this text; this run's own goes.
    const url = await this.editComment(keeper.id, body);
    const removed = await this.deleteComments(again.filter((c) => c.id !== keeper.id).map((c) => c.id));
    return { id: keeper.id, url: url ?? created.data.html_url, created: false, removed };
  }

  /** Comments on the pull request that carry the marker, oldest first. */
  private async markedComments(number: number): Promise<{ id: number; author: string }[]> {
    const { client } = this;
    const all = await client.call(`reading the comments of pull request #${number}`, (o) => o.paginate(o.rest.issues.listComments, { owner: client.owner, repo: client.repo, issue_number: number, per_page: 100 }));
    return all
      .filter((c) => (c.body ?? '').includes(STICKY_MARKER))
      .map((c) => ({ id: c.id, author: c.user?.login ?? '' }))
      .sort((a, b) => a.id - b.id);
  }

  /** Edits a comment; null when GitHub refuses because it is not this token's to edit. */
  private async editComment(id: number, body: string): Promise<string | null> {
    const { client } = this;
    try {
      const updated = await client.octokit.rest.issues.updateComment({ owner: client.owner, repo: client.repo, comment_id: id, body });
      return updated.data.html_url;
    } catch (error) {
      if ((error as { status?: number }).status === 403 && !/rate limit/i.test((error as Error).message)) return null;
      throw client.failure(`updating comment ${id}`, error);
    }
  }

  /** Deletes comments; one already gone (another run removed it) is fine. */
  private async deleteComments(ids: readonly number[]): Promise<number> {
    const { client } = this;
    let removed = 0;
    for (const id of ids) {
      try {
        await client.octokit.rest.issues.deleteComment({ owner: client.owner, repo: client.repo, comment_id: id });
        removed++;
      } catch (error) {
        if ((error as { status?: number }).status === 404) continue;
        throw client.failure(`removing duplicate comment ${id}`, error);
      }
    }
    return removed;
  }

  /** A GitHub Deployment of `commit` to `environment`; returns its id. */
  async createDeployment(request: { commit: string; environment: string; description: string; payload: Record<string, string>; production: boolean }): Promise<number> {
    const { client } = this;
    const created = await client.call(`creating the deployment of ${request.environment}`, (o) =>
      o.rest.repos.createDeployment({
        owner: client.owner,
        repo: client.repo,
        ref: request.commit,
        environment: request.environment,
        description: request.description.slice(0, 140),
        payload: request.payload,
        auto_merge: false,
        // offerops checks what it deploys itself; GitHub's commit-status gate would refuse a commit still being checked.
        required_contexts: [],
        production_environment: request.production,
        transient_environment: false,
      }),
    );
    const data = created.data as { id?: number; message?: string };
    if (typeof data.id !== 'number') throw new GitHubApiError(client.redact(`creating the deployment of ${request.environment} on ${client.repository} failed: ${data.message ?? 'GitHub returned no deployment'}`), created.status);
    return data.id;
  }

  async setDeploymentStatus(id: number, state: DeploymentState, details: { description: string; logUrl?: string | undefined }): Promise<void> {
    const { client } = this;
    await client.call(`setting the status of deployment ${id}`, (o) =>
      o.rest.repos.createDeploymentStatus({ owner: client.owner, repo: client.repo, deployment_id: id, state, description: details.description.slice(0, 140), ...(details.logUrl ? { log_url: details.logUrl } : {}), auto_inactive: true }),
    );
  }

  async setCommitStatus(commit: string, status: { state: CommitState; context: string; description: string; targetUrl?: string | undefined }): Promise<void> {
    const { client } = this;
    await client.call(`setting the ${status.context} status of ${commit.slice(0, 12)}`, (o) =>
      o.rest.repos.createCommitStatus({ owner: client.owner, repo: client.repo, sha: commit, state: status.state, context: status.context, description: status.description.slice(0, 140), ...(status.targetUrl ? { target_url: status.targetUrl } : {}) }),
    );
  }
}

/** The URL of the workflow run this runs in (GitHub Actions sets the variables), or undefined. */
export function workflowRunUrl(env: Record<string, string | undefined>): string | undefined {
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  const run = env['GITHUB_RUN_ID'];
  return server && repository && run ? `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${run}` : undefined;
}
