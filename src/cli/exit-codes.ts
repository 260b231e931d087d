// The one place an error becomes an exit code (README.md#exit-codes): 0 ok, 1 the work
// found problems, 2 usage or input errors, 3 an external system failed, 70 a bug in
// offerops (an internal error is never "problems found": scripts must tell them apart).
// Commands throw the stages' own errors; this table says what each means to a shell.
import { CommanderError } from 'commander';
import { BundleError } from '../bundle/index.js';
import { EngineLoadError } from '../engine/index.js';
import { ExternalSystemError, InternalError, UsageError, UserError, type ExitCode } from '../errors.js';
import { ExpressionCompileError } from '../expr/index.js';

/** Exit code of an internal error: sysexits.h EX_SOFTWARE, the convention for "internal software error". */
export const EXIT_INTERNAL = 70;

export type CliExitCode = ExitCode | typeof EXIT_INTERNAL;

type ErrorClass = abstract new (...args: never[]) => Error;

/** Domain errors of the stages, by what they mean to the person or script that ran the command. */
export const exitCodeTable: readonly (readonly [ErrorClass, ExitCode])[] = [
  // A bundle that does not verify or cannot run, an expression that does not compile: the input is wrong.
  [BundleError, 2],
  [EngineLoadError, 2],
  [ExpressionCompileError, 2],
  // `--history` that names no store we know is a usage error; a store that fails is an
  // external system. (The kernel's classes: the server's errors extend them, and the CLI
  // need not load the server to classify them.)
  [UsageError, 2],
  [ExternalSystemError, 3],
];

export interface ClassifiedError {
  code: CliExitCode;
  /** What to print (without the `offerops: ` prefix); null when commander printed it already. */
  message: string | null;
  internal: boolean;
}

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof CommanderError) {
    // --help and --version exit through here with code 0; everything else is usage.
    return { code: error.exitCode === 0 ? 0 : 2, message: null, internal: false };
  }
  if (error instanceof InternalError) return { code: EXIT_INTERNAL, message: error.message, internal: true };
  if (error instanceof UserError) return { code: error.exitCode, message: error.message, internal: false };
  for (const [type, code] of exitCodeTable) if (error instanceof type) return { code, message: error.message, internal: false };
  return { code: EXIT_INTERNAL, message: error instanceof Error ? error.message : String(error), internal: true };
}
