// Reading proposed contacts (docs/optimization.md#reading-csv):
// `node bench/read-proposed.mjs FOLDER [RUNS] [REFERENCE]` reads FOLDER/proposed.csv
// (the offers from FOLDER/bundle.json, as the optimize benchmark's data has them) into
// columns with this checkout's dist/, RUNS times (default 3), and prints the CPU time
// (user + system) and wall time of each read with the load average. With REFERENCE (the
// root of another checkout with a built dist/, e.g. the main branch), the same reads run
// there first, alternating, and the ratio of the CPU medians is printed.
// Not part of `npm run bench`: it measures one phase of the optimize command.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [folder, runsText = '3', reference] = process.argv.slice(2);
const runs = Number(runsText);
if (folder === undefined || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: node bench/read-proposed.mjs FOLDER [RUNS] [REFERENCE]\n');
  process.exit(2);
}
const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const file = path.resolve(folder, 'proposed.csv');
const bundle = JSON.parse(await readFile(path.resolve(folder, 'bundle.json'), 'utf8'));
const offers = new Set(bundle.body.offers.map((offer) => offer.name));

const roots = reference === undefined ? [['this', here]] : [['reference', path.resolve(reference)], ['this', here]];
const modules = new Map();
for (const [name, root] of roots) modules.set(name, await import(pathToFileURL(path.join(root, 'dist/optimize/index.js')).href));
const cpu = new Map(roots.map(([name]) => [name, []]));
for (let run = 0; run < runs; run++) {
  for (const [name] of roots) {
    const { ProposedColumnsBuilder, readProposedColumns } = modules.get(name);
    const start = process.cpuUsage();
    const wallStart = performance.now();
    const builder = new ProposedColumnsBuilder();
    const read = await readProposedColumns({ file, displayName: 'proposed.csv', format: 'csv' }, offers, builder);
    builder.finish();
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    cpu.get(name).push(seconds);
    process.stdout.write(`${name.padEnd(9)} ${read.rows} rows  cpu ${seconds.toFixed(2)} s  wall ${((performance.now() - wallStart) / 1e3).toFixed(2)} s  load ${loadavg()[0].toFixed(2)}\n`);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
if (reference !== undefined) process.stdout.write(`cpu median: this ${median(cpu.get('this')).toFixed(2)} s, reference ${median(cpu.get('reference')).toFixed(2)} s, ratio ${(median(cpu.get('this')) / median(cpu.get('reference'))).toFixed(2)}\n`);
