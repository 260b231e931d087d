// The command table: one file per command in src/cli/commands/, registered here in the
// order help lists them. A command's module is loaded only when it is needed (the command
// run, or every one for the overall help): each pulls in its stage, and loading them all
// — the HTTP server, git and GitHub clients, the optimizer — cost `offerops test` or
// `offerops validate` most of a second of start-up for code they never run.
import type { CommandDefinition } from './context.js';

const loaders = {
  start: async () => (await import('./commands/start.js')).startCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  compile: async () => (await import('./commands/compile.js')).compileCommand,
  test: async () => (await import('./commands/test.js')).testCommand,
  decide: async () => (await import('./commands/decide.js')).decideCommand,
  inspect: async () => (await import('./commands/inspect.js')).inspectCommand,
  optimize: async () => (await import('./commands/optimize.js')).optimizeCommand,
  sample: async () => (await import('./commands/sample.js')).sampleCommand,
  simulate: async () => (await import('./commands/simulate.js')).simulateCommand,
  diff: async () => (await import('./commands/diff.js')).diffCommand,
  comment: async () => (await import('./commands/comment.js')).commentCommand,
  evidence: async () => (await import('./commands/evidence.js')).evidenceCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  release: async () => (await import('./commands/release.js')).releaseCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  promote: async () => (await import('./commands/promote.js')).promoteCommand,
  deploy: async () => (await import('./commands/deploy.js')).deployCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  rollback: async () => (await import('./commands/rollback.js')).rollbackCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
} satisfies Record<string, () => Promise<CommandDefinition>>;

/** Every command's name, in help order. */
export const commandNames: readonly string[] = Object.keys(loaders);

function isCommandName(name: string): name is keyof typeof loaders {
  return Object.prototype.hasOwnProperty.call(loaders, name);
}

/** The definitions of the named commands (every command when no names are given), in help order. */
export async function loadCommands(names: readonly string[] = commandNames): Promise<CommandDefinition[]> {
  const wanted = commandNames.filter((name) => names.includes(name));
  return Promise.all(wanted.map((name) => (isCommandName(name) ? loaders[name]() : Promise.reject(new Error(`no command '${name}'`)))));
}
