// The command table: one file per command in src/cli/commands/, registered here.
import type { CommandDefinition } from './context.js';

export const commands: CommandDefinition[] = [];
