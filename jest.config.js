/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile only; type checking is `npm run lint`'s job.
    '^.+\\.ts$': 'ts-jest',
  },
  setupFiles: ['<rootDir>/test/setupEnv.ts'],
  // Real Firestore and Pub/Sub emulators for the whole run (test/global/globalSetup.ts says why).
  globalSetup: '<rootDir>/test/global/globalSetup.ts',
  globalTeardown: '<rootDir>/test/global/globalTeardown.ts',
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
  testTimeout: 20000,
};
