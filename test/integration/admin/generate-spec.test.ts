import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { ENGINES, type TestDatabase } from '../../helpers/databases.ts';

describe.each(ENGINES)('generating a spec from a $type data source in the admin API', (engine) => {
  let t: TestApp;
  let db: TestDatabase;
  let token: string;
  let dsId: string;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });

  beforeAll(async () => {
    t = await startTestApp();
    db = await engine.createChinook();
    token = await t.login();
    const s = db.settings;
    const created = await api('POST', '/datasources/create', {
      name: 'music', product_type: s.type, host: s.host ?? null, port: s.port ?? null,
      database: s.database, username: s.username ?? null, password: s.password ?? null,
    });
    expect(created.statusCode).toBe(201);
    dsId = created.json().id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('answers an annotated YAML document and a line per table, which imports and serves at once', async () => {
    const generated = await api('POST', `/datasources/${dsId}/generate-spec`, {});
    expect(generated.statusCode).toBe(200);
    const { content, format, report } = generated.json();
    expect(format).toBe('yaml');
    expect(content).toContain('x-am-database: music');
    expect(report.filter((line: string) => /^table /.test(line))).toHaveLength(11);

    const imported = await api('POST', '/specs/import', { module: 'music', content, access: 'public' });
    expect(imported.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: '/music/album/1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ album_id: 1, title: 'For Those About To Rock We Salute You' });
  });

  it('gives JSON when asked', async () => {
    const generated = await api('POST', `/datasources/${dsId}/generate-spec`, { format: 'json' });
    expect(JSON.parse(generated.json().content).components.schemas).toHaveProperty('album');
  });

  it('answers 404 for a data source that does not exist', async () => {
    const res = await api('POST', '/datasources/00000000-0000-4000-8000-000000000000/generate-spec', {});
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBeTruthy();
  });
});
