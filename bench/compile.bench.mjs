// Compile benchmark (docs/benchmarks.md#targets): the large config (1,000 offers, 500 segments, 20,000
// treatment rules, 50 policies) loads, validates and compiles in under 3 s and 500 MB.
//
// Figure:    load + validate + compile + serialise the bundle, through dist/ (what
//            `offerops compile --out FILE` does, minus the file write).
// Reference: a plain `yaml` parse (parseAllDocuments + toJS) of the same files, in the
//            same run — the floor any YAML-based tool pays, and a yardstick that moves
//            with the machine.
// Each measurement runs in a fresh child process, so its peak RSS
// (process.resourceUsage().maxRSS) belongs to it alone; the median of RUNS is printed.
//
//   node --expose-gc bench/compile.bench.mjs            the benchmark (npm run bench -- compile)
//   BENCH_RUNS=5 BENCH_SCALE=0.5 node bench/compile.bench.mjs
//   node bench/compile.bench.mjs --child figure DIR     one measurement, JSON on stdout
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLargeConfig } from './generate/large-config.mjs';

const TARGET_SECONDS = 3;
const TARGET_MB = 500;
const SEED = 20260101;
const self = fileURLToPath(import.meta.url);
const dist = new URL('../dist/', import.meta.url);

const mb = (bytes) => bytes / 1024 / 1024;

async function measureReference(dir, files) {
  const { parseAllDocuments } = await import('yaml');
  globalThis.gc?.();
  const started = performance.now();
  let documents = 0;
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      doc.toJS();
      documents++;
    }
  }
  return { ms: performance.now() - started, documents };
}

async function measureFigure(dir) {
  const { loadConfigDirectory } = await import(new URL('config/load.js', dist).href);
  const { validateConfig } = await import(new URL('config/validate.js', dist).href);
  const { hasErrors } = await import(new URL('config/problem.js', dist).href);
  const { compileModel } = await import(new URL('compile/compile.js', dist).href);
  const { createBundle, formatBundle } = await import(new URL('bundle/bundle.js', dist).href);
  globalThis.gc?.();
  const phases = {};
  let mark = performance.now();
  const lap = (name) => {
    const now = performance.now();
    phases[name] = now - mark;
    mark = now;
  };
  const started = mark;
  const loaded = await loadConfigDirectory(dir, { root: dir });
  lap('load');
  const validation = validateConfig(loaded);
  lap('validate');
  if (hasErrors(validation.problems)) {
    const first = validation.problems.find((p) => p.severity === 'error');
    throw new Error(`the generated config does not validate: ${first.file}:${first.line}:${first.column} ${first.code} ${first.message}`);
  }
  const compiled = compileModel(validation.model, validation.facts);
  lap('compile');
  const bundle = createBundle(compiled.body);
  const text = formatBundle(bundle);
  lap('bundle');
  return { ms: performance.now() - started, phases, digest: bundle.digest, bundleBytes: Buffer.byteLength(text), problems: validation.problems.length + compiled.problems.length };
}

/** Child mode: one measurement, printed as JSON. */
async function child(kind, dir, files) {
  const result = kind === 'reference' ? await measureReference(dir, files) : await measureFigure(dir);
  const heap = process.memoryUsage();
  process.stdout.write(JSON.stringify({ ...result, maxRssMB: process.resourceUsage().maxRSS / 1024, heapUsedMB: mb(heap.heapUsed) }) + '\n');
}

function runChild(kind, dir, files) {
  const child = spawnSync(process.execPath, ['--expose-gc', self, '--child', kind, dir, ...files], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`${kind} measurement failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function figureLine(name, value, unit, reference, target) {
  const digits = unit === 's' ? 2 : 0;
  const verdict = value <= target ? 'ok' : 'OVER TARGET';
  return `${name.padEnd(17)} ${value.toFixed(digits).padStart(7)} ${unit.padEnd(3)} reference ${reference.toFixed(digits).padStart(6)} ${unit.padEnd(3)} ×${(value / reference).toFixed(2).padEnd(6)} target < ${target} ${unit}  ${verdict}`;
}

async function main() {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-bench-compile-'));
  try {
    const generated = await writeLargeConfig(dir, { seed: SEED, scale });
    const c = generated.counts;
    console.log(
      `config: ${c.offers} offers, ${c.segments} segments, ${c.rules} treatment rules in ${c.strategies} strategies, ${c.policies} policies, ${c.offerLists} offer lists, ${c.channels} channels; ` +
        `${generated.files.length} YAML files, ${mb(generated.bytes).toFixed(1)} MB (seed ${SEED}, scale ${scale}); median of ${runs} runs, each in a fresh process`,
    );
    const reference = [];
    const figure = [];
    for (let i = 0; i < runs; i++) {
      reference.push(runChild('reference', dir, generated.files));
      figure.push(runChild('figure', dir, generated.files));
    }
    const refSeconds = median(reference.map((r) => r.ms)) / 1000;
    const figSeconds = median(figure.map((r) => r.ms)) / 1000;
    const refRss = median(reference.map((r) => r.maxRssMB));
    const figRss = median(figure.map((r) => r.maxRssMB));
    console.log(figureLine('compile.time', figSeconds, 's', refSeconds, TARGET_SECONDS));
    console.log(figureLine('compile.peak-rss', figRss, 'MB', refRss, TARGET_MB));
    const phases = Object.keys(figure[0].phases)
      .map((name) => `${name} ${(median(figure.map((r) => r.phases[name])) / 1000).toFixed(2)} s`)
      .join(', ');
    const last = figure[figure.length - 1];
    console.log(`  phases: ${phases}; bundle ${mb(last.bundleBytes).toFixed(1)} MB ${last.digest.slice(0, 19)}…, ${last.problems} warnings; reference parsed ${reference[0].documents} documents`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv.slice(5));
else await main();
