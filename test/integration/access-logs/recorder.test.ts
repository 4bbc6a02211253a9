import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../src/catalog/catalog.ts';
import { AccessLogRepository, type AccessLogInsert } from '../../../src/catalog/access-logs.ts';
import { AccessRecorder, type AccessRecord } from '../../../src/gateway/access-records.ts';
import type { CatalogChange } from '../../../src/catalog/notifier.ts';
import { backends, openTestCatalog, silentLog, type OpenedCatalog } from './setup.ts';

function record(o: Partial<AccessRecord> = {}): AccessRecord {
  return {
    time: new Date(),
    endpointId: crypto.randomUUID(),
    endpointVersion: 3,
    module: crypto.randomUUID(),
    clientId: null,
    clientName: null,
    ip: '192.0.2.7',
    method: 'get',
    path: '/api/things',
    status: 200,
    durationMs: 1.23456,
    params: { id: 5 },
    headers: { accept: 'application/json' },
    requestId: crypto.randomUUID(),
    ...o,
  };
}

const failing = (message = 'catalog down') => ({
  calls: 0,
  async insertBatch(): Promise<void> {
    this.calls++;
    throw new Error(message);
  },
});

describe.each(backends)('access recorder on %s', (backend) => {
  let opened: OpenedCatalog;
  let repo: AccessLogRepository;

  beforeAll(async () => {
    opened = await openTestCatalog(backend);
    repo = new AccessLogRepository(opened.catalog);
  });
  afterAll(async () => opened.close());

  const count = async (path: string) => (await repo.list({ path, page_size: 1 })).total;
  const onlyRecord = async (path: string) => {
    const page = await repo.list({ path, page_size: 2 });
    expect(page.total).toBe(1);
    return repo.get(page.data[0]!.id);
  };

  it('queues 1,000 records without waiting and writes them in batches, one transaction each', async () => {
    const sizes: number[] = [];
    const spy = { insertBatch: (rows: readonly AccessLogInsert[]) => (sizes.push(rows.length), repo.insertBatch(rows)) };
    const recorder = new AccessRecorder(spy, { logBody: false, flushIntervalMs: 60_000, maxBatch: 200, log: silentLog() });
    const started = performance.now();
    for (let i = 0; i < 1000; i++) recorder.record(record({ path: `/batch/${i}` }));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(500);
    expect(recorder.pending).toBe(1000);
    expect(sizes).toEqual([]); // nothing written synchronously
    await recorder.flush();
    expect(await count('/batch/')).toBe(1000);
    expect(recorder.written).toBe(1000);
    expect(recorder.pending).toBe(0);
    expect(recorder.dropped).toBe(0);
    expect(sizes.every((n) => n <= 200)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(sizes.length).toBe(5);
    await recorder.close();
  });

  it('writes on its own timer, and close() flushes what is pending', async () => {
    const timed = new AccessRecorder(repo, { logBody: false, flushIntervalMs: 20, log: silentLog() });
    for (let i = 0; i < 3; i++) timed.record(record({ path: `/timer/${i}` }));
    await expect.poll(() => count('/timer/'), { timeout: 5000 }).toBe(3);
    await timed.close();

    const recorder = new AccessRecorder(repo, { logBody: false, flushIntervalMs: 60_000, log: silentLog() });
    for (let i = 0; i < 7; i++) recorder.record(record({ path: `/closing/${i}` }));
    await recorder.close();
    expect(await count('/closing/')).toBe(7);
    recorder.record(record({ path: '/closing/late' }));
    expect(recorder.dropped).toBe(1);
    await recorder.flush();
    expect(await count('/closing/')).toBe(7);
  });

  it('stores the record fields, with authorization, cookie and API-key headers redacted', async () => {
    const recorder = new AccessRecorder(repo, { logBody: false, log: silentLog() });
    const time = new Date(Date.now() - 5000);
    const clientId = crypto.randomUUID();
    recorder.record(
      record({
        time,
        path: '/redaction',
        clientId,
        clientName: 'alpha',
        status: 403,
        errorCode: 'forbidden',
        params: { id: 5, password: 'p4ss', nested: { password: 'kept-nested' } },
        headers: {
          Authorization: 'Bearer abc.def.ghi',
          cookie: 'session=xyz',
          'x-api-key': 'k-123',
          'proxy-authorization': 'Basic Zm9v',
          'content-type': 'application/json',
          'x-forwarded-for': ['203.0.113.1', '10.0.0.1'],
          'x-empty': undefined,
        },
        body: '{"secret":"not stored"}',
      }),
    );
    await recorder.close();
    const stored = await onlyRecord('/redaction');
    expect(stored).toMatchObject({
      created_at: time.toISOString(),
      client_id: clientId,
      client_name: 'alpha',
      method: 'GET',
      status: 403,
      success: false,
      duration_ms: 1.235,
      endpoint_version: 3,
      error_code: 'forbidden',
      body: null,
      params: { id: 5, password: '[redacted]', nested: { password: 'kept-nested' } },
    });
    expect(stored.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'proxy-authorization': '[redacted]',
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.1, 10.0.0.1',
    });
    const raw = await opened.catalog.db.selectFrom('access_logs').select('headers').where('id', '=', stored.id).executeTakeFirstOrThrow();
    expect(raw.headers).not.toContain('abc.def');
    expect(raw.headers).not.toContain('xyz');
  });

  it('stores the body only when enabled, truncated to maxBodyBytes on a character boundary', async () => {
    const recorder = new AccessRecorder(repo, { logBody: true, maxBodyBytes: 10, log: silentLog() });
    recorder.record(record({ path: '/body/text', body: 'héllo wörld and more' }));
    recorder.record(record({ path: '/body/short', body: 'ok\u0000!' }));
    recorder.record(record({ path: '/body/bytes', body: Buffer.from('ééééééé', 'utf8') }));
    recorder.record(record({ path: '/body/none' }));
    const wide = new AccessRecorder(repo, { logBody: true, log: silentLog() });
    wide.record(record({ path: '/body/object', body: { client_secret: 's3cret', grant_type: 'client_credentials' } }));
    wide.record(record({ path: '/body/big', body: 'x'.repeat(10_000) }));
    await recorder.close();
    await wide.close();

    expect((await onlyRecord('/body/text')).body).toBe('héllo wö'); // 'ö' is 2 bytes: 9 bytes, not 10
    expect((await onlyRecord('/body/short')).body).toBe('ok!'); // NUL cannot be stored in PostgreSQL text
    expect((await onlyRecord('/body/bytes')).body).toBe('ééééé');
    expect((await onlyRecord('/body/none')).body).toBeNull();
    expect(JSON.parse((await onlyRecord('/body/object')).body!)).toEqual({
      client_secret: '[redacted]',
      grant_type: 'client_credentials',
    });
    expect((await onlyRecord('/body/big')).body).toHaveLength(4096);
  });

  it('never throws to the caller when the catalog fails: retries later, bounded, and counts what it drops', async () => {
    const log = silentLog();
    const broken = failing();
    const recorder = new AccessRecorder(broken, { logBody: false, flushIntervalMs: 60_000, maxAttempts: 3, log });
    for (let i = 0; i < 5; i++) recorder.record(record());
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(recorder.pending).toBe(5);
    expect(recorder.dropped).toBe(0);
    expect(log.lines.some((l) => l.level === 'warn' && /retrying/.test(l.msg ?? ''))).toBe(true);
    await recorder.flush();
    await recorder.flush(); // third attempt: given up
    expect(broken.calls).toBe(3);
    expect(recorder.pending).toBe(0);
    expect(recorder.dropped).toBe(5);
    expect(log.lines.some((l) => l.level === 'error' && /given up/.test(l.msg ?? ''))).toBe(true);
    await expect(recorder.close()).resolves.toBeUndefined();
  });

  it('recovers when the catalog comes back: the failed batch is written on a later attempt', async () => {
    let fail = true;
    const flaky = {
      insertBatch: async (rows: readonly AccessLogInsert[]) => {
        if (fail) throw new Error('connection refused');
        await repo.insertBatch(rows);
      },
    };
    const recorder = new AccessRecorder(flaky, { logBody: false, flushIntervalMs: 20, log: silentLog() });
    for (let i = 0; i < 4; i++) recorder.record(record({ path: `/flaky/${i}` }));
    await recorder.flush();
    expect(recorder.pending).toBe(4);
    fail = false;
    await expect.poll(() => count('/flaky/'), { timeout: 5000 }).toBe(4);
    expect(recorder.dropped).toBe(0);
    await recorder.close();
  });

  it('does not throw when the real catalog is closed under it; close() reports what is lost', async () => {
    const second = await openCatalog(opened.options);
    const log = silentLog();
    const recorder = new AccessRecorder(new AccessLogRepository(second), { logBody: false, log });
    await second.close();
    recorder.record(record({ path: '/closed-catalog' }));
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(recorder.pending).toBe(1);
    await expect(recorder.close()).resolves.toBeUndefined();
    expect(recorder.dropped).toBe(1);
    expect(log.lines.some((l) => l.level === 'error' && /lost at shutdown/.test(l.msg ?? ''))).toBe(true);
  });

  it('keeps record() instant while the catalog is slow, and drops the oldest beyond maxQueue', async () => {
    const log = silentLog();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { insertBatch: async () => gate.then(() => Promise.reject(new Error('timeout'))) };
    const recorder = new AccessRecorder(slow, { logBody: false, maxQueue: 10, maxBatch: 1000, flushIntervalMs: 60_000, log });
    recorder.record(record());
    const flushing = recorder.flush();
    await new Promise((r) => setImmediate(r)); // the write has started and hangs on the catalog
    expect(recorder.pending).toBe(1);
    const started = performance.now();
    for (let i = 0; i < 25; i++) recorder.record(record());
    expect(performance.now() - started).toBeLessThan(100);
    expect(recorder.dropped).toBe(15);
    expect(recorder.pending).toBe(11);
    expect(log.lines.filter((l) => l.level === 'warn' && /dropped/.test(l.msg ?? ''))).toHaveLength(1);
    release();
    await flushing;
    expect(recorder.pending).toBe(11); // the retried batch of 1 and the 10 newest
    await recorder.close();
  });

  it('sets aside a row the catalog refuses and writes the rest of its batch', async () => {
    const seed = new AccessRecorder(repo, { logBody: false, log: silentLog() });
    seed.record(record({ path: '/poison-seed' }));
    await seed.close();
    const seedId = (await repo.list({ path: '/poison-seed' })).data[0]!.id;
    const poisoning = {
      insertBatch: (rows: readonly AccessLogInsert[]) =>
        repo.insertBatch(rows.map((r) => (r.path === '/poison/bad' ? { ...r, id: seedId } : r))),
    };
    const log = silentLog();
    const recorder = new AccessRecorder(poisoning, { logBody: false, log });
    recorder.record(record({ path: '/poison/1' }));
    recorder.record(record({ path: '/poison/bad' }));
    recorder.record(record({ path: '/poison/2' }));
    await recorder.close();
    expect(await count('/poison/')).toBe(2);
    expect(recorder.dropped).toBe(1);
    expect(recorder.written).toBe(2);
    expect(log.lines.some((l) => l.level === 'error' && /refused/.test(l.msg ?? ''))).toBe(true);
  });

  it('lists records made in the same millisecond newest first, in the order they were recorded', async () => {
    const recorder = new AccessRecorder(repo, { logBody: false, log: silentLog() });
    const time = new Date();
    for (let i = 0; i < 30; i++) recorder.record(record({ time, path: `/same-ms/${i}` }));
    await recorder.close();
    const page = await repo.list({ path: '/same-ms/', page_size: 100 });
    expect(page.data.map((r) => r.path)).toEqual(Array.from({ length: 30 }, (_, i) => `/same-ms/${29 - i}`));
  });

  it('writes a batch all or nothing, and a refused row fails it with the database code', async () => {
    const seed = new AccessRecorder(repo, { logBody: false, log: silentLog() });
    seed.record(record({ path: '/whole-batch/seed' }));
    await seed.close();
    const taken = (await repo.list({ path: '/whole-batch/seed' })).data[0]!.id;
    const rows = ['a', 'b', 'c'].map((x, i) => ({
      id: i === 1 ? taken : crypto.randomUUID(),
      created_at: new Date().toISOString(),
      ip: '192.0.2.1',
      method: 'GET',
      path: `/whole-batch/${x}`,
      status: 200,
      duration_ms: 1,
      headers: '{}',
      request_id: crypto.randomUUID(),
    }));
    const refused = await repo.insertBatch(rows).then(() => null, (err: { code?: string }) => err);
    expect(refused?.code).toMatch(backend === 'sqlite' ? /^SQLITE_CONSTRAINT/ : /^23505$/);
    expect(await count('/whole-batch/')).toBe(1);
    await repo.insertBatch(rows.filter((_, i) => i !== 1));
    expect(await count('/whole-batch/')).toBe(3);
  });

  it('does not change the catalog version or announce anything when records are written', async () => {
    const before = await opened.catalog.version();
    const heard: CatalogChange[] = [];
    const stop = opened.catalog.notifier.subscribe((c) => heard.push(c));
    const recorder = new AccessRecorder(repo, { logBody: true, log: silentLog() });
    for (let i = 0; i < 50; i++) recorder.record(record({ path: `/version/${i}` }));
    await recorder.close();
    expect(await count('/version/')).toBe(50);
    await repo.prune(new Date(0));
    await new Promise((r) => setTimeout(r, 200));
    expect(await opened.catalog.version()).toBe(before);
    expect(heard).toEqual([]);
    stop();
  });
});
