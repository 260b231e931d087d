// The command table: one file per command in src/cli/commands/, registered here.
import type { CommandDefinition } from './context.js';
import { compileCommand } from './commands/compile.js';
import { decideCommand } from './commands/decide.js';
import { diffCommand } from './commands/diff.js';
import { inspectCommand } from './commands/inspect.js';
import { optimizeCommand } from './commands/optimize.js';
import { sampleCommand } from './commands/sample.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { startCommand } from './commands/start.js';
import { validateCommand } from './commands/validate.js';

export const commands: CommandDefinition[] = [
  startCommand,
  validateCommand,
  compileCommand,
  decideCommand,
  inspectCommand,
  optimizeCommand,
  sampleCommand,
  simulateCommand,
  diffCommand,
  serveCommand,
];
