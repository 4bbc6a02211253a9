import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AccessLogRepository } from '../../../src/catalog/access-logs.ts';
import { accessLogRoutes } from '../../../src/admin/access-logs.ts';
import { overviewRoutes } from '../../../src/admin/overview.ts';
import { bareAdminApp, type DeclaredRoute } from '../../helpers/admin-routes.ts';
import { backends, knownDataset, openTestCatalog, type OpenedCatalog } from './setup.ts';

/** What the endpoint repository's `recentCommits` gives (the routes pass it through). */
const COMMIT = {
  id: 'commit-1',
  api_assignment_id: 'endpoint-1',
  endpoint: 'orders',
  module_id: 'module-1',
  module: 'shop',
  version: 3,
  commit_message: 'faster',
  committed_by: 'root',
  committed_at: '2024-01-02T03:04:05.000Z',
};

describe.each(backends)('access-log and overview routes on %s', (backend) => {
  let opened: OpenedCatalog;
  let app: FastifyInstance;
  let data: ReturnType<typeof knownDataset>;
  const declared: DeclaredRoute[] = [];
  const commitLimits: number[] = [];

  beforeAll(async () => {
    opened = await openTestCatalog(backend);
    const accessLogs = new AccessLogRepository(opened.catalog);
    data = knownDataset();
    await accessLogs.insertBatch(data.rows);
    app = await bareAdminApp(declared, (api) => {
      accessLogRoutes(api, { accessLogs });
      overviewRoutes(api, {
        accessLogs,
        recentCommits: async (limit) => {
          commitLimits.push(limit);
          return [COMMIT];
        },
      });
    });
  });
  afterAll(async () => {
    await app.close();
    await opened.close();
  });

  it('declares the access_log and overview read permissions on every route', () => {
    expect(declared.length).toBe(8);
    for (const r of declared) {
      const resource = r.url.startsWith('/api/v1/access-logs') ? 'access_log' : 'overview';
      expect(r.permission, `${r.method} ${r.url}`).toEqual({ resource, action: 'read' });
    }
  });

  it('lists with filters and paging, shows one record, and validates its input', async () => {
    const list = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/access-logs/list', payload });
    const all = await list({});
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ total: 6 });
    expect(all.json().data).toHaveLength(6);
    const fails = await list({ status: 'fail', client_id: data.ids.c2, page: 1, page_size: 1 });
    expect(fails.json()).toMatchObject({ total: 2, data: [{ id: data.rows[2]!.id, status: 401 }] });
    expect((await list({ method: 'GET', ip: '10.0.0.3' })).json().total).toBe(1);
    expect((await list({ page_size: 101 })).statusCode).toBe(422);
    expect((await list({ status: 'maybe' })).statusCode).toBe(422);
    const badTime = await list({ from: 'not a time' });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json()).toMatchObject({ success: false, code: 'bad_request' });

    const one = await app.inject({ method: 'GET', url: `/api/v1/access-logs/${data.rows[3]!.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: data.rows[3]!.id, status: 500, headers: { accept: 'application/json' } });
    expect((await app.inject({ method: 'GET', url: `/api/v1/access-logs/${crypto.randomUUID()}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/access-logs/not-a-uuid' })).statusCode).toBe(422);
  });

  it('answers the overview endpoints', async () => {
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/overview${url}` });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    expect(await get('/stats')).toEqual({
      datasources: 0,
      modules: 0,
      endpoints: 0,
      clients: 0,
      groups: 0,
      days: 7,
      requests: expect.objectContaining({ total: 5, success: 2, fail: 3, avg_duration_ms: 13.2, distinct_clients: 2 }),
    });
    expect((await get('/stats?days=60')).requests.total).toBe(6);
    const byDay = await get('/requests-by-day');
    expect(byDay).toHaveLength(14);
    expect(byDay.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(5);
    expect(await get('/requests-by-day?days=3')).toHaveLength(3);
    expect((await get('/top-paths?limit=2')).map((p: { path: string }) => p.path)).toEqual(['/api/shop/items', '/api/shop/orders']);
    expect((await get('/status-breakdown')).classes).toEqual({ '2xx': 2, '3xx': 0, '4xx': 2, '5xx': 1, other: 0 });
    expect((await get('/recent-access?limit=3')).map((r: { id: string }) => r.id)).toEqual(data.rows.slice(0, 3).map((r) => r.id));
    expect(await get('/recent-commits?limit=4')).toEqual([COMMIT]);
    expect(await get('/recent-commits')).toEqual([COMMIT]);
    expect(commitLimits).toEqual([4, 10]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/overview/top-paths?limit=1000' })).statusCode).toBe(422);
  });
});
