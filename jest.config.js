// Jest runs TypeScript through @swc/jest (ts-jest cannot load NestJS 12's ESM on Node 20; see
// ../shared/STACK.md). ESM-only dependencies must be transformed too: add them to ESM_PACKAGES
// when an error names one.
const ESM_PACKAGES = [
  '@nestjs',
  '@fastify',
  'cookie',
  'content-disposition',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
];

const common = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(${ESM_PACKAGES.join('|')})/)`],
};

/** @type {import('jest').Config} */
module.exports = {
  // Generous: e2e specs boot the real app against real services on a small, busy machine.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      // The e2e specs run in batches, several spec files to one Jest test file, so each Jest
      // worker loads the app a few times instead of once per spec (test/batches/batches.ts).
      // JEST_E2E_FILES=1 runs the spec files one by one instead: to run a single one, say.
      testMatch: process.env.JEST_E2E_FILES
        ? ['<rootDir>/test/**/*.e2e-spec.ts']
        : ['<rootDir>/test/batches/*.e2e-batch.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      setupFiles: ['<rootDir>/test/setup/worker-env.ts'],
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
