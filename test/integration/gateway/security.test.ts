/**
 * The gateway's security and flow control through the whole server, on generated table routes and SQL
 * endpoints alike: client tokens, 401 vs 403, direct and group grants, inactive groups, revoked tokens, rate
 * and concurrency limits, the IP firewall behind a trusted proxy, and the access records of every outcome.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createPostgresChinook, type TestDatabase } from '../../helpers/databases.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SPEC = fs.readFileSync(path.join(ROOT, 'examples/chinook/chinook.openapi.yaml'), 'utf8');

describe('gateway security', () => {
  let t: TestApp;
  let db: TestDatabase;
  let admin: string;
  let musicModuleId: string;
  const endpoints: Record<string, string> = {};

  const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(admin), payload });
    return { status: res.statusCode, body: res.json() };
  };
  const client = async (fields: object) => {
    const res = await api('POST', '/clients/create', { name: `c${Math.random().toString(36).slice(2, 8)}`, ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; client_id: string; client_secret: string };
  };
  const token = async (c: { client_id: string; client_secret: string }) => {
    const res = await t.app.inject({ method: 'POST', url: '/token/generate', payload: { client_id: c.client_id, client_secret: c.client_secret } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().access_token as string;
  };
  const call = (url: string, tok?: string, headers: Record<string, string> = {}) =>
    t.app.inject({ url, headers: { ...(tok ? bearer(tok) : {}), ...headers } });

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUSTED_PROXY_COUNT: '1', FLOW_CONTROL_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await t.login();
    db = await createPostgresChinook();
    const s = db.settings;
    const ds = await api('POST', '/datasources/create', { name: 'chinook', product_type: 'postgres', host: s.host, port: s.port, database: s.database, username: s.username });
    const spec = await api('POST', '/specs/import', { module: 'music', content: SPEC, access: 'private' });
    expect(spec.status).toBe(201);
    musicModuleId = spec.body.module_id;
    const mod = await api('POST', '/modules/create', { name: 'ops' });
    for (const [name, content, extra] of [
      ['slow', 'SELECT pg_sleep(0.4) AS slept', {}],
      ['limited', "SELECT 'ok' AS answer", { rate_limit_per_minute: 10 }],
      ['failing', 'SELECT pg_sleep(0.2), 1 / (SELECT count(*) - count(*) FROM genre) AS boom', {}],
      ['crashing', 'SELECT pg_terminate_backend(pg_backend_pid())', {}],
    ] as const) {
      const created = await api('POST', '/api-assignments/create', { module_id: mod.body.id, datasource_id: ds.body.id, name, path: `/${name}`, http_method: 'GET', content, ...extra });
      endpoints[name] = created.body.id;
      await api('POST', `/api-assignments/${created.body.id}/versions/create`, {});
      expect((await api('POST', '/api-assignments/publish', { id: created.body.id })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('serves a private table route to a client granted its module, 401 without a token, 403 without a grant', async () => {
    const granted = await client({ module_ids: [musicModuleId] });
    const stranger = await client({});
    const tok = await token(granted);
    expect((await call('/music/album/1', tok)).statusCode).toBe(200);
    const none = await call('/music/album/1');
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ success: false, code: 'unauthorized' });
    expect((await call('/music/album/1', 'not-a-token')).statusCode).toBe(401);
    expect((await call('/music/album/1', await token(stranger))).statusCode).toBe(403);
    expect((await call('/music/album/1', admin)).statusCode).toBe(401);
  });

  it('applies a client or firewall change without preparing the routes again', async () => {
    const before = t.services.gateway.snapshot;
    const c = await client({ module_ids: [musicModuleId] });
    const after = t.services.gateway.snapshot;
    expect(after).not.toBe(before);
    expect(after.routes).toBe(before.routes);
    expect((await call('/music/album/1', await token(c))).statusCode).toBe(200);
  });

  it('grants a SQL endpoint through an active group only, and refuses tokens after a secret rotation or deactivation', async () => {
    const member = await client({});
    const group = await api('POST', '/groups/create', { name: 'readers', api_assignment_ids: [endpoints.limited], client_ids: [member.id] });
    expect(group.status).toBe(201);
    const tok = await token(member);
    expect((await call('/ops/limited', tok)).statusCode).toBe(200);
    await api('POST', '/groups/update', { id: group.body.id, is_active: false });
    expect((await call('/ops/limited', tok)).statusCode).toBe(403);
    await api('POST', '/groups/update', { id: group.body.id, is_active: true });
    expect((await call('/ops/limited', tok)).statusCode).toBe(200);

    const rotated = await api('POST', '/clients/regenerate-secret', { id: member.id });
    expect(rotated.body.client_secret).toBeDefined();
    expect((await call('/ops/limited', tok)).statusCode).toBe(401);
    const fresh = await token({ client_id: member.client_id, client_secret: rotated.body.client_secret });
    expect((await call('/ops/limited', fresh)).statusCode).toBe(200);
    await api('POST', '/clients/update', { id: member.id, is_active: false });
    expect((await call('/ops/limited', fresh)).statusCode).toBe(401);
    const refused = await t.app.inject({ method: 'POST', url: '/token/generate', payload: { client_id: member.client_id, client_secret: rotated.body.client_secret } });
    expect(refused.statusCode).toBe(401);
  });

  it('gives exactly 10 of 30 rapid calls at 10 per minute and 429 with headers to the rest', async () => {
    const c = await client({ api_assignment_ids: [endpoints.limited] });
    const tok = await token(c);
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await call('/ops/limited', tok));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(10);
    const limited = results.filter((r) => r.statusCode === 429);
    expect(limited).toHaveLength(20);
    expect(limited[0]!.headers['x-ratelimit-limit']).toBe('10');
    expect(limited[0]!.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(results[0]!.headers['x-ratelimit-remaining']).toBe('9');
  });

  it('lets 2 of 6 simultaneous slow calls through at max_concurrent 2, answers 503 to the rest, and frees every slot', async () => {
    const c = await client({ api_assignment_ids: [endpoints.slow], max_concurrent: 2 });
    const tok = await token(c);
    const results = await Promise.all(Array.from({ length: 6 }, () => call('/ops/slow', tok)));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2);
    const busy = results.filter((r) => r.statusCode === 503);
    expect(busy).toHaveLength(4);
    expect(busy[0]!.headers['retry-after']).toBeDefined();
    const again = await Promise.all(Array.from({ length: 2 }, () => call('/ops/slow', tok)));
    expect(again.map((r) => r.statusCode)).toEqual([200, 200]);
  });

  it('frees the slot after calls that failed with 4xx and 5xx and after callers that hung up mid-call', async () => {
    const c = await client({ api_assignment_ids: [endpoints.slow, endpoints.failing, endpoints.crashing], max_concurrent: 2 });
    const tok = await token(c);
    const failed = await Promise.all(Array.from({ length: 2 }, () => call('/ops/failing', tok)));
    expect(failed.map((r) => r.statusCode)).toEqual([400, 400]);
    const crashed = await Promise.all(Array.from({ length: 2 }, () => call('/ops/crashing', tok)));
    for (const r of crashed) expect(r.statusCode).toBeGreaterThanOrEqual(500);

    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const hangUp = () =>
      new Promise<void>((resolve) => {
        const req = http.get(`${address}/ops/slow`, { headers: bearer(tok) });
        req.on('error', () => resolve());
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    await Promise.all([hangUp(), hangUp()]);
    // The engine finishes its statement after the caller has gone, then gives the slot back.
    await new Promise((r) => setTimeout(r, 600));
    const again = await Promise.all(Array.from({ length: 2 }, () => call('/ops/slow', tok)));
    expect(again.map((r) => r.statusCode)).toEqual([200, 200]);
  });

  it('blocks addresses in a denied CIDR block (read through the trusted proxy header) and nothing else', async () => {
    const c = await client({ module_ids: [musicModuleId] });
    const tok = await token(c);
    const rule = await api('POST', '/firewall/create', { action: 'deny', cidr: '203.0.113.0/24', description: 'test net' });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const blocked = await call('/music/genre/1', tok, { 'x-forwarded-for': '203.0.113.77' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('ip_denied');
    expect((await call('/music/genre/1', tok, { 'x-forwarded-for': '198.51.100.1' })).statusCode).toBe(200);
    await api('DELETE', `/firewall/delete/${rule.body.id}`);
    expect((await call('/music/genre/1', tok, { 'x-forwarded-for': '203.0.113.77' })).statusCode).toBe(200);
  });

  it('records every outcome in the access records', async () => {
    await call('/nowhere/at/all');
    await t.services.accessRecorder.flush();
    const list = await api('POST', '/access-logs/list', { page: 1, page_size: 100 });
    expect(list.status).toBe(200);
    const statuses = new Set(list.body.data.map((r: { status: number }) => r.status));
    for (const s of [200, 401, 403, 404, 429, 503]) expect(statuses, `status ${s}`).toContain(s);
    const denied = list.body.data.find((r: { status: number; ip: string }) => r.status === 403 && r.ip === '203.0.113.77');
    expect(denied).toBeDefined();
    const stats = await api('GET', '/overview/stats');
    expect(stats.status).toBe(200);
  });
});
