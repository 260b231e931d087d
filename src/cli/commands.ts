// The command table: one file per command in src/cli/commands/, registered here.
import type { CommandDefinition } from './context.js';
import { checkCommand } from './commands/check.js';
import { commentCommand } from './commands/comment.js';
import { evidenceCommand } from './commands/evidence.js';
import { compileCommand } from './commands/compile.js';
import { decideCommand } from './commands/decide.js';
import { deployCommand } from './commands/deploy.js';
import { initCommand } from './commands/init.js';
import { diffCommand } from './commands/diff.js';
import { inspectCommand } from './commands/inspect.js';
import { optimizeCommand } from './commands/optimize.js';
import { promoteCommand } from './commands/promote.js';
import { releaseCommand } from './commands/release.js';
import { rollbackCommand } from './commands/rollback.js';
import { sampleCommand } from './commands/sample.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { startCommand } from './commands/start.js';
import { testCommand } from './commands/test.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';

export const commands: CommandDefinition[] = [
  startCommand,
  validateCommand,
  compileCommand,
  testCommand,
  decideCommand,
  inspectCommand,
  optimizeCommand,
  sampleCommand,
  simulateCommand,
  diffCommand,
  commentCommand,
  evidenceCommand,
  serveCommand,
  releaseCommand,
  verifyCommand,
  promoteCommand,
  deployCommand,
  checkCommand,
  statusCommand,
  rollbackCommand,
  initCommand,
];
