/**
 * The same request answers the same JSON on PostgreSQL, MariaDB and SQLite (compared after parsing:
 * whitespace and decimal spelling such as 1.90 / 1.9 may differ). Columns whose values depend on when or
 * where the data was loaded (version stamps, last_updated) are left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../helpers/databases.ts';
import { TableHarness, type CallOptions } from './harness.ts';

const REQUESTS: [name: string, path: string, options: CallOptions][] = [
  ['invoice 1 with customer and lines', '/invoice/:key', {
    params: { key: '1' },
    query: {
      __properties: 'invoice_id customer_id invoice_date billing_.* total customer:customer_id|first_name|last_name|country|support_rep_id invoice_line_items',
    },
  }],
  ['a page of albums with artist and tracks', '/album', {
    query: { __properties: 'album_id title artist track_items:track_id|name|milliseconds|unit_price', __limit: '20', __offset: '40' },
  }],
  ['employees with their manager, dates', '/employee', { query: { __properties: 'employee_id birth_date hire_date reports_to_employee:employee_id|last_name' } }],
  ['tracks by length, camelCase', '/track', {
    naming: 'camel',
    query: { __sort: 'milliseconds:desc', __limit: '10', 'genre.name': 'in::Rock,Metal', __properties: 'trackId name milliseconds unitPrice genre:name mediaType:name' },
  }],
  ['invoices with a given track in a line', '/invoice', {
    query: { 'invoice_line_items.track_id': 'in::298,1', __properties: 'invoice_id invoice_date total invoice_line_items:track_id' },
  }],
  ['playlists with and without tracks', '/playlist', { query: { playlist_id: 'between::1,4', __properties: 'playlist_id name playlist_track_items:track_id', __limit: '4' } }],
  ['a count', '/invoice_line', { query: { __count: '', quantity: 'ge::1', unit_price: 'gt::1' } }],
  ['a composite key', '/playlist_track/:key', { params: { key: '8,3290' }, query: { __properties: 'playlist_id playlist:name track:name|unit_price' } }],
];

describe('the same JSON on every database', () => {
  const harnesses = ENGINES.map((engine) => new TableHarness(engine));

  beforeAll(() => Promise.all(harnesses.map((h) => h.start())));
  afterAll(() => Promise.all(harnesses.map((h) => h.stop())));

  it.each(REQUESTS)('%s', async (_name, path, options) => {
    const answers = await Promise.all(harnesses.map((h) => h.call('GET', path, options)));
    const [first, ...rest] = answers;
    expect(first?.status).toBe(200);
    expect(JSON.stringify(first?.data)).not.toBe('[]');
    for (const answer of rest) expect(answer.data).toEqual(first?.data);
  });
});
