/** jest runs the TypeScript sources as ES modules (ts-jest's ESM preset). */
export default {
  preset: 'ts-jest/presets/default-esm',
  // jest's node environment, with the offline variables and a check that each file leaves nothing open.
  testEnvironment: '<rootDir>/__tests__/support/environment.js',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 60000,
};
