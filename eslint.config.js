import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import closeloop from './tools/eslint-boundaries.js';

/**
 * Layer boundaries (ARCHITECTURE.md): each rule below is proved by a fixture in tests/lint-fixtures that must fail
 * (tests/lint/boundaries.test.ts). Paths are relative to the repository root; see tools/eslint-boundaries.js.
 */
const LAYERS = [
  { from: 'src/core/', allow: ['src/core/'], message: 'src/core imports nothing of ours (pure types and zod schemas)' },
  {
    from: 'src/inference/',
    allow: ['src/inference/', 'src/core/', 'src/lib/', 'src/llm/', 'src/context/types.ts', 'src/context/index.ts'],
    message:
      'src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in',
  },
  {
    from: 'src/store/',
    allow: ['src/store/', 'src/core/', 'src/lib/', 'src/context/types.ts', 'src/context/filter.ts'],
    message: 'src/store owns its types: it imports only src/core, src/lib and the context index contract',
  },
  {
    from: 'src/feedback/',
    deny: ['src/suggest/'],
    message: 'src/feedback never imports src/suggest (suggest reads feedback: one direction)',
  },
  {
    from: 'src/sync/',
    deny: ['src/feedback/', 'src/suggest/', 'src/writeback/'],
    message:
      'src/sync emits changes (src/sync/change-events.ts) and calls no consumer: feedback subscribes in src/main.ts, suggest and write-back run from queued jobs',
  },
  {
    from: 'src/',
    except: ['src/writeback/', 'src/main.ts', 'src/jobs/'],
    deny: ['src/writeback/'],
    message:
      'src/writeback sends sealed writes and is started by its job only (the text the rep reads is rendered once, in src/suggest/render.ts)',
  },
  { from: 'connectors/kit/', allow: ['connectors/kit/', 'src/core/'], message: 'connectors/kit imports only src/core' },
  {
    from: 'connectors/{crm}/',
    except: ['connectors/{crm}/sandbox/'],
    allow: ['connectors/{crm}/', 'connectors/kit/', 'src/core/'],
    message:
      'a connector imports only its own folder, connectors/kit and src/core (never another connector, never src/ beyond core)',
  },
  {
    from: 'connectors/{crm}/',
    deny: ['connectors/{crm}/sandbox/'],
    except: ['connectors/{crm}/sandbox/'],
    message: 'a connector never imports its sandbox',
  },
  {
    from: 'connectors/{crm}/sandbox/',
    allow: ['connectors/{crm}/', 'connectors/kit/', 'src/core/'],
    message: 'a sandbox imports only its own connector, connectors/kit and src/core',
  },
  {
    from: '',
    except: ['tests/', 'src/demo/', 'bench/', 'connectors/*/sandbox/'],
    deny: ['connectors/*/sandbox/'],
    message: 'the CRM sandboxes are imported only by tests, the demo (src/demo) and benchmarks',
  },
  {
    from: 'src/',
    except: ['src/main.ts', 'src/demo/', 'src/cli/'],
    deny: ['connectors/*/'],
    unless: ['connectors/kit/'],
    message:
      'src/ reaches connectors only through the registry connectors/index.ts (main.ts, the demo and the CLI compose)',
  },
  {
    from: 'src/',
    except: ['src/main.ts', 'src/demo/', 'src/http/'],
    deny: ['src/http/'],
    message: 'nothing imports src/http (it is an entry point)',
  },
  {
    from: 'src/',
    except: ['src/main.ts', 'src/demo/', 'src/jobs/'],
    deny: ['src/jobs/'],
    message: 'nothing imports src/jobs (schedules are an entry point)',
  },
];

/**
 * SQL text: a string or template that starts like a statement. Only src/store (and migrations/*.sql) hold SQL;
 * src/queue reads pg-boss's tables.
 */
const SQL =
  '/^\\s*(select\\s+(\\*|\\d|distinct\\s|[\\w".]+\\s*(,|\\(|\\s+as\\s|\\s+from\\s)|[\\s\\S]*\\sfrom\\s+[\\w"]+)|insert\\s+into\\s|update\\s+[\\w".]+\\s+set\\s|delete\\s+from\\s|with\\s+(recursive\\s+)?\\w+\\s+as\\s*\\(|create\\s+(unique\\s+)?(table|index|extension)\\s|alter\\s+table\\s|drop\\s+(table|index)\\s|truncate\\s)/i';
const SQL_MESSAGE = 'SQL lives only in src/store (repositories) and migrations/';

const restrict = (paths) => ({ 'no-restricted-imports': ['error', { paths }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', 'tests/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { closeloop },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'closeloop/boundaries': ['error', LAYERS],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['scripts/**/*.cjs', 'tests/setup/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', __dirname: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['tools/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  // Salesforce Lightning Web Components run in the browser; their tests run under sfdx-lwc-jest (jsdom).
  {
    files: ['deploy/salesforce/force-app/**/lwc/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly',
        window: 'readonly',
        setTimeout: 'readonly',
        CustomEvent: 'readonly',
        jest: 'readonly',
        describe: 'readonly',
        it: 'readonly',
        expect: 'readonly',
        afterEach: 'readonly',
        beforeEach: 'readonly',
      },
    },
  },
  // Connectors hold SOQL (Salesforce's query language), which looks like SQL; they cannot reach a database anyway.
  // src/queue wraps pg-boss and reads pg-boss's own tables (queue depth); no other module's SQL lives there.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/queue/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=${SQL}]`, message: SQL_MESSAGE },
        { selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${SQL}]`, message: SQL_MESSAGE },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'connectors/**/*.ts'],
    ignores: ['src/store/**', 'src/queue/**'],
    rules: restrict([
      { name: 'pg', message: SQL_MESSAGE },
      { name: '@electric-sql/pglite', message: SQL_MESSAGE },
      { name: 'pg-boss', message: 'pg-boss is wrapped by src/queue' },
    ]),
  },
  {
    files: ['src/**/*.ts', 'connectors/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'only src/config reads the environment' },
      ],
    },
  },
);
