import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type DataSourceType, type Pool, type Session } from '../../../src/datasources/index.ts';
import type { EngineRequest, EngineResponse, EngineRoute } from '../../../src/engines/engine.ts';
import { TRUNCATED_HEADER, prepareCustomOperation } from '../../../src/engines/table/custom-sql.ts';
import type { CustomOperationModel, CustomParameterModel } from '../../../src/engines/table/model.ts';
import { AppError } from '../../../src/errors.ts';
import { ENGINES, testLimits, type TestDatabase } from '../../helpers/databases.ts';

const HOSTILE = "x' OR 1=1 --";

/** SQL that differs per engine. */
interface EngineSql {
  /** Selects `id_text` = album id followed by `::int`, `lit` = ':literal', for album `:id`, with a cast where the dialect has one. */
  castAndLiteral: string;
  /** Tracks whose id is in the array parameter `:ids`. */
  tracksIn: string;
}

const SQL: Record<DataSourceType, EngineSql> = {
  postgres: {
    castAndLiteral:
      "SELECT album_id::text || '::int' AS id_text, ':literal' AS lit, \"title\" AS \"t:x\" FROM album " +
      'WHERE album_id = :id::int -- :comment\n /* :block */',
    tracksIn: 'SELECT track_id FROM track WHERE track_id = ANY(:ids) ORDER BY track_id',
  },
  mysql: {
    castAndLiteral:
      "SELECT CONCAT(CAST(album_id AS CHAR), '::int') AS id_text, ':literal' AS lit, `title` AS `t:x` FROM album " +
      "WHERE album_id = :id # :comment\n AND 'it\\'s :quoted' <> '' /* :block */",
    tracksIn:
      "SELECT track_id FROM track WHERE track_id IN (SELECT j.id FROM JSON_TABLE(:ids, '$[*]' COLUMNS (id INT PATH '$')) AS j) ORDER BY track_id",
  },
  sqlite: {
    castAndLiteral:
      "SELECT CAST(album_id AS TEXT) || '::int' AS id_text, ':literal' AS lit, [title] AS \"t:x\" FROM album " +
      'WHERE album_id = :id -- :comment\n /* :block */',
    tracksIn: 'SELECT track_id FROM track WHERE track_id IN (SELECT CAST(value AS INTEGER) FROM json_each(:ids)) ORDER BY track_id',
  },
};

function operation(partial: Partial<CustomOperationModel> & Pick<CustomOperationModel, 'sql'>): CustomOperationModel {
  return {
    id: 'op',
    method: 'GET',
    path: '/op',
    datasource: 'chinook',
    parameters: [],
    columnMap: {},
    description: null,
    ...partial,
  };
}

const param = (
  name: string,
  location: CustomParameterModel['in'],
  type: CustomParameterModel['type'],
  extra: Partial<CustomParameterModel> = {},
): CustomParameterModel => ({ name, in: location, type, required: location === 'path', ...extra });

function request(partial: Partial<EngineRequest> = {}): EngineRequest {
  return { method: 'GET', params: {}, query: [], headers: {}, body: undefined, naming: 'as-is', ...partial };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err: unknown = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe.each(ENGINES)('custom SQL operations on $type', (engine) => {
  const dialect = dialectFor(engine.type);
  const sql = SQL[engine.type];
  let db: TestDatabase;
  let pool: Pool;
  /** SQL texts the operations sent to the database, in order. */
  const sent: string[] = [];
  /** The pool with every statement's text recorded. */
  let recording: Pool;

  const call = (route: EngineRoute, req: Partial<EngineRequest> = {}, maxRows = 1000): Promise<EngineResponse> =>
    route.runnable.run(request({ method: route.method, ...req }), { pool: recording, dialect, maxRows });

  const prepare = (op: Parameters<typeof operation>[0]): EngineRoute => prepareCustomOperation(operation(op), dialect);

  async function count(table: string, column: string, value: unknown): Promise<number> {
    const result = await pool.query(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ${dialect.placeholder(1)}`, [value]);
    return Number(result.rows[0]?.['n']);
  }

  beforeAll(async () => {
    db = await engine.createChinook();
    pool = dialect.createPool(db.settings, testLimits());
    const record = (session: Session): Session => ({
      query: (text, params) => {
        sent.push(text);
        return session.query(text, params);
      },
    });
    recording = {
      query: record(pool).query,
      transaction: (fn) => pool.transaction((session) => fn(record(session))),
      close: () => pool.close(),
      get openConnections() {
        return pool.openConnections;
      },
    };
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  const albumTracks = (): EngineRoute =>
    prepare({
      path: '/album/{id}/tracks',
      sql: 'SELECT track_id, name, milliseconds FROM track WHERE album_id = :id AND milliseconds >= :min_ms ORDER BY track_id',
      parameters: [param('id', 'path', 'integer'), param('min_ms', 'query', 'integer', { default: 0 })],
    });

  it('serves a GET with a path parameter and a typed query parameter with a default', async () => {
    const route = albumTracks();
    expect(route.path).toBe('/album/:id/tracks');
    expect(route.method).toBe('GET');
    const all = await call(route, { params: { id: '1' } });
    expect(all.status).toBe(200);
    const rows = all.body as Array<Record<string, unknown>>;
    expect(rows.map((r) => r['track_id'])).toEqual([1, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(rows[0]).toEqual({ track_id: 1, name: 'For Those About To Rock (We Salute You)', milliseconds: 343719 });

    const long = await call(route, { params: { id: '1' }, query: [['min_ms', '1'], ['min_ms', '250000']] });
    // The last value of a repeated scalar wins.
    expect((long.body as Array<Record<string, unknown>>).map((r) => r['track_id'])).toEqual([1, 10, 12, 14]);
  });

  it('answers 400 for a missing required parameter', async () => {
    const route = prepare({
      sql: 'SELECT name FROM genre WHERE genre_id = :genre',
      parameters: [param('genre', 'query', 'integer', { required: true })],
    });
    const err = await failure(call(route));
    expect(err.status).toBe(400);
    expect(err.code).toBe('missing_parameter');
    expect(err.message).toBe('Missing required parameter "genre" (query)');
    expect((await call(route, { query: [['genre', '1']] })).body).toEqual([{ name: 'Rock' }]);
  });

  it('answers 400 naming the parameter for a bad integer', async () => {
    const route = albumTracks();
    for (const bad of ['abc', '1.5', '99999999999999999999', '']) {
      const err = await failure(call(route, { params: { id: '1' }, query: [['min_ms', bad]] }));
      expect(err.status).toBe(400);
      expect(err.code).toBe('invalid_value');
      expect(err.message).toContain('"min_ms"');
    }
    const err = await failure(call(route, { params: { id: 'x' } }));
    expect(err.message).toContain('"id" (path)');
  });

  it('does not take casts, string literals, quoted identifiers or comments for placeholders', async () => {
    const route = prepare({ path: '/album/{id}', sql: sql.castAndLiteral, parameters: [param('id', 'path', 'integer')] });
    const response = await call(route, { params: { id: '1' } });
    expect(response.body).toEqual([
      { id_text: '1::int', lit: ':literal', 't:x': 'For Those About To Rock We Salute You' },
    ]);
  });

  it('runs a POST with a JSON body parameter as a committed INSERT', async () => {
    const insert = prepare({
      method: 'POST',
      path: '/artist',
      sql: 'INSERT INTO artist (name) VALUES (:name)',
      parameters: [param('name', 'body', 'string', { required: true })],
    });
    const response = await call(insert, { body: { name: 'Custom SQL Artist' } });
    expect(response).toEqual({ status: 200, body: { affected: 1 } });

    const find = prepare({
      path: '/artist/by-name',
      sql: 'SELECT name FROM artist WHERE name = :name',
      parameters: [param('name', 'query', 'string', { required: true })],
    });
    expect((await call(find, { query: [['name', 'Custom SQL Artist']] })).body).toEqual([{ name: 'Custom SQL Artist' }]);

    const missing = await failure(call(insert, { body: {} }));
    expect(missing.code).toBe('missing_parameter');
    expect(missing.message).toBe('Missing required parameter "name" (body)');
  });

  it('rolls back every statement when one fails (foreign key violation → 409)', async () => {
    const route = prepare({
      method: 'POST',
      path: '/artist-with-album',
      sql: 'INSERT INTO artist (name) VALUES (:name); INSERT INTO album (title, artist_id) VALUES (:title, :artist_id)',
      parameters: [
        param('name', 'body', 'string', { required: true }),
        param('title', 'body', 'string', { required: true }),
        param('artist_id', 'body', 'integer', { required: true }),
      ],
    });
    const err = await failure(call(route, { body: { name: 'Rolled Back Artist', title: 'Orphan Album', artist_id: 999999 } }));
    expect(err.status).toBe(409);
    expect(err.code).toBe('foreign_key_violation');
    expect(err.message).not.toContain('999999');
    expect(await count('artist', 'name', 'Rolled Back Artist')).toBe(0);
    expect(await count('album', 'title', 'Orphan Album')).toBe(0);

    const ok = await call(route, { body: { name: 'Kept Artist', title: 'Kept Album', artist_id: 1 } });
    expect(ok.body).toEqual({ affected: 2 });
    expect(await count('artist', 'name', 'Kept Artist')).toBe(1);
    expect(await count('album', 'title', 'Kept Album')).toBe(1);
  });

  it('renames columns with the column map and camelCases keys and accepts camelCase input', async () => {
    const route = prepare({
      path: '/album/{album_id}/tracks',
      sql: 'SELECT track_id, name AS track_name, unit_price FROM track WHERE album_id = :album_id AND milliseconds >= :min_ms ORDER BY track_id',
      parameters: [param('album_id', 'path', 'integer'), param('min_ms', 'query', 'integer', { default: 0 })],
      columnMap: { track_id: 'id', unit_price: 'price_each' },
    });
    const asIs = (await call(route, { params: { album_id: '1' } })).body as Array<Record<string, unknown>>;
    expect(Object.keys(asIs[0] ?? {})).toEqual(['id', 'track_name', 'price_each']);
    expect(asIs[0]?.['id']).toBe(1);

    const camel = (await call(route, { params: { album_id: '1' }, query: [['minMs', '300000']], naming: 'camel' }))
      .body as Array<Record<string, unknown>>;
    expect(Object.keys(camel[0] ?? {})).toEqual(['id', 'trackName', 'priceEach']);
    expect(camel.map((r) => r['id'])).toEqual([1]);
  });

  it('binds a hostile string as a value, never as SQL text', async () => {
    const find = prepare({
      sql: 'SELECT artist_id FROM artist WHERE name = :name',
      parameters: [param('name', 'query', 'string', { required: true })],
    });
    sent.length = 0;
    expect((await call(find, { query: [['name', HOSTILE]] })).body).toEqual([]);
    const insert = prepare({
      method: 'POST',
      sql: 'INSERT INTO artist (name) VALUES (:name)',
      parameters: [param('name', 'body', 'string', { required: true })],
    });
    expect((await call(insert, { body: { name: HOSTILE } })).body).toEqual({ affected: 1 });
    expect((await call(find, { query: [['name', HOSTILE]] })).body).toHaveLength(1);
    expect(sent.length).toBe(3);
    for (const text of sent) {
      expect(text).not.toContain(HOSTILE);
      expect(text).not.toContain('OR 1=1');
    }
  });

  it('binds an array parameter', async () => {
    const route = prepare({ sql: sql.tracksIn, parameters: [param('ids', 'query', 'array', { required: true })] });
    const fromList = await call(route, { query: [['ids', '3,1,2']] });
    expect(fromList.body).toEqual([{ track_id: 1 }, { track_id: 2 }, { track_id: 3 }]);
    const fromRepeats = await call(route, { query: [['ids', '5'], ['ids', '4']] });
    expect(fromRepeats.body).toEqual([{ track_id: 4 }, { track_id: 5 }]);
    const fromJson = await call(route, { query: [['ids', '[7, 8]']] });
    expect(fromJson.body).toEqual([{ track_id: 7 }, { track_id: 8 }]);
  });

  it('binds dates, booleans and optional parameters (NULL when absent)', async () => {
    const expected = Number(
      (await pool.query("SELECT count(*) AS n FROM invoice WHERE invoice_date >= '2024-01-01'")).rows[0]?.['n'],
    );
    expect(expected).toBeGreaterThan(0);
    // PostgreSQL must know each parameter's type; `$2 IS NULL` alone does not say, so the SQL casts it.
    const country = engine.type === 'postgres' ? ':country::text' : ':country';
    const route = prepare({
      sql:
        'SELECT count(*) AS n FROM invoice WHERE invoice_date >= :since ' +
        `AND (${country} IS NULL OR billing_country = :country) AND (:all = :all)`,
      parameters: [
        param('since', 'query', 'date', { required: true }),
        param('country', 'query', 'string'),
        param('all', 'query', 'boolean', { default: true }),
      ],
    });
    const body = (await call(route, { query: [['since', '2024-01-01']] })).body as Array<Record<string, unknown>>;
    expect(Number(body[0]?.['n'])).toBe(expected);
    const bad = await failure(call(route, { query: [['since', '2024-02-30']] }));
    expect(bad.code).toBe('invalid_value');
    expect(bad.message).toContain('"since" (query)');
    const badBool = await failure(call(route, { query: [['since', '2024-01-01'], ['all', 'maybe']] }));
    expect(badBool.message).toContain('"all" (query)');
    const usa = (await call(route, { query: [['since', '2021-01-01'], ['country', 'USA'], ['all', 'yes']] }))
      .body as Array<Record<string, unknown>>;
    expect(Number(usa[0]?.['n'])).toBeGreaterThan(0);
    expect(Number(usa[0]?.['n'])).toBeLessThan(Number((await pool.query('SELECT count(*) AS n FROM invoice')).rows[0]?.['n']));
  });

  it('caps rows at maxRows and says so in a header', async () => {
    const route = prepare({ sql: 'SELECT track_id FROM track ORDER BY track_id' });
    const response = await call(route, {}, 3);
    expect(response.body).toEqual([{ track_id: 1 }, { track_id: 2 }, { track_id: 3 }]);
    expect(response.headers?.[TRUNCATED_HEADER]).toBe('true');
    const limited = prepare({
      sql: 'SELECT track_id FROM track ORDER BY track_id LIMIT :n',
      parameters: [param('n', 'query', 'integer', { default: 2 })],
    });
    const small = await call(limited, {}, 3);
    expect(small.body).toEqual([{ track_id: 1 }, { track_id: 2 }]);
    expect(small.headers).toBeUndefined();
  });

  it('classifies database errors without driver text', async () => {
    const route = prepare({
      method: 'PUT',
      path: '/genre/{id}',
      sql: 'UPDATE genre SET name = :name WHERE genre_id = :id',
      parameters: [param('id', 'path', 'integer'), param('name', 'body', 'string', { required: true })],
    });
    expect((await call(route, { params: { id: '1' }, body: { name: 'Rock' } })).body).toEqual({ affected: 1 });
    const missingRow = await call(route, { params: { id: '999999' }, body: { name: 'Nothing' } });
    expect(missingRow.body).toEqual({ affected: 0 });
    const returning = prepare({
      method: 'POST',
      sql: 'INSERT INTO genre (name) VALUES (:name) RETURNING name',
      parameters: [param('name', 'body', 'string', { required: true })],
    });
    expect((await call(returning, { body: { name: 'Returned' } })).body).toEqual([{ name: 'Returned' }]);
    const broken = prepare({ sql: 'SELECT no_such_column FROM genre' });
    const err = await failure(call(broken));
    expect(err.status).toBe(400);
    expect(err.message).toContain('no_such_column');
    expect(err.message).toMatch(/^Invalid SQL: /);
  });
});
