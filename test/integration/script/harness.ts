/**
 * A Portico instance with a Chinook data source and a module, ready to publish script (and SQL) endpoints
 * and call them through the gateway: what every script test starts from.
 */
import { expect } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createPostgresChinook, type TestDatabase } from '../../helpers/databases.ts';

/** A parsed JSON body, read loosely as tests read `inject().json()`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of many shapes, checked by expect()
export type Json = any;

export interface ScriptHarness {
  t: TestApp;
  db: TestDatabase;
  datasourceId: string;
  moduleId: string;
  admin(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<{ status: number; body: Json }>;
  /** Creates, commits and publishes an endpoint (public, on the harness data source); returns its id. */
  publish(fields: Record<string, unknown>): Promise<string>;
  call(method: string, url: string, payload?: object): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

export async function startScriptHarness(
  options: { env?: Record<string, string>; load?: () => Promise<TestDatabase> } = {},
): Promise<ScriptHarness> {
  const t = await startTestApp({ env: options.env });
  const token = await t.login();
  const db = await (options.load ?? createPostgresChinook)();
  const admin: ScriptHarness['admin'] = async (method, url, payload) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
    return { status: res.statusCode, body: res.json() };
  };
  const s = db.settings;
  const ds = await admin('POST', '/datasources/create', {
    name: 'music',
    product_type: s.type,
    host: s.host,
    port: s.port,
    database: s.database,
    username: s.username,
    password: s.password || null,
  });
  expect(ds.status, JSON.stringify(ds.body)).toBe(201);
  const mod = await admin('POST', '/modules/create', { name: 'shop', path_prefix: 'shop' });
  expect(mod.status, JSON.stringify(mod.body)).toBe(201);
  const datasourceId = ds.body.id as string;
  const moduleId = mod.body.id as string;
  return {
    t,
    db,
    datasourceId,
    moduleId,
    admin,
    async publish(fields) {
      const created = await admin('POST', '/api-assignments/create', {
        module_id: moduleId,
        datasource_id: datasourceId,
        access_type: 'public',
        execute_engine: 'script',
        http_method: 'POST',
        ...fields,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as string;
      expect((await admin('POST', `/api-assignments/${id}/versions/create`, { commit_message: 'v1' })).status).toBe(201);
      const published = await admin('POST', '/api-assignments/publish', { id });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      return id;
    },
    async call(method, url, payload) {
      const res = await t.app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.body === '' ? null : res.json() };
    },
    async close() {
      await t.close();
      await db.drop();
    },
  };
}
