// Lint (README.md#development): typescript-eslint's type-aware recommended rules over
// the TypeScript of src/ and test/, with the type information of tsconfig.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-check/', 'node_modules/', 'reports/', '.stryker-tmp/', 'src/config/types.generated.ts'] },
  { files: ['**/*.ts'], extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked] },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An async function without await is how a Promise-returning interface is implemented
      // here (history stores, fastify route handlers): not a mistake worth an error.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.stringContaining, expect.any, …) are typed `any`
      // by design, and tests put them inside expected objects.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
