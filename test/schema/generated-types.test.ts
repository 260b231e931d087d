// The config types are generated from schema/v1; this fails when they are stale
// (run `npm run gen:types` and commit the result).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { generateTypes, outputFile } from '../../scripts/gen-types-lib.mjs';

describe('src/config/types.generated.ts', () => {
  it('matches what the schemas generate', async () => {
    const fresh = (await (generateTypes as () => Promise<string>)());
    const committed = await readFile(outputFile as string, 'utf8');
    expect(committed, 'types are stale: run `npm run gen:types`').toBe(fresh);
  });
});
