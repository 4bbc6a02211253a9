/**
 * Writes through the routes: create (one, many, all-or-nothing), body rules, every key strategy, updates and
 * deletes by key and by query, database errors classified, naming on input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityModel } from '../../../src/engines/table/model.ts';
import { ENGINES, type Engine } from '../../helpers/databases.ts';
import { chinookModel, entity, prop } from '../../helpers/chinook-model.ts';
import { TableHarness } from './harness.ts';

/** Scratch tables for the uuid and sequence key strategies, per database. */
function scratchDdl(engine: Engine): string[] {
  switch (engine.type) {
    case 'postgres':
      return [
        'CREATE TABLE gadget (gadget_id uuid PRIMARY KEY, name varchar(40) NOT NULL)',
        'CREATE SEQUENCE public.widget_seq START WITH 1000',
        'CREATE TABLE widget (widget_id integer PRIMARY KEY, name varchar(40))',
      ];
    case 'mysql':
      return [
        'CREATE TABLE gadget (gadget_id CHAR(36) PRIMARY KEY, name varchar(40) NOT NULL)',
        'CREATE SEQUENCE widget_seq START WITH 1000',
        'CREATE TABLE widget (widget_id integer PRIMARY KEY, name varchar(40))',
      ];
    default:
      return [
        'CREATE TABLE gadget (gadget_id TEXT PRIMARY KEY, name varchar(40) NOT NULL)',
        // No sequences in SQLite: a `sequence` key is generated like `auto` (INTEGER PRIMARY KEY).
        'CREATE TABLE widget (widget_id INTEGER PRIMARY KEY, name varchar(40))',
      ];
  }
}

function scratchEntities(engine: Engine): EntityModel[] {
  const sequence = engine.type === 'postgres' ? 'public.widget_seq' : 'widget_seq';
  return [
    entity('gadget', [prop('gadget_id', 'uuid', { key: { strategy: 'uuid', sequence: null } }), prop('name', 'string', { maxLength: 40, required: true })]),
    entity('widget', [prop('widget_id', 'integer', { key: { strategy: 'sequence', sequence } }), prop('name', 'string', { maxLength: 40 })]),
  ];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(ENGINES)('table writes on $type', (engine) => {
  const h = new TableHarness(engine);
  const count = async (table: string, where = '1 = 1') => Number((await h.rows(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0]?.['n']);

  beforeAll(async () => {
    await h.start();
    for (const ddl of scratchDdl(engine)) await h.exec(ddl);
    h.prepare(chinookModel(scratchEntities(engine)));
  });
  afterAll(() => h.stop());

  describe('create', () => {
    it('creates one row and answers it as read back (201, generated key)', async () => {
      const answer = await h.call('POST', '/artist', { body: { name: 'Portico Quartet' } });
      expect(answer.status).toBe(201);
      expect(answer.data).toEqual({ artist_id: 276, name: 'Portico Quartet' });
      expect(await count('artist', 'artist_id = 276')).toBe(1);
    });

    it('creates an array of rows in one transaction, answering an array', async () => {
      const answer = await h.call('POST', '/media_type', { body: [{ name: 'Tape' }, { name: 'Vinyl' }, {}] });
      expect(answer.status).toBe(201);
      expect(answer.data).toEqual([
        { media_type_id: 6, name: 'Tape' }, { media_type_id: 7, name: 'Vinyl' }, { media_type_id: 8, name: null },
      ]);
    });

    it('rolls back every row when one fails in the database', async () => {
      const before = await count('album');
      const error = await h.fails('POST', '/album', {
        body: [{ title: 'Fine', artist_id: 1 }, { title: 'Orphan', artist_id: 999999 }],
      }, 409, 'foreign_key_violation');
      expect(error.message).not.toContain('999999');
      expect(await count('album')).toBe(before);
    });

    it('checks every row before writing any, naming the row', async () => {
      const before = await count('album');
      const error = await h.fails('POST', '/album', { body: [{ title: 'Fine', artist_id: 1 }, { title: 'Bad', artist_id: 'one' }] }, 400, 'invalid_value');
      expect(error.message).toMatch(/^Row 2: .*artist_id/);
      expect(await count('album')).toBe(before);
    });

    it('converts values by type and checks maxLength, naming the property', async () => {
      const long = await h.fails('POST', '/album', { body: { title: 'x'.repeat(161), artist_id: 1 } }, 400, 'invalid_value');
      expect(long.message).toContain('title');
      const text = await h.call('POST', '/album', { body: { title: 'Digits as text', artist_id: '2' } });
      expect(text.data).toMatchObject({ title: 'Digits as text', artist_id: 2 });
      await h.fails('POST', '/invoice', { body: { customer_id: 1, invoice_date: 'yesterday', total: 1 } }, 400, 'invalid_value');
      await h.fails('POST', '/invoice', { body: { customer_id: 1, invoice_date: '2024-01-01', total: 'lots' } }, 400, 'invalid_value');
      const nul = await h.fails('POST', '/album', { body: { title: null, artist_id: 1 } }, 400, 'invalid_value');
      expect(nul.message).toContain('title');
    });

    it('stores and answers dates, date-times and decimals', async () => {
      const answer = await h.call('POST', '/invoice', {
        body: { customer_id: 1, invoice_date: '2024-02-29T13:45:10+01:00', total: '12.34', billing_city: 'Bern' },
      });
      expect(answer.data).toMatchObject({ customer_id: 1, invoice_date: '2024-02-29T12:45:10', total: 12.34, billing_city: 'Bern' });
      const employee = await h.call('POST', '/employee', { body: { last_name: 'Doe', first_name: 'Jo', birth_date: '1990-12-31' } });
      expect(employee.data).toMatchObject({ birth_date: '1990-12-31', reports_to: null });
    });

    it('refuses unknown properties (all named), relation properties and dotted keys', async () => {
      const unknown = await h.fails('POST', '/album', { body: { title: 'x', artist_id: 1, colour: 'red', size: 2 } }, 400, 'unknown_property');
      expect(unknown.message).toContain('"colour"');
      expect(unknown.message).toContain('"size"');
      const relation = await h.fails('POST', '/album', { body: { title: 'x', artist_id: 1, artist: { name: 'y' } } }, 400);
      expect(relation.message).toContain('artist');
      const dotted = await h.fails('POST', '/album', { body: { title: 'x', 'artist.name': 'y' } }, 400);
      expect(dotted.message).toContain('artist.name');
    });

    it('refuses readOnly properties', async () => {
      const model = chinookModel(scratchEntities(engine));
      const artist = model.entities.find((e) => e.name === 'artist');
      const name = artist?.properties.find((p) => p.name === 'name');
      if (name) name.readOnly = true;
      h.prepare(model);
      try {
        const error = await h.fails('POST', '/artist', { body: { name: 'x' } }, 400);
        expect(error.message).toContain('"name" is read-only');
      } finally {
        h.prepare(chinookModel(scratchEntities(engine)));
      }
    });

    it('refuses a body that is not an object or array, and an empty array', async () => {
      await h.fails('POST', '/album', { body: 'title' }, 400, 'invalid_body');
      await h.fails('POST', '/album', {}, 400, 'invalid_body');
      await h.fails('POST', '/album', { body: [] }, 400, 'invalid_body');
      await h.fails('POST', '/album', { body: [1] }, 400, 'invalid_body');
    });

    it('accepts camelCase property names with naming camel and answers in camelCase', async () => {
      const answer = await h.call('POST', '/invoice_line', { naming: 'camel', body: { invoiceId: 1, trackId: 3, unitPrice: 0.99, quantity: 2 } });
      expect(answer.data).toMatchObject({ invoiceId: 1, trackId: 3, unitPrice: 0.99, quantity: 2 });
      expect(answer.data.invoiceLineId).toBeGreaterThan(2240);
    });

    it('leaves a missing required column to the database: NOT NULL → 400', async () => {
      const error = await h.fails('POST', '/album', { body: { artist_id: 1 } }, 400, 'not_null_violation');
      expect(error.message).toContain('title');
    });
  });

  describe('key strategies', () => {
    it('auto: a given key is refused', async () => {
      const error = await h.fails('POST', '/genre', { body: { genre_id: 99, name: 'x' } }, 400);
      expect(error.message).toContain('genre_id');
    });

    it('manual: a missing key part is refused, a given one used; a duplicate is 409', async () => {
      const missing = await h.fails('POST', '/playlist_track', { body: { playlist_id: 2 } }, 400);
      expect(missing.message).toContain('track_id');
      const created = await h.call('POST', '/playlist_track', { body: { playlist_id: 2, track_id: 7 } });
      expect(created.data).toEqual({ playlist_id: 2, track_id: 7 });
      await h.fails('POST', '/playlist_track', { body: { playlist_id: 2, track_id: 7 } }, 409, 'unique_violation');
    });

    it('uuid: generated when missing, used when given', async () => {
      const generated = await h.call('POST', '/gadget', { body: { name: 'sprocket' } });
      expect(generated.data.gadget_id).toMatch(UUID);
      const id = '5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
      const given = await h.call('POST', '/gadget', { body: { gadget_id: id.toUpperCase(), name: 'cog' } });
      expect(given.data).toEqual({ gadget_id: id, name: 'cog' });
      await h.fails('POST', '/gadget', { body: { gadget_id: 'not-a-uuid', name: 'x' } }, 400, 'invalid_value');
    });

    it('sequence: the named sequence gives the key (SQLite: generated like auto); a given key is refused', async () => {
      const first = await h.call('POST', '/widget', { body: { name: 'a' } });
      const second = await h.call('POST', '/widget', { body: [{ name: 'b' }, { name: 'c' }] });
      const start = engine.type === 'sqlite' ? 1 : 1000;
      expect(first.data).toEqual({ widget_id: start, name: 'a' });
      expect(second.data).toEqual([{ widget_id: start + 1, name: 'b' }, { widget_id: start + 2, name: 'c' }]);
      await h.fails('POST', '/widget', { body: { widget_id: 5, name: 'x' } }, 400);
    });
  });

  describe('update and delete by key', () => {
    it('updates one row and answers it', async () => {
      const answer = await h.call('PUT', '/album/:key', { params: { key: '2' }, body: { title: 'Balls to the Wall (Remastered)' } });
      expect(answer.data).toEqual({ album_id: 2, title: 'Balls to the Wall (Remastered)', artist_id: 2 });
      expect((await h.call('GET', '/album/:key', { params: { key: '2' } })).data.title).toBe('Balls to the Wall (Remastered)');
    });

    it('refuses to change the parts of a composite key', async () => {
      await h.call('POST', '/playlist_track', { body: { playlist_id: 4, track_id: 1 } });
      await h.fails('PUT', '/playlist_track/:key', { params: { key: '4,1' }, body: { track_id: 2 } }, 400);
    });

    it('404 for a missing row, 400 for key properties, empty bodies and bad values', async () => {
      await h.fails('PUT', '/album/:key', { params: { key: '99999' }, body: { title: 'x' } }, 404, 'not_found');
      const key = await h.fails('PUT', '/album/:key', { params: { key: '2' }, body: { album_id: 3 } }, 400);
      expect(key.message).toContain('album_id');
      await h.fails('PUT', '/album/:key', { params: { key: '2' }, body: {} }, 400, 'invalid_body');
      await h.fails('PUT', '/album/:key', { params: { key: '2' }, body: [] }, 400, 'invalid_body');
      await h.fails('PUT', '/album/:key', { params: { key: '2' }, body: { artist_id: 'x' } }, 400, 'invalid_value');
      await h.fails('PUT', '/album/:key', { params: { key: '2' }, body: { artist_id: 424242 } }, 409, 'foreign_key_violation');
    });

    it('deletes one row and answers it as it was; 404 after', async () => {
      const created = await h.call('POST', '/artist', { body: { name: 'Short-lived' } });
      const key = String(created.data.artist_id);
      const answer = await h.call('DELETE', '/artist/:key', { params: { key } });
      expect(answer.data).toEqual({ artist_id: created.data.artist_id, name: 'Short-lived' });
      await h.fails('DELETE', '/artist/:key', { params: { key } }, 404, 'not_found');
      await h.call('DELETE', '/playlist_track/:key', { params: { key: '4,1' } });
      await h.fails('GET', '/playlist_track/:key', { params: { key: '4,1' } }, 404);
    });

    it('a still referenced row → 409', async () => {
      await h.fails('DELETE', '/artist/:key', { params: { key: '1' } }, 409, 'foreign_key_violation');
      expect(await count('artist', 'artist_id = 1')).toBe(1);
    });
  });

  describe('update and delete by query', () => {
    it('need at least one filter', async () => {
      await h.fails('PUT', '/album', { body: { title: 'x' } }, 400, 'filter_required');
      await h.fails('DELETE', '/album', {}, 400, 'filter_required');
      await h.fails('DELETE', '/album', { query: { __limit: '1' } }, 400, 'filter_required');
    });

    it('updates the matching rows and answers them', async () => {
      const answer = await h.call('PUT', '/track', {
        query: { album_id: '15', composer: 'is::null' },
        body: { composer: 'Unknown' },
      });
      expect(answer.data.length).toBeGreaterThan(0);
      expect(answer.data).toHaveLength(5);
      for (const track of answer.data) expect(track).toMatchObject({ album_id: 15, composer: 'Unknown' });
      expect(await count('track', 'album_id = 15 AND composer IS NULL')).toBe(0);
    });

    it('updates and answers more rows than one statement takes keys for', async () => {
      const answer = await h.call('PUT', '/invoice_line', { query: { invoice_line_id: 'le::1201' }, body: { quantity: 1 } });
      expect(answer.data).toHaveLength(1201);
      expect(answer.data.map((line: { invoice_line_id: number }) => line.invoice_line_id))
        .toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    });

    it('filters by relation in by-query writes', async () => {
      const answer = await h.call('PUT', '/album', { query: { 'artist.name': 'Aerosmith' }, body: { title: 'Big Ones (Live)' } });
      expect(answer.data).toEqual([{ album_id: 5, title: 'Big Ones (Live)', artist_id: 3 }]);
    });

    it('answers [] when nothing matches', async () => {
      expect((await h.call('PUT', '/album', { query: { album_id: '-1' }, body: { title: 'x' } })).data).toEqual([]);
      expect((await h.call('DELETE', '/album', { query: { album_id: '-1' } })).data).toEqual([]);
    });

    it('deletes the matching rows and answers them as they were', async () => {
      await h.call('POST', '/genre', { body: [{ name: 'Tmp A' }, { name: 'Tmp B' }] });
      const answer = await h.call('DELETE', '/media_type', { query: { name: 'in::Tape,Vinyl' } });
      expect(answer.data).toEqual([{ media_type_id: 6, name: 'Tape' }, { media_type_id: 7, name: 'Vinyl' }]);
      expect(await count('media_type', 'media_type_id IN (6, 7)')).toBe(0);
    });

    it('rolls back all when one row cannot be deleted', async () => {
      const before = await count('artist');
      await h.fails('DELETE', '/artist', { query: { artist_id: 'in::1,25' } }, 409, 'foreign_key_violation');
      expect(await count('artist')).toBe(before);
    });

    it('sends user values only as parameters', async () => {
      const hostile = "x'; DELETE FROM album; --";
      h.pool.reset();
      await h.call('PUT', '/album', { query: { title: hostile }, body: { title: hostile } });
      for (const sent of h.pool.sent) expect(sent.sql).not.toContain('DELETE FROM album');
      expect(await count('album')).toBeGreaterThan(300);
    });
  });
});
