/**
 * SQL templates against real databases loaded with Chinook: hostile values reach the database only as bound
 * values, multi-statement templates commit and roll back together, the row cap, and error classification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type Pool, type QueryResult, type Session } from '../../../src/datasources/index.ts';
import { compileSqlTemplate, runRenderedSql, type SqlRunResult } from '../../../src/engines/sql/index.ts';
import { AppError } from '../../../src/errors.ts';
import { ENGINES, testLimits, type TestDatabase } from '../../helpers/databases.ts';

const HOSTILE = [
  "' OR 1=1 --",
  "x'; DROP TABLE artist; --",
  'back\\slash\\',
  "it\\'s",
  '"double" `back` [bracket]',
  '/* open comment',
  '*/ close comment',
  '-- dash dash',
  '# hash',
  '$1 ? :name @var $$dollar$$ $tag$',
  '%_ wildcards _%',
  '!bang!',
  'ünïcødé ✓ 日本語 🚀 \u202e',
  "\\'; SELECT 1; --",
];

/** Records the SQL text of every statement sent, inside and outside transactions. */
class CapturingPool implements Pool {
  readonly sent: string[] = [];
  readonly #inner: Pool;

  constructor(inner: Pool) {
    this.#inner = inner;
  }

  get openConnections(): number {
    return this.#inner.openConnections;
  }

  query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    this.sent.push(sql);
    return this.#inner.query(sql, params);
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.#inner.transaction((session) =>
      fn({
        query: (sql, params) => {
          this.sent.push(sql);
          return session.query(sql, params);
        },
      }),
    );
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

describe.each(ENGINES)('SQL templates on $type', (engine) => {
  const dialect = dialectFor(engine.type);
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await engine.createChinook();
    pool = dialect.createPool(db.settings, testLimits());
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  async function run(
    content: string,
    params: Record<string, unknown> = {},
    options: { maxRows?: number; on?: Pool; macros?: { name: string; content: string }[] } = {},
  ): Promise<SqlRunResult & { sent: string[] }> {
    const capturing = new CapturingPool(options.on ?? pool);
    const rendered = compileSqlTemplate({ content, macros: options.macros ?? [] }).render(params, dialect, new Set(['artist', 'album']));
    const result = await runRenderedSql(rendered, { pool: capturing, dialect, maxRows: options.maxRows ?? 1000 });
    return { ...result, sent: capturing.sent };
  }

  async function failure(content: string, params: Record<string, unknown> = {}, on?: Pool): Promise<AppError> {
    const err = await run(content, params, { on }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }

  const count = (result: SqlRunResult): number => Number((result.data as { n: unknown }[])[0]?.n);

  describe('hostile values are bound, never SQL text', () => {
    it.each(HOSTILE)('round-trips %j unchanged through {{ }}, sql_string and json', async (value) => {
      const result = await run('SELECT {{ v }} AS a, {{ v | sql_string }} AS b, {{ v | json }} AS c', { v: value });
      expect(result.data).toEqual([{ a: value, b: value, c: JSON.stringify(value) }]);
      for (const sql of result.sent) expect(sql).not.toContain(value);
    });

    it.each(HOSTILE)('matches nothing when compared, listed or searched: %j', async (value) => {
      const template = `SELECT COUNT(*) AS n FROM artist {% where 'OR' %}
        name = {{ v }}
        name = {{ v | sql_string }}
        name IN {{ [v, v] | in_list }}
        name IN {{ [v] | sql_in_list('string') }}
        name LIKE {{ v | sql_like }}
        name LIKE {{ v | sql_like_start }}
        name LIKE {{ v | sql_like_end }}
        name {{ v | compare('=') }}
      {% endwhere %}`;
      const result = await run(template, { v: value });
      expect(count(result)).toBe(0);
      for (const sql of result.sent) expect(sql).not.toContain(value);
    });

    it.each(HOSTILE)('is refused before the database by the typed filters: %j', async (value) => {
      for (const template of [
        'SELECT {{ v | sql_int }}', 'SELECT {{ v | sql_float }}', 'SELECT {{ v | sql_bool }}', 'SELECT {{ v | sql_date }}',
        'SELECT {{ v | sql_datetime }}', "SELECT {{ [v] | in_list('int') }}", 'SELECT 1 WHERE 1 {{ v | compare }} 1',
        "SELECT {{ v | sql_ident(['name']) }} FROM artist", 'SELECT * FROM {{ v | sql_ident }}', 'SELECT {{ v | fromjson }}',
      ]) {
        const capturing = new CapturingPool(pool);
        const err = await (async () => {
          const rendered = compileSqlTemplate({ content: template, macros: [] }).render({ v: value }, dialect, new Set(['artist']));
          return runRenderedSql(rendered, { pool: capturing, dialect, maxRows: 10 });
        })().catch((e: unknown) => e);
        expect(err, template).toMatchObject({ status: 400, code: 'invalid_parameter' });
        expect(capturing.sent).toEqual([]);
      }
    });

    it('LIKE filters escape wildcards: % and _ match only themselves', async () => {
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like }}', { q: '%' }))).toBe(0);
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like }}', { q: '_' }))).toBe(0);
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like }}', { q: 'Zeppelin' }))).toBe(2);
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like_start }}', { q: 'Led Zep' }))).toBe(1);
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like_end }}', { q: 'd Zeppelin' }))).toBe(2);
      expect(count(await run('SELECT COUNT(*) AS n FROM artist WHERE name LIKE {{ q | sql_like_end }}', { q: 'Led' }))).toBe(0);
    });

    it('typed filters and identifiers reach the database correctly', async () => {
      const result = await run(
        `SELECT {{ col | sql_ident(['title', 'album_id']) }} AS v FROM {{ t | sql_ident }}
         WHERE album_id IN {{ ids | in_list('int') }} AND album_id {{ op | compare }} {{ min | sql_int }}
         ORDER BY album_id`,
        { col: 'title', t: 'album', ids: '1,2,3', op: '>=', min: '2' },
      );
      expect(result.data).toEqual([{ v: 'Balls to the Wall' }, { v: 'Restless and Wild' }]);
      expect((await run('SELECT COUNT(*) AS n FROM album WHERE album_id IN {{ ids | in_list }}', { ids: [] })).data).toEqual([
        expect.objectContaining({}),
      ]);
      expect(count(await run('SELECT COUNT(*) AS n FROM album WHERE album_id IN {{ ids | in_list }}', { ids: [] }))).toBe(0);
    });

    it('date filters compare with date-time columns', async () => {
      const result = await run(
        'SELECT COUNT(*) AS n FROM invoice WHERE invoice_date >= {{ from | sql_datetime }} AND invoice_date < {{ to | sql_date }}',
        // (SQLite compares dates as text, and Chinook's SQLite file stores them as YYYY-MM-DD.)
        { from: '2020-12-31T12:00:00', to: '2021-02-01' },
      );
      expect(count(result)).toBe(6);
    });
  });

  describe('clause blocks', () => {
    const search = `SELECT album_id, title FROM album
{% where %}
  {% if artist %}AND artist_id = {{ artist | sql_int }}{% endif %}
  {% if q %}AND title LIKE {{ q | sql_like }}{% endif %}
{% endwhere %}
ORDER BY album_id`;

    it('{% where %} with no, one and several conditions', async () => {
      expect(((await run(search, {}, { maxRows: 1000 })).data as unknown[]).length).toBe(347);
      expect(((await run(search, { artist: 1 })).data as unknown[]).length).toBe(2);
      expect((await run(search, { artist: 1, q: 'Salute' })).data).toEqual([{ album_id: 1, title: 'For Those About To Rock We Salute You' }]);
      expect(((await run(search, { q: '%' })).data as unknown[]).length).toBe(0);
    });

    it('{% set_clause %} updates only the columns given, inside a transaction', async () => {
      const update = `UPDATE artist
{% set_clause %}
  {% if name %}name = {{ name }},{% endif %}
{% endset_clause %}
WHERE artist_id = {{ id | sql_int }};
SELECT name FROM artist WHERE artist_id = {{ id | sql_int }}`;
      const result = await run(update, { id: 275, name: "O'Brien \\ \"quoted\"" });
      expect(result.data).toEqual([{ affected: 1 }, [{ name: "O'Brien \\ \"quoted\"" }]]);
      const err = await failure(update, { id: 275 });
      expect(err).toMatchObject({ status: 400, code: 'nothing_to_update' });
    });
  });

  describe('transactions', () => {
    it('commits all statements together: a later read sees the writes', async () => {
      const name = `Genre ${engine.type} commit`;
      const result = await run(
        `INSERT INTO genre (name) VALUES ({{ name }});
         UPDATE genre SET name = {{ name ~ ' 2' }} WHERE name = {{ name }};
         SELECT name FROM genre WHERE name = {{ name ~ ' 2' }}`,
        { name },
      );
      expect(result.data).toEqual([{ affected: 1 }, { affected: 1 }, [{ name: `${name} 2` }]]);
      expect(count(await run('SELECT COUNT(*) AS n FROM genre WHERE name = {{ n }}', { n: `${name} 2` }))).toBe(1);
    });

    it('rolls back every statement when a later one fails (409 with the statement index)', async () => {
      const name = `Genre ${engine.type} rollback`;
      const err = await failure(
        `INSERT INTO genre (name) VALUES ({{ name }});
         INSERT INTO album (title, artist_id) VALUES ({{ name }}, {{ missing_artist }})`,
        { name, missing_artist: 999999 },
      );
      expect(err).toMatchObject({ status: 409, code: 'foreign_key_violation', details: { statement: 2 } });
      expect(err.message).toMatch(/\(statement 2\)$/);
      expect(count(await run('SELECT COUNT(*) AS n FROM genre WHERE name = {{ n }}', { n: name }))).toBe(0);
    });

    it('a write with RETURNING answers its rows', async () => {
      if (engine.type === 'mysql') return; // MariaDB has INSERT … RETURNING, MySQL does not: not assumed here.
      const result = await run('INSERT INTO genre (name) VALUES ({{ n }}) RETURNING name', { n: 'Returned' });
      expect(result.data).toEqual([{ name: 'Returned' }]);
    });
  });

  describe('row cap', () => {
    it('returns at most maxRows rows in order and says truncated', async () => {
      const result = await run('SELECT track_id FROM track ORDER BY track_id DESC', {}, { maxRows: 5 });
      expect(result.data).toEqual([3503, 3502, 3501, 3500, 3499].map((id) => ({ track_id: id })));
      expect(result.truncated).toBe(true);
      expect(result.statements[0]?.rowCount).toBe(5);
    });

    it('keeps the order of a statement with its own LIMIT', async () => {
      const result = await run('SELECT track_id FROM track ORDER BY track_id DESC LIMIT 50', {}, { maxRows: 3 });
      expect(result.data).toEqual([3503, 3502, 3501].map((id) => ({ track_id: id })));
      expect(result.truncated).toBe(true);
    });

    it('is not truncated when everything fits', async () => {
      const result = await run('WITH a AS (SELECT artist_id FROM artist WHERE artist_id <= 3) SELECT artist_id FROM a ORDER BY artist_id', {}, { maxRows: 3 });
      expect(result).toMatchObject({ data: [{ artist_id: 1 }, { artist_id: 2 }, { artist_id: 3 }], truncated: false });
    });
  });

  describe('errors', () => {
    it('a database error is classified and names the statement; values never appear in it', async () => {
      const secret = "s3cr3t' value";
      const err = await failure('SELECT 1 AS one; SELECT no_such_column FROM artist WHERE name = {{ secret }}', { secret });
      const classified = dialect.classifyError(
        await pool.query('SELECT no_such_column FROM artist').catch((e: unknown) => e),
      );
      expect(err).toMatchObject({ status: classified.status, code: classified.code, details: { statement: 2 } });
      expect(err.message).toBe(`${classified.message} (statement 2)`);
      expect(err.message).not.toContain(secret);
    });

    it('a value of the wrong type for its column is a 400', async () => {
      // MariaDB and SQLite convert (or store) the text instead of refusing it.
      if (engine.type !== 'postgres') return;
      const err = await failure('SELECT COUNT(*) AS n FROM artist WHERE artist_id = {{ v }}', { v: 'not a number' });
      expect(err).toMatchObject({ status: 400, code: 'invalid_input', details: { statement: 1 } });
    });

    const sleepSql = engine.sleepSql;
    if (sleepSql) {
      it('passes a statement timeout through as 504 statement_timeout', async () => {
        const limited = dialect.createPool(db.settings, testLimits({ statementTimeoutMs: 200 }));
        try {
          const err = await failure(sleepSql, {}, limited);
          expect(err).toMatchObject({ status: 504, code: 'statement_timeout', details: { statement: 1 } });
        } finally {
          await limited.close();
        }
      });
    }
  });
});
