/**
 * Redis stopped mid-test: gateway calls keep succeeding under in-memory limits, the fallback is logged, and
 * shared limits resume on Redis once it is back. Uses a Redis server of its own on a private port.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createSqliteChinook, type TestDatabase } from '../../helpers/databases.ts';
import { freePort } from '../../helpers/process.ts';
import { killRedis, startPrivateRedis as startRedis } from '../../helpers/redis.ts';

describe('gateway while Redis goes away and comes back', () => {
  let t: TestApp;
  let db: TestDatabase;
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, FLOW_CONTROL_RATE_LIMIT_PER_MINUTE: '1000' } });
    db = await createSqliteChinook();
    const token = await t.login();
    await t.app.inject({ method: 'POST', url: '/api/v1/datasources/create', headers: bearer(token), payload: { name: 'chinook', product_type: 'sqlite', database: db.settings.database } });
    const mod = (await t.app.inject({ method: 'POST', url: '/api/v1/modules/create', headers: bearer(token), payload: { name: 'm' } })).json();
    const ds = (await t.services.datasources.list({ page: 1, page_size: 1 })).data[0]!;
    const ep = (await t.app.inject({ method: 'POST', url: '/api/v1/api-assignments/create', headers: bearer(token), payload: { module_id: mod.id, datasource_id: ds.id, name: 'one', path: '/one', http_method: 'GET', access_type: 'public', content: 'SELECT 1 AS one' } })).json();
    await t.app.inject({ method: 'POST', url: `/api/v1/api-assignments/${ep.id}/versions/create`, headers: bearer(token), payload: {} });
    await t.app.inject({ method: 'POST', url: '/api/v1/api-assignments/publish', headers: bearer(token), payload: { id: ep.id } });
  });
  afterAll(async () => {
    await t?.close();
    await killRedis(redis);
    await db?.drop();
  });

  it('keeps serving under in-memory limits without Redis, and returns to Redis when it is back', async () => {
    expect((await t.app.inject({ url: '/m/one' })).statusCode).toBe(200);
    expect(t.services.flow.mode).toBe('redis');

    await killRedis(redis);
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ url: '/m/one' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('1000');
    }
    expect(t.services.flow.mode).toBe('memory');
    expect(t.services.flow.redisFailures).toBeGreaterThan(0);
    expect(t.logs.some((l) => /redis/i.test(l) && l.includes('"level":40'))).toBe(true);

    redis = await startRedis(port);
    const deadline = Date.now() + 10_000;
    while (t.services.flow.mode !== 'redis' && Date.now() < deadline) {
      await t.app.inject({ url: '/m/one' });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(t.services.flow.mode).toBe('redis');
    expect((await t.app.inject({ url: '/m/one' })).statusCode).toBe(200);
  });
});
