import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestConfig } from '../../jest.preset.js';

const swcrc = JSON.parse(readFileSync(join(import.meta.dirname, '../../.swcrc'), 'utf8'));
delete swcrc.exclude;
delete swcrc.$schema;

export default createJestConfig({
  displayName: 'admin',
  rootDir: import.meta.dirname,
  testEnvironment: 'jsdom',
  // TSX with React's automatic runtime; otherwise the API's SWC settings.
  transform: {
    '^.+\\.(tsx?|js)$': [
      '@swc/jest',
      {
        ...swcrc,
        swcrc: false,
        jsc: {
          ...swcrc.jsc,
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
      },
    ],
  },
  setupFiles: ['<rootDir>/jest.setup.ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
});
