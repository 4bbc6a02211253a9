/**
 * Table APIs through the whole server: import a spec over the admin API, call the gateway, replace and delete
 * the spec without restarting, read /openapi.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { createPostgresChinook } from '../../helpers/databases.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHINOOK_SPEC = fs.readFileSync(path.join(ROOT, 'examples/chinook/chinook.openapi.yaml'), 'utf8');

const MINI_SPEC = (extraPath = '') => `
openapi: 3.1.0
info: { title: mini, version: '1' }
paths:
  /artist/{id}:
    get:
      x-am-database: chinook
      x-am-sql: select artist_id, upper(name) as shout from artist where artist_id = :id
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    loud_name: { type: string, x-am-column-name: shout }
${extraPath}
components:
  schemas:
    artist:
      x-am-database: chinook
      type: object
      properties:
        artist_id: { type: integer, x-am-primary-key: auto }
        name: { type: [string, 'null'], maxLength: 120 }
`;

describe('table APIs through the gateway', () => {
  let t: TestApp;
  let token: string;
  let drop: () => Promise<void>;

  const importSpec = (body: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/specs/import', headers: bearer(token), payload: body });

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.login();
    const db = await createPostgresChinook();
    drop = db.drop;
    const s = db.settings;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(token),
      payload: { name: 'chinook', product_type: 'postgres', host: s.host, port: s.port, database: s.database, username: s.username },
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await drop();
  });

  it('imports the Chinook demo spec as a public module and serves every table at once', async () => {
    const res = await importSpec({ module: 'chinook', content: CHINOOK_SPEC, access: 'public' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ module: 'chinook', entity_count: 11, access_type: 'public' });
    const album = await t.app.inject({ url: '/chinook/album/5' });
    expect(album.statusCode).toBe(200);
    expect(album.headers['content-type']).toContain('application/json');
    expect(album.json()).toMatchObject({ album_id: 5, title: 'Big Ones', artist_id: 3 });
    for (const table of ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track']) {
      const list = await t.app.inject({ url: `/chinook/${table}?__limit=2` });
      expect(list.statusCode, table).toBe(200);
      expect(list.json(), table).toHaveLength(2);
    }
  });

  it('filters, embeds relations and counts in one request each', async () => {
    const res = await t.app.inject({
      url: '/chinook/invoice?total=between::13,14&__properties=invoice_id total customer:first_name&__sort=invoice_id&__limit=2',
    });
    expect(res.statusCode).toBe(200);
    const rows = res.json();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Number(row.total)).toBeGreaterThanOrEqual(13);
      expect(Object.keys(row).sort()).toEqual(['customer', 'invoice_id', 'total']);
      expect(Object.keys(row.customer)).toEqual(['first_name']);
    }
    const count = await t.app.inject({ url: '/chinook/album?artist_id=90&__count' });
    expect(count.json()).toEqual({ count: 21 });
  });

  it('answers bad selections with 400 naming the culprit, and unknown paths with 404', async () => {
    const bad = await t.app.inject({ url: '/chinook/album?colour=red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('colour');
    expect((await t.app.inject({ url: '/chinook/nothing' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/chinook/album/999999' })).statusCode).toBe(404);
  });

  it('returns camelCase keys when asked', async () => {
    const res = await t.app.inject({ url: '/chinook/album/5?naming=camel' });
    expect(res.json()).toMatchObject({ albumId: 5, artistId: 3 });
    const header = await t.app.inject({ url: '/chinook/album/5', headers: { 'x-response-naming': 'camel' } });
    expect(header.json()).toMatchObject({ albumId: 5 });
  });

  it('documents every served route in /openapi.json', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json?module=chinook' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/chinook/album/{'))).toBe(true);
    const list = doc.paths['/chinook/invoice'].get;
    const names = list.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['total', '__properties', '__sort', '__limit', '__offset', '__count']));
    expect(doc.components.schemas['chinook.invoice'].properties.customer).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('x-am-');
    const docs = await t.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    expect((await t.app.inject({ url: '/docs/assets/swagger-ui-bundle.js' })).statusCode).toBe(200);
  });

  it('serves a private module only with a client token (401 without)', async () => {
    const res = await importSpec({ module: 'hidden', content: MINI_SPEC(), access: 'private' });
    expect(res.statusCode).toBe(201);
    const call = await t.app.inject({ url: '/hidden/artist/1' });
    expect(call.statusCode).toBe(401);
    expect(call.json()).toMatchObject({ success: false, code: 'unauthorized' });
  });

  it('lets a custom-SQL operation win over the generated route, serves a re-import at once and 404s after delete', async () => {
    const first = await importSpec({ module: 'mini', content: MINI_SPEC(), access: 'public' });
    expect(first.statusCode).toBe(201);
    const custom = await t.app.inject({ url: '/mini/artist/1' });
    expect(custom.json()).toEqual([{ artist_id: 1, loud_name: 'AC/DC' }]);
    expect((await t.app.inject({ url: '/mini/artist?artist_id=1' })).json()).toEqual([{ artist_id: 1, name: 'AC/DC' }]);

    const withoutCustom = MINI_SPEC().replace(/paths:[\s\S]*?components:/, 'paths: {}\ncomponents:');
    const second = await importSpec({ module: 'mini', content: withoutCustom, access: 'public' });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect((await t.app.inject({ url: '/mini/artist/1' })).json()).toMatchObject({ artist_id: 1, name: 'AC/DC' });

    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/specs/delete/${first.json().id}`, headers: bearer(token) });
    expect(del.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/mini/artist/1' })).statusCode).toBe(404);
  });

  it('refuses an import whose routes another module serves, and reserved prefixes, writing nothing', async () => {
    const clash = await importSpec({ module: 'clash', prefix: 'chinook', content: MINI_SPEC(), access: 'public' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('route_conflict');
    const reserved = await importSpec({ module: 'bad', prefix: 'api', content: MINI_SPEC() });
    expect(reserved.statusCode).toBe(400);
    const rootReserved = await importSpec({
      module: 'rooted',
      prefix: '',
      content: MINI_SPEC().replace('    artist:\n', '    health:\n'),
    });
    expect(rootReserved.statusCode).toBe(400);
    const list = (await t.app.inject({ method: 'POST', url: '/api/v1/specs/list', headers: bearer(token) })).json();
    expect(list.data.map((s: { module: string }) => s.module).sort()).toEqual(['chinook', 'hidden']);
  });

  it('reports every problem of an invalid spec at once with 400, importing nothing', async () => {
    const broken = MINI_SPEC().replace('x-am-database: chinook\n      type: object', 'x-am-database: nowhere\n      type: object').replace('where artist_id = :id', 'where artist_id = :id and name = :who');
    const res = await importSpec({ module: 'broken', content: broken });
    expect(res.statusCode).toBe(400);
    const text = JSON.stringify(res.json());
    expect(text).toContain('nowhere');
    expect(text).toContain('who');
    expect((await t.services.modules.byName('broken'))).toBeUndefined();
  });
});
