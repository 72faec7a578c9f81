import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Browser tests of the Kubernetes mode: scripts/kubernetes-demo.sh starts a
// real API server seeded as upstream Kratix leaves it, and the portal
// observing it. Same Chromium as playwright.config.ts.
export default defineConfig({
  ...base,
  testDir: './e2e-kubernetes',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report/kubernetes' }],
    ['json', { outputFile: 'test-results/e2e-kubernetes.json' }],
  ],
  outputDir: 'node_modules/.cache/e2e-kubernetes-test-results',
  webServer: [
    {
      command: 'bash scripts/kubernetes-demo.sh',
      url: 'http://localhost:3000',
      // Never the embedded demo by mistake: ports 3000/7007 must be free.
      reuseExistingServer: false,
      timeout: 300_000,
      // SIGTERM lets the script stop its API server (its EXIT trap).
      gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    },
  ],
});
