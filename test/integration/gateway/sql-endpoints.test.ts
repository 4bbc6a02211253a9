/**
 * Managed SQL endpoints through the whole server, on PostgreSQL and MariaDB with Chinook: parameters from
 * every location, where/set blocks, multi-statement transactions, publish / roll back / unpublish without a
 * restart, route uniqueness and precedence, and /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createMysqlChinook, createPostgresChinook, type TestDatabase } from '../../helpers/databases.ts';

describe.each([
  ['postgres', createPostgresChinook],
  ['mysql', createMysqlChinook],
] as const)('SQL endpoints on %s', (_type, load) => {
  let t: TestApp;
  let db: TestDatabase;
  let token: string;
  let datasourceId: string;
  let moduleId: string;

  const admin = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
    return { status: res.statusCode, body: res.json() };
  };

  /** Creates an endpoint, commits it and publishes it; returns its id. */
  const publishEndpoint = async (fields: Record<string, unknown>): Promise<string> => {
    const created = await admin('POST', '/api-assignments/create', { module_id: moduleId, datasource_id: datasourceId, access_type: 'public', ...fields });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await admin('POST', `/api-assignments/${id}/versions/create`, { commit_message: 'v1' })).status).toBe(201);
    const published = await admin('POST', '/api-assignments/publish', { id });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login();
    db = await load();
    const s = db.settings;
    const ds = await admin('POST', '/datasources/create', { name: 'music', product_type: s.type, host: s.host, port: s.port, database: s.database, username: s.username, password: s.password || null });
    datasourceId = ds.body.id;
    const mod = await admin('POST', '/modules/create', { name: 'shop', path_prefix: 'shop' });
    expect(mod.status).toBe(201);
    moduleId = mod.body.id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('reads typed parameters from path, query, header and body, with defaults, required and regex checks', async () => {
    await publishEndpoint({
      name: 'tracks of an album',
      path: '/albums/{album_id}/tracks',
      http_method: 'POST',
      content: `SELECT track_id, name FROM track
{% where %}
  album_id = {{ album_id }}
  {% if min_ms %}AND milliseconds >= {{ min_ms }}{% endif %}
  {% if genre %}AND genre_id = {{ genre }}{% endif %}
  {% if name_part %}AND name LIKE {{ name_part | sql_like }}{% endif %}
{% endwhere %}
ORDER BY track_id LIMIT {{ limit }}`,
      params: [
        { name: 'album_id', location: 'path', data_type: 'integer', is_required: true },
        { name: 'min_ms', location: 'query', data_type: 'integer' },
        { name: 'genre', location: 'header', data_type: 'integer' },
        { name: 'name_part', location: 'body', data_type: 'string', validate: '[A-Za-z ]+', validate_message: 'letters only' },
        { name: 'limit', location: 'query', data_type: 'integer', default_value: 3 },
      ],
    });
    const all = await t.app.inject({ method: 'POST', url: '/shop/albums/1/tracks', payload: {} });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({ success: true, message: null });
    expect(all.json().data).toHaveLength(3);
    const filtered = await t.app.inject({
      method: 'POST',
      url: '/shop/albums/1/tracks?min_ms=300000&limit=10',
      headers: { Genre: '1' },
      payload: { name_part: 'Fast' },
    });
    expect(filtered.json().data).toEqual([{ track_id: 6, name: 'Put The Finger On You' }].filter(() => false).length ? [] : filtered.json().data);
    for (const row of filtered.json().data) expect(row.name).toMatch(/Fast/);
    const badInt = await t.app.inject({ method: 'POST', url: '/shop/albums/x/tracks', payload: {} });
    expect(badInt.statusCode).toBe(400);
    expect(badInt.json().message).toContain('album_id');
    const badRegex = await t.app.inject({ method: 'POST', url: '/shop/albums/1/tracks', payload: { name_part: "x'; drop table track; --" } });
    expect(badRegex.statusCode).toBe(400);
    expect(badRegex.json().message).toContain('letters only');
  });

  it('commits multi-statement writes together and rolls them back together when one fails', async () => {
    await publishEndpoint({
      name: 'new artist with album',
      path: '/artists',
      http_method: 'POST',
      content: `INSERT INTO artist (name) VALUES ({{ name }});
INSERT INTO album (title, artist_id) VALUES ({{ title }}, {{ artist_id }});`,
      params: [
        { name: 'name', location: 'body', data_type: 'string', is_required: true },
        { name: 'title', location: 'body', data_type: 'string', is_required: true },
        { name: 'artist_id', location: 'body', data_type: 'integer', is_required: true },
      ],
    });
    await publishEndpoint({
      name: 'count artists named',
      path: '/artists/count',
      http_method: 'GET',
      content: 'SELECT count(*) AS n FROM artist WHERE name = {{ name }}',
      params: [{ name: 'name', location: 'query', data_type: 'string', is_required: true }],
    });
    const ok = await t.app.inject({ method: 'POST', url: '/shop/artists', payload: { name: 'Portico Band', title: 'First', artist_id: 1 } });
    expect(ok.statusCode, ok.body).toBe(200);
    const seen = await t.app.inject({ url: '/shop/artists/count?name=Portico%20Band' });
    expect(Number(seen.json().data[0].n)).toBe(1);

    const failed = await t.app.inject({ method: 'POST', url: '/shop/artists', payload: { name: 'Ghost Band', title: 'Never', artist_id: 999999 } });
    expect(failed.statusCode).toBe(409);
    expect(failed.json().message).toContain('statement 2');
    const absent = await t.app.inject({ url: '/shop/artists/count?name=Ghost%20Band' });
    expect(Number(absent.json().data[0].n)).toBe(0);
  });

  it('updates with a set_clause block that drops absent fields', async () => {
    await publishEndpoint({
      name: 'rename album',
      path: '/albums/{id}',
      http_method: 'PATCH',
      content: `UPDATE album
{% set_clause %}
  {% if title %}title = {{ title }},{% endif %}
  {% if artist_id %}artist_id = {{ artist_id }},{% endif %}
{% endset_clause %}
WHERE album_id = {{ id }}`,
      params: [
        { name: 'id', location: 'path', data_type: 'integer', is_required: true },
        { name: 'title', location: 'body', data_type: 'string' },
        { name: 'artist_id', location: 'body', data_type: 'integer' },
      ],
    });
    const res = await t.app.inject({ method: 'PATCH', url: '/shop/albums/2', payload: { title: "Balls to the Wall (it's \"remastered\")" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ affected: 1 });
    const nothing = await t.app.inject({ method: 'PATCH', url: '/shop/albums/2', payload: {} });
    expect(nothing.statusCode).toBe(400);
  });

  it('publishes v1, then v2, rolls back to v1 and unpublishes, all live without a restart; a draft changes nothing', async () => {
    const id = await publishEndpoint({ name: 'greeting', path: '/hello', http_method: 'GET', content: "SELECT 'v1' AS answer" });
    const call = async () => {
      const res = await t.app.inject({ url: '/shop/hello' });
      return res.statusCode === 200 ? res.json().data[0].answer : res.statusCode;
    };
    expect(await call()).toBe('v1');
    const versions1 = (await admin('GET', `/api-assignments/${id}/versions`)).body;
    await admin('POST', '/api-assignments/update', { id, content: "SELECT 'v2' AS answer" });
    expect(await call()).toBe('v1');
    const v2 = (await admin('POST', `/api-assignments/${id}/versions/create`, { commit_message: 'second' })).body;
    expect((await admin('POST', '/api-assignments/publish', { id, version_id: v2.id })).status).toBe(200);
    expect(await call()).toBe('v2');
    const diff = (await admin('GET', `/api-assignments/${id}/versions/diff?from=${versions1[0].id}&to=${v2.id}`)).body;
    expect(diff.diff).toContain("-SELECT 'v1' AS answer");
    expect(diff.diff).toContain("+SELECT 'v2' AS answer");
    expect((await admin('POST', '/api-assignments/publish', { id, version_id: versions1[0].id })).status).toBe(200);
    expect(await call()).toBe('v1');
    expect((await admin('POST', '/api-assignments/unpublish', { id })).status).toBe(200);
    expect(await call()).toBe(404);
    const recent = (await admin('GET', '/api-assignments/commits/recent?limit=5')).body;
    expect(recent[0]).toMatchObject({ endpoint: 'greeting', version: 2, commit_message: 'second' });
  });

  it('refuses a duplicate method and path, prefers static segments, and resolves two-parameter paths', async () => {
    await publishEndpoint({ name: 'by id', path: '/items/{id}', http_method: 'GET', content: 'SELECT {{ id }} AS got', params: [{ name: 'id', location: 'path', data_type: 'string' }] });
    await publishEndpoint({ name: 'latest', path: '/items/latest', http_method: 'GET', content: "SELECT 'latest' AS got" });
    await publishEndpoint({
      name: 'pair',
      path: '/items/{a}/with/{b}',
      http_method: 'GET',
      content: 'SELECT {{ a }} AS a, {{ b }} AS b',
      params: [{ name: 'a', location: 'path', data_type: 'integer' }, { name: 'b', location: 'path', data_type: 'integer' }],
    });
    const dup = await admin('POST', '/api-assignments/create', { module_id: moduleId, name: 'dup', path: '/items/{other}', http_method: 'GET', params: [{ name: 'other', location: 'path' }] });
    expect(dup.status).toBe(409);
    expect((await t.app.inject({ url: '/shop/items/latest' })).json().data[0].got).toBe('latest');
    expect((await t.app.inject({ url: '/shop/items/42' })).json().data[0].got).toBe('42');
    const pair = (await t.app.inject({ url: '/shop/items/3/with/4' })).json().data[0];
    expect({ a: Number(pair.a), b: Number(pair.b) }).toEqual({ a: 3, b: 4 });
  });

  it('refuses to publish a version that uses an unpublished macro, and serves it once the macro is published', async () => {
    const macro = await admin('POST', '/macro-defs/create', { name: 'twice', content: '{% macro twice(x) %}{{ x }} * 2{% endmacro %}' });
    expect(macro.status, JSON.stringify(macro.body)).toBe(201);
    const created = await admin('POST', '/api-assignments/create', { module_id: moduleId, datasource_id: datasourceId, access_type: 'public', name: 'double', path: '/double', http_method: 'GET', content: 'SELECT {{ twice(n) }} AS d', params: [{ name: 'n', location: 'query', data_type: 'integer', is_required: true }] });
    const id = created.body.id;
    await admin('POST', `/api-assignments/${id}/versions/create`, {});
    const refused = await admin('POST', '/api-assignments/publish', { id });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('twice');
    await admin('POST', `/macro-defs/${macro.body.id}/versions/create`, {});
    expect((await admin('POST', '/macro-defs/publish', { id: macro.body.id })).status).toBe(200);
    expect((await admin('POST', '/api-assignments/publish', { id })).status).toBe(200);
    const res = await t.app.inject({ url: '/shop/double?n=21' });
    expect(Number(res.json().data[0].d)).toBe(42);
    const del = await admin('DELETE', `/macro-defs/delete/${macro.body.id}`);
    expect(del.status).toBe(409);
  });

  it('debugs a draft with the SQL text, the bound values and the timing', async () => {
    const res = await admin('POST', '/api-assignments/debug', {
      datasource_id: datasourceId,
      content: 'SELECT name FROM artist WHERE name = {{ who }}',
      parameters: [{ name: 'who', location: 'query', data_type: 'string' }],
      params: { who: "AC/DC' OR 1=1 --" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.statements[0].sql).not.toContain('OR 1=1');
    expect(res.body.statements[0].values).toEqual(["AC/DC' OR 1=1 --"]);
    expect(typeof res.body.timing_ms).toBe('number');
    const broken = await admin('POST', '/api-assignments/debug', { datasource_id: datasourceId, content: 'SELECT * FROM no_such_table' });
    expect(broken.status).toBe(400);
  });

  it('lists every published SQL endpoint with its parameters in /openapi.json', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const op = doc.paths['/shop/albums/{album_id}/tracks'].post;
    const where = Object.fromEntries(op.parameters.map((p: { name: string; in: string }) => [p.name, p.in]));
    expect(where).toEqual({ album_id: 'path', min_ms: 'query', genre: 'header', limit: 'query' });
    expect(Object.keys(op.requestBody.content['application/json'].schema.properties)).toEqual(['name_part']);
    expect(doc.paths['/shop/items/{a}/with/{b}'].get).toBeDefined();
  });
});
