// Records benchmark (docs/gitops.md#records): how long `status --history` and `promote`
// take to read the records on the offerops/records branch, once an environment has a
// long history. No SPEC target; this measures the choice of reading the whole branch
// in one git process.
//
// Figures:   records read per second by GitRecordStore.read() — every file under
//            records/ at the branch tip, in one `git grep` — for 2,000 records
//            (BENCH_RECORDS) of every kind, committed on the branch in a temp repository.
// Reference: in the same run, the same files read one at a time (LocalGit.readFile:
//            a blob lookup and a cat-file per record, as a naive reader would), on the
//            first 200 of them (reading all 2,000 that way takes minutes on a busy
//            machine); the figure is printed as a multiple of it.
//
//   node --expose-gc bench/records.bench.mjs          (npm run bench -- records)
//   BENCH_RECORDS=500 node bench/records.bench.mjs
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 2000);
const REFERENCE = Math.min(200, RECORDS);
const dist = new URL('../dist/', import.meta.url);
const { formatRecord, recordPath } = await import(new URL('gitops/records.js', dist));
const { LocalGit, GitRecordStore } = await import(new URL('gitops/scm/local.js', dist));

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const hex = (i, width) => i.toString(16).padStart(width, '0');

function record(i) {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
  const base = { environment: i % 2 ? 'production' : 'staging', digest: `sha256:${hex(i, 64)}`, at, actor: 'ci (GitHub)' };
  switch (i % 4) {
    case 0:
      return { ...base, kind: 'release', previousDigest: null, source: { commit: hex(i, 40), ref: 'main' }, commit: hex(i + 1, 40), signed: false };
    case 1:
      return { ...base, kind: 'deployment', ok: true, commit: hex(i, 40), targets: [{ target: 'directory /srv/offerops', ok: true, previousDigest: null }] };
    case 2:
      return { ...base, kind: 'check', passed: true, day: at.slice(0, 10), limits: { maxP99Ms: 25, minRps: 500 }, targets: [{ target: 'http http://127.0.0.1:8080', reached: true, members: 2000, decisions: 6000, mismatches: 0, p50Ms: 1.2, p99Ms: 4.5, rps: 2100, passed: true, problems: [] }] };
    default:
      return { ...base, kind: 'promotion', from: 'staging', previousDigest: null, branch: 'offerops/promote-production', commit: hex(i, 40), forced: null, pullRequest: null };
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-bench-records-'));
try {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };
  const git = (...args) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet', '--initial-branch', 'offerops/records');
  const files = [];
  for (let i = 0; i < RECORDS; i++) {
    const r = record(i);
    const file = recordPath(r);
    files.push(file);
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), formatRecord(r));
  }
  git('add', 'records');
  git('commit', '--quiet', '-m', 'records');

  const local = await LocalGit.open(dir, env);
  const store = new GitRecordStore(local, null);
  const runs = [];
  let read = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    read = await store.read();
    runs.push(performance.now() - started);
  }
  if (read.length !== RECORDS) throw new Error(`read ${read.length} records, wrote ${RECORDS}`);
  const ms = runs.sort((a, b) => a - b)[1];

  const started = performance.now();
  for (const file of files.slice(0, REFERENCE)) if (!(await local.readFile('refs/heads/offerops/records', file))) throw new Error(`missing ${file}`);
  const referenceMs = performance.now() - started;

  const perSecond = (RECORDS * 1000) / ms;
  const referencePerSecond = (REFERENCE * 1000) / referenceMs;
  console.log(`records read (one git grep):      ${fmt(RECORDS)} records in ${fmt(ms)} ms (median of 3) = ${fmt(perSecond)} records/s`);
  console.log(`reference (one file at a time):   ${fmt(REFERENCE)} records in ${fmt(referenceMs)} ms = ${fmt(referencePerSecond)} records/s`);
  console.log(`ratio:                            ${fmt(perSecond / referencePerSecond, 1)}× the reference`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
