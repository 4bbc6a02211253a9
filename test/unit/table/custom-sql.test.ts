import { describe, expect, it } from 'vitest';
import { dialectFor, type Dialect, type Pool, type QueryResult } from '../../../src/datasources/index.ts';
import type { EngineRequest, EngineRoute } from '../../../src/engines/engine.ts';
import {
  customOperationProblems, prepareCustomOperation, routePath, scanSql, splitStatements, sqlPlaceholders, statementKind,
} from '../../../src/engines/table/custom-sql.ts';
import { InvalidValue, bindValue, fromJson, fromQueryValues, fromText } from '../../../src/engines/table/custom-sql-params.ts';
import type { CustomOperationModel, CustomParameterModel } from '../../../src/engines/table/model.ts';
import { AppError } from '../../../src/errors.ts';

describe('sqlPlaceholders', () => {
  it('finds names in order of first appearance, once each', () => {
    expect(sqlPlaceholders('SELECT * FROM t WHERE a = :b AND c = :a OR d = :b')).toEqual(['b', 'a']);
    expect(sqlPlaceholders(':first')).toEqual(['first']);
    expect(sqlPlaceholders('x=(:a_1)+:_b2')).toEqual(['a_1', '_b2']);
  });

  it('ignores casts', () => {
    expect(sqlPlaceholders('SELECT a::text, b :: int, :c::int, (:d)::date FROM t')).toEqual(['c', 'd']);
    expect(sqlPlaceholders("SELECT '1'::integer", 'postgres')).toEqual([]);
  });

  it('ignores :=, a:b, numbers and a colon not followed by a name', () => {
    expect(sqlPlaceholders('SET @x := 1; SELECT a:b, 1:2, x[1:3], : y, :1, :$')).toEqual([]);
    expect(sqlPlaceholders('SELECT @v:=:val', 'mysql')).toEqual(['val']);
  });

  it('ignores string literals, with doubled quotes', () => {
    expect(sqlPlaceholders("SELECT ':a', 'it''s :b', :c, ''")).toEqual(['c']);
    expect(sqlPlaceholders("SELECT ':literal' AS x, :real")).toEqual(['real']);
  });

  it('treats E strings with backslash escapes on postgres', () => {
    expect(sqlPlaceholders("SELECT E'\\' :a' , :b", 'postgres')).toEqual(['b']);
    expect(sqlPlaceholders("SELECT e'x\\\\' , :b", 'postgres')).toEqual(['b']);
    // a plain string on postgres takes no backslash escapes: the string ends at the second quote
    expect(sqlPlaceholders("SELECT '\\', :b", 'postgres')).toEqual(['b']);
    // `xE'…'` is not an E string (the E belongs to an identifier)
    expect(sqlPlaceholders("SELECT nameE'\\', :b", 'postgres')).toEqual(['b']);
  });

  it('takes MySQL backslash escapes in single- and double-quoted strings', () => {
    expect(sqlPlaceholders("SELECT 'it\\'s :x', :y", 'mysql')).toEqual(['y']);
    expect(sqlPlaceholders('SELECT "say \\" :x", :y', 'mysql')).toEqual(['y']);
    expect(sqlPlaceholders("SELECT 'a\\\\', :y", 'mysql')).toEqual(['y']);
  });

  it('ignores quoted identifiers', () => {
    expect(sqlPlaceholders('SELECT "a:b", "x"":y", :z')).toEqual(['z']);
    expect(sqlPlaceholders('SELECT `a:b`, `x``:y`, :z', 'mysql')).toEqual(['z']);
    expect(sqlPlaceholders('SELECT [a:b], `c:d`, :z', 'sqlite')).toEqual(['z']);
  });

  it('ignores comments', () => {
    expect(sqlPlaceholders('SELECT 1 -- :a\n, :b /* :c\n :d */ , :e')).toEqual(['b', 'e']);
    expect(sqlPlaceholders('SELECT 1 # :a\n, :b', 'mysql')).toEqual(['b']);
    // `#` is an operator on postgres, not a comment
    expect(sqlPlaceholders('SELECT 1 # :a', 'postgres')).toEqual(['a']);
    // MySQL needs whitespace after `--`
    expect(sqlPlaceholders('SELECT 1--:a', 'mysql')).toEqual(['a']);
    expect(sqlPlaceholders('SELECT 1-- :a', 'mysql')).toEqual([]);
    // nested block comments on postgres
    expect(sqlPlaceholders('/* a /* b */ :x */ :y', 'postgres')).toEqual(['y']);
    expect(sqlPlaceholders('/* a /* b */ :x */ :y', 'sqlite')).toEqual(['x', 'y']);
    expect(sqlPlaceholders('SELECT 1 /* unterminated :a')).toEqual([]);
  });

  it('ignores dollar quotes', () => {
    expect(sqlPlaceholders('SELECT $$ :a $$, $t$ :b $x$ $t$, :c', 'postgres')).toEqual(['c']);
    expect(sqlPlaceholders('SELECT $1, :c', 'postgres')).toEqual(['c']);
    expect(sqlPlaceholders('SELECT $fn$ \' :a $fn$ || :b', 'postgres')).toEqual(['b']);
  });

  it('handles unterminated literals', () => {
    expect(sqlPlaceholders("SELECT ':a")).toEqual([]);
    expect(sqlPlaceholders('SELECT ":a')).toEqual([]);
  });
});

describe('scanSql', () => {
  it('splits text, placeholders and top-level separators', () => {
    const pieces = scanSql("INSERT INTO t VALUES (:a, ';'); SELECT :a");
    expect(pieces).toEqual([
      { kind: 'text', text: 'INSERT INTO t VALUES (' },
      { kind: 'param', name: 'a', offset: 22 },
      { kind: 'text', text: ", ';')" },
      { kind: 'separator' },
      { kind: 'text', text: ' SELECT ' },
      { kind: 'param', name: 'a', offset: 39 },
    ]);
  });
});

describe('statementKind', () => {
  const kind = (sql: string) => {
    const [statement] = splitStatements(sql, 'postgres');
    return statementKind(statement?.code ?? '');
  };

  it('tells reads from writes and finds rows from RETURNING', () => {
    expect(kind('SELECT 1')).toEqual({ verb: 'SELECT', returnsRows: true, writes: false });
    expect(kind('  (SELECT 1) UNION (SELECT 2)')).toMatchObject({ verb: 'SELECT', returnsRows: true, writes: false });
    expect(kind('-- note\nselect 1')).toMatchObject({ verb: 'SELECT', writes: false });
    expect(kind('INSERT INTO t VALUES (1)')).toEqual({ verb: 'INSERT', returnsRows: false, writes: true });
    expect(kind('INSERT INTO t VALUES (1) RETURNING id')).toEqual({ verb: 'INSERT', returnsRows: true, writes: true });
    expect(kind('DELETE FROM t WHERE a = :returning')).toMatchObject({ returnsRows: false, writes: true });
    expect(kind("UPDATE t SET a = 'returning'")).toMatchObject({ returnsRows: false, writes: true });
    expect(kind('SELECT * FROM t FOR UPDATE')).toMatchObject({ returnsRows: true, writes: false });
    expect(kind('SELECT replace(a, :x, :y) FROM t')).toMatchObject({ returnsRows: true, writes: false });
  });

  it('looks through WITH clauses', () => {
    expect(kind('WITH x AS (SELECT 1 AS a) SELECT * FROM x')).toEqual({ verb: 'SELECT', returnsRows: true, writes: false });
    expect(kind('WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x) SELECT n FROM x')).toMatchObject({
      verb: 'SELECT',
      writes: false,
    });
    expect(kind('WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d')).toEqual({
      verb: 'SELECT',
      returnsRows: true,
      writes: true,
    });
    expect(kind('WITH x AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM x')).toEqual({
      verb: 'INSERT',
      returnsRows: false,
      writes: true,
    });
    expect(kind('WITH x AS (INSERT INTO t VALUES (1) RETURNING id) INSERT INTO u SELECT id FROM x')).toMatchObject({
      returnsRows: false,
    });
  });
});

describe('routePath', () => {
  it('turns OpenAPI templates into find-my-way paths', () => {
    expect(routePath('/album/{id}/tracks').path).toBe('/album/:id/tracks');
    expect(routePath('/a/{x}/b/{y_2}').path).toBe('/a/:x/b/:y_2');
    const odd = routePath('/a/{album-id}/{x}');
    expect(odd.path).toBe('/a/:p1/:x');
    expect(odd.params.get('album-id')).toBe('p1');
    expect(routePath('/time/12:00').path).toBe('/time/12::00');
  });
});

describe('parameter values', () => {
  const bad = (fn: () => unknown) => expect(fn).toThrow(InvalidValue);

  it('converts text by type', () => {
    expect(fromText('integer', '-42')).toBe(-42);
    expect(fromText('integer', '007')).toBe(7);
    bad(() => fromText('integer', '1.0'));
    bad(() => fromText('integer', '9007199254740993'));
    bad(() => fromText('integer', ''));
    bad(() => fromText('integer', '0x10'));
    expect(fromText('number', '1.5e3')).toBe(1500);
    bad(() => fromText('number', 'Infinity'));
    bad(() => fromText('number', '1e400'));
    for (const t of ['true', 'TRUE', '1', 'yes']) expect(fromText('boolean', t)).toBe(true);
    for (const f of ['false', '0', 'No']) expect(fromText('boolean', f)).toBe(false);
    bad(() => fromText('boolean', 'maybe'));
    expect(fromText('date', '2024-02-29')).toBe('2024-02-29');
    bad(() => fromText('date', '2023-02-29'));
    bad(() => fromText('date', '2024-1-1'));
    expect(fromText('date-time', '2024-01-02T03:04:05.123+02:00')).toBe('2024-01-02T03:04:05.123+02:00');
    expect(fromText('date-time', '2024-01-02 03:04')).toBe('2024-01-02 03:04');
    bad(() => fromText('date-time', '2024-01-02T24:00:00'));
    bad(() => fromText('date-time', '2024-01-02'));
    expect(fromText('uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    bad(() => fromText('uuid', 'not-a-uuid'));
    expect(fromText('string', "x' OR 1=1 --")).toBe("x' OR 1=1 --");
    expect(fromText('array', '1,2,3')).toEqual(['1', '2', '3']);
    expect(fromText('array', '[1, "a,b"]')).toEqual([1, 'a,b']);
    expect(fromText('array', '')).toEqual([]);
    bad(() => fromText('array', '[1,'));
    expect(fromText('object', '{"a":1}')).toEqual({ a: 1 });
    bad(() => fromText('object', '3'));
  });

  it('converts JSON values by type', () => {
    expect(fromJson('integer', 5)).toBe(5);
    expect(fromJson('integer', '5')).toBe(5);
    bad(() => fromJson('integer', 5.5));
    bad(() => fromJson('integer', true));
    expect(fromJson('boolean', false)).toBe(false);
    expect(fromJson('boolean', 1)).toBe(true);
    expect(fromJson('string', 12)).toBe('12');
    bad(() => fromJson('string', { a: 1 }));
    expect(fromJson('array', [1, 2])).toEqual([1, 2]);
    bad(() => fromJson('array', { a: 1 }));
    expect(fromJson('object', { a: [1] })).toEqual({ a: [1] });
    expect(fromJson('object', '{"a":1}')).toEqual({ a: 1 });
    bad(() => fromJson('date', 20240101));
  });

  it('takes the last query value for a scalar and all values for an array', () => {
    expect(fromQueryValues('integer', ['1', '2'])).toBe(2);
    expect(fromQueryValues('array', ['1,2', '3'])).toEqual(['1', '2', '3']);
  });

  it('binds per dialect', () => {
    expect(bindValue('array', [1, 2], 'postgres')).toEqual([1, 2]);
    expect(bindValue('array', [1, 2], 'mysql')).toBe('[1,2]');
    expect(bindValue('object', { a: 1 }, 'postgres')).toBe('{"a":1}');
    expect(bindValue('date-time', '2024-01-02T03:04:05.5+02:00', 'mysql')).toBe('2024-01-02 01:04:05.5');
    expect(bindValue('date-time', '2024-01-02T03:04:05Z', 'sqlite')).toBe('2024-01-02 03:04:05');
    expect(bindValue('date-time', '2024-01-02T03:04', 'sqlite')).toBe('2024-01-02 03:04:00');
    expect(bindValue('date-time', '2024-01-02T03:04:05+0530', 'postgres')).toBe('2024-01-02T03:04:05+0530');
    expect(bindValue('integer', null, 'postgres')).toBeNull();
  });
});

describe('prepareCustomOperation', () => {
  const pg = dialectFor('postgres');
  const my = dialectFor('mysql');

  function op(partial: Partial<CustomOperationModel>): CustomOperationModel {
    return {
      id: 'op',
      method: 'GET',
      path: '/op',
      datasource: 'ds',
      sql: 'SELECT 1',
      parameters: [],
      columnMap: {},
      description: null,
      ...partial,
    };
  }

  /** A pool that records statements and answers with canned results. */
  function fakePool(answer: (sql: string) => QueryResult = () => ({ rows: [], rowCount: 0 })) {
    const calls: Array<{ sql: string; params: readonly unknown[]; tx: boolean }> = [];
    let inTx = false;
    const pool: Pool = {
      query: async (sql, params = []) => {
        calls.push({ sql, params, tx: inTx });
        return answer(sql);
      },
      transaction: async (fn) => {
        inTx = true;
        try {
          return await fn(pool);
        } finally {
          inTx = false;
        }
      },
      close: async () => undefined,
      openConnections: 0,
    };
    return { pool, calls };
  }

  const req = (partial: Partial<EngineRequest> = {}): EngineRequest => ({
    method: 'GET',
    params: {},
    query: [],
    headers: {},
    body: undefined,
    naming: 'as-is',
    ...partial,
  });

  async function run(route: EngineRoute, dialect: Dialect, request: Partial<EngineRequest>, answer?: (sql: string) => QueryResult) {
    const { pool, calls } = fakePool(answer);
    const response = await route.runnable.run(req(request), { pool, dialect, maxRows: 100 });
    return { response, calls };
  }

  it('rejects undeclared placeholders and other problems at prepare, all at once', () => {
    expect(() => prepareCustomOperation(op({ sql: 'SELECT :a, :b, :a' }), pg)).toThrow(
      /placeholder ":a" has no declared parameter; placeholder ":b" has no declared parameter/,
    );
    expect(() =>
      prepareCustomOperation(
        op({
          sql: 'SELECT :x',
          parameters: [
            { name: 'x', in: 'path', type: 'integer', required: true },
            { name: 'y', in: 'body', type: 'string', required: false },
            { name: 'z', in: 'query', type: 'integer', required: false, default: 'abc' },
          ],
        }),
        pg,
      ),
    ).toThrow(/"x" is not in the path.*body parameter "y" on a GET.*default of parameter "z"/);
    expect(() => prepareCustomOperation(op({ sql: 'BEGIN; DELETE FROM t; COMMIT' }), pg)).toThrow(/transaction control/);
    expect(() => prepareCustomOperation(op({ sql: ' ; -- nothing' }), pg)).toThrow(/no statement/);
    expect(customOperationProblems(op({ sql: 'SELECT :a' }), pg)).toEqual(['placeholder ":a" has no declared parameter']);
    expect(customOperationProblems(op({ sql: 'SELECT 1' }), pg)).toEqual([]);
    const sqlite = dialectFor('sqlite');
    expect(() => prepareCustomOperation(op({ sql: 'SELECT $1' }), pg)).toThrow(/marker "\$1"/);
    expect(() => prepareCustomOperation(op({ sql: 'SELECT a FROM t WHERE b = ?' }), my)).toThrow(/marker "\?"/);
    expect(() => prepareCustomOperation(op({ sql: 'SELECT @x' }), sqlite)).toThrow(/marker "@x"/);
    // inside literals, or an operator on PostgreSQL, they are fine
    expect(() => prepareCustomOperation(op({ sql: "SELECT '?', '$1', data ? 'k' FROM t" }), pg)).not.toThrow();
    expect(() => prepareCustomOperation(op({ sql: "SELECT '?', `?`, @v := 1" }), my)).not.toThrow();
  });

  it('numbers PostgreSQL placeholders once per name and binds `?` once per occurrence', async () => {
    const parameters: CustomParameterModel[] = [
      { name: 'a', in: 'query', type: 'integer', required: true },
      { name: 'b', in: 'query', type: 'string', required: false },
    ];
    const sql = "SELECT :a, ':a', :b, :a::int";
    const onPg = await run(prepareCustomOperation(op({ sql, parameters }), pg), pg, { query: [['a', '7']] });
    expect(onPg.calls).toEqual([{ sql: "SELECT $1, ':a', $2, $1::int", params: [7, null], tx: false }]);
    const onMy = await run(prepareCustomOperation(op({ sql, parameters }), my), my, { query: [['a', '7'], ['b', 'x']] });
    expect(onMy.calls).toEqual([{ sql: "SELECT ?, ':a', ?, ?::int", params: [7, 'x', 7], tx: false }]);
  });

  it('runs writes and multiple statements in a transaction and sums affected rows', async () => {
    const route = prepareCustomOperation(
      op({
        method: 'POST',
        sql: 'UPDATE t SET a = :v; DELETE FROM u;',
        parameters: [{ name: 'v', in: 'body', type: 'integer', required: true }],
      }),
      pg,
    );
    const { response, calls } = await run(route, pg, { body: { v: 3 } }, () => ({ rows: [], rowCount: 2 }));
    expect(response).toEqual({ status: 200, body: { affected: 4 } });
    expect(calls).toEqual([
      { sql: 'UPDATE t SET a = $1', params: [3], tx: true },
      { sql: 'DELETE FROM u', params: [], tx: true },
    ]);
  });

  it('reads camelCase input under camel naming and renames output', async () => {
    const route = prepareCustomOperation(
      op({
        method: 'POST',
        sql: 'SELECT :first_name AS first_name, :min_ms AS min_ms',
        parameters: [
          { name: 'first_name', in: 'body', type: 'string', required: true },
          { name: 'min_ms', in: 'query', type: 'integer', required: false, default: 5 },
        ],
        columnMap: { min_ms: 'minimum_ms' },
      }),
      pg,
    );
    const answer = () => ({ rows: [{ first_name: 'A', min_ms: 1 }], rowCount: 1 });
    const camel = await run(route, pg, { body: { firstName: 'A' }, query: [['minMs', '1']], naming: 'camel' }, answer);
    expect(camel.calls[0]?.params).toEqual(['A', 1]);
    expect(camel.response.body).toEqual([{ firstName: 'A', minimumMs: 1 }]);
    const asIs = await run(route, pg, { body: { first_name: 'B', firstName: 'ignored' } }, answer);
    expect(asIs.calls[0]?.params).toEqual(['B', 5]);
    expect(asIs.response.body).toEqual([{ first_name: 'A', minimum_ms: 1 }]);
    // camelCase keys are not read without camel naming
    const err = await run(route, pg, { body: { firstName: 'A' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'missing_parameter' });
  });

  it('handles null, non-object bodies and undeclared inputs', async () => {
    const route = prepareCustomOperation(
      op({
        method: 'PATCH',
        sql: 'UPDATE t SET a = :a, b = :b',
        parameters: [
          { name: 'a', in: 'body', type: 'integer', required: false, default: 1 },
          { name: 'b', in: 'body', type: 'integer', required: true },
        ],
      }),
      my,
    );
    const nullA = await run(route, my, { body: { a: null, b: 2, extra: 'x' }, query: [['a', '9']] });
    expect(nullA.calls[0]?.params).toEqual([null, 2]);
    await expect(run(route, my, { body: { b: null } })).rejects.toMatchObject({ code: 'missing_parameter' });
    await expect(run(route, my, { body: [1, 2] })).rejects.toMatchObject({ status: 400, code: 'bad_request' });
    await expect(run(route, my, { body: { b: 'two' } })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_value',
      message: 'Invalid value for parameter "b" (body): expected an integer',
    });
  });

  it('turns database errors into classified AppErrors', async () => {
    const route = prepareCustomOperation(op({ sql: 'SELECT 1' }), pg);
    const err = await run(route, pg, {}, () => {
      throw Object.assign(new Error('duplicate key value violates unique constraint "k" Key (a)=(secret)'), {
        code: '23505',
        constraint: 'k',
      });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: 'unique_violation' });
    expect((err as Error).message).not.toContain('secret');
  });

  it('names the route and its summary', () => {
    const route = prepareCustomOperation(
      op({ id: 'tracks', path: '/album/{id}/tracks', description: 'Tracks of an album\nmore', sql: 'SELECT :id', parameters: [{ name: 'id', in: 'path', type: 'integer', required: true }] }),
      pg,
    );
    expect(route).toMatchObject({ method: 'GET', path: '/album/:id/tracks', datasource: 'ds', summary: 'Tracks of an album' });
  });
});
