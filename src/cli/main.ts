// The offerops CLI: parses flags with commander, runs one command, and maps errors to
// exit codes in exactly one place (SPEC §10): 0 ok, 1 problems found, 2 usage or input
// errors, 3 an external system failed. Stack traces only with --debug.
import { Command, CommanderError } from 'commander';
import { UserError, type ExitCode } from '../errors.js';
import { commands } from './commands.js';
import type { CliIO, CommandContext, CommonOptions } from './context.js';
import { packageVersion } from './version.js';

export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stdoutReady: () => (process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
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
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const program = new Command('offerops')
    .description('Config-as-code real-time offer decisioning and contact optimization, deployed the GitOps way')
    .version(await packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  for (const definition of commands) {
    const command = program.command(definition.name).summary(definition.summary).description(definition.summary);
    definition.configure(command);
    command
      .option('--config <dir>', 'directory the config is read from', 'config')
      .option('--json', 'machine-readable output on stdout', false)
      .option('--debug', 'show stack traces for internal errors', false)
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

function reportError(error: unknown, io: CliIO, debug: boolean): ExitCode {
  if (error instanceof CommanderError) {
    // --help and --version exit through here with code 0; everything else is usage.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UserError) {
    io.stderr(`offerops: ${redactSecrets(error.message, io.env)}\n`);
    if (debug && error.stack) io.stderr(redactSecrets(error.stack, io.env) + '\n');
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`offerops: internal error: ${redactSecrets(message, io.env)}\nThis is a bug in offerops; please report it with the command you ran${debug ? '' : ' (add --debug for a stack trace)'}.\n`);
  if (debug && error instanceof Error && error.stack) io.stderr(redactSecrets(error.stack, io.env) + '\n');
  return 1;
}

/** Tokens from the environment never appear in output (SPEC §12). */
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
