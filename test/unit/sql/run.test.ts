import { describe, expect, it } from 'vitest';
import type { Pool, QueryResult, Session } from '../../../src/datasources/index.ts';
import { runRenderedSql, type RenderedSql } from '../../../src/engines/sql/index.ts';
import { AppError } from '../../../src/errors.ts';
import { mysqlDialect, postgresDialect, render, sqliteDialect } from './helpers.ts';

interface Call {
  sql: string;
  params: readonly unknown[];
  inTransaction: boolean;
}

/** A pool that answers from a function and records what ran where. */
class FakePool implements Pool {
  readonly calls: Call[] = [];
  transactions = 0;
  rolledBack = 0;
  readonly openConnections = 0;
  readonly #answer: (sql: string) => QueryResult;

  constructor(answer: (sql: string) => QueryResult) {
    this.#answer = answer;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    return this.#run(sql, params, false);
  }

  async #run(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<QueryResult> {
    this.calls.push({ sql, params, inTransaction });
    return this.#answer(sql);
  }

  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.transactions += 1;
    try {
      return await fn({ query: (sql, params = []) => this.#run(sql, params, true) });
    } catch (err) {
      this.rolledBack += 1;
      throw err;
    }
  }

  async close(): Promise<void> {}
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));
const ctx = (pool: Pool, dialect = postgresDialect, maxRows = 100) => ({ pool, dialect, maxRows });

describe('runRenderedSql', () => {
  it('runs a single SELECT directly, not in a transaction, and returns its rows', async () => {
    const pool = new FakePool(() => ({ rows: rows(2), rowCount: 2 }));
    const result = await runRenderedSql(render('SELECT id FROM t WHERE a = {{ a }}', { a: 1 }), ctx(pool));
    expect(pool.transactions).toBe(0);
    expect(result.data).toEqual(rows(2));
    expect(result.truncated).toBe(false);
    expect(result.statements).toEqual([{ sql: 'SELECT id FROM t WHERE a = $1\nLIMIT 101', values: [1], rowCount: 2 }]);
  });

  it('asks for maxRows + 1 rows and reports truncated when there were more', async () => {
    const pool = new FakePool(() => ({ rows: rows(4), rowCount: 4 }));
    const result = await runRenderedSql(render('SELECT id FROM t ORDER BY id'), ctx(pool, postgresDialect, 3));
    expect(pool.calls[0]?.sql).toBe('SELECT id FROM t ORDER BY id\nLIMIT 4');
    expect(result).toMatchObject({ data: rows(3), truncated: true });
  });

  it('wraps a SELECT with its own LIMIT on PostgreSQL and SQLite; fetches and cuts on MySQL', async () => {
    for (const [dialect, wrapped] of [[postgresDialect, true], [sqliteDialect, true], [mysqlDialect, false]] as const) {
      const pool = new FakePool(() => ({ rows: rows(3), rowCount: 3 }));
      const result = await runRenderedSql(render('SELECT id FROM t ORDER BY id LIMIT 50', {}, { dialect }), ctx(pool, dialect, 2));
      expect(pool.calls[0]?.sql).toBe(wrapped ? 'SELECT * FROM (\nSELECT id FROM t ORDER BY id LIMIT 50\n) portico_t LIMIT 3' : 'SELECT id FROM t ORDER BY id LIMIT 50');
      expect(result).toMatchObject({ data: rows(2), truncated: true });
    }
  });

  it('does not add a LIMIT where it would change the statement', async () => {
    for (const sql of ['SELECT id FROM t FOR UPDATE', "SHOW TABLES", 'SELECT (SELECT 1 LIMIT 1) AS x', 'WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d']) {
      const pool = new FakePool(() => ({ rows: rows(1), rowCount: 1 }));
      await runRenderedSql(render(sql), ctx(pool));
      const ran = pool.calls.at(-1)?.sql;
      if (sql.startsWith('SELECT (SELECT')) expect(ran).toBe(`${sql}\nLIMIT 101`);
      else expect(ran).toBe(sql);
    }
  });

  it('runs a single write in a transaction and answers { affected }', async () => {
    const pool = new FakePool(() => ({ rows: [], rowCount: 3 }));
    const result = await runRenderedSql(render('UPDATE t SET a = {{ a }}', { a: 1 }), ctx(pool));
    expect(pool.transactions).toBe(1);
    expect(pool.calls[0]?.inTransaction).toBe(true);
    expect(result.data).toEqual({ affected: 3 });
  });

  it('a write with RETURNING answers its rows', async () => {
    const pool = new FakePool(() => ({ rows: [{ id: 9 }], rowCount: 1 }));
    const result = await runRenderedSql(render("INSERT INTO t (a) VALUES ({{ a }}) RETURNING id", { a: 1 }), ctx(pool));
    expect(result.data).toEqual([{ id: 9 }]);
  });

  it('several statements: one transaction, one entry per statement', async () => {
    const pool = new FakePool((sql) => (sql.startsWith('SELECT') ? { rows: rows(1), rowCount: 1 } : { rows: [], rowCount: 2 }));
    const result = await runRenderedSql(render('DELETE FROM t WHERE a = {{ a }}; SELECT id FROM t', { a: 1 }), ctx(pool));
    expect(pool.transactions).toBe(1);
    expect(pool.calls.every((c) => c.inTransaction)).toBe(true);
    expect(result.data).toEqual([{ affected: 2 }, rows(1)]);
    expect(result.statements.map((s) => s.rowCount)).toEqual([2, 1]);
  });

  it('classifies a database error, names the statement and rolls back', async () => {
    const pool = new FakePool((sql) => {
      if (sql.startsWith('INSERT INTO b')) throw Object.assign(new Error('insert or update on table "b" violates foreign key constraint, key (x)=(secret)'), { code: '23503' });
      return { rows: [], rowCount: 1 };
    });
    const rendered: RenderedSql = render('INSERT INTO a VALUES ({{ x }}); INSERT INTO b VALUES ({{ y }})', { x: 1, y: 2 });
    const err = await runRenderedSql(rendered, ctx(pool)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: 'foreign_key_violation', details: { statement: 2 } });
    expect((err as AppError).message).toMatch(/\(statement 2\)$/);
    expect((err as AppError).message).not.toContain('secret');
    expect(pool.rolledBack).toBe(1);
  });

  it('passes a statement timeout classification through', async () => {
    const pool = new FakePool(() => {
      throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    });
    const err = await runRenderedSql(render('SELECT pg_sleep(10)'), ctx(pool)).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, code: 'statement_timeout', details: { statement: 1 } });
  });
});
