// The CLI's face: what bin/offerops.js and the tests drive. Nothing else imports src/cli.
export { main, processIO, run } from './main.js';
export type { CliIO, CommandContext, CommandDefinition, CommonOptions } from './context.js';
