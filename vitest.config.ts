import { configDefaults, defineConfig } from 'vitest/config';
import { reporters } from './test/reporters.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/src/**/*.test.tsx'],
    // Playwright's flows (test/e2e/ui) run under `playwright test`, not vitest.
    exclude: [...configDefaults.exclude, 'test/e2e/ui/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // isolated-vm (script endpoints) needs it on Node 20+: isolates and the startup snapshot do not mix.
    execArgv: ['--no-node-snapshot'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters,
  },
});
