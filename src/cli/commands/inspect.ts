// `offerops inspect FILE`: read a bundle, verify its digest and format, and show what it
// holds. Exit 1 when the bundle fails verification (tampered, unknown format).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BundleError, parseBundle } from '../../bundle/index.js';
import { countBundle, describeCounts } from '../../bundle/index.js';
import { UserError } from '../../errors.js';
import type { CommandDefinition } from '../context.js';

export const inspectCommand: CommandDefinition = {
  name: 'inspect',
  summary: 'verify a bundle file (digest, format) and show what it holds',
  description: 'Read a bundle, recompute its digest, check its format, and show what it holds. Exit 1 when it fails verification (modified, corrupted, unknown format).',
  examples: [
    { why: 'verify a bundle and count what it holds', command: 'offerops inspect build/bundle.json' },
    { why: 'the same as JSON: channels, points, policies and their rules', command: 'offerops inspect build/bundle.json --json' },
  ],
  common: { config: false },
  configure: (command) => {
    command.argument('<bundle>', 'bundle file');
  },
  run: async (options, context, args) => {
    void options;
    const file = args[0]!;
    let text: string;
    try {
      text = await readFile(path.resolve(context.io.cwd, file), 'utf8');
    } catch (error) {
      throw new UserError(`cannot read bundle ${file}: ${(error as Error).message}`);
    }
    let bundle;
    try {
      bundle = parseBundle(text, file);
    } catch (error) {
      if (!(error instanceof BundleError)) throw error;
      if (context.common.json) context.io.stdout(JSON.stringify({ file, valid: false, error: error.message }, null, 2) + '\n');
      context.io.stderr(`offerops: ${error.message}\n`);
      return 1;
    }
    const counts = countBundle(bundle);
    if (context.common.json) {
      context.io.stdout(
        JSON.stringify(
          {
            file,
            valid: true,
            formatVersion: bundle.formatVersion,
            digest: bundle.digest,
            counts,
            channels: bundle.body.channels.map((c) => ({ name: c.name, zones: c.zones.map((z) => z.name), interactionPoints: Object.keys(c.interactionPoints) })),
            policies: bundle.body.policies.map((p) => ({ name: p.name, realtime: p.realtime, rules: p.rules.map((r) => `${r.name} (${r.type})`) })),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      context.io.stderr(`${file}: digest verified\n  ${bundle.digest}\n  format ${bundle.formatVersion}, ${describeCounts(counts)}\n`);
    }
    return 0;
  },
};
