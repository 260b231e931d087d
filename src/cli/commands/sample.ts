// `offerops sample` (docs/sample.md): a reproducible synthetic audience for a channel's
// audience level, generated from its declared attributes, and optionally proposed
// contacts for it (docs/file-formats.md#proposed-contacts). Rows are generated and written as a stream, so a
// million rows never sit in memory as one string; files are written to a temporary
// sibling and renamed, so a failed run leaves no half-written file.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { parseIsoDate } from '../../days.js';
import {
  audienceColumns,
  formatForFile,
  formatRows,
  planSample,
  proposedColumns,
  sampleAudience,
  sampleProposedContacts,
} from '../../simulate/index.js';
import { readBundleInput } from '../bundle-input.js';
import type { CommandDefinition } from '../context.js';
import { displayPath, findRepositoryRoot } from '../repository-root.js';
import { optionText } from '../options.js';
import { fileErrorReason, isDeviceOrPipe } from '../write-file.js';
import { plural } from '../../words.js';

export const DEFAULT_SAMPLE_AT = '2026-01-01';

/** A whole-number flag; `key` is commander's camelCase name, `flag` the one users type. */
function integerOption(options: Record<string, unknown>, key: string, fallback: number, min: number, max: number, flag = key): number {
  const raw = options[key];
  if (raw === undefined) return fallback;
  const text = (typeof raw === 'string' ? raw : JSON.stringify(raw)).trim();
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UserError(`--${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  return value;
}

/**
 * Writes text chunks to FILE through a temporary sibling (renamed at the end), honouring
 * back-pressure; missing folders are created, as `compile --out` does. `shown` is the
 * name messages use (never the temporary one).
 */
async function writeChunks(file: string, shown: string, chunks: Iterable<string>): Promise<void> {
  // A device or pipe (/dev/null, a FIFO) is written directly: renaming onto it would replace it.
  const temp = isDeviceOrPipe(file) ? file : path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new UserError(`cannot write ${shown}: cannot create its folder: ${fileErrorReason(error)}`);
  }
  const stream = createWriteStream(temp);
  try {
    await once(stream, 'open');
    for (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
    if (temp !== file) await rename(temp, file);
  } catch (error) {
    stream.destroy();
    if (temp !== file) await rm(temp, { force: true });
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot write ${shown}: ${fileErrorReason(error)}`);
  }
}

export const sampleCommand: CommandDefinition = {
  name: 'sample',
  summary: 'generate a reproducible synthetic audience (and proposed contacts) from the declared attributes',
  description:
    'Generate audience members from the attributes a channel declares, and optionally proposed contacts for them, reproducibly: the same config, flags and seed give the same bytes (docs/sample.md).',
  examples: [
    { why: '2,000 web customers as NDJSON (missing folders are created)', command: 'offerops sample --channel web --customers 2000 --out data/audience.ndjson' },
    {
      why: 'an audience and 5 proposed contacts each over 14 days, as CSV, for optimize',
      command: 'offerops sample --channel web --customers 1000 --seed 7 --at 2026-11-02 --out data/audience.csv --proposed data/proposed.csv --offers-per-customer 5 --days 14',
    },
  ],
  configure: (command) => {
    command
      .option('--bundle <file>', 'read the channel and offers from this bundle (default: compile --config)')
      .option('--channel <name>', 'the channel whose audience is sampled (needed when the bundle has several)')
      .option('--audience-level <name>', "the audience level (default: the channel's first)")
      .option('--customers <n>', 'audience members to generate', '1000')
      .option('--seed <n>', 'seed of the generator: the same seed gives the same files', '1')
      .option('--at <date>', 'the day YYYY-MM-DD the sample is taken: generated dates lie up to it, proposed contacts start on it (fixed by default, so a sample does not depend on the day it is made)', DEFAULT_SAMPLE_AT)
      .option('--out <file>', 'audience file: NDJSON, or CSV when it ends in .csv (default: stdout, NDJSON)')
      .option('--proposed <file>', 'also write proposed contacts (customerId, offer, channel, date, score, cost, …): NDJSON or .csv')
      .option('--offers-per-customer <k>', 'proposed contacts per customer', '3')
      .option('--days <d>', 'proposed contacts are dated at .. at+D-1', '30');
  },
  run: async (options, context) => {
    const { io } = context;
    const root = findRepositoryRoot(io.cwd);
    const customers = integerOption(options, 'customers', 1000, 0, 100_000_000);
    const seed = integerOption(options, 'seed', 1, 0, Number.MAX_SAFE_INTEGER);
    const offersPerCustomer = integerOption(options, 'offersPerCustomer', 3, 1, 1000, 'offers-per-customer');
    const days = integerOption(options, 'days', 30, 1, 3660);
    const at = optionText(options, 'at') ?? DEFAULT_SAMPLE_AT;
    if (!parseIsoDate(at)) throw new UserError(`--at must be a date YYYY-MM-DD, got '${at}'`);
    const outOption = optionText(options, 'out');
    const out = outOption === undefined ? null : path.resolve(io.cwd, outOption);
    const proposedOption = optionText(options, 'proposed');
    const proposed = proposedOption === undefined ? null : path.resolve(io.cwd, proposedOption);
    if (context.common.json && out === null) throw new UserError('--json prints a summary on stdout: give the audience a file with --out');
    if (out !== null && out === proposed) throw new UserError('--out and --proposed must be different files');

    const body = (await readBundleInput(options, context)).bundle.body;
    const plan = planSample(body, optionText(options, 'channel'), optionText(options, 'audienceLevel'));
    const audienceOptions = { customers, seed, at };
    const relative = (file: string): string => displayPath(root, file);

    // Proposed contacts first: an offer problem (nothing live in the window) then fails before any file is written.
    let proposedRows = 0;
    if (proposed !== null) {
      const proposedOptions = { ...audienceOptions, offersPerCustomer, days };
      const rows = sampleProposedContacts(plan, proposedOptions);
      const counted = (function* () {
        for (const row of rows) {
          proposedRows++;
          yield row;
        }
      })();
      await writeChunks(proposed, relative(proposed), formatRows(counted, proposedColumns(plan), formatForFile(proposed)));
    }
    const audience = formatRows(sampleAudience(plan, audienceOptions), audienceColumns(plan), out === null ? 'ndjson' : formatForFile(out));
    if (out !== null) await writeChunks(out, relative(out), audience);
    else {
      for (const chunk of audience) {
        io.stdout(chunk);
        await io.stdoutReady?.();
      }
    }

    const summary = {
      channel: plan.channel,
      audienceLevel: plan.audienceLevel,
      seed,
      at,
      customers,
      out: out === null ? null : relative(out),
      proposed: proposed === null ? null : { file: relative(proposed), rows: proposedRows, days, offersPerCustomer, contactChannels: plan.contactChannels, extraColumns: plan.extraColumns },
    };
    if (context.common.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
    io.stderr(
      `sampled ${plural(customers, 'member')} of ${plan.channel}/${plan.audienceLevel} (seed ${seed}, at ${at})${out ? ` → ${relative(out)}` : ''}` +
        (proposed ? `; ${proposedRows} proposed contacts over ${plural(days, 'day')} → ${relative(proposed)}` : '') +
        '\n',
    );
    return 0;
  },
};
