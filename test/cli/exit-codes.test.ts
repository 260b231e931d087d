// The one table from errors to exit codes (src/cli/exit-codes.ts, README.md#exit-codes):
// each stage's domain error has its code, and a bug is 70, never 1 ("problems found").
import path from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/index.js';
import { classifyError, EXIT_INTERNAL } from '../../src/cli/exit-codes.js';
import { run } from '../../src/cli/main.js';
import { EngineLoadError } from '../../src/engine/index.js';
import { InternalError, UserError } from '../../src/errors.js';
import { ExpressionCompileError } from '../../src/expr/index.js';
import { HistoryFileError } from '../../src/io/index.js';
import { OptimizeInputError } from '../../src/optimize/index.js';
import { HistorySpecError, HistoryStoreError } from '../../src/server/index.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/sample');

describe('the exit-code table', () => {
  it.each([
    ['a usage error', new UserError('bad flag'), 2],
    ['an external failure', new UserError('push rejected', 3), 3],
    ['problems found', new UserError('config has errors', 1), 1],
    ['a bundle that does not verify', new BundleError('digest mismatch', 'b.json'), 2],
    ['a bundle the engine cannot run', new EngineLoadError('expression does not compile', "segment 's'"), 2],
    ['an expression that does not compile', new ExpressionCompileError("segment 's'", 'no'), 2],
    ['a bad history file', new HistoryFileError([{ file: 'h.csv', line: 2, column: 1, message: 'bad' }]), 2],
    ['a bad optimizer input', new OptimizeInputError('proposed', 0, 'score', 'not a number'), 2],
    ['an unknown --history form', new HistorySpecError('--history must be sqlite:FILE'), 2],
    ['a history store that fails', new HistoryStoreError('connection refused'), 3],
    ['a reported bug', new InternalError('optimizer broke a rule'), EXIT_INTERNAL],
    ['any other error (a bug)', new TypeError("Cannot read properties of undefined (reading 'x')"), EXIT_INTERNAL],
    ['a thrown non-error (a bug)', 'oops', EXIT_INTERNAL],
  ])('maps %s', (_what, error, code) => {
    expect(classifyError(error).code).toBe(code);
    expect(classifyError(error).internal).toBe(code === EXIT_INTERNAL);
  });

  it('maps commander: help and version exit 0, anything else is usage', () => {
    expect(classifyError(new CommanderError(0, 'commander.helpDisplayed', '')).code).toBe(0);
    expect(classifyError(new CommanderError(1, 'commander.unknownOption', 'unknown option')).code).toBe(2);
  });

  it('exits 70 on a bug, says so and asks for a report', async () => {
    let stderr = '';
    const code = await run(['compile', '--config', fixture], {
      stdout: () => {
        throw new TypeError('stdout broke');
      },
      stderr: (text) => void (stderr += text),
      cwd: fixture,
      env: {},
      isTTY: false,
    });
    expect(code).toBe(70);
    expect(stderr).toContain('offerops: internal error: stdout broke\nThis is a bug in offerops; please report it with the command you ran (add --debug for a stack trace).');
  });
});
