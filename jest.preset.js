import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ESM_ONLY_PACKAGES = ['content-disposition', 'cookie'];

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
    transform: { '^.+\\.(tsx?|js)$': ['@swc/jest', { ...swcrc, swcrc: false }] },
    // CommonJS packages (@fastify/static, @fastify/cookie) require() ESM-only ones. Node 20.19+
    // does that natively, Jest's own loader only from Node 24.9, so Jest gets them compiled.
    transformIgnorePatterns: [
      `/node_modules/(?!((@[^/]+/)?[^/]+/node_modules/)?(${ESM_ONLY_PACKAGES.join('|')})/)`,
    ],
    moduleNameMapper: {
      '^@latchkey/contracts$': join(workspaceRoot, 'libs/contracts/src/index.ts'),
      '^@latchkey/api-client$': join(workspaceRoot, 'libs/api-client/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    ...overrides,
  };
}
