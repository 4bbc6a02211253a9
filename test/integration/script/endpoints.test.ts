/**
 * Script endpoints end to end through the gateway on PostgreSQL (and db.query on MariaDB): the pyDBAPI
 * examples (paged search with a total, a transactional insert, a cached lookup, an HTTP call, a multi-step
 * update with explicit tx), the return-value envelope, errors and fail(), env/log/ds, debug output, and
 * syntax errors refused at publish.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMysql, withPostgres, createMysqlChinook } from '../../helpers/databases.ts';
import { startScriptHarness, type ScriptHarness } from './harness.ts';

describe('script endpoints on PostgreSQL', () => {
  let h: ScriptHarness;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, method: req.method, rate: 1.25 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    process.env.PORTICO_TEST_GREETING = 'hello from env';
    process.env.PORTICO_TEST_SECRET = 'must stay hidden';
    h = await startScriptHarness({
      env: {
        SCRIPT_HTTP_ALLOW_HOSTS: `127.0.0.1:${port}`,
        SCRIPT_HTTP_ALLOW_PRIVATE: '127.0.0.1/32',
        SCRIPT_ENV_ALLOW: 'PORTICO_TEST_GREETING',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => server.close(r));
  });

  const pg = <T = Record<string, unknown>>(sql: string, values: unknown[] = []) =>
    withPostgres(async (c) => (await c.query(sql, values)).rows as T[], h.db.settings.database);

  it('serves a paged search with its total count as top-level envelope keys', async () => {
    await h.publish({
      name: 'search tracks',
      path: '/tracks/search',
      http_method: 'GET',
      params: [
        { name: 'q', location: 'query', data_type: 'string', is_required: true },
        { name: 'limit', location: 'query', data_type: 'integer', default_value: 5 },
        { name: 'offset', location: 'query', data_type: 'integer', default_value: 0 },
      ],
      content: `async function execute(params, ctx) {
  const like = '%' + params.q + '%';
  const rows = await ctx.db.query('SELECT track_id, name FROM track WHERE name ILIKE $1 ORDER BY track_id LIMIT $2 OFFSET $3', [like, params.limit, params.offset]);
  const { n } = await ctx.db.queryOne('SELECT count(*)::int AS n FROM track WHERE name ILIKE $1', [like]);
  return { data: rows, total: n, limit: params.limit, offset: params.offset };
}`,
    });
    const [count] = await pg<{ n: number }>("SELECT count(*)::int AS n FROM track WHERE name ILIKE '%love%'");
    const n = count!.n;
    const page = await h.call('GET', '/shop/tracks/search?q=love&limit=3&offset=2');
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ success: true, message: null, total: n, limit: 3, offset: 2 });
    expect(page.body.data).toHaveLength(3);
    const expected = await pg("SELECT track_id, name FROM track WHERE name ILIKE '%love%' ORDER BY track_id LIMIT 3 OFFSET 2");
    expect(page.body.data).toEqual(expected);
    expect(Object.keys(page.body).slice(0, 3)).toEqual(['success', 'message', 'data']);
  });

  it('commits an insert when the script succeeds and rolls it back when the script throws afterwards', async () => {
    await h.publish({
      name: 'add artist',
      path: '/artists',
      params: [
        { name: 'name', location: 'body', data_type: 'string', is_required: true },
        { name: 'explode', location: 'body', data_type: 'boolean', default_value: false },
      ],
      content: `async function execute(p) {
  const { rows } = await db.execute('INSERT INTO artist (name) VALUES ($1) RETURNING artist_id', [p.name]);
  if (p.explode) throw new Error('changed my mind after inserting ' + p.name);
  return rows[0];
}`,
    });
    const ok = await h.call('POST', '/shop/artists', { name: 'Script Kept' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.artist_id).toBeGreaterThan(0);
    expect(await pg("SELECT name FROM artist WHERE name = 'Script Kept'")).toHaveLength(1);

    const failed = await h.call('POST', '/shop/artists', { name: 'Script Ghost', explode: true });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ success: false, code: 'script_error', message: 'Script failed: changed my mind after inserting Script Ghost' });
    expect(JSON.stringify(failed.body)).not.toMatch(/at |\.ts|\/work\//);
    expect(await pg("SELECT name FROM artist WHERE name = 'Script Ghost'")).toHaveLength(0);
  });

  it('serves a cached lookup: the second call comes from the cache without touching the database', async () => {
    await h.publish({
      name: 'album title',
      path: '/albums/{id}/title',
      http_method: 'GET',
      params: [{ name: 'id', location: 'path', data_type: 'integer', is_required: true }],
      content: `async function execute(p) {
  const key = 'album:' + p.id;
  const hit = await cache.get(key);
  if (hit !== null) return { data: hit, cached: true, reads: await cache.get('reads') };
  const row = await db.queryOne('SELECT title FROM album WHERE album_id = $1', [p.id]);
  const reads = await cache.incr('reads');
  await cache.set(key, row, 60);
  return { data: row, cached: false, reads };
}`,
    });
    const first = await h.call('GET', '/shop/albums/1/title');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ data: { title: 'For Those About To Rock We Salute You' }, cached: false, reads: 1 });
    const second = await h.call('GET', '/shop/albums/1/title');
    expect(second.body).toMatchObject({ data: { title: 'For Those About To Rock We Salute You' }, cached: true, reads: 1 });
  });

  it('calls an allowed HTTP server and uses its JSON answer', async () => {
    await h.publish({
      name: 'rate',
      path: '/rate',
      http_method: 'GET',
      content: `async function execute() {
  const res = await http.get('http://127.0.0.1:${port}/rates/eur', { query: { day: 'today' } });
  return { status: res.status, rate: res.body.rate, path: res.body.path };
}`,
    });
    const res = await h.call('GET', '/shop/rate');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ status: 200, rate: 1.25, path: '/rates/eur?day=today' });
  });

  it('runs a multi-step update with explicit tx: commit keeps a step, rollback undoes only its own step', async () => {
    await h.publish({
      name: 'retitle two albums',
      path: '/albums/retitle',
      params: [
        { name: 'a', location: 'body', data_type: 'integer', is_required: true },
        { name: 'b', location: 'body', data_type: 'integer', is_required: true },
        { name: 'title', location: 'body', data_type: 'string', is_required: true },
        { name: 'explode', location: 'body', data_type: 'boolean', default_value: false },
      ],
      content: `async function execute(p, ctx) {
  await tx.begin();
  await db.execute('UPDATE album SET title = $1 WHERE album_id = $2', [p.title, p.a]);
  const second = await db.execute('UPDATE album SET title = $1 WHERE album_id = $2', [p.title, p.b]);
  if (second.rowCount !== 1) {
    await tx.rollback();
    ctx.fail(404, 'album ' + p.b + ' does not exist', 'album_not_found');
  }
  await tx.commit();
  await tx.begin();
  await db.execute('UPDATE album SET title = $1 WHERE album_id = $2', ['never seen', p.a]);
  await tx.rollback();
  if (p.explode) throw new Error('after the commit');
  return db.query('SELECT album_id, title FROM album WHERE album_id IN ($1, $2) ORDER BY album_id', [p.a, p.b]);
}`,
    });
    const ok = await h.call('POST', '/shop/albums/retitle', { a: 3, b: 4, title: 'Retitled' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data).toEqual([{ album_id: 3, title: 'Retitled' }, { album_id: 4, title: 'Retitled' }]);
    expect(await pg('SELECT title FROM album WHERE album_id IN (3, 4)')).toEqual([{ title: 'Retitled' }, { title: 'Retitled' }]);

    const missing = await h.call('POST', '/shop/albums/retitle', { a: 5, b: 999999, title: 'Half done' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'album_not_found', message: 'album 999999 does not exist' });
    expect(await pg("SELECT album_id FROM album WHERE title = 'Half done'")).toEqual([]);

    // A committed step stays even when the script fails later.
    const late = await h.call('POST', '/shop/albums/retitle', { a: 6, b: 7, title: 'Committed early', explode: true });
    expect(late.status).toBe(500);
    expect(await pg("SELECT album_id FROM album WHERE title = 'Committed early' ORDER BY album_id")).toEqual([{ album_id: 6 }, { album_id: 7 }]);
    expect(await pg("SELECT album_id FROM album WHERE title = 'never seen'")).toEqual([]);
  });

  it('gives an uncaught database error its classified status and code, and lets the script catch one', async () => {
    await h.publish({
      name: 'duplicate genre',
      path: '/genres/dup',
      params: [{ name: 'catch', location: 'body', data_type: 'boolean', default_value: false }],
      content: `async function execute(p) {
  try {
    await db.execute('INSERT INTO album (title, artist_id) VALUES ($1, $2)', ['orphan', 999999]);
  } catch (e) {
    if (p.catch) return { caught: e.code, message: e.message };
    throw e;
  }
}`,
    });
    const uncaught = await h.call('POST', '/shop/genres/dup', {});
    expect(uncaught.status, JSON.stringify(uncaught.body)).toBe(409);
    expect(uncaught.body.code).toBe('foreign_key_violation');
    expect(uncaught.body.message).not.toMatch(/violates foreign key constraint/);
    const caught = await h.call('POST', '/shop/genres/dup', { catch: true });
    expect(caught.status).toBe(200);
    expect(caught.body.data.caught).toBe('foreign_key_violation');
  });

  it('answers fail() with its 4xx status, a thrown Error with 500 script_error, a thrown value stringified', async () => {
    await h.publish({
      name: 'errors',
      path: '/errors',
      params: [{ name: 'kind', location: 'body', data_type: 'string', is_required: true }],
      content: `if (req.kind === 'fail') fail(422, 'quantity must be positive');
if (req.kind === 'value') throw 42;
if (req.kind === 'error') throw new TypeError('bad type');
result = { kind: req.kind };`,
    });
    const failed = await h.call('POST', '/shop/errors', { kind: 'fail' });
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({ success: false, code: 'unprocessable', message: 'quantity must be positive' });
    const value = await h.call('POST', '/shop/errors', { kind: 'value' });
    expect(value.status).toBe(500);
    expect(value.body).toMatchObject({ code: 'script_error', message: 'Script failed: 42' });
    const error = await h.call('POST', '/shop/errors', { kind: 'error' });
    expect(error.body).toMatchObject({ code: 'script_error', message: 'Script failed: bad type' });
    const ok = await h.call('POST', '/shop/errors', { kind: 'fine' });
    expect(ok.body).toEqual({ success: true, message: null, data: { kind: 'fine' } });
  });

  it('shows env values only for allowed names, describes the data source without credentials, and captures logs in debug', async () => {
    const res = await h.admin('POST', '/api-assignments/debug', {
      execute_engine: 'script',
      datasource_id: h.datasourceId,
      params: { id: 2 },
      content: `async function execute(p, ctx) {
  log.info('looking up', p.id, { deep: true });
  const row = await ctx.db.queryOne('SELECT name FROM artist WHERE artist_id = $1', [p.id]);
  ctx.log.warn('found', row.name);
  return { row, greeting: env.get('PORTICO_TEST_GREETING'), secret: env.get('PORTICO_TEST_SECRET') ?? null, path: env.get('PATH') ?? null, ds };
}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ row: { name: 'Accept' }, greeting: 'hello from env', secret: null, path: null });
    expect(res.body.data.ds).toEqual({ name: 'music', type: 'postgres', host: '127.0.0.1', database: h.db.settings.database });
    expect(res.body.logs.map((l: { level: string; message: string }) => [l.level, l.message])).toEqual([
      ['info', 'looking up 2 {"deep":true}'],
      ['warn', 'found Accept'],
    ]);
    expect(res.body.statements).toHaveLength(1);
    expect(res.body.statements[0]).toMatchObject({ sql: 'SELECT name FROM artist WHERE artist_id = $1', values: [2], rowCount: 1 });
    expect(typeof res.body.statements[0].ms).toBe('number');
    // The server log carries the script's lines with the request id.
    const line = h.t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'found Accept');
    expect(line).toMatchObject({ level: 40 });
    expect(line.reqId).toBeDefined();
  });

  it('refuses to publish a script with a syntax error, naming the line', async () => {
    const created = await h.admin('POST', '/api-assignments/create', {
      module_id: h.moduleId,
      datasource_id: h.datasourceId,
      execute_engine: 'script',
      name: 'broken',
      path: '/broken',
      http_method: 'GET',
      content: 'async function execute() {\n  const x = 1;\n  return x +;\n}',
    });
    const id = created.body.id;
    await h.admin('POST', `/api-assignments/${id}/versions/create`, {});
    const refused = await h.admin('POST', '/api-assignments/publish', { id });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('script_syntax_error');
    expect(refused.body.message).toMatch(/line 3/);
    expect((await h.call('GET', '/shop/broken')).status).toBe(404);
  });

  it('returns a top-level result assignment, and null data when the script returns nothing', async () => {
    const top = await h.admin('POST', '/api-assignments/debug', {
      execute_engine: 'script',
      datasource_id: h.datasourceId,
      content: "const rows = await db.query('SELECT 1 AS one');\nresult = rows[0];",
    });
    expect(top.body.data).toEqual({ one: 1 });
    const none = await h.admin('POST', '/api-assignments/debug', { execute_engine: 'script', datasource_id: h.datasourceId, content: 'async function execute() {}' });
    expect(none.body.response).toEqual({ success: true, message: null, data: null });
  });
});

describe('script endpoints on MariaDB', () => {
  let h: ScriptHarness;
  beforeAll(async () => {
    h = await startScriptHarness({ load: createMysqlChinook });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs db.query with ? placeholders and commits an insert', async () => {
    await h.publish({
      name: 'artist',
      path: '/artists/{id}',
      params: [{ name: 'id', location: 'path', data_type: 'integer', is_required: true }, { name: 'add', location: 'body', data_type: 'string' }],
      content: `async function execute(p) {
  if (p.add) await db.execute('INSERT INTO artist (name) VALUES (?)', [p.add]);
  return db.query('SELECT name FROM artist WHERE artist_id = ?', [p.id]);
}`,
    });
    const res = await h.call('POST', '/shop/artists/1', { add: 'Maria Script' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([{ name: 'AC/DC' }]);
    const rows = await withMysql(async (c) => (await c.query("SELECT name FROM artist WHERE name = 'Maria Script'"))[0] as unknown[], h.db.settings.database);
    expect(rows).toHaveLength(1);
  });
});
