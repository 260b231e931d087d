// `offerops init DIR` (docs/gitops.md#init): a new config repository, committed.
import path from 'node:path';
import { UserError } from '../../errors.js';
import { initRepository } from '../../gitops/index.js';
import type { CommandDefinition } from '../context.js';
import { packageVersion } from '../version.js';

export const initCommand: CommandDefinition = {
  name: 'init',
  summary: 'create a new config repository: config/, environments/, .github/ and package.json, committed',
  description:
    'Create a config repository in a new or empty folder and make its first commit on main: a tiny organisation in config/, staging and production in environments/ (deploying to folders inside the repository), a validating workflow, package.json (docs/gitops.md#init).',
  examples: [
    { why: 'a new config repository in the folder my-offers', command: 'offerops init my-offers' },
    { why: 'the same, with the folder, the commit and the files written as JSON', command: 'offerops init new-offers --json' },
  ],
  configure: (command) => {
    command.argument('[dir]', 'the folder to create (new or empty)');
  },
  run: async (_options, context, args) => {
    const dir = args[0];
    if (!dir) throw new UserError('offerops init needs the folder to create: offerops init DIR');
    const directory = path.resolve(context.io.cwd, dir);
    const result = await initRepository(directory, { offeropsVersion: await packageVersion(), env: context.io.env });
    if (context.common.json) context.io.stdout(JSON.stringify({ directory: result.directory, commit: result.commit, files: result.files }, null, 2) + '\n');
    context.io.stderr(
      `created ${dir} (${result.files.length} files, commit ${result.commit.slice(0, 12)} on main)\nnext:\n  cd ${dir}\n  npm install\n  npx offerops validate\n  git remote add origin URL && git push -u origin main\n  npx offerops release --env staging\n  npx offerops deploy --env staging\n`,
    );
    return 0;
  },
};
