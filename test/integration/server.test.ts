import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../helpers/app.ts';

describe('operations and error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '2048', REDIS_URL: 'redis://127.0.0.1:6379' } });
  });
  afterAll(async () => t.close());

  it('reports live, and ready when the catalog and Redis answer', async () => {
    expect((await t.app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { catalog: 'ok', redis: 'ok' } });
  });

  it('echoes a caller X-Request-ID and generates one otherwise', async () => {
    const echoed = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const generated = await t.app.inject({ url: '/health/live' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await t.app.inject({ url: '/health/live', headers: { 'x-request-id': 'a\u0000b<script>' } });
    expect(hostile.headers['x-request-id']).not.toContain('<script>');
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.app.inject({ url: '/no/such/thing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ success: false, message: 'No route for GET /no/such/thing', code: 'not_found', data: [] });
  });

  it('answers malformed JSON with 400, a wrong type or a missing field with 422 naming it, and writes nothing', async () => {
    const token = await t.login();
    const post = (payload: string | object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/datasources/create',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
    const malformed = await post('{"name": "x",');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ success: false, code: 'invalid_json' });

    const wrongType = await post({ name: 'pg', product_type: 'postgres', host: 'h', port: 'eighty', database: 'd' });
    expect(wrongType.statusCode).toBe(422);
    expect(wrongType.json().message).toContain('body.port');

    const missing = await post({ name: 'pg', product_type: 'postgres', host: 'h' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().message).toContain('body.database is required');

    const badEnum = await post({ name: 'pg', product_type: 'oracle', host: 'h', database: 'd' });
    expect(badEnum.statusCode).toBe(422);
    expect(badEnum.json().message).toContain('body.product_type');

    const noHost = await post({ name: 'pg', product_type: 'postgres', database: 'd' });
    expect(noHost.statusCode).toBe(400);
    expect(noHost.json().message).toContain('host');

    expect((await t.services.datasources.list({ page: 1, page_size: 10 })).total).toBe(0);
  });

  it('refuses a body over the size limit with 413', async () => {
    const token = await t.login();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ success: false, code: 'payload_too_large' });
  });

  it('refuses SQLite data sources that point into DATA_DIR, where the catalog and secrets live', async () => {
    const token = await t.login();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(token),
      payload: { name: 'steal', product_type: 'sqlite', database: `${t.config.dataDir}/catalog.db` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('DATA_DIR');
  });
});

describe('readiness without Redis', () => {
  it('reports 503 naming Redis when the configured Redis does not answer', async () => {
    const t = await startTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const res = await t.app.inject({ url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.catalog).toBe('ok');
      expect(res.json().checks.redis).toMatch(/^unavailable/);
    } finally {
      await t.close();
    }
  });
});

describe('nullable admin fields', () => {
  it('stores null as null, not as an empty string', async () => {
    const t = await startTestApp();
    try {
      const token = await t.login();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/modules/create',
        headers: bearer(token),
        payload: { name: 'nulls', description: null },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().description).toBeNull();
      const ds = await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasources/create',
        headers: bearer(token),
        payload: { name: 'mem', product_type: 'sqlite', database: ':memory:', username: null, description: null },
      });
      expect(ds.json()).toMatchObject({ username: null, description: null });
    } finally {
      await t.close();
    }
  });
});
