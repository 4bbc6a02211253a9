/**
 * Validation scripts (`param_validates`) and result transforms (`result_transform`) on SQL and script
 * endpoints: run after parameter coercion and before the engine, shaping the envelope after it, refused at
 * save time for an undeclared parameter, and versioned with the endpoint (publish v2, roll back to v1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptHarness, type ScriptHarness } from './harness.ts';

describe('validation scripts and result transforms', () => {
  let h: ScriptHarness;
  beforeAll(async () => {
    h = await startScriptHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const idParam = { name: 'artist_id', location: 'query', data_type: 'integer', is_required: true };
  const limitParam = { name: 'limit', location: 'query', data_type: 'integer', default_value: 2 };

  it('validates coerced parameters of a SQL endpoint and reshapes its rows with a transform', async () => {
    await h.publish({
      name: 'albums of artist',
      path: '/sql/albums',
      http_method: 'GET',
      execute_engine: 'sql',
      content: 'SELECT album_id, title FROM album WHERE artist_id = {{ artist_id }} ORDER BY album_id LIMIT {{ limit }}',
      params: [idParam, limitParam],
      param_validates: [
        { name: 'artist_id', script: 'function validate(value) { return value > 0 && value < 1000; }', message: 'artist_id must be between 1 and 999' },
        { name: 'limit', script: "async function validate(value, params) { if (value > 50) throw new Error('too many'); return typeof params.artist_id === 'number'; }" },
      ],
      result_transform: 'function transform(rows, params) { return { data: rows.map((r) => r.title), total: rows.length, limit: params.limit }; }',
    });
    const ok = await h.call('GET', '/shop/sql/albums?artist_id=1&limit=5');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ success: true, message: null, data: ['For Those About To Rock We Salute You', 'Let There Be Rock'], total: 2, limit: 5 });

    const outOfRange = await h.call('GET', '/shop/sql/albums?artist_id=5000');
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body).toMatchObject({ code: 'invalid_parameter', message: 'artist_id must be between 1 and 999' });
    const thrown = await h.call('GET', '/shop/sql/albums?artist_id=1&limit=99');
    expect(thrown.status).toBe(400);
    expect(thrown.body).toMatchObject({ code: 'invalid_parameter', message: 'Parameter "limit" is not valid' });
    // Coercion runs first: a non-integer never reaches the validator.
    const notInt = await h.call('GET', '/shop/sql/albums?artist_id=abc');
    expect(notInt.body.message).toContain('expected an integer');
  });

  it('validates and transforms a script endpoint; the transform sees the script’s data', async () => {
    await h.publish({
      name: 'script albums',
      path: '/script/albums',
      http_method: 'GET',
      params: [idParam, limitParam],
      param_validates: [{ name: 'artist_id', script: 'const validate = (v) => v !== 13;', message: 'unlucky artist' }],
      content: `async function execute(p) {
  const rows = await db.query('SELECT title FROM album WHERE artist_id = $1 ORDER BY album_id LIMIT $2', [p.artist_id, p.limit]);
  return { data: rows, source: 'script' };
}`,
      result_transform: 'async function transform(result, params) { return result.map((r) => r.title.toUpperCase()); }',
    });
    const ok = await h.call('GET', '/shop/script/albums?artist_id=1');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ success: true, message: null, data: ['FOR THOSE ABOUT TO ROCK WE SALUTE YOU', 'LET THERE BE ROCK'], source: 'script' });
    const refused = await h.call('GET', '/shop/script/albums?artist_id=13');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'invalid_parameter', message: 'unlucky artist' });
  });

  it('refuses at save time a validation script for a parameter that is not declared', async () => {
    const res = await h.admin('POST', '/api-assignments/create', {
      module_id: h.moduleId,
      datasource_id: h.datasourceId,
      name: 'undeclared',
      path: '/undeclared',
      http_method: 'GET',
      content: 'SELECT 1',
      params: [idParam],
      param_validates: [{ name: 'nope', script: 'function validate() { return true; }' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('"nope" is not a declared parameter');
  });

  it('refuses to publish a transform with a syntax error, naming the line', async () => {
    const created = await h.admin('POST', '/api-assignments/create', {
      module_id: h.moduleId,
      datasource_id: h.datasourceId,
      name: 'bad transform',
      path: '/bad-transform',
      http_method: 'GET',
      content: 'SELECT 1 AS one',
      result_transform: 'function transform(rows) {\n  return rows.map((r) => r.one +);\n}',
    });
    await h.admin('POST', `/api-assignments/${created.body.id}/versions/create`, {});
    const refused = await h.admin('POST', '/api-assignments/publish', { id: created.body.id });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'script_syntax_error' });
    expect(refused.body.message).toMatch(/result transform: syntax error at line 2/);
  });

  it('versions transforms and validations: v2 serves transform B, rolling back to v1 serves transform A again', async () => {
    const id = await h.publish({
      name: 'versioned',
      path: '/versioned',
      http_method: 'GET',
      execute_engine: 'sql',
      content: 'SELECT name FROM artist WHERE artist_id = {{ artist_id }}',
      params: [idParam],
      result_transform: "function transform(rows) { return 'A:' + rows[0].name; }",
    });
    const v1 = (await h.admin('GET', `/api-assignments/${id}/versions`)).body[0];
    const call = async () => (await h.call('GET', '/shop/versioned?artist_id=1')).body;
    expect((await call()).data).toBe('A:AC/DC');

    await h.admin('POST', '/api-assignments/update', {
      id,
      result_transform: "function transform(rows) { return { data: 'B:' + rows[0].name, version: 2 }; }",
      param_validates: [{ name: 'artist_id', script: 'function validate(v) { return v !== 1; }', message: 'not artist 1 in v2' }],
    });
    expect((await call()).data).toBe('A:AC/DC');
    const v2 = (await h.admin('POST', `/api-assignments/${id}/versions/create`, { commit_message: 'B' })).body;
    expect(v2.result_transform).toContain("'B:'");
    expect(v2.param_validates).toHaveLength(1);
    expect((await h.admin('POST', '/api-assignments/publish', { id, version_id: v2.id })).status).toBe(200);
    expect(await call()).toMatchObject({ success: false, message: 'not artist 1 in v2' });
    expect((await h.call('GET', '/shop/versioned?artist_id=2')).body).toEqual({ success: true, message: null, data: 'B:Accept', version: 2 });

    expect((await h.admin('POST', '/api-assignments/publish', { id, version_id: v1.id })).status).toBe(200);
    expect((await call()).data).toBe('A:AC/DC');
    const restored = await h.admin('POST', `/api-assignments/${id}/versions/${v1.id}/restore`, {});
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.result_transform).toContain("'A:'");
    expect(restored.body.param_validates).toEqual([]);
  });

  it('runs validators and the transform in debug and shows the response a live call would get', async () => {
    const res = await h.admin('POST', '/api-assignments/debug', {
      execute_engine: 'sql',
      datasource_id: h.datasourceId,
      content: 'SELECT name FROM artist WHERE artist_id = {{ artist_id }}',
      parameters: [idParam],
      params: { artist_id: 3 },
      param_validates: [{ name: 'artist_id', script: "function validate(v) { log.info('checking', v); return true; }" }],
      result_transform: 'function transform(rows) { return { data: rows[0], note: "shaped" }; }',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.response).toEqual({ success: true, message: null, data: { name: 'Aerosmith' }, note: 'shaped' });
    expect(res.body.logs.map((l: { message: string }) => l.message)).toEqual(['checking 3']);
    expect(res.body.statements[0].values).toEqual([3]);
  });
});
