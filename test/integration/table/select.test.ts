/**
 * Record selection compiled to one statement, on hand-built Selections: every operator, properties,
 * 1:1 and 1:N embedding, filters on relations, sorting, paging, counting, naming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCount } from '../../../src/engines/table/index.ts';
import { countCell } from '../../../src/engines/table/results.ts';
import { ENGINES } from '../../helpers/databases.ts';
import { TableHarness, f, pluck, sel } from './harness.ts';

describe.each(ENGINES)('table selection on $type', (engine) => {
  const h = new TableHarness(engine);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const ids = async (entity: string, selection: Parameters<TableHarness['select']>[1], key = `${entity}_id`) =>
    pluck<number>(await h.select(entity, { limit: 500, ...selection }), key);

  describe('operators', () => {
    it('eq, ne', async () => {
      expect(await ids('genre', { filters: [f('genre_id', 'eq', 3)] })).toEqual([3]);
      const ne = await ids('media_type', { filters: [f('media_type_id', 'ne', 2)] });
      expect(ne).toEqual([1, 3, 4, 5]);
    });

    it('lt, le, gt, ge', async () => {
      expect(await ids('genre', { filters: [f('genre_id', 'lt', 3)] })).toEqual([1, 2]);
      expect(await ids('genre', { filters: [f('genre_id', 'le', 3)] })).toEqual([1, 2, 3]);
      expect(await ids('genre', { filters: [f('genre_id', 'gt', 23)] })).toEqual([24, 25]);
      expect(await ids('genre', { filters: [f('genre_id', 'ge', 23)] })).toEqual([23, 24, 25]);
    });

    it('in, not-in', async () => {
      expect(await ids('genre', { filters: [f('genre_id', 'in', 5, 1, 3)] })).toEqual([1, 3, 5]);
      const notIn = await ids('media_type', { filters: [f('media_type_id', 'not-in', 1, 2)] });
      expect(notIn).toEqual([3, 4, 5]);
    });

    it('between, not-between', async () => {
      expect(await ids('genre', { filters: [f('genre_id', 'between', 4, 6)] })).toEqual([4, 5, 6]);
      expect(await ids('genre', { filters: [f('genre_id', 'not-between', 2, 24)] })).toEqual([1, 25]);
    });

    it('like, not-like (patterns arrive escaped with a backslash)', async () => {
      expect(await ids('genre', { filters: [f('name', 'like', 'Rock%')] })).toEqual([1, 5]);
      const notLike = await ids('media_type', { filters: [f('name', 'not-like', '%audio file')] });
      expect(notLike).toEqual([3]);
      // `\%` is a literal percent sign: no genre has one.
      expect(await ids('genre', { filters: [f('name', 'like', 'Rock\\%')] })).toEqual([]);
      // `_` is one character: "R_ck" matches Rock only.
      expect(await ids('genre', { filters: [f('name', 'like', 'R_ck')] })).toEqual([1]);
    });

    it('like on a value with a backslash and quotes matches exactly that text', async () => {
      await h.rows(`INSERT INTO artist (name) VALUES (${h.dialect.placeholder(1)})`, ["back\\slash 'quoted'"]);
      const found = await h.select('artist', { filters: [f('name', 'like', "back\\\\slash 'quoted'")] });
      expect(pluck(found, 'name')).toEqual(["back\\slash 'quoted'"]);
    });

    it('text that JSON escapes at length comes back whole, in lists and nested arrays', async () => {
      const name = '\u0001\u0002\u0003"\\\n\t é 😀'.repeat(4);
      await h.rows(`UPDATE artist SET name = ${h.dialect.placeholder(1)} WHERE artist_id = 275`, [name]);
      const [artist] = await h.select('artist', {
        properties: ['name'],
        relations: [{ name: 'album_items', properties: ['album_id'] }],
        filters: [f('artist_id', 'eq', 275)],
      });
      expect(artist).toEqual({ name, album_items: [{ album_id: 347 }] });
      const [album] = await h.select('album', {
        properties: ['album_id'],
        relations: [{ name: 'artist', properties: ['name'] }],
        filters: [f('album_id', 'eq', 347)],
      });
      expect(album).toEqual({ album_id: 347, artist: { name } });
      const [withTracks] = await h.select('artist', {
        properties: [],
        relations: [{ name: 'album_items', properties: ['title'] }],
        filters: [f('artist_id', 'eq', 275)],
      });
      await h.rows(`UPDATE album SET title = ${h.dialect.placeholder(1)} WHERE album_id = 347`, [name]);
      const [again] = await h.select('artist', {
        properties: [],
        relations: [{ name: 'album_items', properties: ['title'] }],
        filters: [f('artist_id', 'eq', 275)],
      });
      expect(again).toEqual({ album_items: [{ title: name }] });
      await h.rows(`UPDATE album SET title = ${h.dialect.placeholder(1)} WHERE album_id = 347`, [withTracks.album_items[0].title]);
    });

    it('is, is-not', async () => {
      const nullBoss = await ids('employee', { filters: [f('reports_to', 'is')] });
      expect(nullBoss).toEqual([1]);
      const withBoss = await ids('employee', { filters: [f('reports_to', 'is-not')] });
      expect(withBoss).toEqual([2, 3, 4, 5, 6, 7, 8]);
    });

    it('several filters are ANDed', async () => {
      const rows = await ids('track', { filters: [f('album_id', 'eq', 1), f('milliseconds', 'gt', 300000)] }, 'track_id');
      expect(rows).toEqual([1]);
    });

    it('date-time filters compare as times, whatever the stored form', async () => {
      const rows = await ids('invoice', {
        filters: [f('invoice_date', 'between', '2021-01-01', '2021-01-02T00:00:00Z')],
      });
      expect(rows).toEqual([1, 2]);
      const exact = await ids('invoice', { filters: [f('invoice_date', 'eq', '2021-01-03 00:00')] });
      expect(exact).toEqual([3]);
    });

    it('date filters', async () => {
      const rows = await ids('employee', { filters: [f('birth_date', 'lt', '1960-01-01')] });
      expect(rows).toEqual([2, 4]);
    });

    it('number filters on decimals', async () => {
      const rows = await ids('invoice', { filters: [f('total', 'ge', 13.86), f('invoice_id', 'lt', 100)] });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of await h.select('invoice', { filters: [f('invoice_id', 'in', ...rows)] })) {
        expect(row.total).toBeGreaterThanOrEqual(13.86);
      }
    });
  });

  describe('properties and relations', () => {
    it('returns only the chosen properties, in model order', async () => {
      const rows = await h.select('album', { properties: ['album_id', 'title'], filters: [f('album_id', 'eq', 1)] });
      expect(rows).toEqual([{ album_id: 1, title: 'For Those About To Rock We Salute You' }]);
    });

    it('embeds a 1:1 relation as an object', async () => {
      const rows = await h.select('album', {
        properties: ['album_id'],
        relations: [{ name: 'artist', properties: ['artist_id', 'name'] }],
        filters: [f('album_id', 'in', 1, 4)],
      });
      expect(rows).toEqual([
        { album_id: 1, artist: { artist_id: 1, name: 'AC/DC' } },
        { album_id: 4, artist: { artist_id: 1, name: 'AC/DC' } },
      ]);
    });

    it('a 1:1 relation is null when the key is null, and the row is kept', async () => {
      const rows = await h.select('employee', {
        properties: ['employee_id', 'reports_to'],
        relations: [{ name: 'reports_to_employee', properties: ['employee_id', 'last_name'] }],
        filters: [f('employee_id', 'in', 1, 2)],
      });
      expect(rows).toEqual([
        { employee_id: 1, reports_to: null, reports_to_employee: null },
        { employee_id: 2, reports_to: 1, reports_to_employee: { employee_id: 1, last_name: 'Adams' } },
      ]);
    });

    it('embeds a 1:N relation as an array ordered by the target key, [] when none', async () => {
      const rows = await h.select('artist', {
        properties: ['artist_id'],
        relations: [{ name: 'album_items', properties: ['album_id'] }],
        filters: [f('artist_id', 'in', 1, 25)],
      });
      expect(rows).toEqual([
        { artist_id: 1, album_items: [{ album_id: 1 }, { album_id: 4 }] },
        { artist_id: 25, album_items: [] },
      ]);
    });

    it('embeds several relations of both kinds at once', async () => {
      const [invoice] = await h.select('invoice', {
        properties: ['invoice_id', 'total'],
        relations: [
          { name: 'customer', properties: ['customer_id', 'last_name'] },
          { name: 'invoice_line_items', properties: ['invoice_line_id', 'track_id', 'unit_price'] },
        ],
        filters: [f('invoice_id', 'eq', 1)],
      });
      expect(invoice).toEqual({
        invoice_id: 1,
        total: 1.98,
        customer: { customer_id: 2, last_name: 'Köhler' },
        invoice_line_items: [
          { invoice_line_id: 1, track_id: 2, unit_price: 0.99 },
          { invoice_line_id: 2, track_id: 4, unit_price: 0.99 },
        ],
      });
    });

    it('renders dates and date-times as ISO text', async () => {
      const [employee] = await h.select('employee', { properties: ['birth_date', 'hire_date'], filters: [f('employee_id', 'eq', 1)] });
      expect(employee).toEqual({ birth_date: '1962-02-18', hire_date: '2002-08-14' });
      const [invoice] = await h.select('invoice', { properties: ['invoice_date'], filters: [f('invoice_id', 'eq', 1)] });
      expect(invoice).toEqual({ invoice_date: '2021-01-01T00:00:00' });
    });

    it('uses camelCase keys under naming camel, in relations too', async () => {
      const [row] = await h.select('invoice', {
        properties: ['invoice_id', 'billing_city'],
        relations: [{ name: 'invoice_line_items', properties: ['invoice_line_id'] }],
        filters: [f('invoice_id', 'eq', 1)],
      }, 'camel');
      expect(row).toEqual({ invoiceId: 1, billingCity: 'Stuttgart', invoiceLineItems: [{ invoiceLineId: 1 }, { invoiceLineId: 2 }] });
    });
  });

  describe('filters on relations', () => {
    it('on a 1:1 property', async () => {
      const rows = await ids('album', { filters: [f('artist.name', 'eq', 'Aerosmith')] });
      expect(rows).toEqual([5]);
    });

    it('on a 1:N property, as an existence test without repeated parents', async () => {
      expect(await ids('invoice', { filters: [f('invoice_line_items.track_id', 'eq', 298)] })).toEqual([11, 327]);
      // Invoice 1 has two lines at 0.99: it appears once.
      const cheap = await ids('invoice', { filters: [f('invoice_line_items.unit_price', 'eq', 0.99), f('invoice_id', 'le', 3)] });
      expect(cheap).toEqual([1, 2, 3]);
    });

    it('all filters on one 1:N relation hold for the same related row', async () => {
      const both = await ids('invoice', {
        filters: [f('invoice_line_items.track_id', 'eq', 298), f('invoice_line_items.invoice_line_id', 'lt', 100)],
      });
      expect(both).toEqual([11]);
    });
  });

  describe('sorting and paging', () => {
    it('sorts by an own property, both directions, then by key', async () => {
      const asc = await h.select('track', { properties: ['track_id', 'milliseconds'], sort: [{ path: { relation: null, property: 'milliseconds' }, direction: 'asc' }], limit: 3 });
      expect(pluck(asc, 'track_id')).toEqual([2461, 168, 170]);
      const desc = await h.select('invoice', {
        properties: ['invoice_id'],
        sort: [{ path: { relation: null, property: 'customer_id' }, direction: 'desc' }],
        limit: 3,
      });
      expect(pluck(desc, 'invoice_id')).toEqual([23, 45, 97]);
    });

    it('sorts by a 1:1 property', async () => {
      const rows = await h.select('album', {
        properties: ['album_id', 'artist_id'],
        sort: [
          { path: { relation: 'artist', property: 'artist_id' }, direction: 'desc' },
          { path: { relation: null, property: 'album_id' }, direction: 'desc' },
        ],
        limit: 3,
      });
      expect(rows).toEqual([
        { album_id: 347, artist_id: 275 },
        { album_id: 346, artist_id: 274 },
        { album_id: 345, artist_id: 273 },
      ]);
    });

    it('puts NULL first ascending and last descending on every database', async () => {
      const asc = await ids('employee', { sort: [{ path: { relation: null, property: 'reports_to' }, direction: 'asc' }], limit: 2 });
      expect(asc).toEqual([1, 2]);
      const desc = await ids('employee', { sort: [{ path: { relation: null, property: 'reports_to' }, direction: 'desc' }] });
      expect(desc.at(-1)).toBe(1);
    });

    it('pages are stable and ordered by key without a sort', async () => {
      const page1 = await ids('track', { limit: 5, offset: 0 }, 'track_id');
      const page2 = await ids('track', { limit: 5, offset: 5 }, 'track_id');
      expect([...page1, ...page2]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const last = await ids('track', { limit: 5, offset: 3500 }, 'track_id');
      expect(last).toEqual([3501, 3502, 3503]);
      expect(await ids('track', { limit: 5, offset: 4000 }, 'track_id')).toEqual([]);
    });

    it('caps the rows at the maximum when no limit (or a larger one) is asked', async () => {
      expect(await h.select('track', { limit: null })).toHaveLength(500);
      expect(await h.select('track', { limit: 100000 })).toHaveLength(500);
      expect(await h.select('track', { limit: 0 })).toEqual([]);
    });

    it('orders a composite key by all its columns', async () => {
      const rows = await h.select('playlist_track', { limit: 3, filters: [f('playlist_id', 'eq', 1)] });
      expect(rows).toEqual([
        { playlist_id: 1, track_id: 1 }, { playlist_id: 1, track_id: 2 }, { playlist_id: 1, track_id: 3 },
      ]);
    });
  });

  it('counts with the same filters', async () => {
    const plan = h.plan('invoice');
    const statement = compileCount(plan, { filters: [f('invoice_line_items.track_id', 'eq', 298)] });
    expect(countCell(await h.pool.query(statement.sql, statement.params))).toBe(2);
    const all = compileCount(h.plan('track'), { filters: [] });
    expect(countCell(await h.pool.query(all.sql, all.params))).toBe(3503);
  });

  describe('statements', () => {
    it('sends one statement per read, relations and all, with values bound', async () => {
      const hostile = "x' OR 1=1 --";
      h.pool.reset();
      const rows = await h.select('album', {
        properties: ['album_id'],
        relations: [{ name: 'artist', properties: ['name'] }, { name: 'track_items', properties: ['track_id'] }],
        filters: [f('title', 'eq', hostile), f('artist.name', 'like', `%${hostile}%`), f('track_items.name', 'in', hostile, 'y')],
        sort: [{ path: { relation: 'artist', property: 'name' }, direction: 'asc' }],
        limit: 7,
        offset: 3,
      });
      expect(rows).toEqual([]);
      expect(h.pool.sent).toHaveLength(1);
      const [sent] = h.pool.sent;
      expect(sent?.sql).not.toContain('OR 1=1');
      expect(sent?.sql).not.toMatch(/LIMIT 7|OFFSET 3/);
      expect(sent?.params).toEqual([hostile, `%${hostile}%`, hostile, 'y', 7, 3]);
    });

    it('a hostile value in every operator stays a value', async () => {
      const hostile = "'); DROP TABLE genre; --";
      for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'like', 'not-like'] as const) {
        h.pool.reset();
        await h.select('genre', { filters: [f('name', op, hostile)] });
        expect(h.pool.sent[0]?.sql).not.toContain('DROP');
      }
      expect(await ids('genre', {})).toHaveLength(25);
    });
  });

  it('an empty table answers []', async () => {
    expect(await h.select('genre', { filters: [f('genre_id', 'lt', 0)] })).toEqual([]);
  });

  it('a selection with no property answers empty objects', async () => {
    const rows = await h.select('genre', { properties: [], filters: [f('genre_id', 'le', 2)] });
    expect(rows).toEqual([{}, {}]);
  });

  it('selection defaults come from sel()', () => {
    expect(sel(h.entity('genre')).properties).toEqual(['genre_id', 'name', 'version']);
  });
});
