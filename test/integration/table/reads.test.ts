/**
 * The read routes, called as the gateway will call them: query strings through the selection parser,
 * by-key reads (composite keys too), naming, the route table, one statement per read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableApiModel } from '../../../src/engines/table/model.ts';
import { ENGINES } from '../../helpers/databases.ts';
import { chinookModel } from '../../helpers/chinook-model.ts';
import { MAX_LIMIT, TableHarness, pluck } from './harness.ts';

describe.each(ENGINES)('table read routes on $type', (engine) => {
  const h = new TableHarness(engine);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  describe('GET /{path}', () => {
    it('answers rows as a JSON array, ordered by key', async () => {
      const answer = await h.call('GET', '/genre', { query: { __limit: '3' } });
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual([
        { genre_id: 1, name: 'Rock', version: 1 },
        { genre_id: 2, name: 'Jazz', version: 1 },
        { genre_id: 3, name: 'Metal', version: 1 },
      ]);
    });

    it('counts with __count', async () => {
      expect((await h.call('GET', '/album', { query: { __count: '' } })).data).toEqual({ count: 347 });
      const filtered = await h.call('GET', '/invoice', { query: { __count: 'true', 'invoice_line_items.track_id': '298' } });
      expect(filtered.text).toBe('{"count":2}');
    });

    it('filters with operators from the query string', async () => {
      const answer = await h.call('GET', '/genre', { query: [['genre_id', 'between::2,4'], ['name', 'ne::Metal']] });
      expect(pluck(answer.data, 'genre_id')).toEqual([2, 4]);
      const like = await h.call('GET', '/genre', { query: { name: 'like::Rock*' } });
      expect(pluck(like.data, 'name')).toEqual(['Rock', 'Rock And Roll']);
      const none = await h.call('GET', '/employee', { query: { reports_to: 'is::null', __properties: 'employee_id' } });
      expect(none.data).toEqual([{ employee_id: 1 }]);
    });

    it('selects properties and relations with __properties', async () => {
      const answer = await h.call('GET', '/album', {
        query: { album_id: 'in::1,4', __properties: 'album_id artist:name track_items:track_id' },
      });
      expect(answer.data[0]).toMatchObject({ album_id: 1, artist: { name: 'AC/DC' } });
      expect(answer.data[0].track_items).toHaveLength(10);
      expect(Object.keys(answer.data[0])).toEqual(['album_id', 'artist', 'track_items']);
    });

    it('filters on 1:1 and 1:N relation properties without repeating parents', async () => {
      const byLine = await h.call('GET', '/invoice', { query: { 'invoice_line_items.track_id': '298', __properties: 'invoice_id' } });
      expect(byLine.data).toEqual([{ invoice_id: 11 }, { invoice_id: 327 }]);
      const byCustomer = await h.call('GET', '/invoice', {
        query: { 'customer.country': 'Germany', __properties: 'invoice_id', __limit: '3' },
      });
      expect(pluck(byCustomer.data, 'invoice_id')).toEqual([1, 6, 7]);
    });

    it('sorts by 1:1 dotted paths', async () => {
      const answer = await h.call('GET', '/invoice', {
        query: { __sort: 'customer.customer_id:desc,invoice_id:asc', __properties: 'invoice_id customer_id', __limit: '2' },
      });
      expect(answer.data).toEqual([{ invoice_id: 23, customer_id: 59 }, { invoice_id: 45, customer_id: 59 }]);
    });

    it('pages with __limit and __offset, stable by key', async () => {
      const page = async (offset: number) =>
        pluck<number>((await h.call('GET', '/invoice_line', { query: { __limit: '4', __offset: String(offset), __properties: 'invoice_line_id' } })).data, 'invoice_line_id');
      expect([...(await page(0)), ...(await page(4))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('returns at most the maximum page size without __limit', async () => {
      const answer = await h.call('GET', '/track', { query: { __properties: 'track_id' } });
      expect(answer.data).toHaveLength(MAX_LIMIT);
    });

    it('answers 400 for a bad query, never 500', async () => {
      await h.fails('GET', '/album', { query: { nope: '1' } }, 400, 'unknown_property');
      await h.fails('GET', '/album', { query: { album_id: 'abc' } }, 400, 'invalid_value');
      await h.fails('GET', '/album', { query: { album_id: 'gte::3' } }, 400, 'unknown_operator');
      await h.fails('GET', '/album', { query: { __limit: '-1' } }, 400);
    });

    it('sends one statement, with the hostile value only among the parameters', async () => {
      const hostile = "x' OR 1=1 --";
      h.pool.reset();
      const answer = await h.call('GET', '/album', {
        query: { title: hostile, 'artist.name': `like::*${hostile}*`, __properties: 'album_id artist track_items' },
      });
      expect(answer.data).toEqual([]);
      expect(h.pool.sent).toHaveLength(1);
      expect(h.pool.sent[0]?.sql).not.toContain(hostile);
      expect(h.pool.sent[0]?.sql).not.toContain('1=1');
      expect(h.pool.sent[0]?.params).toContain(hostile);
    });

    it('uses camelCase keys with naming camel, and accepts camelCase names in the query', async () => {
      const answer = await h.call('GET', '/invoice', {
        naming: 'camel',
        query: { billingCity: 'Stuttgart', __properties: 'invoiceId billingCity invoiceLineItems:trackId', __limit: '1' },
      });
      expect(answer.data).toEqual([{ invoiceId: 1, billingCity: 'Stuttgart', invoiceLineItems: [{ trackId: 2 }, { trackId: 4 }] }]);
    });
  });

  describe('GET /{path}/:key', () => {
    it('answers one object', async () => {
      const answer = await h.call('GET', '/album/:key', { params: { key: '5' } });
      expect(answer.data).toEqual({ album_id: 5, title: 'Big Ones', artist_id: 3 });
      h.pool.reset();
      await h.call('GET', '/album/:key', { params: { key: '5' }, query: { __properties: 'album_id artist track_items' } });
      expect(h.pool.sent).toHaveLength(1);
    });

    it('embeds relations chosen with __properties', async () => {
      const answer = await h.call('GET', '/employee/:key', {
        params: { key: '1' },
        query: { __properties: 'employee_id reports_to_employee' },
      });
      expect(answer.data).toEqual({ employee_id: 1, reports_to_employee: null });
      const playlist = await h.call('GET', '/playlist/:key', { params: { key: '2' }, query: { __properties: 'name playlist_track_items' } });
      expect(playlist.data).toEqual({ name: 'Movies', playlist_track_items: [] });
    });

    it('404 when there is no such row', async () => {
      const error = await h.fails('GET', '/album/:key', { params: { key: '99999' } }, 404, 'not_found');
      expect(error.message).toContain('album');
    });

    it('400 naming the property for a bad key', async () => {
      const error = await h.fails('GET', '/album/:key', { params: { key: 'abc' } }, 400, 'invalid_value');
      expect(error.message).toContain('album_id');
    });

    it('reads a composite key written as comma-separated values in key order', async () => {
      const answer = await h.call('GET', '/playlist_track/:key', { params: { key: '1,3402' } });
      expect(answer.data).toEqual({ playlist_id: 1, track_id: 3402 });
      await h.fails('GET', '/playlist_track/:key', { params: { key: '2,1' } }, 404, 'not_found');
      const few = await h.fails('GET', '/playlist_track/:key', { params: { key: '1' } }, 400, 'invalid_key');
      expect(few.message).toContain('playlist_id,track_id');
      await h.fails('GET', '/playlist_track/:key', { params: { key: '1,2,3' } }, 400, 'invalid_key');
      const bad = await h.fails('GET', '/playlist_track/:key', { params: { key: '1,x' } }, 400, 'invalid_value');
      expect(bad.message).toContain('track_id');
    });

    it('uses camelCase keys with naming camel', async () => {
      const answer = await h.call('GET', '/invoice_line/:key', { params: { key: '1' }, naming: 'camel' });
      expect(answer.data).toEqual({ invoiceLineId: 1, invoiceId: 1, trackId: 2, unitPrice: 0.99, quantity: 1 });
    });
  });

  describe('route table', () => {
    const paths = (model: TableApiModel, entity: string) => {
      h.prepare(model);
      const all = ['GET', 'POST', 'PUT', 'DELETE'].flatMap((m) =>
        [`/${entity}`, `/${entity}/:key`, `/${entity}/:key/version/:version`].filter((p) => h.hasRoute(m, p)).map((p) => `${m} ${p}`));
      h.prepare(chinookModel());
      return all;
    };

    it('offers query, key, create, by-query and by-key writes without a version property', () => {
      expect(paths(chinookModel(), 'album')).toEqual([
        'GET /album', 'GET /album/:key', 'POST /album', 'PUT /album', 'PUT /album/:key', 'DELETE /album', 'DELETE /album/:key',
      ]);
    });

    it('with a version property: no writes by query, writes by key + version (or If-Match)', () => {
      expect(paths(chinookModel(), 'genre')).toEqual([
        'GET /genre', 'GET /genre/:key', 'POST /genre', 'PUT /genre/:key', 'PUT /genre/:key/version/:version',
        'DELETE /genre/:key', 'DELETE /genre/:key/version/:version',
      ]);
    });

    it('readonly entities get the GET routes only', () => {
      const model = chinookModel();
      const album = model.entities.find((e) => e.name === 'album');
      if (album) album.readOnly = true;
      expect(paths(model, 'album')).toEqual(['GET /album', 'GET /album/:key']);
    });
  });
});
