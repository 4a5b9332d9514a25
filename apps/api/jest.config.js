import { createJestConfig } from '../../jest.preset.js';

export default createJestConfig({
  displayName: 'api',
  rootDir: import.meta.dirname,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 30_000,
});
