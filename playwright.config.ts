/**
 * Playwright for the admin UI flows in test/e2e/ui: Debian's Chromium (no browser download), a real Portico per
 * worker (see test/e2e/ui/fixtures.ts), and JSON results for .ci/run when PORTICO_UI_RESULTS names a file.
 */
import path from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';

const resultsFile = process.env.PORTICO_UI_RESULTS?.trim();
const reporter: ReporterDescription[] = [['list']];
if (resultsFile) reporter.push(['json', { outputFile: path.resolve(import.meta.dirname, resultsFile) }]);

export default defineConfig({
  testDir: 'test/e2e/ui',
  // Playwright empties its output folder on every run: keep it apart from test-results/ui-screenshots and
  // vitest's results.
  outputDir: 'test-results/playwright',
  globalSetup: './test/e2e/ui/global-setup.ts',
  workers: 2,
  retries: 0,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter,
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
