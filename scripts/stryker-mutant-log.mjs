// A Stryker reporter (`mutant-log`, loaded by stryker.config.mjs) that appends each mutant's
// result to mutants.ndjson beside the JSON report as soon as it is known: Stryker writes
// its own reports only when the whole run ends, and a folder's run takes an hour on a
// small machine. Read the survivors while it runs:
//   grep '"Survived"' reports/mutation/<target>/mutants.ndjson
// Declared without importing @stryker-mutator/api (a plugin is a plain object).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

class MutantLogReporter {
  static inject = /** @type {const} */ (['options']);

  /** @param {{ jsonReporter?: { fileName?: string } }} options */
  constructor(options) {
    const report = options.jsonReporter?.fileName ?? 'reports/mutation/mutation.json';
    this.file = path.join(path.dirname(report), 'mutants.ndjson');
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  /**
   * One line per mutant: where it is, what it changed, and what became of it.
   * @param {{ id: string; fileName: string; location: { start: { line: number; column: number } }; mutatorName: string; replacement?: string; status: string; statusReason?: string; killedBy?: string[]; coveredBy?: string[] }} result
   */
  onMutantTested(result) {
    const line = {
      status: result.status,
      file: path.relative(process.cwd(), result.fileName).replaceAll(path.sep, '/'),
      line: result.location.start.line,
      column: result.location.start.column + 1,
      mutator: result.mutatorName,
      replacement: result.replacement,
      killedBy: result.killedBy?.[0],
      covering: result.coveredBy?.length ?? 0,
      id: result.id,
    };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}

export const strykerPlugins = [{ kind: 'Reporter', name: 'mutant-log', injectableClass: MutantLogReporter }];
