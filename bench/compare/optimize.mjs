// Compares optimizeContacts between checkouts in ONE process: each checkout's own dist/ on the same
// inputs (the optimize benchmark's data folder, read afresh before each run by the first checkout's
// readers), alternately, and the CPU time of each phase (model, prices, repair, search — the last
// with the final check and the report), median per checkout and the ratio to the first. See
// bench/compare/decide.mjs for why one process; reading and writing are measured by
// bench/read-proposed.mjs and the whole command.
//
//   VARIANTS=before=/tmp/before,after=. DATA=/tmp/d1m ROUNDS=4 node --expose-gc bench/compare/optimize.mjs
//
// DATA is a folder of bench/generate/optimize-data.mjs (bundle.json, proposed.csv, history.csv,
// audience.csv); the run is `--exact never`, seed 1, as the benchmark's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
if (!process.env.VARIANTS || !process.env.DATA) {
  process.stderr.write('usage: VARIANTS=before=/path/to/other/checkout,after=. DATA=/path/to/data [ROUNDS=4] node --expose-gc bench/compare/optimize.mjs\n');
  process.exit(2);
}
const variants = process.env.VARIANTS.split(',').map((v) => v.split('=')).map(([name, root]) => [name, path.resolve(root)]);
const data = path.resolve(process.env.DATA);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const first = variants[0][1];
const io = await import(path.join(first, 'dist/io/index.js'));
const optimize = await import(path.join(first, 'dist/optimize/index.js'));
const file = JSON.parse(readFileSync(path.join(data, 'bundle.json'), 'utf8'));
const bundle = typeof file.body === 'string' ? JSON.parse(file.body) : file.body;
const policy = bundle.policies[0];
const channel = bundle.channels.find((c) => c.name === policy.channel);
const attributes = {};
for (const level of [...(channel?.audienceLevels ?? [])].reverse()) Object.assign(attributes, level.attributes);
const idField = channel?.audienceLevels[0]?.idField ?? 'customerId';
const table = (name) => ({ file: path.join(data, name), displayName: name, format: io.tableFormatOf(name) });

async function readProblem() {
  const builder = new optimize.ProposedColumnsBuilder();
  await optimize.readProposedColumns(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)), builder, () => undefined);
  return {
    bundle,
    policy: policy.name,
    proposed: builder.finish(),
    history: await io.readHistory(table('history.csv')),
    audience: await optimize.readAudience(table('audience.csv'), attributes, idField),
  };
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const optimizers = new Map();
for (const [name, root] of variants) optimizers.set(name, (await import(path.join(root, 'dist/optimize/index.js'))).optimizeContacts);
const cpu = new Map(); // "name phase" → CPU seconds per round
const objectives = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const problem = await readProblem();
    globalThis.gc?.();
    const phases = [];
    let phase = 'model';
    let since = cpuSeconds();
    const enter = (next) => {
      const now = cpuSeconds();
      phases.push([phase, now - since]);
      phase = next;
      since = now;
    };
    const result = await optimizers.get(name)(problem, { exact: 'never', seed: 1, onProgress: (_done, _total, next) => next !== phase && enter(next) });
    enter(null);
    const merged = new Map();
    for (const [p, seconds] of phases) merged.set(p, (merged.get(p) ?? 0) + seconds);
    merged.set('total', phases.reduce((sum, [, seconds]) => sum + seconds, 0));
    for (const [p, seconds] of merged) cpu.set(`${name} ${p}`, [...(cpu.get(`${name} ${p}`) ?? []), seconds]);
    objectives.set(name, `${result.report.objective} (${result.chosen.length} rows)`);
    console.log(`round ${round + 1} ${name}: ${[...merged].map(([p, s]) => `${p} ${s.toFixed(2)} s`).join(', ')}`);
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
for (const phase of ['model', 'prices', 'repair', 'search', 'total']) {
  const medians = variants.map(([name]) => median(cpu.get(`${name} ${phase}`) ?? [0]));
  console.log(`${phase.padEnd(6)} CPU median: ${variants.map(([name], i) => `${name} ${medians[i].toFixed(2)} s`).join(', ')}${medians.slice(1).map((m) => `, ratio ${(m / medians[0]).toFixed(3)}`).join('')}`);
}
for (const [name, objective] of objectives) console.log(`${name}: objective ${objective}`);
