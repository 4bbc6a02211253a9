/**
 * Two Portico instances sharing a PostgreSQL catalog and Redis behave as one: a change made on A is in force on
 * B within a second (publish, client deactivation, secret rotation, firewall rule), and rate limits are shared
 * rather than multiplied.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { freshPostgresDatabase } from '../../helpers/catalog.ts';
import { createPostgresChinook, type TestDatabase } from '../../helpers/databases.ts';

/** Polls `probe` until it returns true, at most `ms`; returns how long it took. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= ms) {
    if (await probe()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not in force within ${ms} ms`);
}

describe('two instances sharing a catalog and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let catalog: { url: string; drop(): Promise<void> };
  let db: TestDatabase;
  let adminA: string;
  let moduleId: string;
  let datasourceId: string;

  const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await a.app.inject({ method, url: `/api/v1${url}`, headers: bearer(adminA), payload });
    return { status: res.statusCode, body: res.json() };
  };
  const token = async (app: TestApp, c: { client_id: string; client_secret: string }) =>
    (await app.app.inject({ method: 'POST', url: '/token/generate', payload: c })).json().access_token as string;
  const status = async (app: TestApp, url: string, tok?: string, headers: Record<string, string> = {}) =>
    (await app.app.inject({ url, headers: { ...(tok ? bearer(tok) : {}), ...headers } })).statusCode;

  beforeAll(async () => {
    catalog = await freshPostgresDatabase();
    const env = {
      SECRET_KEY: crypto.randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRUSTED_PROXY_COUNT: '1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    };
    a = await startTestApp({ databaseUrl: catalog.url, env });
    b = await startTestApp({ databaseUrl: catalog.url, env });
    adminA = await a.login();
    db = await createPostgresChinook();
    const s = db.settings;
    datasourceId = (await api('POST', '/datasources/create', { name: 'chinook', product_type: 'postgres', host: s.host, port: s.port, database: s.database, username: s.username })).body.id;
    moduleId = (await api('POST', '/modules/create', { name: 'shared' })).body.id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
    await catalog?.drop();
  });

  it('serves an endpoint published on A from B within a second, and stops when A unpublishes', async () => {
    const created = await api('POST', '/api-assignments/create', { module_id: moduleId, datasource_id: datasourceId, name: 'ping', path: '/ping', http_method: 'GET', access_type: 'public', content: "SELECT 'pong' AS answer" });
    await api('POST', `/api-assignments/${created.body.id}/versions/create`, {});
    await api('POST', '/api-assignments/publish', { id: created.body.id });
    expect(await within(1000, async () => (await status(b, '/shared/ping')) === 200)).toBeLessThanOrEqual(1000);
    await api('POST', '/api-assignments/unpublish', { id: created.body.id });
    await within(1000, async () => (await status(b, '/shared/ping')) === 404);
  });

  it('refuses on B within a second a client deactivated or rotated on A, and applies A firewall rules on B', async () => {
    const created = await api('POST', '/api-assignments/create', { module_id: moduleId, datasource_id: datasourceId, name: 'secret', path: '/secret', http_method: 'GET', content: "SELECT 'ok' AS answer" });
    await api('POST', `/api-assignments/${created.body.id}/versions/create`, {});
    await api('POST', '/api-assignments/publish', { id: created.body.id });
    const c = (await api('POST', '/clients/create', { name: 'roaming', module_ids: [moduleId] })).body;
    const tok = await token(b, c);
    await within(1000, async () => (await status(b, '/shared/secret', tok)) === 200);

    const rotated = (await api('POST', '/clients/regenerate-secret', { id: c.id })).body;
    await within(1000, async () => (await status(b, '/shared/secret', tok)) === 401);
    const fresh = await token(b, { client_id: c.client_id, client_secret: rotated.client_secret });
    expect(await status(b, '/shared/secret', fresh)).toBe(200);

    const rule = (await api('POST', '/firewall/create', { action: 'deny', cidr: '192.0.2.0/24' })).body;
    await within(1000, async () => (await status(b, '/shared/secret', fresh, { 'x-forwarded-for': '192.0.2.9' })) === 403);
    await api('DELETE', `/firewall/delete/${rule.id}`);

    await api('POST', '/clients/update', { id: c.id, is_active: false });
    await within(1000, async () => (await status(b, '/shared/secret', fresh)) === 401);
  });

  it('shares a client rate limit across both instances instead of multiplying it', async () => {
    const created = await api('POST', '/api-assignments/create', { module_id: moduleId, datasource_id: datasourceId, name: 'counted', path: '/counted', http_method: 'GET', content: "SELECT 1 AS one" });
    await api('POST', `/api-assignments/${created.body.id}/versions/create`, {});
    await api('POST', '/api-assignments/publish', { id: created.body.id });
    const c = (await api('POST', '/clients/create', { name: 'counted-client', module_ids: [moduleId], rate_limit_per_minute: 10 })).body;
    const tok = await token(a, c);
    await within(1000, async () => (await status(b, '/shared/counted', tok)) === 200);
    // That probe used one call on B (refusals before it are not counted); 29 more spread over both instances.
    const codes = [200];
    for (let i = 0; i < 29; i++) codes.push(await status(i % 2 === 0 ? a : b, '/shared/counted', tok));
    expect(codes.filter((s) => s === 200)).toHaveLength(10);
    expect(codes.filter((s) => s === 429)).toHaveLength(20);
    expect(a.services.flow.mode).toBe('redis');
  });
});
