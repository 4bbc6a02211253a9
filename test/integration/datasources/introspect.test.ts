import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type Pool, type SchemaInfo, type TableInfo } from '../../../src/datasources/index.ts';
import {
  ENGINES, createPostgresChinook, testLimits, withPostgres, type TestDatabase,
} from '../../helpers/databases.ts';

const CHINOOK_TABLES = [
  'album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist',
  'playlist_track', 'track',
];

const CHINOOK_FOREIGN_KEYS = [
  'album(artist_id) -> artist(artist_id)',
  'customer(support_rep_id) -> employee(employee_id)',
  'employee(reports_to) -> employee(employee_id)',
  'invoice(customer_id) -> customer(customer_id)',
  'invoice_line(invoice_id) -> invoice(invoice_id)',
  'invoice_line(track_id) -> track(track_id)',
  'playlist_track(playlist_id) -> playlist(playlist_id)',
  'playlist_track(track_id) -> track(track_id)',
  'track(album_id) -> album(album_id)',
  'track(genre_id) -> genre(genre_id)',
  'track(media_type_id) -> media_type(media_type_id)',
];

function table(schema: SchemaInfo, name: string): TableInfo {
  const found = schema.tables.find((t) => t.name === name);
  if (!found) throw new Error(`table ${name} not introspected`);
  return found;
}

function column(schema: SchemaInfo, tableName: string, name: string) {
  const found = table(schema, tableName).columns.find((c) => c.name === name);
  if (!found) throw new Error(`column ${tableName}.${name} not introspected`);
  return found;
}

function foreignKeyLines(schema: SchemaInfo): string[] {
  return schema.tables.flatMap((t) =>
    t.foreignKeys.map((fk) => `${t.name}(${fk.columns.join(', ')}) -> ${fk.referencedTable}(${fk.referencedColumns.join(', ')})`),
  ).sort();
}

describe.each(ENGINES)('introspecting Chinook on $type', (engine) => {
  const dialect = dialectFor(engine.type);
  let db: TestDatabase;
  let pool: Pool;
  let schema: SchemaInfo;

  beforeAll(async () => {
    db = await engine.createChinook();
    pool = dialect.createPool(db.settings, testLimits());
    schema = await dialect.introspect(pool);
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('lists exactly the eleven Chinook tables, sorted by name, as tables', () => {
    expect(schema.tables.map((t) => t.name)).toEqual(CHINOOK_TABLES);
    expect(new Set(schema.tables.map((t) => t.kind))).toEqual(new Set(['table']));
  });

  it('reports primary keys in key order, including the composite key of playlist_track', () => {
    expect(table(schema, 'playlist_track').primaryKey).toEqual(['playlist_id', 'track_id']);
    for (const name of CHINOOK_TABLES.filter((t) => t !== 'playlist_track')) {
      expect(table(schema, name).primaryKey).toEqual([`${name}_id`]);
    }
  });

  it('flags the generated id columns as auto-increment and nothing else', () => {
    for (const name of CHINOOK_TABLES.filter((t) => t !== 'playlist_track')) {
      expect(column(schema, name, `${name}_id`).isAutoIncrement).toBe(true);
    }
    const others = schema.tables.flatMap((t) => t.columns.filter((c) => c.isAutoIncrement && c.name !== `${t.name}_id`));
    expect(others).toEqual([]);
  });

  it('reports all eleven foreign keys with their referenced tables and columns', () => {
    expect(foreignKeyLines(schema)).toEqual(CHINOOK_FOREIGN_KEYS);
  });

  it('reports columns in ordinal order with nullability, length, precision and scale', () => {
    expect(table(schema, 'album').columns.map((c) => c.name)).toEqual(['album_id', 'title', 'artist_id']);
    expect(column(schema, 'album', 'title')).toMatchObject({ nullable: false, maxLength: 160 });
    expect(column(schema, 'album', 'title').dataType).toMatch(/char/);
    expect(column(schema, 'track', 'composer')).toMatchObject({ nullable: true, maxLength: 220 });
    expect(column(schema, 'customer', 'support_rep_id').nullable).toBe(true);
    expect(column(schema, 'invoice', 'total')).toMatchObject({ numericPrecision: 10, numericScale: 2, nullable: false });
  });

  it('reports the server-side defaults of the optimistic-concurrency columns', () => {
    expect(column(schema, 'customer', 'version_stamp')).toMatchObject({ isUuidDefault: true, nullable: false });
    expect(column(schema, 'invoice', 'last_updated').defaultValue).toMatch(/current_timestamp|now/i);
    expect(column(schema, 'invoice', 'last_updated').isUuidDefault).toBe(false);
    expect(column(schema, 'genre', 'version').defaultValue).toBe('1');
  });

  it('reports a view with kind "view" and a composite foreign key with its columns in key order', async () => {
    await pool.query('CREATE VIEW album_title AS SELECT album_id, title FROM album');
    await pool.query(`CREATE TABLE track_note (
      track_id INT NOT NULL, playlist_id INT NOT NULL, note VARCHAR(50),
      PRIMARY KEY (playlist_id, track_id),
      CONSTRAINT track_note_playlist_track_fkey FOREIGN KEY (playlist_id, track_id)
        REFERENCES playlist_track (playlist_id, track_id))`);
    const after = await dialect.introspect(pool);

    const view = table(after, 'album_title');
    expect(view.kind).toBe('view');
    expect(view.columns.map((c) => c.name)).toEqual(['album_id', 'title']);
    expect(view.primaryKey).toEqual([]);

    const note = table(after, 'track_note');
    expect(note.columns.map((c) => c.name)).toEqual(['track_id', 'playlist_id', 'note']);
    expect(note.primaryKey).toEqual(['playlist_id', 'track_id']);
    expect(note.foreignKeys).toHaveLength(1);
    expect(note.foreignKeys[0]).toMatchObject({
      columns: ['playlist_id', 'track_id'],
      referencedTable: 'playlist_track',
      referencedColumns: ['playlist_id', 'track_id'],
    });
    expect(after.tables.map((t) => t.name)).toEqual([...CHINOOK_TABLES, 'album_title', 'track_note'].sort());
  });
});

describe('PostgreSQL-specific introspection', () => {
  const dialect = dialectFor('postgres');
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createPostgresChinook();
    await withPostgres(async (client) => {
      await client.query(`
        CREATE TABLE tag (tag_id SERIAL PRIMARY KEY, label TEXT NOT NULL, code UUID DEFAULT gen_random_uuid());
        COMMENT ON TABLE tag IS 'Labels for tracks';
        COMMENT ON COLUMN tag.label IS 'Shown to users';
        CREATE SCHEMA "odd ""schema"" name";
        CREATE TABLE "odd ""schema"" name".thing (id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);`);
    }, db.name);
    pool = dialect.createPool(db.settings, testLimits());
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('reports a serial column with its sequence but not as identity, and comments', async () => {
    const schema = await dialect.introspect(pool);
    const tag = table(schema, 'tag');
    expect(tag.comment).toBe('Labels for tracks');
    expect(column(schema, 'tag', 'tag_id')).toMatchObject({ sequenceName: 'tag_tag_id_seq', isAutoIncrement: false });
    expect(column(schema, 'tag', 'label').comment).toBe('Shown to users');
    expect(column(schema, 'tag', 'code').isUuidDefault).toBe(true);
    expect(schema.sequences).toContain('tag_tag_id_seq');
    expect(schema.sequences).toContain('album_album_id_seq');
  });

  it('introspects a named schema, and the schema option sets the search path even for an awkward name', async () => {
    const named = await dialect.introspect(pool, { schema: 'odd "schema" name' });
    expect(named.tables.map((t) => t.name)).toEqual(['thing']);
    expect(named.tables[0]?.schema).toBe('odd "schema" name');

    const scoped = dialect.createPool({ ...db.settings, options: { schema: 'odd "schema" name' } }, testLimits());
    try {
      expect((await dialect.introspect(scoped)).tables.map((t) => t.name)).toEqual(['thing']);
      expect((await scoped.query('SELECT count(*) AS n FROM thing')).rows).toEqual([{ n: '0' }]);
    } finally {
      await scoped.close();
    }
  });
});
