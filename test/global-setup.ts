// Vitest globalSetup: make sure PostgreSQL, MariaDB and Redis accept
// connections on 127.0.0.1 before any test file runs, by running
// scripts/ensure-services.sh (starts or installs whatever is missing).
//
// Set PORTICO_SKIP_SERVICES=1 to skip the check (e.g. when the services are
// provided some other way, or for runs that only need unit tests).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../scripts/ensure-services.sh', import.meta.url));

// Installing packages with apt can take a while on a fresh machine; the
// script bounds its own waits, this only guards against a hung child.
const TIMEOUT_MS = 15 * 60 * 1000;

export default function setup(): void {
  if (process.env.PORTICO_SKIP_SERVICES === '1') {
    console.log('[global-setup] PORTICO_SKIP_SERVICES=1: not checking PostgreSQL/MariaDB/Redis');
    return;
  }

  const result = spawnSync('bash', [SCRIPT], {
    // stdin ignored: CI has none, and nothing in the script may prompt.
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
    timeout: TIMEOUT_MS,
  });

  const hint =
    'PostgreSQL (5432), MariaDB (3306) and Redis (6379) must accept connections on 127.0.0.1 for the test suite. ' +
    `Run \`bash ${SCRIPT}\` to see why, or set PORTICO_SKIP_SERVICES=1 to skip this check.`;

  if (result.error) {
    throw new Error(`[global-setup] could not run ${SCRIPT}: ${result.error.message}. ${hint}`);
  }
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
    throw new Error(`[global-setup] ${SCRIPT} ${how}: required services are not available. ${hint}`);
  }
}
