import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type ClassifiedError, type Pool } from '../../../src/datasources/index.ts';
import { ENGINES, testLimits, type TestDatabase } from '../../helpers/databases.ts';

const HOSTILE = "' OR 1=1 --";

/** A promise that stays open until `open()` is called: lets a test hold a connection as long as it likes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe.each(ENGINES)('queries and transactions on $type', (engine) => {
  const dialect = dialectFor(engine.type);
  const p = (index: number): string => dialect.placeholder(index);
  let db: TestDatabase;
  let pool: Pool;

  async function failure(sql: string, params: unknown[] = [], on: Pool = pool): Promise<ClassifiedError> {
    const err: unknown = await on.query(sql, params).then(
      () => {
        throw new Error(`expected the statement to fail: ${sql}`);
      },
      (e: unknown) => e,
    );
    return dialect.classifyError(err);
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await pool.query(sql, params)).rows[0]?.['n']);
  }

  beforeAll(async () => {
    db = await engine.createChinook();
    pool = dialect.createPool(db.settings, testLimits());
    await pool.query('CREATE TABLE rating (rating_id INT PRIMARY KEY, stars INT CHECK (stars BETWEEN 1 AND 5))');
  });

  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('treats a hostile string in a bound parameter as a plain value', async () => {
    expect(await count(`SELECT count(*) AS n FROM artist WHERE name = ${p(1)}`, [HOSTILE])).toBe(0);
    const inserted = await pool.query(`INSERT INTO artist (name) VALUES (${p(1)})`, [HOSTILE]);
    expect(inserted.rowCount).toBe(1);
    const found = await pool.query(`SELECT name FROM artist WHERE name = ${p(1)}`, [HOSTILE]);
    expect(found.rows).toEqual([{ name: HOSTILE }]);
  });

  it('quotes identifiers with embedded quote characters so they name exactly one table and column', async () => {
    const table = dialect.quoteIdent('odd "name` table');
    const col = dialect.quoteIdent('a "b` c');
    await pool.query(`CREATE TABLE ${table} (${col} INT)`);
    await pool.query(`INSERT INTO ${table} (${col}) VALUES (${p(1)})`, [7]);
    expect((await pool.query(`SELECT ${col} FROM ${table}`)).rows).toEqual([{ 'a "b` c': 7 }]);
  });

  it('returns rows from INSERT … RETURNING and the affected row count from UPDATE', async () => {
    const inserted = await pool.query(`INSERT INTO genre (name) VALUES (${p(1)}) RETURNING name`, ['Returned']);
    expect(inserted.rows).toEqual([{ name: 'Returned' }]);
    expect(inserted.rowCount).toBe(1);
    const updated = await pool.query(`UPDATE genre SET version = version + 1 WHERE genre_id <= ${p(1)}`, [3]);
    expect(updated.rowCount).toBe(3);
  });

  it('commits every statement of a transaction that succeeds', async () => {
    const result = await pool.transaction(async (session) => {
      await session.query(`INSERT INTO genre (name) VALUES (${p(1)})`, ['Committed A']);
      await session.query(`INSERT INTO genre (name) VALUES (${p(1)})`, ['Committed B']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await count(`SELECT count(*) AS n FROM genre WHERE name IN (${p(1)}, ${p(2)})`, ['Committed A', 'Committed B'])).toBe(2);
  });

  it('rolls back the first statement when the second fails, and rethrows the failure', async () => {
    const err = await pool.transaction(async (session) => {
      await session.query(`INSERT INTO genre (name) VALUES (${p(1)})`, ['Rolled back']);
      await session.query(`INSERT INTO album (title, artist_id) VALUES (${p(1)}, ${p(2)})`, [null, 1]);
    }).catch((e: unknown) => e);
    expect(dialect.classifyError(err).code).toBe('not_null_violation');
    expect(await count(`SELECT count(*) AS n FROM genre WHERE name = ${p(1)}`, ['Rolled back'])).toBe(0);
  });

  it('refuses statements on a session whose transaction has finished', async () => {
    let kept: { query: Pool['query'] } | undefined;
    await pool.transaction(async (session) => {
      kept = session;
    });
    await expect(kept?.query('SELECT 1')).rejects.toThrow(/finished/);
  });

  it('classifies a duplicate key as 409 unique_violation naming the key', async () => {
    const existing = await pool.query('SELECT playlist_id, track_id FROM playlist_track ORDER BY playlist_id, track_id LIMIT 1');
    const row = existing.rows[0] ?? {};
    const classified = await failure(
      `INSERT INTO playlist_track (playlist_id, track_id) VALUES (${p(1)}, ${p(2)})`,
      [row['playlist_id'], row['track_id']],
    );
    expect(classified).toMatchObject({ status: 409, code: 'unique_violation' });
    expect(classified.message).toMatch(/playlist_track|PRIMARY/);
  });

  it('classifies a missing referenced row as 409 foreign_key_violation without echoing the value', async () => {
    const classified = await failure(`INSERT INTO album (title, artist_id) VALUES (${p(1)}, ${p(2)})`, ['Orphan', 987654]);
    expect(classified).toMatchObject({ status: 409, code: 'foreign_key_violation' });
    expect(classified.message).not.toContain('987654');
  });

  it('classifies deleting a still-referenced row as 409 foreign_key_violation', async () => {
    const classified = await failure(`DELETE FROM artist WHERE artist_id = ${p(1)}`, [1]);
    expect(classified).toMatchObject({ status: 409, code: 'foreign_key_violation' });
    expect(classified.message).toMatch(/referenced/);
  });

  it('classifies a missing required value as 400 not_null_violation naming the column', async () => {
    const classified = await failure(`INSERT INTO album (title, artist_id) VALUES (${p(1)}, ${p(2)})`, [null, 1]);
    expect(classified).toMatchObject({ status: 400, code: 'not_null_violation' });
    expect(classified.message).toMatch(/title/);
  });

  it('classifies a failed CHECK as 400 check_violation', async () => {
    const classified = await failure(`INSERT INTO rating (rating_id, stars) VALUES (${p(1)}, ${p(2)})`, [1, 9]);
    expect(classified).toMatchObject({ status: 400, code: 'check_violation' });
  });

  it('classifies an unknown table as the statement\'s fault: 400 invalid_statement naming the table', async () => {
    const classified = await failure('SELECT * FROM no_such_table');
    expect(classified).toMatchObject({ status: 400, code: 'invalid_statement' });
    expect(classified.message).toMatch(/no_such_table/);
  });

  if (engine.type !== 'sqlite') {
    // SQLite does not enforce VARCHAR lengths.
    it('classifies a too-long value as 400 invalid_input without echoing it', async () => {
      const classified = await failure(`INSERT INTO genre (name) VALUES (${p(1)})`, ['x'.repeat(500)]);
      expect(classified).toMatchObject({ status: 400, code: 'invalid_input' });
      expect(classified.message).not.toContain('xxxxxxxxxx');
    });
  }

  if (engine.type === 'mysql') {
    it('runs a parameterised statement the prepared protocol refuses through the text protocol', async () => {
      const result = await pool.query('SHOW TABLES LIKE ?', ['album%']);
      expect(result.rows.map((row) => Object.values(row)[0])).toEqual(['album']);
    });
  }

  const sleepSql = engine.sleepSql;
  if (sleepSql) {
    it('cancels a statement that outlives the statement timeout with 504 statement_timeout', async () => {
      const limited = dialect.createPool(db.settings, testLimits({ statementTimeoutMs: 200 }));
      try {
        const started = performance.now();
        const classified = await failure(sleepSql, [], limited);
        expect(performance.now() - started).toBeLessThan(1500);
        expect(classified).toMatchObject({ status: 504, code: 'statement_timeout' });
        expect((await limited.query('SELECT 1 AS one')).rowCount).toBe(1);
      } finally {
        await limited.close();
      }
    });
  }

  it('fails a query with 503 pool_exhausted when the only connection stays busy past the acquire timeout', async () => {
    const small = dialect.createPool(db.settings, testLimits({ size: 1, acquireTimeoutMs: 200 }));
    const held = gate();
    const entered = gate();
    const transaction = small.transaction(async (session) => {
      await session.query('SELECT 1 AS one');
      entered.open();
      await held.promise;
    });
    try {
      await entered.promise;
      const started = performance.now();
      const classified = await failure('SELECT 1 AS one', [], small);
      const waited = performance.now() - started;
      expect(classified).toMatchObject({ status: 503, code: 'pool_exhausted' });
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(1000);
    } finally {
      held.open();
      await transaction;
    }
    expect((await small.query('SELECT 1 AS one')).rowCount).toBe(1);
    await small.close();
  });

  it('lets a waiting query through when the busy connection is freed within the acquire timeout', async () => {
    const small = dialect.createPool(db.settings, testLimits({ size: 1, acquireTimeoutMs: 2000 }));
    const held = gate();
    const transaction = small.transaction(() => held.promise);
    const waiting = small.query('SELECT 1 AS one');
    setTimeout(held.open, 50);
    await transaction;
    expect((await waiting).rowCount).toBe(1);
    await small.close();
  });

  it('closes every connection on close and refuses later queries', async () => {
    const closing = dialect.createPool(db.settings, testLimits());
    await closing.query('SELECT 1 AS one');
    expect(closing.openConnections).toBe(1);
    await closing.close();
    expect(closing.openConnections).toBe(0);
    const classified = await failure('SELECT 1 AS one', [], closing);
    expect(classified).toMatchObject({ status: 502, code: 'connection_failed' });
  });
});
