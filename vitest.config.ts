import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,server,client,tests}/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Only a safety net against hangs: no test waits for the clock, so these are sized for a
    // machine loaded far beyond its cores (a hung test still fails, later).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // expect.poll waits for a state as long as it takes (its own default is 1 s); half the test
    // timeout, so a state never reached fails with the poll's message rather than a bare timeout.
    expect: { poll: { timeout: 300_000 } },
    // Integration tests start real relays on free ports; two workers suit this 2-core machine.
    maxWorkers: 2,
  },
});
