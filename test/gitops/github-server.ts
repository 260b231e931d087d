// A GitHub-compatible REST server for the tests: a real HTTP server on loopback that keeps
// pull requests, issue comments, labels, deployments, deployment statuses and commit
// statuses in memory, answers the way GitHub does (the shapes octokit reads, 422 for a
// second pull request on the same head and base or a body over 65,536 characters,
// pagination with Link headers), records every call, and misbehaves on demand: 5xx,
// secondary and primary rate limits (with retry-after, x-ratelimit-remaining/reset),
// slow answers, answers that never come, and requests held until a test releases them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GITHUB_BODY_LIMIT = 65_536;

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
  status: number;
}

export type Fault =
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'secondary-rate-limit'; retryAfter: number }
  | { kind: 'primary-rate-limit'; resetInSeconds: number }
  /** Answers normally, after `ms`. */
  | { kind: 'slow'; ms: number }
  /** Never answers (until the client gives up and closes the connection). */
  | { kind: 'hang' }
  /** A 500 whose message repeats the request's Authorization header, as a hostile or broken proxy might. */
  | { kind: 'echo-authorization' };

export interface Pull {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  head: { ref: string; sha: string; label: string };
  base: { ref: string };
  user: { login: string; type: string };
  labels: { name: string }[];
  merged: boolean;
  merge_commit_sha: string | null;
  html_url: string;
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
}

export interface Deployment {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  description: string | null;
  payload: unknown;
  production_environment: boolean;
  statuses: { state: string; description?: string; log_url?: string; environment_url?: string }[];
}

export interface CommitStatus {
  sha: string;
  state: string;
  context: string;
  description: string;
  target_url?: string;
}

interface Hold {
  method: string;
  path: RegExp;
  waiting: (() => void)[];
  count: number;
  arrived: () => void;
  released: boolean;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** A JSON field as text: strings as they are, anything else the fallback. */
const field = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

const validation = (message: string, field = 'body') => ({ message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'custom', field, message }], documentation_url: 'https://docs.github.com/rest' });

export class GitHubServer {
  readonly calls: RecordedCall[] = [];
  readonly pulls: Pull[] = [];
  readonly comments: Comment[] = [];
  readonly deployments: Deployment[] = [];
  readonly statuses: CommitStatus[] = [];
  private nextNumber = 1;
  private nextId = 1000;
  private faults: { method: string; path: RegExp; fault: Fault }[] = [];
  private holds: Hold[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
    /** Who the token belongs to: the author of what it creates. */
    readonly login: string,
  ) {}

  static async start(options: { owner?: string; repo?: string; token: string; login?: string }): Promise<GitHubServer> {
    let instance: GitHubServer | null = null;
    const server = createServer((req, res) => void instance!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new GitHubServer(server, `http://127.0.0.1:${port}`, options.owner ?? 'acme', options.repo ?? 'offers', options.token, options.login ?? 'offerops-bot');
    return instance;
  }

  /** The variables that point offerops at this server. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { GITHUB_TOKEN: this.token, GITHUB_API_URL: this.url, GITHUB_REPOSITORY: `${this.owner}/${this.repo}`, OFFEROPS_GITHUB_BACKOFF_MS: '2', ...extra };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests matching method and path get these faults, one each, in order. */
  fail(method: string, path: RegExp, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ method, path, fault });
  }

  /**
   * Holds matching requests before they are handled: `arrived` resolves once `count` of
   * them are waiting; `release()` lets them all go on. For races without sleeping.
   */
  hold(method: string, path: RegExp, count: number): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    const promise = new Promise<void>((resolve) => (arrived = resolve));
    const hold: Hold = { method, path, waiting: [], count, arrived, released: false };
    this.holds.push(hold);
    return {
      arrived: promise,
      release: () => {
        hold.released = true;
        this.holds = this.holds.filter((h) => h !== hold);
        for (const go of hold.waiting.splice(0)) go();
      },
    };
  }

  /** Calls with this method whose path matches. */
  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /** A pull request as a person would open it (not through offerops). */
  addPull(pull: { title: string; body: string; head: string; base: string; login?: string; sha?: string }): Pull {
    return this.createPull(pull.title, pull.body, pull.head, pull.base, { login: pull.login ?? 'someone', type: 'User' }, pull.sha ?? '0'.repeat(40));
  }

  /** A comment by someone else. */
  addComment(issue: number, body: string, login = 'someone'): Comment {
    const comment: Comment = { id: this.nextId++, issue, body, user: { login, type: 'User' }, created_at: new Date().toISOString() };
    this.comments.push(comment);
    return comment;
  }

  /** Marks a pull request merged as `commit` (the test makes the merge commit in git). */
  merge(number: number, commit: string): void {
    const pull = this.pulls.find((p) => p.number === number)!;
    Object.assign(pull, { state: 'closed', merged: true, merge_commit_sha: commit });
  }

  private createPull(title: string, body: string, head: string, base: string, user: Pull['user'], sha: string): Pull {
    const number = this.nextNumber++;
    const pull: Pull = {
      number,
      title,
      body,
      state: 'open',
      head: { ref: head, sha, label: `${this.owner}:${head}` },
      base: { ref: base },
      user,
      labels: [],
      merged: false,
      merge_commit_sha: null,
      html_url: `https://github.test/${this.owner}/${this.repo}/pull/${number}`,
    };
    this.pulls.push(pull);
    return pull;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let body: unknown = undefined;
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
    }
    const call: RecordedCall = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorization: req.headers.authorization, status: 0 };
    this.calls.push(call);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      json(res, status, payload, headers);
    };

    for (const hold of this.holds) {
      if (hold.method === method && hold.path.test(url.pathname) && !hold.released) {
        await new Promise<void>((go) => {
          hold.waiting.push(go);
          if (hold.waiting.length >= hold.count) hold.arrived();
        });
      }
    }

    const index = this.faults.findIndex((f) => f.method === method && f.path.test(url.pathname));
    if (index >= 0) {
      const fault = this.faults.splice(index, 1)[0]!.fault;
      switch (fault.kind) {
        case 'status':
          return answer(fault.status, { message: fault.message ?? 'Server Error' });
        case 'secondary-rate-limit':
          return answer(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'retry-after': String(fault.retryAfter) });
        case 'primary-rate-limit':
          return answer(403, { message: `API rate limit exceeded for user ID 1.` }, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + fault.resetInSeconds) });
        case 'echo-authorization':
          return answer(500, { message: `internal error while handling credentials ${req.headers.authorization ?? ''}` });
        case 'hang':
          call.status = -1;
          return;
        case 'slow':
          await new Promise((resolve) => setTimeout(resolve, fault.ms));
          break;
      }
    }

    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `bearer ${this.token}` && auth !== `Bearer ${this.token}`) return answer(401, { message: 'Bad credentials' });

    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(prefix)) return answer(404, { message: 'Not Found' });
    const route = url.pathname.slice(prefix.length) || '/';
    const input = (body ?? {}) as Record<string, unknown>;
    const me = { login: this.login, type: 'Bot' };
    let m: RegExpExecArray | null;

    if (method === 'GET' && route === '/') return answer(200, { full_name: `${this.owner}/${this.repo}`, default_branch: 'main', html_url: `https://github.test/${this.owner}/${this.repo}` });

    if (route === '/pulls' && method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const found = this.pulls.filter((p) => (state === 'all' || p.state === state) && (!head || p.head.label === head) && (!base || p.base.ref === base));
      return this.page(url, found, answer);
    }
    if (route === '/pulls' && method === 'POST') {
      const head = field(input['head'], '');
      const base = field(input['base'], '');
      const text = field(input['body'], '');
      if (text.length > GITHUB_BODY_LIMIT) return answer(422, validation(`body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)`));
      if (this.pulls.some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base)) {
        return answer(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${head}.` }] });
      }
      return answer(201, this.createPull(field(input['title'], ''), text, head, base, me, field(input['head_sha'], '0'.repeat(40))));
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(route))) {
      const pull = this.pulls.find((p) => p.number === Number(m![1]));
      if (!pull) return answer(404, { message: 'Not Found' });
      if (method === 'GET') return answer(200, pull);
      if (method === 'PATCH') {
        if (typeof input['body'] === 'string' && input['body'].length > GITHUB_BODY_LIMIT) return answer(422, validation(`body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)`));
        if (typeof input['title'] === 'string') pull.title = input['title'];
        if (typeof input['body'] === 'string') pull.body = input['body'];
        if (input['state'] === 'open' || input['state'] === 'closed') pull.state = input['state'];
        return answer(200, pull);
      }
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(route))) {
      const issue = Number(m[1]);
      if (!this.pulls.some((p) => p.number === issue)) return answer(404, { message: 'Not Found' });
      if (method === 'GET') return this.page(url, this.comments.filter((c) => c.issue === issue), answer);
      if (method === 'POST') {
        const text = field(input['body'], '');
        if (text.length > GITHUB_BODY_LIMIT) return answer(422, validation(`Body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)`));
        const comment: Comment = { id: this.nextId++, issue, body: text, user: me, created_at: new Date().toISOString() };
        this.comments.push(comment);
        return answer(201, comment);
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(route))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return answer(404, { message: 'Not Found' });
      if (comment.user.login !== this.login && method !== 'GET') return answer(403, { message: 'Must have admin rights to Repository.' });
      if (method === 'PATCH') {
        const text = field(input['body'], '');
        if (text.length > GITHUB_BODY_LIMIT) return answer(422, validation(`Body is too long (maximum is ${GITHUB_BODY_LIMIT} characters)`));
        comment.body = text;
        return answer(200, comment);
      }
      if (method === 'DELETE') {
        this.comments.splice(this.comments.indexOf(comment), 1);
        call.status = 204;
        res.writeHead(204).end();
        return;
      }
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(route)) && method === 'POST') {
      const pull = this.pulls.find((p) => p.number === Number(m![1]));
      if (!pull) return answer(404, { message: 'Not Found' });
      const labels = Array.isArray(input['labels']) ? (input['labels'] as unknown[]).map(String) : [];
      for (const name of labels) if (!pull.labels.some((l) => l.name === name)) pull.labels.push({ name });
      return answer(200, pull.labels);
    }
    if ((m = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(route)) && method === 'GET') {
      const sha = m[1]!;
      return answer(200, this.pulls.filter((p) => p.merge_commit_sha === sha || p.head.sha === sha));
    }
    if (route === '/deployments' && method === 'POST') {
      const deployment: Deployment = {
        id: this.nextId++,
        ref: String(input['ref']),
        sha: String(input['ref']),
        environment: field(input['environment'], 'production'),
        description: typeof input['description'] === 'string' ? input['description'] : null,
        payload: input['payload'] ?? {},
        production_environment: Boolean(input['production_environment']),
        statuses: [],
      };
      this.deployments.push(deployment);
      return answer(201, deployment);
    }
    if (route === '/deployments' && method === 'GET') {
      const environment = url.searchParams.get('environment');
      return answer(200, this.deployments.filter((d) => !environment || d.environment === environment));
    }
    if ((m = /^\/deployments\/(\d+)\/statuses$/.exec(route)) && method === 'POST') {
      const deployment = this.deployments.find((d) => d.id === Number(m![1]));
      if (!deployment) return answer(404, { message: 'Not Found' });
      const status = { state: String(input['state']), ...(typeof input['description'] === 'string' ? { description: input['description'] } : {}), ...(typeof input['log_url'] === 'string' ? { log_url: input['log_url'] } : {}), ...(typeof input['environment_url'] === 'string' ? { environment_url: input['environment_url'] } : {}) };
      deployment.statuses.push(status);
      return answer(201, { id: this.nextId++, ...status });
    }
    if ((m = /^\/statuses\/([0-9a-f]{40})$/.exec(route)) && method === 'POST') {
      const status: CommitStatus = { sha: m[1]!, state: String(input['state']), context: field(input['context'], 'default'), description: field(input['description'], ''), ...(typeof input['target_url'] === 'string' ? { target_url: input['target_url'] } : {}) };
      if (status.description.length > 140) return answer(422, validation('description is too long (maximum is 140 characters)', 'description'));
      this.statuses.push(status);
      return answer(201, { id: this.nextId++, ...status });
    }
    return answer(404, { message: 'Not Found' });
  }

  private page<T>(url: URL, items: T[], answer: (status: number, payload: unknown, headers?: Record<string, string>) => void): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers['link'] = `<${next.toString()}>; rel="next"`;
    }
    answer(200, slice, headers);
  }
}
