import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AccessLogRepository, startRetention } from '../../../src/catalog/access-logs.ts';
import { backends, knownDataset, openTestCatalog, silentLog, type OpenedCatalog } from './setup.ts';

const DAY = 86_400_000;

describe.each(backends)('access log repository on %s', (backend) => {
  let opened: OpenedCatalog;
  let repo: AccessLogRepository;
  let data: ReturnType<typeof knownDataset>;

  beforeAll(async () => {
    opened = await openTestCatalog(backend);
    repo = new AccessLogRepository(opened.catalog);
    data = knownDataset();
    await repo.insertBatch(data.rows);
  });
  afterAll(async () => opened.close());

  const paths = async (q: Parameters<AccessLogRepository['list']>[0]) => {
    const page = await repo.list(q);
    return { total: page.total, ids: page.data.map((r) => r.id) };
  };
  const idsOf = (...i: number[]) => i.map((n) => data.rows[n]!.id);

  it('lists newest first with the total, pages, and each record in its summary shape', async () => {
    const all = await repo.list({ page: 1, page_size: 100 });
    expect(all.total).toBe(6);
    expect(all.data.map((r) => r.id)).toEqual(idsOf(0, 1, 2, 3, 4, 5));
    expect(all.data[2]).toMatchObject({
      endpoint_id: data.ids.e2,
      endpoint_name: null,
      endpoint_version: 2,
      module_id: data.ids.m1,
      client_id: data.ids.c2,
      client_name: 'beta',
      ip: '10.0.0.2',
      method: 'POST',
      path: '/api/shop/items',
      status: 401,
      success: false,
      duration_ms: 5,
      params: { id: 1 },
      error_code: 'unauthorized',
    });
    expect(all.data[0]).not.toHaveProperty('headers');
    expect(all.data[0]).not.toHaveProperty('body');
    expect(await paths({ page: 2, page_size: 2 })).toEqual({ total: 6, ids: idsOf(2, 3) });
    expect(await paths({ page: 4, page_size: 2 })).toEqual({ total: 6, ids: [] });
    await expect(repo.list({ page_size: 101 })).rejects.toMatchObject({ status: 400 });
    await expect(repo.list({ page: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it('filters by endpoint, module, client, path, method, IP, time range, success/fail and status', async () => {
    expect(await paths({ endpoint_id: data.ids.e1 })).toEqual({ total: 3, ids: idsOf(0, 1, 5) });
    expect(await paths({ module_id: data.ids.m2 })).toEqual({ total: 1, ids: idsOf(4) });
    expect(await paths({ client_id: data.ids.c2 })).toEqual({ total: 2, ids: idsOf(2, 3) });
    expect(await paths({ path: 'SHOP/IT' })).toEqual({ total: 2, ids: idsOf(2, 3) });
    expect(await paths({ path: '%' })).toEqual({ total: 0, ids: [] });
    expect(await paths({ method: 'post' })).toEqual({ total: 2, ids: idsOf(2, 3) });
    expect(await paths({ ip: '10.0.0.3' })).toEqual({ total: 1, ids: idsOf(4) });
    const at = (ms: number) => new Date(data.now - ms).toISOString();
    expect(await paths({ from: at(2.5 * 3_600_000) })).toEqual({ total: 2, ids: idsOf(0, 1) });
    expect(await paths({ to: at(DAY) })).toEqual({ total: 3, ids: idsOf(3, 4, 5) });
    expect(await paths({ from: at(3 * DAY), to: data.rows[2]!.created_at })).toEqual({ total: 3, ids: idsOf(2, 3, 4) });
    // Any offset is accepted and compared in UTC.
    const plus8 = new Date(data.now - 2.5 * 3_600_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    expect(await paths({ from: plus8 })).toEqual({ total: 2, ids: idsOf(0, 1) });
    expect(await paths({ status: 'success' })).toEqual({ total: 3, ids: idsOf(0, 1, 5) });
    expect(await paths({ status: 'fail' })).toEqual({ total: 3, ids: idsOf(2, 3, 4) });
    expect(await paths({ status_code: 429 })).toEqual({ total: 1, ids: idsOf(4) });
    expect(await paths({ endpoint_id: data.ids.e1, status: 'success', from: at(1.5 * 3_600_000) })).toEqual({
      total: 1,
      ids: idsOf(0),
    });
    await expect(repo.list({ from: 'yesterday-ish' })).rejects.toMatchObject({ status: 400 });
  });

  it('filters by group through client_groups', async () => {
    const now = new Date().toISOString();
    const groupId = crypto.randomUUID();
    const db = opened.catalog.db;
    await sql`insert into clients (id, name, client_id, secret_hash, tokens_valid_after, created_at, updated_at)
      values (${data.ids.c1}, 'alpha', 'alpha-key', 'x', ${now}, ${now}, ${now})`.execute(db);
    await sql`insert into groups (id, name, created_at, updated_at) values (${groupId}, 'team', ${now}, ${now})`.execute(db);
    await sql`insert into client_groups (client_id, group_id) values (${data.ids.c1}, ${groupId})`.execute(db);
    expect(await paths({ group_id: groupId })).toEqual({ total: 3, ids: idsOf(0, 1, 5) });
    expect(await paths({ group_id: crypto.randomUUID() })).toEqual({ total: 0, ids: [] });
    expect((await repo.catalogCounts()).clients).toBe(1);
  });

  it('returns one record in full, and 404 for an unknown id', async () => {
    const detail = await repo.get(data.rows[2]!.id);
    expect(detail).toMatchObject({ id: data.rows[2]!.id, headers: { accept: 'application/json' }, body: null, status: 401 });
    await expect(repo.get(crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
  });

  it('computes the overview for the known dataset', async () => {
    const week = new Date(data.now - 7 * DAY);
    expect(await repo.stats(week)).toEqual({
      since: week.toISOString(),
      total: 5,
      success: 2,
      fail: 3,
      avg_duration_ms: 13.2,
      distinct_clients: 2,
    });
    expect(await repo.stats(null)).toMatchObject({ since: null, total: 6, success: 3, fail: 3, distinct_clients: 2 });

    const byDay = await repo.requestsByDay(14, new Date(data.now));
    expect(byDay).toHaveLength(14);
    expect(byDay.at(-1)!.date).toBe(new Date(data.now).toISOString().slice(0, 10));
    const expected = new Map<string, { count: number; success: number }>();
    for (const r of data.rows.slice(0, 5)) {
      const d = r.created_at.slice(0, 10);
      const e = expected.get(d) ?? { count: 0, success: 0 };
      e.count++;
      if (r.status < 400) e.success++;
      expected.set(d, e);
    }
    for (const day of byDay) {
      const e = expected.get(day.date) ?? { count: 0, success: 0 };
      expect(day).toEqual({ date: day.date, count: e.count, success: e.success, fail: e.count - e.success });
    }
    expect(byDay.reduce((n, d) => n + d.count, 0)).toBe(5);

    expect(await repo.topPaths(10, week)).toEqual([
      { path: '/api/shop/items', count: 2, fail: 2, avg_duration_ms: 17.5 },
      { path: '/api/shop/orders', count: 2, fail: 0, avg_duration_ms: 15 },
      { path: '/api/music/album', count: 1, fail: 1, avg_duration_ms: 1 },
    ]);
    expect(await repo.topPaths(1, null)).toEqual([{ path: '/api/shop/orders', count: 3, fail: 0, avg_duration_ms: 23.33 }]);

    expect(await repo.statusBreakdown(week)).toEqual({
      since: week.toISOString(),
      classes: { '2xx': 2, '3xx': 0, '4xx': 2, '5xx': 1, other: 0 },
      statuses: [
        { status: 200, count: 2 },
        { status: 401, count: 1 },
        { status: 429, count: 1 },
        { status: 500, count: 1 },
      ],
    });
    expect((await repo.recent(2)).map((r) => r.id)).toEqual(idsOf(0, 1));
    expect(await repo.catalogCounts()).toMatchObject({ datasources: 0, modules: 0, endpoints: 0 });
  });

  it('prunes only records older than the cutoff, and the retention timer does it at start', async () => {
    expect(await repo.prune(new Date(data.now - 30 * DAY))).toBe(1);
    expect(await repo.prune(new Date(data.now - 30 * DAY))).toBe(0);
    expect((await repo.list({})).total).toBe(5);

    const log = silentLog();
    const stop = startRetention(repo, 2, log);
    try {
      await expect.poll(async () => (await repo.list({})).total).toBe(4);
      expect(log.lines).toContainEqual(expect.objectContaining({ level: 'info', obj: expect.objectContaining({ deleted: 1 }) }));
    } finally {
      stop();
    }
    expect((await repo.list({ page_size: 100 })).data.map((r) => r.id)).toEqual(idsOf(0, 1, 2, 3));
  });

  it('prunes in chunks larger than one statement', async () => {
    const old = new Date(data.now - 100 * DAY).toISOString();
    const rows = Array.from({ length: 5003 }, (_, i) => ({
      ...data.rows[0]!,
      id: crypto.randomUUID(),
      created_at: old,
      request_id: `bulk-${i}`,
    }));
    await repo.insertBatch(rows);
    expect(await repo.prune(new Date(data.now - 50 * DAY))).toBe(5003);
    expect((await repo.list({})).total).toBe(4);
  });
});
