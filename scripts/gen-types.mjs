// `npm run gen:types`: regenerate src/config/types.generated.ts from schema/v1.
import { writeFile } from 'node:fs/promises';
import { generateTypes, outputFile } from './gen-types-lib.mjs';

await writeFile(outputFile, await generateTypes());
console.error(`wrote ${outputFile}`);
