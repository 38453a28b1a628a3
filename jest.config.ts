import type { Config } from 'jest'

// ESM all the way: the package is "type": "module" (so dependencies load their ESM builds and print no
// CommonJS deprecation notices) and tests run the same module graph users get.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Two cores on the shared machines: bounded worker count, and e2e tests each start their own emulator.
  maxWorkers: 2,
  // A stall detector, not a speed limit: e2e tests are CPU-bound (each renders its own emulated world), and with more
  // workers than cores, or a busy machine, one may take several times its usual time. Waits on the network inside
  // tests carry their own bounds (RPC deadlines, `within`).
  testTimeout: 300_000,
  // `npm test` compiles to dist/ first (type-check and build in one step): e2e tests that need a real process (kill -9,
  // stdin prompts) spawn the compiled CLI, `node dist/src/cli/main.js`.
}

export default config
