import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type Pool } from '../../../src/datasources/index.ts';
import type { TableApiModel } from '../../../src/engines/table/model.ts';
import { introspectToSpec } from '../../../src/openapi/generate/index.ts';
import { buildTableModel } from '../../../src/openapi/import/index.ts';
import { ENGINES, testLimits, type TestDatabase } from '../../helpers/databases.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TABLES = [
  'album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track',
];

/** Every Chinook foreign key as `child.relation → parent (parent property = child property)`. */
const ONE_TO_ONE = [
  'album.artist → artist (artist_id = artist_id)',
  'customer.support_rep → employee (support_rep_id = employee_id)',
  'employee.reports_to_employee → employee (reports_to = employee_id)',
  'invoice.customer → customer (customer_id = customer_id)',
  'invoice_line.invoice → invoice (invoice_id = invoice_id)',
  'invoice_line.track → track (track_id = track_id)',
  'playlist_track.playlist → playlist (playlist_id = playlist_id)',
  'playlist_track.track → track (track_id = track_id)',
  'track.album → album (album_id = album_id)',
  'track.genre → genre (genre_id = genre_id)',
  'track.media_type → media_type (media_type_id = media_type_id)',
];

const ONE_TO_MANY = [
  'album.track_items → track (album_id = album_id)',
  'artist.album_items → album (artist_id = artist_id)',
  'customer.invoice_items → invoice (customer_id = customer_id)',
  'employee.customer_items → customer (employee_id = support_rep_id)',
  'employee.employee_items → employee (employee_id = reports_to)',
  'genre.track_items → track (genre_id = genre_id)',
  'invoice.invoice_line_items → invoice_line (invoice_id = invoice_id)',
  'media_type.track_items → track (media_type_id = media_type_id)',
  'playlist.playlist_track_items → playlist_track (playlist_id = playlist_id)',
  'track.invoice_line_items → invoice_line (track_id = track_id)',
  'track.playlist_track_items → playlist_track (track_id = track_id)',
];

function relationLines(model: TableApiModel, kind: 'one' | 'many'): string[] {
  return model.entities.flatMap((e) => e.relations.filter((r) => r.kind === kind)
    .map((r) => `${e.name}.${r.name} → ${r.target} (${r.parentProperty} = ${r.childProperty})`)).sort();
}

describe.each(ENGINES)('generating the Chinook spec on $type', (engine) => {
  const dialect = dialectFor(engine.type);
  let db: TestDatabase;
  let pool: Pool;
  let spec: Json;
  let schemas: Json;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await engine.createChinook();
    pool = dialect.createPool(db.settings, testLimits());
    spec = (await introspectToSpec(pool, dialect, { datasource: 'chinook', title: 'Chinook' }, (line) => lines.push(line))) as Json;
    schemas = spec['components']['schemas'] as Json;
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('has one annotated schema per table', () => {
    expect(spec['openapi']).toBe('3.1.0');
    expect(Object.keys(schemas).sort()).toEqual(TABLES);
    for (const name of TABLES) expect(schemas[name]).toMatchObject({ type: 'object', 'x-am-database': 'chinook', 'x-am-table': name });
  });

  it('prints progress per table', () => {
    expect(lines).toContain('table album: 3 columns, key album_id (auto), 1 foreign key');
    expect(lines).toContain('table playlist_track: 2 columns, key playlist_id, track_id (manual), 2 foreign keys');
    expect(lines.at(-1)).toBe('11 schemas (11 tables, 0 views), 11 relations in both directions');
  });

  it('writes key strategies: auto for the ids, manual composite for playlist_track', () => {
    for (const name of TABLES.filter((t) => t !== 'playlist_track')) {
      expect(schemas[name]['properties'][`${name}_id`], name).toMatchObject({ type: 'integer', readOnly: true, 'x-am-primary-key': 'auto' });
    }
    const pt = schemas['playlist_track']['properties'];
    expect([pt['playlist_id']['x-am-primary-key'], pt['track_id']['x-am-primary-key']]).toEqual(['manual', 'manual']);
    expect(schemas['playlist_track']['required']).toEqual(['playlist_id', 'track_id']);
  });

  it('maps column types, lengths, nullability and required', () => {
    const invoice = schemas['invoice']['properties'];
    expect(invoice['invoice_date']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(invoice['total']).toMatchObject({ type: 'number' });
    expect(invoice['billing_city']).toMatchObject({ type: ['string', 'null'], maxLength: 40 });
    expect(schemas['invoice']['required']).toEqual(['customer_id', 'invoice_date', 'total']);
    expect(schemas['customer']['properties']['email']).toMatchObject({ type: 'string', maxLength: 60 });
    expect(schemas['track']['properties']['unit_price']).toMatchObject({ type: 'number' });
    expect(schemas['track']['properties']['milliseconds']).toMatchObject({ type: 'integer' });
  });

  it('types the three version columns: integer, date-time and uuid', () => {
    expect(schemas['genre']['properties']['version']).toMatchObject({ type: 'integer' });
    expect(schemas['invoice']['properties']['last_updated']).toMatchObject({ type: 'string', format: 'date-time' });
    // A uuid column on PostgreSQL; a CHAR(36) with a UUID-making default on MariaDB and SQLite.
    expect(schemas['customer']['properties']['version_stamp']).toMatchObject({ type: 'string', format: 'uuid' });
    for (const [table, column] of [['genre', 'version'], ['invoice', 'last_updated'], ['customer', 'version_stamp']] as const) {
      expect(schemas[table]['required'] ?? []).not.toContain(column); // they have defaults
    }
  });

  it('imports unchanged into 11 entities with 11 1:1 relations and their 11 1:N counterparts', () => {
    const model = buildTableModel(spec, { datasources: new Map([['chinook', { type: engine.type }]]) });
    expect(model.entities.map((e) => e.name).sort()).toEqual(TABLES);
    expect(model.operations).toEqual([]);
    expect(relationLines(model, 'one')).toEqual(ONE_TO_ONE);
    expect(relationLines(model, 'many')).toEqual(ONE_TO_MANY);
    expect(model.entities.find((e) => e.name === 'playlist_track')?.primaryKey).toEqual(['playlist_id', 'track_id']);
  });

  it('imports with the three concurrency properties annotated by hand', () => {
    const annotated = structuredClone(spec);
    annotated['components']['schemas']['customer']['x-am-concurrency-control'] = 'version_stamp';
    annotated['components']['schemas']['invoice']['x-am-concurrency-control'] = 'last_updated';
    annotated['components']['schemas']['genre']['x-am-concurrency-control'] = 'version';
    const model = buildTableModel(annotated, { datasources: new Map([['chinook', { type: engine.type }]]) });
    const version = (name: string) => model.entities.find((e) => e.name === name)?.version;
    expect([version('customer'), version('invoice'), version('genre')]).toEqual([
      { property: 'version_stamp', kind: 'uuid' },
      { property: 'last_updated', kind: 'timestamp' },
      { property: 'version', kind: 'integer' },
    ]);
  });
});
