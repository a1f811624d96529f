// ESLint flat config (CommonJS). `npx eslint .` (= `npm run lint`) from the workspace root.
//
// Module boundaries are checked by @nx/enforce-module-boundaries against Nx's project graph. That
// rule never builds the graph itself: with no cached graph in .nx/ it prints a warning and SKIPS every
// boundary check. So this file exports a promise (ESLint 9 awaits it) that first builds or refreshes
// the graph, then reads the project tags from it. NX_DAEMON defaults to false here, so a lint run
// never leaves an Nx daemon behind; set NX_DAEMON=true to reuse a running daemon.
const { defineConfig } = require('eslint/config');
const { createProjectGraphAsync } = require('@nx/devkit');
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier/flat');
// @eslint/js is eslint's own dependency; resolve it through eslint rather than relying on hoisting.
const js = require(require.resolve('@eslint/js', { paths: [require.resolve('eslint')] }));

/** Only the project tagged `kafka:door` (libs/kafka) may import these (design.md "One door to Kafka"). */
const KAFKA_PACKAGES = [
  'kafkajs',
  'kafkajs/*',
  '@kafkajs/confluent-schema-registry',
  '@kafkajs/confluent-schema-registry/*',
];
const KAFKA_DOOR_TAG = 'kafka:door';
const KAFKA_DOOR_MESSAGE =
  'Only libs/kafka (tag kafka:door) talks to Kafka: use @hubheap/kafka (KafkaPlatform, TypedProducer).';

/** Test code: the only place apps and libs may import `type:testing` (libs/testing). */
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.e2e-spec.ts',
  '**/*.test-helpers.ts', // apps/*/src/kafka.test-helpers.ts
  'apps/*/test/**/*.ts', // apps/webhook-intake/test/: harnesses and probes of the integration tests
  'libs/*/test/**/*.ts',
  'e2e/**/*.ts',
  'bench/**/*.ts',
];

/** Where console output is the point: CLIs and scripts. Everything else uses the Nest logger. */
const CONSOLE_ALLOWED = ['libs/testing/src/fakes/serve.ts', 'scripts/**', 'bench/**', 'e2e/**/*.ts'];
const CONSOLE_STILL_BANNED = ['e2e/**/*.e2e-spec.ts'];

/**
 * depConstraints for @nx/enforce-module-boundaries.
 * @param {{ testCode: boolean, kafkaDoor: boolean }} where test code may use type:testing; the door may use kafkajs.
 */
const depConstraints = ({ testCode, kafkaDoor }) => {
  const testing = testCode ? ['type:testing'] : [];
  const banned = kafkaDoor ? {} : { bannedExternalImports: KAFKA_PACKAGES };
  return [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', ...testing], ...banned },
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', ...testing], ...banned },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'], ...banned },
    // e2e/ (the cross-app flows, style.md "Tests"): runs apps as processes, uses libs and libs/testing.
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:lib', 'type:testing'], ...banned },
    // Catch-all, so a project with some other tag cannot reach Kafka directly either.
    ...(kafkaDoor ? [] : [{ sourceTag: '*', bannedExternalImports: KAFKA_PACKAGES }]),
  ];
};

const boundaries = (options) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(options) },
];

/** Builds (or refreshes) Nx's cached project graph and returns the roots of the projects with `tag`. */
const projectRootsTagged = async (tag) => {
  process.env.NX_DAEMON ??= 'false';
  const graph = await createProjectGraphAsync({ exitOnError: false });
  return Object.values(graph.nodes)
    .filter((node) => (node.data.tags ?? []).includes(tag))
    .map((node) => node.data.root);
};

const NODE_GLOBALS = Object.fromEntries(
  [
    ...[
      'require',
      'module',
      'exports',
      '__dirname',
      '__filename',
      'process',
      'console',
      'Buffer',
      'global',
      'globalThis',
    ],
    ...[
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'setImmediate',
      'clearImmediate',
      'queueMicrotask',
    ],
    ...[
      'fetch',
      'URL',
      'URLSearchParams',
      'AbortController',
      'AbortSignal',
      'TextEncoder',
      'TextDecoder',
      'structuredClone',
      'performance',
    ],
  ].map((name) => [name, 'readonly']),
);

const config = async () => {
  const kafkaDoorFiles = (await projectRootsTagged(KAFKA_DOOR_TAG)).map((root) => `${root}/**/*.ts`);
  if (kafkaDoorFiles.length === 0)
    throw new Error(`eslint.config.js: no Nx project is tagged ${KAFKA_DOOR_TAG}`);

  return defineConfig(
    {
      ignores: [
        '**/node_modules/**',
        '**/dist/**',
        '.infra/**',
        '.nx/**',
        '**/coverage/**',
        'libs/schemas/src/generated/**',
        'tmp/**',
      ],
    },
    { files: ['**/*.{js,cjs,mjs}'], ...js.configs.recommended },
    {
      files: ['**/*.{js,cjs}'],
      languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    },
    { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: NODE_GLOBALS } },
    // Browser scripts served as static files (control-api's admin page): browser globals, no Node.
    {
      files: ['apps/*/src/**/static/**/*.js'],
      languageOptions: { sourceType: 'script', globals: require('globals').browser },
    },
    {
      files: ['**/*.ts'],
      extends: [js.configs.recommended, ...tseslint.configs.recommended],
      plugins: { '@nx': nx },
      rules: {
        '@nx/enforce-module-boundaries': boundaries({ testCode: false, kafkaDoor: false }),
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
        ],
      },
    },
    {
      files: TEST_FILES,
      rules: { '@nx/enforce-module-boundaries': boundaries({ testCode: true, kafkaDoor: false }) },
    },
    {
      files: kafkaDoorFiles,
      rules: { '@nx/enforce-module-boundaries': boundaries({ testCode: false, kafkaDoor: true }) },
    },
    {
      // An inner array matches a file only when every pattern in it does: door AND test code.
      files: kafkaDoorFiles.flatMap((door) => TEST_FILES.map((test) => [door, test])),
      rules: { '@nx/enforce-module-boundaries': boundaries({ testCode: true, kafkaDoor: true }) },
    },
    {
      files: ['**/*.{ts,js,cjs,mjs}'],
      rules: {
        'no-console': 'error',
        // A focused test silently skips the rest of the suite in CI.
        'no-restricted-properties': [
          'error',
          ...['describe', 'it', 'test'].map((object) => ({
            object,
            property: 'only',
            message: 'Focused tests (.only) must not be committed.',
          })),
        ],
        'no-restricted-globals': [
          'error',
          ...['fdescribe', 'fit'].map((name) => ({ name, message: 'Focused tests must not be committed.' })),
        ],
      },
    },
    { files: CONSOLE_ALLOWED, ignores: CONSOLE_STILL_BANNED, rules: { 'no-console': 'off' } },
    {
      // scripts/ belongs to no Nx project, so the boundary rule cannot see it: same door here.
      // bench/ is exempt on purpose: its baseline measures raw kafkajs through the same broker.
      files: ['scripts/**/*.{ts,js,mjs,cjs}'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: KAFKA_PACKAGES.filter((p) => !p.endsWith('/*')).map((name) => ({
              name,
              message: KAFKA_DOOR_MESSAGE,
            })),
            patterns: [
              { group: KAFKA_PACKAGES.filter((p) => p.endsWith('/*')), message: KAFKA_DOOR_MESSAGE },
            ],
          },
        ],
      },
    },
    prettier,
  );
};

module.exports = config();
