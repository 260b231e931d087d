// Documentation examples are executed, so the docs cannot drift from the tool.
//
// The convention, for README.md and every docs/*.md:
// - Every ```sh (or ```bash, ```shell) block is run by bash from the root of a fresh copy
//   of the repository, as a user would paste it after `git clone && npm ci`: each line a
//   command, `\` continues a line, `#` lines are comments; `set -eo pipefail`, so every
//   command must exit 0. A block runs as one bash script (a heredoc that writes a file is
//   fine). The blocks of one page run in order in the same copy, each starting in the
//   folder the previous one ended in (a page may build on its earlier examples, `cd`
//   included); every page gets its own copy, so nothing an example writes reaches the
//   checkout or another page.
// - `<!-- doctest: skip — <reason> -->` on the line directly above the fence: the block is
//   not run (it needs a running server, a remote, a secret, the network, or takes minutes).
//   The reason is required; a skip without one fails the test.
// - `<!-- doctest: exit N -->` directly above the fence: the block is expected to stop
//   with exit code N (the first command that fails must fail with N).
// - Output shown for a command goes in a separate fenced block after it. A ```json block
//   that follows a run block (only blank lines, or one line of prose ending in ':',
//   between them) is that block's stdout: the output must be JSON that matches it (every
//   key shown present with a value of the same kind, strings equal with `…` standing for
//   any text, numbers only of the same kind; see json-shape.ts). Other output blocks
//   (```text) are for reading and are not compared.
// - `<!-- doctest: request POST /v1/sessions -->` above a ```json block marks a request
//   body of the runtime API: test/docs/runtime-api-examples.test.ts sends those to a server
//   running the example organisation.
// - `npx offerops …` runs the copy's bin/offerops.js directly: what npx resolves it to in
//   a checkout (the package's own bin), without npm's start-up cost on every line. One test
//   below runs the real `npx offerops` once to keep that true.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshDist } from '../server/fresh-dist.js';
import { shapeProblems } from './json-shape.js';
import { documentationPages, fencedBlocks, repo, type FencedBlock } from './markdown-blocks.js';

const SHELL = new Set(['sh', 'bash', 'shell']);
// Generous: on a machine shared with other work a block of several commands can be slow,
// and a timeout is a failure to be read, not a speed check.
const BLOCK_TIMEOUT_MS = 300_000;
const temps: string[] = [];

type Plan = { block: FencedBlock; run: true; exit: number; output: FencedBlock | null } | { block: FencedBlock; run: false; reason: string };

/** Reads the directives of a page's blocks; problems are `page:line: what is wrong`. */
function planPage(page: string): { plans: Plan[]; problems: string[] } {
  const blocks = fencedBlocks(page);
  const plans: Plan[] = [];
  const problems: string[] = [];
  blocks.forEach((block, i) => {
    const where = `${page}:${block.line}`;
    const directive = block.directive;
    if (!SHELL.has(block.language)) {
      // Request bodies of the runtime API are sent by runtime-api-examples.test.ts.
      const request = directive !== null && block.language === 'json' && /^<!--\s*doctest:\s*request\s+(GET|POST|PUT|DELETE)\s+\/\S+\s*-->$/.test(directive);
      if (directive && !request) problems.push(`${where}: a doctest directive above a ${block.language || 'plain'} block (only shell blocks are run, and json blocks may be requests)`);
      return;
    }
    if (directive === null) {
      plans.push({ block, run: true, exit: 0, output: outputBlock(blocks[i + 1]) });
      return;
    }
    const skip = /^<!--\s*doctest:\s*skip\b\s*(?:[—–:-]+\s*(.*?))?\s*-->$/.exec(directive);
    const exit = /^<!--\s*doctest:\s*exit\s+(\d+)\s*-->$/.exec(directive);
    if (skip) {
      const reason = (skip[1] ?? '').trim();
      if (reason.length < 3) problems.push(`${where}: skipped without a reason; write <!-- doctest: skip — why it cannot run -->`);
      else plans.push({ block, run: false, reason });
    } else if (exit) {
      plans.push({ block, run: true, exit: Number(exit[1]), output: outputBlock(blocks[i + 1]) });
    } else {
      problems.push(`${where}: unknown doctest directive ${directive}`);
    }
  });
  return { plans, problems };
}

/** The ```json block that shows a run block's output, if the next block is one. */
function outputBlock(next: FencedBlock | undefined): FencedBlock | null {
  if (!next || next.language !== 'json') return null;
  const prose = next.textBefore.filter((l) => l.trim() !== '');
  return prose.length === 0 || (prose.length === 1 && prose[0]!.trim().endsWith(':')) ? next : null;
}

/** The files a fresh clone has: tracked and new files, never ignored ones (build/, data/ …). */
function cloneFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && existsSync(path.join(repo, f)));
  } catch {
    // Not a git checkout (an unpacked archive): everything but what npm and builds make.
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(path.join(repo, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (['node_modules', '.git', 'dist', 'dist-check', 'scratch', 'coverage', '.bench-out'].includes(rel)) continue;
        if (entry.isDirectory()) walk(rel);
        else out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

/** A fresh copy of the repository as `git clone && npm ci` leaves it: built dist/, installed packages, a git repository. */
function freshCopy(files: readonly string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'offerops-doctest-'));
  temps.push(dir);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(repo, file), path.join(dir, file));
  }
  cpSync(path.join(repo, 'dist'), path.join(dir, 'dist'), { recursive: true });
  symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const git = (...args: string[]): void =>
    void execFileSync('git', args, {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, GIT_AUTHOR_NAME: 'doctest', GIT_AUTHOR_EMAIL: 'doctest@example.com', GIT_COMMITTER_NAME: 'doctest', GIT_COMMITTER_EMAIL: 'doctest@example.com' },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-gpg-sign', '-m', 'fresh clone');
  writeFileSync(`${dir}.cwd`, dir);
  return dir;
}

// The working folder is carried from block to block through a file outside the copy.
const PRELUDE = `set -eo pipefail
trap 'pwd > "$DOCTEST_CWD_FILE"' EXIT
cd "$(cat "$DOCTEST_CWD_FILE")"
npx() { if [ "$1" = offerops ]; then shift; node "$DOCTEST_REPO/bin/offerops.js" "$@"; else command npx "$@"; fi; }
`;

function runBlock(dir: string, body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `${dir}.block.sh`;
  writeFileSync(script, PRELUDE + body + '\n');
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/TOKEN|SECRET|PASSWORD/i.test(k) && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
    const child = spawn('bash', [script], { cwd: dir, env: { ...env, NO_COLOR: '1', DOCTEST_REPO: dir, DOCTEST_CWD_FILE: `${dir}.cwd` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(script, { force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

// At most this many pages at a time: the machine's cores are few and shared.
let running = 0;
const waiting: (() => void)[] = [];
async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const pages = documentationPages();
let files: string[] = [];

beforeAll(() => {
  ensureFreshDist();
  files = cloneFiles();
}, 300_000);
afterAll(() => {
  for (const dir of temps) for (const file of [dir, `${dir}.cwd`, `${dir}.block.sh`]) rmSync(file, { recursive: true, force: true });
});

describe('documentation examples', () => {
  it('mark every block that cannot run with a reason, and use known directives only', () => {
    const problems = pages.flatMap((page) => planPage(page).problems);
    expect(problems).toEqual([]);
  });

  it('show JSON output only as valid JSON', () => {
    const problems: string[] = [];
    for (const page of pages) {
      for (const plan of planPage(page).plans) {
        if (!plan.run || !plan.output) continue;
        try {
          JSON.parse(plan.output.body);
        } catch (error) {
          problems.push(`${page}:${plan.output.line}: the output shown for the command above is not JSON (${(error as Error).message})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.concurrent.each(pages)('%s: every shell example runs as documented', async (page) => {
    const { plans } = planPage(page);
    const runnable = plans.filter((p) => p.run);
    if (runnable.length === 0) return;
    await withSlot(async () => {
      const dir = freshCopy(files);
      for (const plan of plans) {
        if (!plan.run) continue;
        const where = `${page}:${plan.block.line}`;
        const result = await runBlock(dir, plan.block.body);
        const story = `${where}\n${plan.block.body}\n--- exit ${result.code}\n--- stderr (end)\n${result.stderr.slice(-3000)}\n--- stdout (start)\n${result.stdout.slice(0, 1500)}`;
        expect(result.code, story).toBe(plan.exit);
        if (plan.output) {
          let actual: unknown;
          try {
            actual = JSON.parse(result.stdout);
          } catch {
            expect.fail(`${story}\n--- the page shows JSON output (line ${plan.output.line}), but stdout is not JSON`);
          }
          expect(shapeProblems(JSON.parse(plan.output.body), actual), `${story}\n--- output shown at ${page}:${plan.output.line}`).toEqual([]);
        }
      }
    });
  }, 1_200_000);

  it('runs `npx offerops` the way the examples assume: the checkout\'s own bin', () => {
    const dir = freshCopy(files);
    // --offline: the answer must come from the checkout, not from a registry.
    const version = execFileSync('npx', ['--offline', '--no-install', 'offerops', '--version'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NPM_CONFIG_UPDATE_NOTIFIER: 'false' } }).trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  }, 120_000);
});

describe('the doctest itself', () => {
  it('finds the blocks, directives and output of a page', () => {
    const text = [
      'Intro',
      '```sh',
      'npx offerops compile --json --out b.json',
      '```',
      'prints:',
      '```json',
      '{"digest": "sha256:…"}',
      '```',
      '<!-- doctest: skip — needs a running server -->',
      '```sh',
      'curl localhost:8080',
      '```',
    ].join('\n');
    const blocks = fencedBlocks('x.md', text);
    expect(blocks.map((b) => [b.line, b.language, b.directive])).toEqual([
      [2, 'sh', null],
      [6, 'json', null],
      [10, 'sh', '<!-- doctest: skip — needs a running server -->'],
    ]);
    expect(outputBlock(blocks[1])).toBe(blocks[1]);
    expect(outputBlock(blocks[2])).toBeNull();
  });

  it('detects output of another shape, or other names than the page shows', () => {
    expect(shapeProblems({ digest: 'sha256:…', counts: { offers: 1 } }, { digest: 'sha256:1f', counts: { offers: 38, segments: 2 } })).toEqual([]);
    expect(shapeProblems({ digest: 'sha256:…', out: 'b.json' }, { digest: 'sha256:1' })).toEqual(['$.out: shown on the page, missing from the output']);
    expect(shapeProblems({ offer: 'gold-card' }, { offer: 'cash-isa' })).toEqual(['$.offer: the page shows "gold-card", the command gave "cash-isa"']);
    expect(shapeProblems({ code: '….web.home-hero.r.gold-card' }, { code: '8ecda596b2c0.web.home-hero.r.gold-card' })).toEqual([]);
    expect(shapeProblems({ code: '….web.home-hero.r.gold-card' }, { code: '8ecda596b2c0.web.home-tiles.r.gold-card' })).toHaveLength(1);
    expect(shapeProblems({ valid: true }, { valid: false })).toHaveLength(1);
    expect(shapeProblems({ offers: [{ offer: 'a', score: 1 }] }, { offers: [{ offer: 'a', score: '1' }] })).toHaveLength(1);
    expect(shapeProblems([{ a: 1 }], [])).toHaveLength(1);
  });
});
