// What every command receives: where to write, where it runs, and the common flags
// (docs/cli.md#common-flags). Commands never touch process.* directly, so tests drive the
// CLI in-process.
import type { Command } from 'commander';
import type { ExitCode } from '../errors.js';

export interface CliIO {
  /** Machine-readable output (JSON with --json, bundles, CSV). */
  stdout: (text: string) => void;
  /** Resolves when stdout can take more (after a write its buffer found full): large
   *  outputs (samples, chosen rows) wait on it so a slow reader never piles them up in memory. */
  stdoutReady?: () => Promise<void>;
  /** Human output and progress. */
  stderr: (text: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  /** Resolves with the signal's name when the process is asked to stop (SIGINT, SIGTERM): long-running commands (serve) end then. */
  shutdownSignal?: () => Promise<string>;
  /** The clock the GitOps commands judge time rules by (soak, freeze windows); default the system clock. Tests set it. */
  now?: () => Date;
}

export interface CommonOptions {
  config: string;
  json: boolean;
  debug: boolean;
}

export interface CommandContext {
  io: CliIO;
  common: CommonOptions;
  /** Colours on stderr: off when NO_COLOR is set or stderr is not a terminal. */
  color: boolean;
}

/**
 * One CLI command. `configure` adds its flags (the common flags --config, --json,
 * --debug are added for it); `run` gets the parsed options and returns the exit code.
 * Throw `UserError` for usage/input (2) or external failures (3).
 */
export interface CommandExample {
  /** What the example does, in a few words (printed as a `#` comment above it). */
  why: string;
  /** The command line, starting with `offerops`. docs/cli.md shows it too, where it runs. */
  command: string;
}

export interface CommandDefinition {
  name: string;
  summary: string;
  /** The longer text of `offerops <command> --help` (default: the summary). */
  description?: string;
  /** Shown at the end of `--help`; every command has at least one (test/cli/help.test.ts). */
  examples?: readonly CommandExample[];
  /** The common flags that mean nothing for this command: `{config: false}` leaves out --config. */
  common?: { config?: boolean; json?: boolean };
  configure: (command: Command) => void;
  run: (options: Record<string, unknown>, context: CommandContext, args: string[]) => Promise<ExitCode>;
}
