import { defineConfig } from '@playwright/test';

// Browser tests against the running demo portal, in Debian's Chromium.
// `scripts/test.sh` starts the portal; locally, Playwright starts it too.
export default defineConfig({
  testDir: './e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry in CI: a cold dev server can miss the first sign-in; a test
  // that fails twice fails, and Playwright lists a passed retry as flaky.
  retries: process.env.CI ? 1 : 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
    // Read by scripts/test-summary.mjs for the suite's closing line.
    ['json', { outputFile: 'test-results/e2e.json' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',
  webServer: [
    {
      command: 'yarn start',
      url: 'http://localhost:3000',
      reuseExistingServer: true,
      timeout: 240_000,
    },
  ],
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
