import { createJestConfig } from '../../jest.preset.js';

export default createJestConfig({ displayName: 'contracts', rootDir: import.meta.dirname });
