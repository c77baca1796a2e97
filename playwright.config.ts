import { defineConfig } from '@playwright/test';

// Browsers cannot be downloaded here: drive the system Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumLaunch = {
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
};

export default defineConfig({
  testDir: 'tests/e2e',
  // Safety nets against hangs only: every wait is on an event or a state, none on the clock, so
  // these are sized for a machine loaded far beyond its cores (a hung test still fails, later).
  timeout: 300_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
  },
});
