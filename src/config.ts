/**
 * Environment → typed configuration, validated once at start. Names follow the pyDBAPI design so its
 * users feel at home. Every problem is reported at once, naming the variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL for the catalog; null = embedded SQLite in `dataDir`. */
  databaseUrl: string | null;
  /** Explicit secrets; null = generated and persisted in `dataDir`. */
  secretKey: string | null;
  encryptionKey: string | null;
  firstSuperuser: string | null;
  firstSuperuserPassword: string | null;
  accessTokenExpireMinutes: number;
  redisUrl: string | null;
  rateLimitEnabled: boolean;
  rateLimitPerMinute: number;
  maxConcurrentPerClient: number;
  /** Wall-clock limit for one script run (SCRIPT_EXEC_TIMEOUT, seconds, decimals allowed). */
  scriptExecTimeoutMs: number;
  /** Heap cap per script isolate. */
  scriptMemoryLimitMb: number;
  /** Script runs at once in this process (isolates in the pool); more wait briefly, then get 503. */
  scriptMaxConcurrent: number;
  /** Pure-JavaScript packages installed with Portico that scripts may import. */
  scriptExtraModules: string[];
  /** Host names (`api.example.com`, `*.example.com`, optionally `:port`) scripts may call over HTTP. */
  scriptHttpAllowHosts: string[];
  /** CIDR ranges exempt from the private/loopback/link-local ban (for internal services; empty by default). */
  scriptHttpAllowPrivate: string[];
  scriptHttpTimeoutMs: number;
  scriptHttpMaxResponseBytes: number;
  /** Setting names a script may read with `env.get`. */
  scriptEnvAllow: string[];
  accessLogBody: boolean;
  /** Access records older than this many days are pruned (hourly). */
  accessLogRetentionDays: number;
  maxResponseRows: number;
  externalDbPoolSize: number;
  externalDbStatementTimeoutSeconds: number;
  externalDbConnectTimeoutSeconds: number;
  externalDbPoolTimeoutSeconds: number;
  bodyLimitBytes: number;
  loginRateLimitPerMinute: number;
  trustedProxyCount: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve the Chinook demo module; defaults to on in embedded mode. */
  demo: boolean;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads `.env` from `cwd` (when present) under the real environment: real variables win. */
export function readEnvironment(env: Env = process.env, cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return env;
  return { ...parseDotenv(fs.readFileSync(file)), ...env };
}

export function loadConfig(env: Env = readEnvironment()): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be a number of seconds from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const list = (name: string): string[] =>
    (str(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined || raw === null) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite catalog)');
  }
  const redisUrl = str('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const secretKey = str('SECRET_KEY');
  if (secretKey && secretKey.length < 32) problems.push('SECRET_KEY must be at least 32 characters');
  const encryptionKey = str('ENCRYPTION_KEY');
  if (encryptionKey && encryptionKey.length < 32) problems.push('ENCRYPTION_KEY must be at least 32 characters');
  const firstSuperuser = str('FIRST_SUPERUSER');
  const firstSuperuserPassword = str('FIRST_SUPERUSER_PASSWORD');
  if (firstSuperuserPassword && firstSuperuserPassword.length < 8) {
    problems.push('FIRST_SUPERUSER_PASSWORD must be at least 8 characters');
  }
  if (firstSuperuser && !firstSuperuserPassword) {
    problems.push('FIRST_SUPERUSER is set but FIRST_SUPERUSER_PASSWORD is not');
  }
  const logLevel = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: str('HOST') ?? 'localhost',
    dataDir: path.resolve(str('DATA_DIR') ?? 'data'),
    databaseUrl,
    secretKey,
    encryptionKey,
    firstSuperuser,
    firstSuperuserPassword,
    accessTokenExpireMinutes: int('ACCESS_TOKEN_EXPIRE_MINUTES', 60 * 24, 1, 60 * 24 * 30),
    redisUrl,
    rateLimitEnabled: bool('FLOW_CONTROL_RATE_LIMIT_ENABLED', true),
    rateLimitPerMinute: int('FLOW_CONTROL_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    maxConcurrentPerClient: int('FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT', 10, 0, 100_000),
    scriptExecTimeoutMs: Math.round(seconds('SCRIPT_EXEC_TIMEOUT', 30, 0.01, 3600) * 1000),
    scriptMemoryLimitMb: int('SCRIPT_MEMORY_LIMIT_MB', 64, 8, 4096),
    scriptMaxConcurrent: int('SCRIPT_MAX_CONCURRENT', 8, 1, 1000),
    scriptExtraModules: list('SCRIPT_EXTRA_MODULES'),
    scriptHttpAllowHosts: list('SCRIPT_HTTP_ALLOW_HOSTS'),
    scriptHttpAllowPrivate: list('SCRIPT_HTTP_ALLOW_PRIVATE'),
    scriptHttpTimeoutMs: Math.round(seconds('SCRIPT_HTTP_TIMEOUT', 10, 0.01, 600) * 1000),
    scriptHttpMaxResponseBytes: int('SCRIPT_HTTP_MAX_RESPONSE_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    scriptEnvAllow: list('SCRIPT_ENV_ALLOW'),
    accessLogBody: bool('GATEWAY_ACCESS_LOG_BODY', false),
    accessLogRetentionDays: int('ACCESS_LOG_RETENTION_DAYS', 30, 1, 3650),
    maxResponseRows: int('GATEWAY_MAX_RESPONSE_ROWS', 10_000, 1, 10_000_000),
    externalDbPoolSize: int('EXTERNAL_DB_POOL_SIZE', 5, 1, 1000),
    externalDbStatementTimeoutSeconds: int('EXTERNAL_DB_STATEMENT_TIMEOUT', 30, 0, 86_400),
    externalDbConnectTimeoutSeconds: int('EXTERNAL_DB_CONNECT_TIMEOUT', 10, 1, 600),
    externalDbPoolTimeoutSeconds: int('EXTERNAL_DB_POOL_TIMEOUT', 10, 1, 600),
    bodyLimitBytes: int('BODY_LIMIT', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    loginRateLimitPerMinute: int('LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 100_000),
    trustedProxyCount: int('TRUSTED_PROXY_COUNT', 0, 0, 100),
    logLevel: logLevel as Config['logLevel'],
    demo: bool('PORTICO_DEMO', !databaseUrl),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Pool limits for users' databases, derived from the configuration. */
export function poolLimits(config: Config) {
  return {
    size: config.externalDbPoolSize,
    connectTimeoutMs: config.externalDbConnectTimeoutSeconds * 1000,
    statementTimeoutMs: config.externalDbStatementTimeoutSeconds * 1000,
    acquireTimeoutMs: config.externalDbPoolTimeoutSeconds * 1000,
  };
}
