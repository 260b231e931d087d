// Independent check of a chosen-rows file against the whole input (docs/optimization.md#beyond-one-machine-shards):
// `node bench/check-selection.mjs DIR CHOSEN.csv [POLICY]` reads DIR/bundle.json, DIR/proposed.csv,
// DIR/history.csv and DIR/audience.csv (the optimize benchmark's layout), finds each line of
// CHOSEN.csv among the proposed lines (the optimizer copies chosen CSV lines byte for byte),
// builds the model of the whole input afresh and recounts every hard rule (checkSelection
// of the optimize stage). Prints the chosen rows and their total score; exits 1 when a rule
// is broken or a chosen line is not a proposed line. Used for merged shard results.
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseBundle } from '../dist/bundle/bundle.js';
import { readHistory } from '../dist/io/history.js';
import { checkSelection, ProposedColumnsBuilder, readAudience, readProposedColumns } from '../dist/optimize/index.js';

const [dir, chosenFile, policyArg] = process.argv.slice(2);
if (!dir || !chosenFile) {
  process.stderr.write('usage: node bench/check-selection.mjs DIR CHOSEN.csv [POLICY]\n');
  process.exit(2);
}

async function* dataLines(file) {
  let first = true;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (first) {
      first = false;
      continue;
    }
    if (line !== '') yield line;
  }
}

// Chosen lines (with multiplicity) → the proposed row indexes holding them.
const wanted = new Map();
for await (const line of dataLines(chosenFile)) wanted.set(line, (wanted.get(line) ?? 0) + 1);
const chosen = [];
let row = 0;
for await (const line of dataLines(path.join(dir, 'proposed.csv'))) {
  const left = wanted.get(line);
  if (left) {
    chosen.push(row);
    if (left === 1) wanted.delete(line);
    else wanted.set(line, left - 1);
  }
  row++;
}
if (wanted.size > 0) {
  process.stderr.write(`check: ${wanted.size} chosen line(s) are not proposed lines, e.g. ${JSON.stringify(wanted.keys().next().value)}\n`);
  process.exit(1);
}

const bundle = parseBundle(readFileSync(path.join(dir, 'bundle.json'), 'utf8'), 'bundle.json').body;
const policy = policyArg ?? bundle.policies[0].name;
const table = (f) => ({ file: path.join(dir, f), displayName: f, format: 'csv' });
const builder = new ProposedColumnsBuilder();
await readProposedColumns(table('proposed.csv'), new Set(bundle.offers.map((o) => o.name)), builder);
const proposed = builder.finish();
const history = await readHistory(table('history.csv'));
const level = bundle.channels.find((c) => c.name === bundle.policies.find((p) => p.name === policy).channel).audienceLevels[0];
const audience = await readAudience(table('audience.csv'), level.attributes, level.idField);
try {
  const result = checkSelection({ bundle, policy, proposed, history, audience }, chosen);
  process.stdout.write(`check: feasible — ${result.rows} chosen of ${proposed.length} proposed rows, every hard rule of policy '${policy}' holds; objective ${result.objective.toFixed(2)}\n`);
} catch (error) {
  process.stderr.write(`check: NOT feasible — ${error.message}\n`);
  process.exit(1);
}
