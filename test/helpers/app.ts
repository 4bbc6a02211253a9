/**
 * Builds a real Portico instance for a test: its own DATA_DIR, a SQLite or a fresh PostgreSQL catalog, logs
 * captured line by line, a superuser ready to sign in.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildApp } from '../../src/server.ts';
import { hashSecret } from '../../src/auth/hashing.ts';
import { freshPostgresDatabase, tempDir } from './catalog.ts';

export const SUPERUSER = { username: 'root', password: 'root-password-1' };

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  /** Every log line written so far, raw JSON text. */
  logs: string[];
  login(username?: string, password?: string): Promise<string>;
  /** Creates a user with the given system roles; returns a signed-in token for it. */
  userWithRoles(roles: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  catalog?: 'sqlite' | 'postgres';
  /** Extra environment, as a user would set it. */
  env?: Record<string, string>;
  /** Reuse a data dir / catalog database (to test restarts). */
  dataDir?: string;
  databaseUrl?: string;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDir();
  let pgCatalog: { url: string; drop(): Promise<void> } | null = null;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl && options.catalog === 'postgres') {
    pgCatalog = await freshPostgresDatabase();
    databaseUrl = pgCatalog.url;
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    FIRST_SUPERUSER: SUPERUSER.username,
    FIRST_SUPERUSER_PASSWORD: SUPERUSER.password,
    LOG_LEVEL: 'info',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const services = await createServices(config, createLogger(config, sink));
  const app = await buildApp(services);
  await app.ready();

  const login = async (username = SUPERUSER.username, password = SUPERUSER.password): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/login/access-token',
      payload: { username, password },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { access_token: string }).access_token;
  };

  return {
    app,
    services,
    config,
    logs,
    login,
    async userWithRoles(roles) {
      const username = `user_${crypto.randomBytes(4).toString('hex')}`;
      const password = 'user-password-1';
      await services.users.create({ username, passwordHash: await hashSecret(password), roles });
      return login(username, password);
    },
    async close() {
      await app.close();
      await pgCatalog?.drop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
