// Part of `npm run build` (after tsc): writes the JSON Schema validators of every document
// kind as ajv standalone code to dist/config/schema-validators.generated.cjs, so the CLI
// and the server load them instead of compiling schema/v1 on every start
// (src/config/schema-validators.ts; docs/validation.md#how-documents-are-checked).
//
//   node scripts/build-validators.mjs [OUTPUT]     (default: dist/config/schema-validators.generated.cjs)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const module = path.join(root, 'dist', 'config', 'schema-validators.js');
let built;
try {
  built = await import(pathToFileURL(module).href);
} catch (error) {
  process.stderr.write(`build-validators: cannot load ${path.relative(root, module)} (run tsc -p tsconfig.build.json first): ${error.message}\n`);
  process.exit(2);
}
const output = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(built.generatedValidatorsFile);
writeFileSync(output, built.generateSchemaValidatorsModule());
process.stderr.write(`build-validators: wrote ${path.relative(process.cwd(), output)}\n`);
