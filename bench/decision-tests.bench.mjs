// Behaviour-test benchmark (docs/benchmarks.md#targets): 10,000 DecisionTest cases
// on the example organisation, under 5 s for `offerops test` from the files to the results.
//
// Data:      the example organisation's config/ (its own tests left out), plus 10,000
//            cases in 10 files: seeded web customers at the channel's six points on days
//            through November 2026, a history for one in five, each expecting the exact
//            offers the engine gives it (made by deciding once, so every case must pass;
//            one that does not is a crash). Two layouts of the same cases:
//            - suite: as docs/behaviour-tests.md writes them — each file a test whose
//              spec holds a base profile and session, each case one line giving the
//              attributes where its member differs (the id and three or four more);
//            - verbose: every case with its member's full profile and session in block
//              style (about 40 lines a case, four times the YAML).
// Figures:   - test: `offerops test --json` run as a user runs it, in a child process, on
//              the suite layout — start-up, reading and validating the config and the
//              cases, compiling, deciding and checking every case, printing (wall time,
//              median of BENCH_RUNS runs); target under 5 s;
//            - verbose: the same on the verbose layout (one run; no target: it measures
//              what the YAML's size costs);
//            - run: the runner alone (cases already read: decide, check, report);
//            - coverage: the runner with --coverage (every case explained, its member's
//              segments evaluated).
// Reference: in the same run, the plain decide loop — engine.decide on the same 10,000
//            requests, built beforehand — each figure is printed as a multiple of it;
//            and for `test`, the floor any YAML-based tool pays: a plain `yaml` parse of
//            the same files in a child process (wall and CPU time, as for the command).
//
//   node --expose-gc bench/decision-tests.bench.mjs     (npm run bench -- decision-tests)
//   BENCH_CASES=2000 BENCH_RUNS=1 node bench/decision-tests.bench.mjs
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { seededRandom } from './generate/large-config.mjs';

const SEED = 20261102;
const CASES = Number(process.env.BENCH_CASES ?? 10000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = 10;
const TARGET_SECONDS = 5;
const CHANNEL = 'web';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = new URL('../dist/', import.meta.url);

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A web customer of the example organisation, every declared attribute given. */
function member(random, index) {
  const products = ['current-account', 'credit-card', 'savings', 'isa', 'mortgage', 'loan', 'insurance', 'investments', 'app', 'paperless', 'fraud-alerts', 'round-up'].filter((p) => p === 'current-account' || random.chance(0.3));
  const hasMortgage = products.includes('mortgage');
  const day = (from, span) => new Date(Date.UTC(from, 0, 1) + random.int(0, span) * 86400000).toISOString().slice(0, 10);
  return {
    customerId: `B-${String(index).padStart(6, '0')}`,
    age: random.int(18, 85),
    income: random.int(8, 200) * 1000,
    tier: random.pick(['standard', 'standard', 'plus', 'premier', 'private']),
    creditScore: random.int(420, 900),
    riskScore: random.round(random.next(), 2),
    employment: random.pick(['employed', 'employed', 'self-employed', 'retired', 'student', 'unemployed']),
    region: random.pick(['england', 'scotland', 'wales', 'northern-ireland']),
    dependants: random.int(0, 3),
    savingsBalance: random.int(0, 150) * 1000,
    hasMortgage,
    ...(hasMortgage ? { mortgageFixEnds: day(2026, 700) } : {}),
    customerSince: day(2005, 7900),
    lastLogin: day(2026, 300),
    products,
    marketingConsent: random.chance(0.8),
    vulnerable: random.chance(0.05),
  };
}

async function main() {
  const { loadConfigDirectory } = await import(new URL('config/load.js', dist).href);
  const { compileLoaded } = await import(new URL('compile/compile-directory.js', dist).href);
  const { createEngine } = await import(new URL('engine/engine.js', dist).href);
  const { collectTestCases, runDecisionTests } = await import(new URL('decision-tests/index.js', dist).href);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'offerops-tests-bench-'));
  try {
    // The example's own tests are left out: the figures are for the generated cases alone.
    const layouts = { suite: path.join(dir, 'suite'), verbose: path.join(dir, 'verbose') };
    for (const layout of Object.values(layouts)) {
      await cp(path.join(root, 'config'), path.join(layout, 'config'), { recursive: true, filter: (source) => path.relative(path.join(root, 'config'), source).split(path.sep)[0] !== 'tests' });
      await mkdir(path.join(layout, 'config', 'tests'));
    }
    const base = compileLoaded(await loadConfigDirectory('config', { root: layouts.suite }));
    if (!base.bundle) throw new Error('the example config does not compile');
    const engine = createEngine(base.bundle);
    const web = base.bundle.body.channels.find((c) => c.name === CHANNEL);
    const points = Object.values(web.interactionPoints);
    const offers = base.bundle.body.offers.map((o) => o.name).filter((o) => o !== 'legacy-bond-2025');
    const attributeNames = Object.keys(web.audienceLevels[0].attributes);

    // The cases, each expecting what the engine decides for it, and the same requests for the reference.
    const random = seededRandom(SEED);
    const requests = [];
    const perFile = Math.ceil(CASES / FILES);
    let yamlBytes = { suite: 0, verbose: 0 };
    for (let f = 0; f < FILES; f++) {
      const baseProfile = member(random, 900000 + f);
      delete baseProfile.customerId;
      const baseSession = { device: 'desktop', referrer: 'direct', pageViews: 3, authenticated: true };
      const suiteCases = [];
      const verboseCases = [];
      for (let i = f * perFile; i < Math.min(CASES, (f + 1) * perFile); i++) {
        const own = member(random, i);
        // Where this member differs from the test's base: its id and three or four attributes.
        const differs = { customerId: own.customerId };
        for (const name of attributeNames.filter(() => random.chance(0.22)).slice(0, 4)) if (own[name] !== undefined) differs[name] = own[name];
        const profile = { ...baseProfile, ...differs };
        const sessionDiffers = random.chance(0.3) ? { device: random.pick(['tablet', 'mobile']) } : {};
        const session = { ...baseSession, ...sessionDiffers };
        const point = points[i % points.length];
        const at = `2026-11-${String(random.int(1, 30)).padStart(2, '0')}`;
        const history = random.chance(0.2)
          ? Array.from({ length: random.int(1, 4) }, () => ({ offer: random.pick(offers), date: `2026-10-${String(random.int(1, 31)).padStart(2, '0')}`, event: random.pick(['contact', 'contact', 'reject', 'accept']) }))
          : [];
        const request = { channel: CHANNEL, interactionPoint: point.name, audience: { id: '', profile }, session, history: history.map((row) => ({ customerId: profile.customerId, channel: CHANNEL, ...row })), at, count: point.maxOffers ?? 1 };
        const decision = engine.decide(request);
        if (decision.errors.some((e) => e.code === 'input')) throw new Error(`generated case ${i} is refused: ${decision.errors[0].message}`);
        requests.push(request);
        const expect = { offers: decision.offers.map((o) => o.offer) };
        const extra = history.length ? { history } : {};
        suiteCases.push(`    - ${stringify({ name: `case ${i}`, point: point.name, at, profile: differs, ...(Object.keys(sessionDiffers).length ? { session: sessionDiffers } : {}), ...extra, expect }, { collectionStyle: 'flow', lineWidth: 0 }).trim()}`);
        verboseCases.push({ name: `case ${i}`, point: point.name, at, profile, session, ...extra, expect });
      }
      const header = (name) => `apiVersion: offerops/v1\nkind: DecisionTest\nmetadata: { name: ${name} }\nspec:\n  channel: ${CHANNEL}\n`;
      const suite = `${header(`bench-${f}`)}  profile: ${stringify(baseProfile, { collectionStyle: 'flow', lineWidth: 0 }).trim()}\n  session: ${stringify(baseSession, { collectionStyle: 'flow', lineWidth: 0 }).trim()}\n  cases:\n${suiteCases.join('\n')}\n`;
      const verbose = stringify({ apiVersion: 'offerops/v1', kind: 'DecisionTest', metadata: { name: `bench-${f}` }, spec: { channel: CHANNEL, cases: verboseCases } }, { lineWidth: 0, aliasDuplicateObjects: false });
      await writeFile(path.join(layouts.suite, 'config', 'tests', `bench-${f}.yaml`), suite);
      await writeFile(path.join(layouts.verbose, 'config', 'tests', `bench-${f}.yaml`), verbose);
      yamlBytes = { suite: yamlBytes.suite + Buffer.byteLength(suite), verbose: yamlBytes.verbose + Buffer.byteLength(verbose) };
    }

    const check = (run, what) => {
      if (run.summary.cases !== CASES || run.summary.passed !== CASES) throw new Error(`${what}: ${run.summary.passed} of ${run.summary.cases} cases passed; every generated case must pass`);
    };

    // The command itself, as a user runs it: `offerops test --json` in a child process
    // (start-up, reading and validating the config and the cases, compiling, deciding,
    // checking, printing), wall time.
    const bin = path.join(root, 'bin', 'offerops.js');
    // The child reports its own CPU time on exit: on a shared machine wall time also counts
    // the waits for a core, CPU time only the work.
    const cpuReport = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nbench-cpu-us "+(u.user+u.system)+"\\n")})';
    const testCommand = (layout) => {
      const t0 = performance.now();
      const child = spawnSync(process.execPath, ['--import', cpuReport, bin, 'test', '--json'], { cwd: layout, encoding: 'utf8', maxBuffer: 1 << 30 });
      const seconds = (performance.now() - t0) / 1000;
      if (child.status !== 0) throw new Error(`offerops test exited ${child.status}: ${child.stderr.slice(0, 2000)}`);
      check(JSON.parse(child.stdout), 'test');
      const cpu = /bench-cpu-us (\d+)/.exec(child.stderr);
      if (!cpu) throw new Error('the child did not report its CPU time');
      return { seconds, cpu: Number(cpu[1]) / 1e6 };
    };
    // The floor any YAML-based tool pays: a plain parse (documents with positions, then
    // plain values) of the same files, in a child process timed the same way.
    const floorScript = `
      import { readdirSync, readFileSync } from 'node:fs';
      import path from 'node:path';
      const { parseAllDocuments } = await import(process.argv[1]);
      const files = readdirSync('config', { recursive: true }).filter((f) => /\\.ya?ml$/.test(f));
      let documents = 0;
      for (const file of files) for (const doc of parseAllDocuments(readFileSync(path.join('config', file), 'utf8'))) { doc.toJS(); documents++; }
      const u = process.cpuUsage();
      process.stdout.write(JSON.stringify({ documents, cpu: (u.user + u.system) / 1e6 }));`;
    const yamlFloor = (layout) => {
      const t0 = performance.now();
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', floorScript, import.meta.resolve('yaml')], { cwd: layout, encoding: 'utf8' });
      const seconds = (performance.now() - t0) / 1000;
      if (child.status !== 0) throw new Error(`the plain YAML parse failed: ${child.stderr.slice(0, 2000)}`);
      return { seconds, cpu: JSON.parse(child.stdout).cpu };
    };

    const endToEnd = [];
    const floors = [];
    for (let r = 0; r < RUNS; r++) {
      endToEnd.push(testCommand(layouts.suite));
      floors.push(yamlFloor(layouts.suite));
    }
    floors.sort((a, b) => a.seconds - b.seconds);
    const floor = floors[Math.floor(floors.length / 2)];
    endToEnd.sort((a, b) => a.seconds - b.seconds);
    const command = endToEnd[Math.floor(endToEnd.length / 2)];
    const verbose = testCommand(layouts.verbose);

    // The runner alone, on the cases as the command reads them.
    const compiled = compileLoaded(await loadConfigDirectory('config', { root: layouts.suite }));
    const loaded = { cases: collectTestCases(compiled.model), engine: createEngine(compiled.bundle) };

    // Warm the runner and the reference loop on the same work, then time each RUNS times.
    runDecisionTests(loaded.engine, loaded.cases);
    for (const request of requests) loaded.engine.decide(request);
    const reference = [];
    const runner = [];
    const covered = [];
    for (let r = 0; r < RUNS; r++) {
      globalThis.gc?.();
      let t0 = performance.now();
      let offered = 0;
      for (const request of requests) offered += loaded.engine.decide(request).offers.length;
      reference.push((performance.now() - t0) / 1000);
      if (offered === 0) throw new Error('the reference loop gave no offer at all');
      globalThis.gc?.();
      t0 = performance.now();
      check(runDecisionTests(loaded.engine, loaded.cases), 'run');
      runner.push((performance.now() - t0) / 1000);
      globalThis.gc?.();
      t0 = performance.now();
      check(runDecisionTests(loaded.engine, loaded.cases, { coverage: true }), 'coverage');
      covered.push((performance.now() - t0) / 1000);
    }

    const ref = median(reference);
    const mb = (bytes) => fmt(bytes / 1e6, 1);
    process.stdout.write(
      `decision-tests: ${fmt(CASES)} cases in ${FILES} files on the example organisation (web, ${points.length} points, November 2026, ${fmt(requests.filter((r) => r.history.length > 0).length)} with history); YAML ${mb(yamlBytes.suite)} MB as a suite, ${mb(yamlBytes.verbose)} MB verbose; median of ${RUNS} runs (verbose: 1); load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores\n`,
    );
    const line = (name, seconds, extra) =>
      process.stdout.write(`decision-tests.${name.padEnd(8)}  ${fmt(seconds, 3)} s (${fmt(CASES / seconds)} cases/s)  reference ${fmt(ref, 3)} s (${fmt(CASES / ref)} decisions/s)  ×${fmt(seconds / ref, 1)}${extra}\n`);
    line('test', command.seconds, `  cpu ${fmt(command.cpu, 3)} s  yaml floor ${fmt(floor.seconds, 3)} s (cpu ${fmt(floor.cpu, 3)} s) ×${fmt(command.seconds / floor.seconds, 1)}  target < ${TARGET_SECONDS} s  ${command.seconds < TARGET_SECONDS ? 'ok' : command.cpu < TARGET_SECONDS ? 'OVER TARGET (wall; cpu under it)' : 'OVER TARGET'}`);
    line('verbose', verbose.seconds, `  cpu ${fmt(verbose.cpu, 3)} s`);
    line('run', median(runner), '');
    line('coverage', median(covered), '');
    process.stdout.write(`reference: the plain decide loop, engine.decide on the same ${fmt(CASES)} requests built beforehand\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
