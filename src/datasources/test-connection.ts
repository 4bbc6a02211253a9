/**
 * "Test connection" for the admin UI: a one-off pool of one connection runs `SELECT 1` and is closed again.
 * The answer is a plain sentence (wrong password, unknown host, refused port, timeout, missing database or
 * file), never a stack trace and never the password.
 */
import type { ConnectionSettings, Pool, PoolLimits } from './dialect.ts';
import { dialectFor } from './dialects.ts';
import { connectionFailed, endpoint, redactPassword } from './errors.ts';

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  latency_ms: number;
}

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306, sqlite: 0 } as const;
const CLOSE_GRACE_MS = 1000;

function target(settings: ConnectionSettings): string {
  return settings.type === 'sqlite'
    ? `SQLite database ${settings.database}`
    : `${settings.type} database "${settings.database}" at ${endpoint(settings, DEFAULT_PORTS[settings.type])}`;
}

/** Waits for the pool to close, but not past the grace period: a half-open socket must not hold the caller. */
async function closeQuietly(pool: Pool): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS);
  });
  await Promise.race([pool.close().catch(() => undefined), grace]);
  clearTimeout(timer);
}

export async function testConnection(settings: ConnectionSettings, limits: PoolLimits): Promise<ConnectionTestResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const dialect = dialectFor(settings.type);
  const timeoutMs = Math.max(1, limits.connectTimeoutMs);
  let pool: Pool | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    pool = dialect.createPool(settings, { ...limits, size: 1 });
    const overall = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const at = settings.type === 'sqlite' ? settings.database : endpoint(settings, DEFAULT_PORTS[settings.type]);
        reject(connectionFailed(`Connection to ${at} timed out after ${timeoutMs} ms.`));
      }, timeoutMs);
    });
    await Promise.race([pool.query('SELECT 1'), overall]);
    return { ok: true, message: redactPassword(`Connected to ${target(settings)}.`, settings), latency_ms: elapsed() };
  } catch (err) {
    const message = redactPassword(dialect.describeConnectError(err, settings), settings);
    return { ok: false, message, latency_ms: elapsed() };
  } finally {
    clearTimeout(timer);
    if (pool) await closeQuietly(pool);
  }
}
