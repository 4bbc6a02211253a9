import { describe, expect, it } from 'vitest';
import { DIALECTS, expect400, mysqlDialect, one, postgresDialect, render, sqliteDialect } from './helpers.ts';

/** Renders `{{ v | <filter> }}` and returns the bound values. */
const bound = (filter: string, v: unknown, dialect = postgresDialect) => one(`SELECT {{ v | ${filter} }}`, { v }, { dialect });

describe('value filters validate and bind', () => {
  it.each([
    ['sql_string', 'abc', 'abc'],
    ['sql_string', 12, '12'],
    ['sql_string', true, 'true'],
    ['sql_int', 42, 42],
    ['sql_int', ' -7 ', -7],
    ['sql_int', '12345678901234567890', '12345678901234567890'],
    ['sql_float', 1.5, 1.5],
    ['sql_float', '2.5e3', 2500],
    ['sql_float', '.5', 0.5],
    ['sql_bool', true, true],
    ['sql_bool', 'yes', true],
    ['sql_bool', '0', false],
    ['sql_bool', 'FALSE', false],
    ['sql_bool', 1, true],
    ['sql_date', '2024-02-29', '2024-02-29'],
    ['sql_datetime', '2024-01-02T03:04:05', '2024-01-02 03:04:05'],
    ['sql_datetime', '2024-01-02 03:04', '2024-01-02 03:04:00'],
    ['sql_datetime', '2024-01-02T03:04:05.123456Z', '2024-01-02 03:04:05.123456+00:00'],
    ['sql_datetime', '2024-01-02T03:04:05-05:30', '2024-01-02 03:04:05-05:30'],
  ])('%s(%j) binds %j', (filter, input, expected) => {
    const s = bound(filter, input);
    expect(s).toEqual({ sql: 'SELECT $1', values: [expected] });
  });

  it.each([null, undefined])('binds NULL for %s', (v) => {
    for (const filter of ['sql_string', 'sql_int', 'sql_float', 'sql_bool', 'sql_date', 'sql_datetime']) {
      expect(one(`SELECT {{ v | ${filter} }}`, v === undefined ? {} : { v }).values).toEqual([null]);
    }
  });

  it.each([
    ['sql_string', { a: 1 }, /is not a string/],
    ['sql_string', [1], /is not a string/],
    ['sql_int', 'abc', /"abc" is not an integer/],
    ['sql_int', 1.5, /1.5 is not an integer/],
    ['sql_int', '1 OR 1=1', /is not an integer/],
    ['sql_int', true, /is not an integer/],
    ['sql_float', 'NaN', /is not a number/],
    ['sql_float', '1e400', /is not a number/],
    ['sql_float', '1;', /is not a number/],
    ['sql_bool', 'maybe', /is not a boolean/],
    ['sql_bool', 2, /is not a boolean/],
    ['sql_date', '2023-02-29', /is not a date/],
    ['sql_date', '2024-13-01', /is not a date/],
    ['sql_date', "2024-01-01' OR '1", /is not a date/],
    ['sql_datetime', '2024-01-02T25:00', /is not a valid date-time/],
    ['sql_datetime', 'yesterday', /is not a date-time/],
  ])('%s rejects %j with 400 invalid_parameter naming the filter', (filter, v, message) => {
    const err = expect400(() => bound(filter, v), 'invalid_parameter', message);
    expect(err.message).toMatch(new RegExp(`^Filter ${filter}: `));
    expect(err.details).toMatchObject({ filter });
  });

  it('sql_datetime with an offset is converted to UTC on MySQL and SQLite (DATETIME has no zone)', () => {
    for (const dialect of [mysqlDialect, sqliteDialect]) {
      expect(bound('sql_datetime', '2024-01-01T01:30:00+02:00', dialect).values).toEqual(['2023-12-31 23:30:00']);
      expect(bound('sql_datetime', '2024-01-01T01:30:00.25Z', dialect).values).toEqual(['2024-01-01 01:30:00.25']);
    }
  });

  it('json binds JSON text; fromjson parses for template logic', () => {
    expect(bound('json', { a: [1, 'x'] }).values).toEqual(['{"a":[1,"x"]}']);
    expect(bound('json', "it's").values).toEqual(['"it\'s"']);
    const s = one('{% set f = raw | fromjson %}SELECT {{ f.name }}{% for id in f.ids %}, {{ id }}{% endfor %}', {
      raw: '{"name": "x", "ids": [1, 2]}',
    });
    expect(s).toEqual({ sql: 'SELECT $1, $2, $3', values: ['x', 1, 2] });
    expect400(() => bound('fromjson', '{bad'), 'invalid_parameter', /Filter fromjson: .* is not valid JSON/);
  });

  it('a SQL fragment cannot be passed as a value', () => {
    expect400(() => one('SELECT {{ v | sql_int | sql_string }}', { v: 1 }), 'template_error', /cannot be used as a value/);
  });
});

describe('in_list', () => {
  it.each(DIALECTS)('expands to a placeholder list on $type', (dialect) => {
    const s = one('SELECT 1 WHERE id IN {{ ids | in_list }}', { ids: [1, 'two', null] }, { dialect });
    const p = (n: number) => dialect.placeholder(n);
    expect(s).toEqual({ sql: `SELECT 1 WHERE id IN (${p(1)}, ${p(2)}, ${p(3)})`, values: [1, 'two', null] });
  });

  it('an empty list is a condition that is never true', () => {
    expect(one('SELECT 1 WHERE id IN {{ ids | in_list }}', { ids: [] })).toEqual({ sql: 'SELECT 1 WHERE id IN (NULL)', values: [] });
    expect(one('SELECT 1 WHERE id IN {{ ids | sql_in_list }}', {}).sql).toBe('SELECT 1 WHERE id IN (NULL)');
  });

  it('takes a comma-separated string and converts items by kind', () => {
    expect(one("SELECT {{ ids | in_list('int') }}", { ids: '1, 2,3' }).values).toEqual([1, 2, 3]);
    expect(one('SELECT {{ ids | in_list }}', { ids: 'a,b' }).values).toEqual(['a', 'b']);
    expect400(() => one("SELECT {{ ids | in_list('int') }}", { ids: ['1', 'x'] }), 'invalid_parameter', /Filter in_list: "x" is not an integer/);
    expect400(() => one("SELECT {{ ids | in_list('nope') }}", { ids: [1] }), 'template_error', /item kind/);
  });

  it('rejects nested values and objects', () => {
    expect400(() => one('SELECT {{ ids | in_list }}', { ids: [[1]] }), 'invalid_parameter', /Filter in_list/);
    expect400(() => one('SELECT {{ ids | in_list }}', { ids: { a: 1 } }), 'invalid_parameter', /is not a list/);
  });
});

describe('LIKE filters', () => {
  it.each([
    ['sql_like', 'abc', '%abc%'],
    ['sql_like_start', 'abc', 'abc%'],
    ['sql_like_end', 'abc', '%abc'],
    ['sql_like', '50%_off!', '%50!%!_off!!%'],
    ['sql_like', 'a\\b', '%a\\b%'],
  ])('%s(%j) binds %j with an ESCAPE clause', (filter, input, pattern) => {
    for (const dialect of DIALECTS) {
      const s = one(`SELECT 1 WHERE name LIKE {{ q | ${filter} }}`, { q: input }, { dialect });
      expect(s).toEqual({ sql: `SELECT 1 WHERE name LIKE ${dialect.placeholder(1)} ESCAPE '!'`, values: [pattern] });
    }
  });

  it('rejects objects', () => {
    expect400(() => one('SELECT {{ q | sql_like }}', { q: { a: 1 } }), 'invalid_parameter', /Filter sql_like/);
  });
});

describe('compare', () => {
  it.each([
    ['=', '='], ['!=', '!='], ['<>', '<>'], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>='],
    ['gt', '>'], ['LE', '<='], ['ne', '<>'],
  ])('emits the whitelisted operator %j as %j', (op, sql) => {
    expect(one('SELECT 1 WHERE total {{ op | compare }} {{ v }}', { op, v: 5 })).toEqual({
      sql: `SELECT 1 WHERE total ${sql} $1`,
      values: [5],
    });
  });

  it.each(['; DROP TABLE x', '= 1 OR 1 =', 'LIKE', '', 1, null, ['=']])('rejects %j', (op) => {
    expect400(() => one('SELECT 1 WHERE a {{ op | compare }} 1', { op }), 'invalid_parameter', /Filter compare: .* is not a comparison operator/);
  });

  it('with an operator argument: operator and bound value', () => {
    expect(one("SELECT 1 WHERE total {{ v | compare('>=') }}", { v: "3' OR '1" })).toEqual({ sql: 'SELECT 1 WHERE total >= $1', values: ["3' OR '1"] });
    expect(one('SELECT 1 WHERE total {{ v | compare(op) }}', { v: 3, op: 'lt' }).sql).toBe('SELECT 1 WHERE total < $1');
    expect400(() => one('SELECT 1 WHERE total {{ v | compare(op) }}', { v: 3, op: 'x' }), 'invalid_parameter');
  });
});

describe('sql_ident', () => {
  it.each(DIALECTS)('quotes an allowed identifier with the quoting of $type', (dialect) => {
    const s = one("SELECT {{ col | sql_ident(['name', 'total']) }} FROM t", { col: 'total' }, { dialect });
    expect(s).toEqual({ sql: `SELECT ${dialect.quoteIdent('total')} FROM t`, values: [] });
  });

  it('without an allow-list, checks against the data source tables given to render', () => {
    const tables = new Set(['album', 'public.track']);
    expect(one('SELECT * FROM {{ t | sql_ident }}', { t: 'album' }, { tables }).sql).toBe('SELECT * FROM "album"');
    expect(one('SELECT * FROM {{ t | sql_ident }}', { t: 'public.track' }, { tables }).sql).toBe('SELECT * FROM "public"."track"');
    expect400(() => one('SELECT * FROM {{ t | sql_ident }}', { t: 'employee' }, { tables }), 'invalid_parameter', /not a table of this data source/);
    expect400(() => one('SELECT * FROM {{ t | sql_ident }}', { t: 'album' }), 'template_error', /allow-list/);
  });

  it('a list of names gives a column list', () => {
    expect(one("SELECT 1 ORDER BY {{ cols | sql_ident(['a', 'b']) }}", { cols: ['b', 'a'] }).sql).toBe('SELECT 1 ORDER BY "b", "a"');
  });

  it.each(['x', 'name"; DROP TABLE t; --', 'NAME', '', 1, null, ['name', 'x']])('rejects %j', (col) => {
    expect400(() => one("SELECT {{ col | sql_ident(['name', 'total']) }}", { col }), 'invalid_parameter', /Filter sql_ident: .* is not /);
  });

  it('quotes even an allowed name that needs it', () => {
    expect(one(`SELECT {{ c | sql_ident(['we"ird']) }}`, { c: 'we"ird' }).sql).toBe('SELECT "we""ird"');
    expect(one(`SELECT {{ c | sql_ident(['we\`ird']) }}`, { c: 'we`ird' }, { dialect: mysqlDialect }).sql).toBe('SELECT `we``ird`');
  });

  it('a bad allow-list is a template error', () => {
    expect400(() => one("SELECT {{ c | sql_ident('name') }}", { c: 'name' }), 'template_error', /allow-list must be a list/);
  });
});

describe('builtin filters', () => {
  it('keeps the usual ones for template logic', () => {
    const s = one("SELECT {{ xs | join(',') }}, {{ xs | length }}, {{ name | default('anon') }}, {{ n | int }}, {{ xs | sort | reverse | first }}", {
      xs: [2, 3, 1],
      n: '7',
    });
    expect(s.values).toEqual(['2,3,1', 3, 'anon', 7, 3]);
  });

  it('refuses the HTML and safe-marking ones', () => {
    for (const name of ['safe', 'escape', 'e', 'forceescape', 'urlize', 'striptags', 'nl2br', 'indent', 'center', 'slice']) {
      expect400(() => render(`SELECT {{ x | ${name} }}`, { x: 'a' }), 'template_error', /unknown filter/);
    }
  });

  it('a builtin filter cannot rewrite SQL text', () => {
    expect400(() => one("SELECT {{ c | sql_ident(['a']) | replace('\"', '') }}", { c: 'a' }), 'template_error', /cannot change SQL text/);
  });

  it("a builtin filter's result is bound, never text", () => {
    const s = one("SELECT {{ v | replace('x', \"' OR 1=1 --\") }}", { v: 'x' });
    expect(s).toEqual({ sql: 'SELECT $1', values: ["' OR 1=1 --"] });
  });
});
