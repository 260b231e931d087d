// The offerops CLI: parses flags with commander, runs one command, and turns an error
// into its exit code through the one table in exit-codes.ts (docs/cli.md#exit-codes): 0 ok,
// 1 problems found, 2 usage or input errors, 3 an external system failed, 70 a bug in
// offerops. Stack traces only with --debug. Help is uniform: every command lists its
// examples, and defaults read as users type them.
import { Command, type Option } from 'commander';
import { UserError, type ExitCode } from '../errors.js';
import { commandNames, loadCommands } from './commands.js';
import { classifyError, type CliExitCode } from './exit-codes.js';
import type { CliIO, CommandContext, CommandExample, CommonOptions } from './context.js';
import { packageVersion } from './version.js';

/**
 * Thrown by `stdoutReady` once the reader of stdout has gone away (`offerops sample | head`):
 * the rest of the output has nowhere to go, so the command stops quietly with exit 0.
 */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout was closed by its reader');
    this.name = 'OutputClosedError';
  }
}

export function processIO(): CliIO {
  const out = process.stdout;
  let failure: Error | null = null;
  // Without a listener, a write to a pipe whose reader has exited (EPIPE) is an unhandled
  // 'error' event: a crash with a stack trace. With one, further writes are dropped and the
  // streaming commands learn of it through stdoutReady.
  out.on('error', (error: NodeJS.ErrnoException) => {
    failure ??= error.code === 'EPIPE' ? new OutputClosedError() : new UserError(`cannot write to stdout: ${error.message}`, 3);
  });
  return {
    stdout: (text) => {
      if (failure === null) out.write(text);
    },
    stdoutReady: async () => {
      if (failure === null && out.writableNeedDrain) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            out.off('drain', done);
            out.off('close', done);
            resolve();
          };
          out.on('drain', done);
          out.on('close', done);
        });
      }
      if (failure !== null) throw failure;
    },
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    shutdownSignal: () =>
      new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  };
}

/** Runs the CLI in-process; returns the exit code. */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<CliExitCode> {
  let exitCode: ExitCode = 0;
  const program = new Command('offerops')
    .description('Config-as-code real-time offer decisioning and contact optimization, deployed the GitOps way')
    .version(await packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program.addHelpText(
    'after',
    `\nExamples:\n  offerops start\n  offerops validate --format github\n  offerops compile --out build/bundle.json\n  offerops <command> --help\n\nDocumentation: ${DOCS_URL_HINT}\n`,
  );
  // Only the command being run is loaded; help, a mistyped name or no command at all
  // load every one (the overall help lists them, a typo gets a suggestion).
  const named = argv.find((arg) => !arg.startsWith('-'));
  const commands = await loadCommands(named !== undefined && commandNames.includes(named) ? [named] : commandNames);
  for (const definition of commands) {
    const command = program.command(definition.name).summary(definition.summary).description(definition.description ?? definition.summary);
    definition.configure(command);
    // --config and --json only where they mean something (serve reads a bundle, not config/).
    if (definition.common?.config !== false) command.option('--config <dir>', 'directory the config is read from', 'config');
    if (definition.common?.json !== false) command.option('--json', 'machine-readable output on stdout');
    command.option('--debug', 'show stack traces for internal errors');
    honestDefaults(command.options);
    if (definition.examples && definition.examples.length > 0) command.addHelpText('after', formatExamples(definition.examples));
    command
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .action(async (...actionArgs: unknown[]) => {
        const cmd = actionArgs[actionArgs.length - 1] as Command;
        const options = cmd.opts();
        const common: CommonOptions = {
          config: String(options['config'] ?? 'config'),
          json: Boolean(options['json']),
          debug: Boolean(options['debug']),
        };
        const context: CommandContext = { io, common, color: io.isTTY && !('NO_COLOR' in io.env) };
        exitCode = await definition.run(options, context, cmd.args);
      });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io, argv.includes('--debug'));
  }
}

const DOCS_URL_HINT = 'README.md and docs/cli.md in the offerops repository';

/**
 * Defaults as a user would type them: `(default: 8080)`, not `(default: "8080")`; no
 * `(default: false)` on a flag that is simply off unless given.
 */
function honestDefaults(options: readonly Option[]): void {
  for (const option of options) {
    if (option.defaultValue === false && option.isBoolean()) option.defaultValue = undefined;
    else if (typeof option.defaultValue === 'string' && option.defaultValueDescription === undefined) option.defaultValueDescription = option.defaultValue;
  }
}

/** The help's example section: one command per entry, a `# why` comment line above it. */
export function formatExamples(examples: readonly CommandExample[]): string {
  const lines = ['', 'Examples:'];
  for (const example of examples) {
    lines.push(`  # ${example.why}`, `  ${example.command}`);
  }
  return lines.join('\n') + '\n';
}

function reportError(error: unknown, io: CliIO, debug: boolean): CliExitCode {
  if (error instanceof OutputClosedError) return 0;
  const { code, message, internal } = classifyError(error);
  if (message !== null) {
    if (internal) {
      io.stderr(`offerops: internal error: ${redactSecrets(message, io.env)}\nThis is a bug in offerops; please report it with the command you ran${debug ? '' : ' (add --debug for a stack trace)'}.\n`);
    } else io.stderr(`offerops: ${redactSecrets(message, io.env)}\n`);
  }
  if (debug && message !== null && error instanceof Error && error.stack) io.stderr(redactSecrets(error.stack, io.env) + '\n');
  return code;
}

/** Tokens from the environment never appear in output (docs/runtime-api.md#logs). */
export function redactSecrets(text: string, env: Record<string, string | undefined>): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 8 && /TOKEN|SECRET|PASSWORD|KEY/i.test(name)) out = out.split(value).join('***');
  }
  return out;
}

/** The bin's entry point. */
export async function main(argv: readonly string[]): Promise<number> {
  return run(argv);
}
