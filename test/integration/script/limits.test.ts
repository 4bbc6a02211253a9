/**
 * Script limits (SCRIPT_EXEC_TIMEOUT 0.5 s, 16 MB per isolate, 2 at once): an endless loop, an endless loop
 * after an await, a memory bomb and a flood each end with the documented error, roll back their writes,
 * and leave the server serving — a SQL endpoint called in a loop during the abuse answers 200 every time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres } from '../../helpers/databases.ts';
import { startScriptHarness, type ScriptHarness } from './harness.ts';

const TIMEOUT_MS = 500;
/** "Finished within the timeout plus a generous margin" on a shared 2-core machine. */
const MARGIN_MS = 4000;

describe('script limits', () => {
  let h: ScriptHarness;

  beforeAll(async () => {
    h = await startScriptHarness({
      env: {
        SCRIPT_EXEC_TIMEOUT: String(TIMEOUT_MS / 1000),
        SCRIPT_MEMORY_LIMIT_MB: '16',
        SCRIPT_MAX_CONCURRENT: '2',
        FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT: '1000',
      },
    });
    await h.publish({ name: 'ping', path: '/ping', http_method: 'GET', execute_engine: 'sql', content: 'SELECT 1 AS ok' });
    await h.publish({ name: 'hello', path: '/hello', http_method: 'GET', content: 'async function execute() { return { ok: 1 }; }' });
    await h.publish({
      name: 'spin',
      path: '/spin',
      params: [{ name: 'tag', location: 'body', data_type: 'string', default_value: 'none' }],
      content: `async function execute(p) {
  await db.execute('INSERT INTO genre (name) VALUES ($1)', ['spin ' + p.tag]);
  while (true) {}
}`,
    });
    await h.publish({
      name: 'spin after await',
      path: '/spin-later',
      content: `async function execute() {
  await db.execute('INSERT INTO genre (name) VALUES ($1)', ['spin later']);
  await db.query('SELECT pg_sleep(0.05)');
  for (;;) { Math.random(); }
}`,
    });
    await h.publish({
      name: 'bomb',
      path: '/bomb',
      content: `async function execute() {
  await db.execute('INSERT INTO genre (name) VALUES ($1)', ['bomb']);
  const hoard = [];
  while (true) hoard.push(new Array(1000000).fill(hoard.length));
}`,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const genres = async (name: string) =>
    withPostgres(async (c) => (await c.query('SELECT count(*)::int AS n FROM genre WHERE name LIKE $1', [name])).rows[0].n as number, h.db.settings.database);

  /** Calls the SQL endpoint back to back while `abuse` runs; returns every status it got. */
  async function whileServing<T>(abuse: () => Promise<T>): Promise<{ result: T; statuses: number[] }> {
    const statuses: number[] = [];
    let done = false;
    const loop = (async () => {
      while (!done) {
        statuses.push((await h.call('GET', '/shop/ping')).status);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      return { result: await abuse(), statuses };
    } finally {
      done = true;
      await loop;
    }
  }

  const timed = async (method: string, url: string, payload?: object) => {
    const started = Date.now();
    const res = await h.call(method, url, payload);
    return { ...res, ms: Date.now() - started };
  };

  it('stops an endless loop with 504 script_timeout, rolls back its insert, and keeps serving', async () => {
    const { result, statuses } = await whileServing(() => timed('POST', '/shop/spin', {}));
    expect(result.status).toBe(504);
    expect(result.body).toMatchObject({ success: false, code: 'script_timeout' });
    expect(result.body.message).toMatch(/0\.5 s/);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(await genres('spin none')).toBe(0);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await h.call('GET', '/shop/hello')).body.data).toEqual({ ok: 1 });
  });

  it('stops an endless loop that starts after an await (outside isolated-vm’s own timeout) with 504', async () => {
    const { result, statuses } = await whileServing(() => timed('POST', '/shop/spin-later', {}));
    expect(result.status).toBe(504);
    expect(result.body.code).toBe('script_timeout');
    expect(result.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(await genres('spin later')).toBe(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('stops a memory bomb with 500 script_memory_limit and a plain message, and serves the next call', async () => {
    const { result, statuses } = await whileServing(() => timed('POST', '/shop/bomb', {}));
    expect(result.status).toBe(500);
    expect(result.body).toMatchObject({ code: 'script_memory_limit', message: expect.stringMatching(/more than 16 MB/) });
    expect(await genres('bomb')).toBe(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await h.call('GET', '/shop/hello')).status).toBe(200);
  });

  it('answers a flood beyond the concurrency cap with timeouts or 503 script_busy, and recovers', async () => {
    const { result, statuses } = await whileServing(() =>
      Promise.all(Array.from({ length: 10 }, (_, i) => timed('POST', '/shop/spin', { tag: `flood ${i}` }))),
    );
    for (const res of result) {
      expect([504, 503]).toContain(res.status);
      expect(res.body.code).toBe(res.status === 504 ? 'script_timeout' : 'script_busy');
      expect(res.ms).toBeLessThan(TIMEOUT_MS * 10 + MARGIN_MS);
    }
    expect(result.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(await genres('spin flood%')).toBe(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(h.t.services.scripts.runtime.busy).toBe(0);
    expect((await h.call('GET', '/shop/hello')).body.data).toEqual({ ok: 1 });
  });
});
