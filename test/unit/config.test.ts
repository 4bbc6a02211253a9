import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnvironment } from '../../src/config.ts';

describe('configuration', () => {
  it('runs embedded with nothing set: SQLite catalog in ./data, port 3000, demo on', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.demo).toBe(true);
    expect(c.rateLimitEnabled).toBe(true);
  });

  it('reads the pyDBAPI variable names', () => {
    const c = loadConfig({
      FLOW_CONTROL_RATE_LIMIT_ENABLED: 'false',
      FLOW_CONTROL_RATE_LIMIT_PER_MINUTE: '30',
      FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT: '0',
      EXTERNAL_DB_POOL_SIZE: '7',
      EXTERNAL_DB_STATEMENT_TIMEOUT: '5',
      SCRIPT_EXTRA_MODULES: 'dayjs, lodash',
      SCRIPT_EXEC_TIMEOUT: '0.5',
      SCRIPT_HTTP_ALLOW_HOSTS: 'api.example.com, *.internal.example:8443',
      GATEWAY_ACCESS_LOG_BODY: 'yes',
    });
    expect(c.rateLimitEnabled).toBe(false);
    expect(c.rateLimitPerMinute).toBe(30);
    expect(c.maxConcurrentPerClient).toBe(0);
    expect(c.externalDbPoolSize).toBe(7);
    expect(c.externalDbStatementTimeoutSeconds).toBe(5);
    expect(c.scriptExtraModules).toEqual(['dayjs', 'lodash']);
    expect(c.scriptExecTimeoutMs).toBe(500);
    expect(c.scriptHttpAllowHosts).toEqual(['api.example.com', '*.internal.example:8443']);
    expect(c.accessLogBody).toBe(true);
  });

  it('reports every bad value at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', EXTERNAL_DB_POOL_SIZE: '0', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short', RATE: 'x', FLOW_CONTROL_RATE_LIMIT_ENABLED: 'maybe', SCRIPT_EXEC_TIMEOUT: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'EXTERNAL_DB_POOL_SIZE', 'DATABASE_URL', 'SECRET_KEY', 'FLOW_CONTROL_RATE_LIMIT_ENABLED', 'SCRIPT_EXEC_TIMEOUT']) {
      expect(problems).toContain(name);
    }
  });

  it('requires a password with FIRST_SUPERUSER', () => {
    expect(() => loadConfig({ FIRST_SUPERUSER: 'boss' })).toThrow(/FIRST_SUPERUSER_PASSWORD/);
  });

  it('reads .env under the real environment, which wins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n');
    const env = readEnvironment({ LOG_LEVEL: 'warn' }, dir);
    const c = loadConfig(env);
    expect(c.port).toBe(4000);
    expect(c.logLevel).toBe('warn');
    fs.rmSync(dir, { recursive: true });
  });
});
