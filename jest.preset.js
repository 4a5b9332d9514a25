import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = dirname(fileURLToPath(import.meta.url));
const swcrc = JSON.parse(readFileSync(join(workspaceRoot, '.swcrc'), 'utf8'));
delete swcrc.exclude;
delete swcrc.$schema;

/**
 * Shared Jest settings: TypeScript compiled by SWC to native ES modules (NestJS 12 ships ESM
 * only), run under `--experimental-vm-modules`.
 */
export function createJestConfig({ displayName, rootDir, ...overrides }) {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts', '.tsx'],
    transform: { '^.+\\.tsx?$': ['@swc/jest', { ...swcrc, swcrc: false }] },
    moduleNameMapper: {
      '^@latchkey/contracts$': join(workspaceRoot, 'libs/contracts/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    ...overrides,
  };
}
