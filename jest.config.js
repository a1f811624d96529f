// Three test tiers, each a jest project (README "Tests"):
//   unit         *.spec.ts              pure logic, no I/O
//   integration  *.integration-spec.ts  real Kafka, schema registry and Postgres (npm run stack:up)
//   e2e          e2e/**/*.e2e-spec.ts   every app wired together against the HubSpot and Heap fakes
const { readFileSync } = require('node:fs');
const { paths } = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8')).compilerOptions;
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.infra'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/stack/slow-tier.setup.ts'],
      globalSetup: '<rootDir>/libs/testing/src/stack/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/stack/slow-tier.setup.ts'],
      globalSetup: '<rootDir>/libs/testing/src/stack/global-setup.ts',
    },
  ],
};
