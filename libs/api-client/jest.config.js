import { createJestConfig } from '../../jest.preset.js';

export default createJestConfig({ displayName: 'api-client', rootDir: import.meta.dirname });
