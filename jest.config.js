/**
 * jest in ESM mode with @swc/jest. PGlite imports node modules dynamically, so node must run with
 * --experimental-vm-modules (see the `test` script and docs/decisions/002-test-stack.md).
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/core', '<rootDir>/bot', '<rootDir>/sim', '<rootDir>/jobs'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  // Local imports name the .js the build writes; the source is .ts. Not packages' own `x.json.js` files.
  moduleNameMapper: { '^(\\.{1,2}/.*(?<!\\.json))\\.js$': '$1' },
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  // Longest files first, from jest's cache or, on a clean clone, test/setup/test-durations.json.
  testSequencer: '<rootDir>/test/setup/test-sequencer.mjs',
  // A hang guard, not a speed check (test/support/timing.ts, HANG_GUARD_MS): tests wait for conditions,
  // and a loaded CI machine may take minutes for what takes seconds on a quiet one.
  testTimeout: 600_000,
  // PGlite instances are ~100 MB each; two workers fit two cores (measured no gain beyond).
  maxWorkers: process.env.CI ? 2 : '50%',
  // A worker keeps 15–30 MB of each database file after a forced GC: ~31 files into a PGlite stage the two
  // stood at 2.8–2.9 GB of RSS. Past 512 MB of heap after a file, jest starts a fresh worker instead (on
  // 31 files no CPU cost seen at 256 MB: docs/decisions/002-test-stack.md). jest compares `heapUsed`, so
  // this bounds the V8 heap only (PGlite's wasm memory is outside it). No effect in band.
  workerIdleMemoryLimit: '512MB',
};
