// Reporters for vitest.config.ts (`test.reporters`).
//
// Always the default console reporter. When PORTICO_TEST_RESULTS is set, also
// the JSON reporter, so CI (.ci/run) can read exact pass/fail counts:
//   PORTICO_TEST_RESULTS=1 (or "true")  -> test-results/results.json (repo root)
//   PORTICO_TEST_RESULTS=<path>         -> that file (relative to the repo root)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestUserConfig } from 'vitest/config';

type Reporters = NonNullable<TestUserConfig['reporters']>;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_RESULTS_FILE = path.join(REPO_ROOT, 'test-results', 'results.json');

/** Where the JSON results go, or undefined when PORTICO_TEST_RESULTS is unset/empty/"0". */
export function resultsFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.PORTICO_TEST_RESULTS?.trim();
  if (!value || value === '0' || value.toLowerCase() === 'false') return undefined;
  if (value === '1' || value.toLowerCase() === 'true') return DEFAULT_RESULTS_FILE;
  return path.resolve(REPO_ROOT, value);
}

export function testReporters(env: NodeJS.ProcessEnv = process.env): Reporters {
  const file = resultsFile(env);
  return file ? ['default', ['json', { outputFile: file }]] : ['default'];
}

export const reporters: Reporters = testReporters();
