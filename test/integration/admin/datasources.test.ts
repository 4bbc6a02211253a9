import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createMysqlChinook, createPostgresChinook, createSqliteChinook } from '../../helpers/databases.ts';
import { PG_ADMIN_URL } from '../../helpers/catalog.ts';
import type { ConnectionSettings } from '../../../src/datasources/dialect.ts';

const SECRET = 'Zebra-S3cret-917';

type Loaded = { settings: ConnectionSettings; drop(): Promise<void> };

/** The admin API's body for a data source built from test settings. */
function body(name: string, s: ConnectionSettings, password: string | null = s.password ?? null) {
  return {
    name,
    product_type: s.type,
    host: s.host ?? null,
    port: s.port ?? null,
    database: s.database,
    username: s.username ?? null,
    password,
  };
}

describe.each([
  ['postgres', createPostgresChinook],
  ['mysql', createMysqlChinook],
  ['sqlite', createSqliteChinook],
] as const)('data sources on %s through the admin API', (type, load) => {
  let t: TestApp;
  let db: Loaded;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    db = await load();
    token = await t.login();
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('creates, reads, lists, tests, updates and deletes a data source', async () => {
    const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url: `/api/v1/datasources${url}`, headers: bearer(token), payload });

    const created = await api('POST', '/create', { ...body('chinook', db.settings), description: 'music' });
    expect(created.statusCode).toBe(201);
    const ds = created.json();
    expect(ds).toMatchObject({ name: 'chinook', product_type: type, is_active: true, description: 'music' });
    expect(ds).not.toHaveProperty('password');

    expect((await api('GET', `/${ds.id}`)).json().name).toBe('chinook');
    const list = await api('POST', '/list', { page: 1, page_size: 10, product_type: type });
    expect(list.json()).toMatchObject({ total: 1, data: [{ id: ds.id }] });

    const tested = await api('POST', `/test/${ds.id}`);
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: true });
    expect(typeof tested.json().latency_ms).toBe('number');

    const updated = await api('POST', '/update', { id: ds.id, description: 'renamed' });
    expect(updated.json().description).toBe('renamed');
    expect((await api('POST', `/test/${ds.id}`)).json().ok).toBe(true);

    expect((await api('DELETE', `/delete/${ds.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/${ds.id}`)).statusCode).toBe(404);
    expect((await api('POST', `/test/${ds.id}`)).statusCode).toBe(404);
  });

  it('tests settings before saving them (preTest)', async () => {
    const { name: _n, ...settings } = body('x', db.settings);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/datasources/preTest', headers: bearer(token), payload: settings });
    expect(res.json()).toMatchObject({ ok: true });
  });
});

describe('data-source connection failures in plain words, with the password kept secret', () => {
  let t: TestApp;
  let token: string;
  const user = `portico_pw_${Date.now() % 100000}`;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login();
    const root = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-password'`);
    await root.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
    await root.end();
  });
  afterAll(async () => {
    const root = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await root.end();
    await t.close();
  });

  const preTest = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/datasources/preTest', headers: bearer(token), payload });

  it('says the password is wrong', async () => {
    const res = await preTest({ product_type: 'mysql', host: '127.0.0.1', port: 3306, database: 'test', username: user, password: SECRET });
    expect(res.json().ok).toBe(false);
    expect(res.json().message).toMatch(/password|access denied|authentication/i);
  });

  it('says the host is unknown', async () => {
    const res = await preTest({ product_type: 'postgres', host: 'no-such-host.invalid', port: 5432, database: 'x', username: 'u', password: SECRET });
    expect(res.json().ok).toBe(false);
    expect(res.json().message).toMatch(/no-such-host\.invalid/);
    expect(res.json().message).toMatch(/unknown|not found|resolve/i);
  });

  it('says the port is closed', async () => {
    for (const product_type of ['postgres', 'mysql']) {
      const res = await preTest({ product_type, host: '127.0.0.1', port: 1, database: 'x', username: 'u', password: SECRET });
      expect(res.json().ok).toBe(false);
      expect(res.json().message).toMatch(/refused/i);
    }
  });

  it('says a saved data source with a wrong password fails, and never shows the password in responses or logs', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(token),
      payload: { name: 'wrong-pw', product_type: 'mysql', host: '127.0.0.1', port: 3306, database: 'test', username: user, password: SECRET },
    });
    const bodies = [created.body];
    const tested = await t.app.inject({ method: 'POST', url: `/api/v1/datasources/test/${created.json().id}`, headers: bearer(token) });
    bodies.push(tested.body);
    expect(tested.json().ok).toBe(false);
    const fixed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/update',
      headers: bearer(token),
      payload: { id: created.json().id, password: 'right-password' },
    });
    bodies.push(fixed.body);
    const retest = await t.app.inject({ method: 'POST', url: `/api/v1/datasources/test/${created.json().id}`, headers: bearer(token) });
    expect(retest.json()).toMatchObject({ ok: true });
    bodies.push((await t.app.inject({ url: `/api/v1/datasources/${created.json().id}`, headers: bearer(token) })).body);
    bodies.push((await t.app.inject({ method: 'POST', url: '/api/v1/datasources/list', headers: bearer(token), payload: {} })).body);

    expect(t.logs.length).toBeGreaterThan(5);
    for (const text of [...bodies, ...t.logs]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('right-password');
    }
  });
});

describe('pools follow their data source', () => {
  let t: TestApp;
  let db: Loaded;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    db = await createPostgresChinook();
    token = await t.login();
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  async function connectionsTo(database: string): Promise<number> {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    const r = await c.query("select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'portico'", [database]);
    await c.end();
    return r.rows[0].n as number;
  }

  it('uses a new pool after the host changes and closes every connection when the data source is deleted', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(token),
      payload: { ...body('music', db.settings), host: 'no-such-host.invalid' },
    });
    const id = created.json().id as string;
    const first = await t.services.dataSourcePool(id);
    await expect(first.pool.query('select 1')).rejects.toThrow();

    const moved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/update',
      headers: bearer(token),
      payload: { id, host: db.settings.host },
    });
    expect(moved.statusCode).toBe(200);
    const second = await t.services.dataSourcePool(id);
    expect(second.pool).not.toBe(first.pool);
    expect((await second.pool.query('select count(*)::int as n from album')).rows[0]).toEqual({ n: 347 });
    expect(await connectionsTo(db.settings.database)).toBe(1);

    await t.app.inject({ method: 'DELETE', url: `/api/v1/datasources/delete/${id}`, headers: bearer(token) });
    await expect.poll(() => connectionsTo(db.settings.database), { timeout: 5000 }).toBe(0);
    await expect(t.services.dataSourcePool(id)).rejects.toMatchObject({ status: 404 });
  });
});
