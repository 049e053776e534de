import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Boundary rules from STYLE.md: inward dependencies only, one env reader, SQL only in store. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['src/core/**/*.ts'], rules: restrict([{ group: ['../*', '!../core/*'], message: 'core imports nothing but zod' }]) },
  { files: ['connectors/**/*.ts'], rules: restrict([{ group: ['**/src/store/**', '**/src/http/**', '**/src/config/**', '**/src/jobs/**'], message: 'connectors receive configuration as arguments and never touch store/http/config' }]) },
  { files: ['bin/**/*.js', 'scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
  { files: ['scripts/**/*.cjs', 'tests/setup/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', module: 'writable' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // main.ts and the demo runner are composition roots: they may start the sandboxes.
  { files: ['src/**/*.ts'], ignores: ['src/main.ts', 'src/demo/**', 'src/cli/**'], rules: restrict([{ group: ['**/connectors/*/**'], message: 'src/ imports connectors only through connectors/index.ts' }, { group: ['**/http/**', '**/jobs/**'], message: 'nothing imports http or jobs' }]) },
  { files: ['src/**/*.ts'], ignores: ['src/config/**', 'src/cli/**'], rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'only src/config reads the environment' }] } },
);
