/**
 * Playwright globalSetup, run once before the UI flows: the services the fixtures need (PostgreSQL for the
 * Chinook data source, and Chromium itself) via scripts/ensure-services.sh, and a UI build when there is none,
 * so `npx playwright test` works on a fresh checkout. PORTICO_SKIP_SERVICES=1 skips the services check.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function run(what: string, command: string, args: string[], timeoutMs: number): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env, timeout: timeoutMs });
  if (result.error) throw new Error(`[ui global-setup] ${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
    throw new Error(`[ui global-setup] ${what} ${how}`);
  }
}

export default function globalSetup(): void {
  if (process.env.PORTICO_SKIP_SERVICES === '1') {
    console.log('[ui global-setup] PORTICO_SKIP_SERVICES=1: not checking services and Chromium');
  } else {
    run('scripts/ensure-services.sh', 'bash', [path.join(ROOT, 'scripts/ensure-services.sh')], 15 * 60_000);
  }
  const built = path.join(ROOT, 'web/dist/index.html');
  if (!fs.existsSync(built)) {
    console.log('[ui global-setup] web/dist/index.html is missing: building the UI (npm run build:web)');
    run('npm run build:web', 'npm', ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'], 5 * 60_000);
  } else if (newestSource() > fs.statSync(built).mtimeMs) {
    // Not rebuilt here: another run may be serving this build right now, and Vite empties web/dist first.
    console.log('[ui global-setup] note: web/ has changed since the last build; run `npm run build:web` to test the changes');
  }
}

/** The newest modification time among the UI's sources (web/index.html, web/src, web/public). */
function newestSource(): number {
  let newest = fs.statSync(path.join(ROOT, 'web/index.html')).mtimeMs;
  for (const dir of ['web/src', 'web/public']) {
    const full = path.join(ROOT, dir);
    if (!fs.existsSync(full)) continue;
    for (const entry of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}
