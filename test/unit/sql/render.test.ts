import { describe, expect, it, vi } from 'vitest';
import nunjucks from 'nunjucks';
import { compileSqlTemplate } from '../../../src/engines/sql/index.ts';
import { DIALECTS, expect400, mysqlDialect, one, postgresDialect, render, sqliteDialect } from './helpers.ts';

const HOSTILE = [
  "x' OR 1=1 --",
  'a\\b\\\'c',
  '/* comment */ SELECT',
  'Robert"); DROP TABLE students;--',
  '$1 ? :name $$ $tag$',
  'ünïcødé ✓ 日本語 🚀',
];

describe('binding', () => {
  it('turns every {{ expression }} into a placeholder, numbered per statement', () => {
    const s = one('SELECT * FROM album WHERE album_id = {{ id }} AND title = {{ title }}', { id: 3, title: 'x' });
    expect(s).toEqual({ sql: 'SELECT * FROM album WHERE album_id = $1 AND title = $2', values: [3, 'x'] });
  });

  it.each(DIALECTS)('uses the placeholders of $type', (dialect) => {
    const s = one('SELECT {{ a }}, {{ b }}', { a: 1, b: 2 }, { dialect });
    expect(s.sql).toBe(`SELECT ${dialect.placeholder(1)}, ${dialect.placeholder(2)}`);
    expect(s.values).toEqual([1, 2]);
  });

  it.each(HOSTILE)('never puts a value into the SQL text: %s', (value) => {
    for (const dialect of DIALECTS) {
      const s = one('SELECT * FROM t WHERE a = {{ v }} AND b = {{ v | sql_string }}', { v: value }, { dialect });
      expect(s.sql).not.toContain(value);
      expect(s.values).toEqual([value, value]);
    }
  });

  it('binds expressions, not only variables', () => {
    const s = one('SELECT {{ a + 1 }}, {{ "x" ~ b }}, {{ items[1] }}, {{ o.k }}', { a: 1, b: 'y', items: [5, 6], o: { k: 'v' } });
    expect(s).toEqual({ sql: 'SELECT $1, $2, $3, $4', values: [2, 'xy', 6, 'v'] });
  });

  it('binds NULL for an absent or null parameter', () => {
    expect(one('SELECT {{ missing }}, {{ nothing }}', { nothing: null }).values).toEqual([null, null]);
  });

  it('binds arrays and objects as values (the driver sends them as array / JSON)', () => {
    expect(one('SELECT {{ ids }}, {{ obj }}', { ids: [1, 2], obj: { a: 1 } }).values).toEqual([[1, 2], { a: 1 }]);
  });

  it('a value that looks like a marker is still just a value', () => {
    const s = one('SELECT {{ a }}, {{ b }}', { a: '\u0000P1\u0000', b: 'second' });
    expect(s.values).toEqual(['\u0000P1\u0000', 'second']);
    expect(s.sql).toBe('SELECT $1, $2');
  });

  it('keeps the literal text of the template as written', () => {
    const sql = "SELECT 'it''s', \"Col\", x::int, $$dollar {{ }}$$ FROM t -- comment\n";
    const s = one(`{% raw %}${sql}{% endraw %}`);
    expect(s.sql).toBe(sql.trim());
  });

  it('refuses a {{ }} inside a quoted string or a comment (it could not be a parameter there)', () => {
    expect400(() => render("SELECT '%{{ q }}%'", { q: 'a' }), 'template_error', /inside a quoted string or a comment/);
    expect400(() => render('SELECT 1 -- {{ q }}', { q: 'a' }));
    expect400(() => render('SELECT 1 /* {{ q }} */', { q: 'a' }));
    expect400(() => render('SELECT $$ {{ q }} $$', { q: 'a' }));
  });

  it("refuses the driver's own parameter markers in the template text", () => {
    expect400(() => render('SELECT $1'), 'template_error', /"\$1", the database driver's own parameter marker/);
    expect400(() => render('SELECT ?', {}, { dialect: mysqlDialect }), 'template_error', /"\?"/);
    expect400(() => render('SELECT :name', {}, { dialect: sqliteDialect }), 'template_error', /":name"/);
    // `?` is a jsonb operator on PostgreSQL, `$1` inside a string is text.
    expect(one(`SELECT '{"a":1}'::jsonb ? 'a', '$1'`).sql).toBe(`SELECT '{"a":1}'::jsonb ? 'a', '$1'`);
  });
});

describe('statements', () => {
  it('splits statements, numbering placeholders per statement and dropping empty ones', () => {
    const { statements } = render('SELECT {{ a }};\n;  -- only a comment\n; SELECT {{ b }}, {{ c }};', { a: 1, b: 2, c: 3 });
    expect(statements).toEqual([
      { sql: 'SELECT $1', values: [1] },
      { sql: 'SELECT $1, $2', values: [2, 3] },
    ]);
  });

  it('does not split at a ; inside quotes, dollar quotes or comments', () => {
    const { statements } = render("SELECT 'a;b', $$c;d$$ /* ; */ -- ;\n, {{ x }}; SELECT 2", { x: 1 });
    expect(statements.map((s) => s.sql)).toEqual(["SELECT 'a;b', $$c;d$$ /* ; */ -- ;\n, $1", 'SELECT 2']);
  });

  it('splits by the rules of the dialect (MySQL backslash escapes)', () => {
    const { statements } = render("SELECT 'a\\';b', {{ x }}; SELECT 2", { x: 1 }, { dialect: mysqlDialect });
    expect(statements.map((s) => s.sql)).toEqual(["SELECT 'a\\';b', ?", 'SELECT 2']);
  });

  it('refuses transaction control', () => {
    expect400(() => render('BEGIN; SELECT 1; COMMIT'), 'template_error', /transaction control \(BEGIN\)/);
  });

  it('refuses a template that renders no statement', () => {
    expect400(() => render('{% if false %}SELECT 1{% endif %}'), 'template_error', /no SQL statement/);
  });
});

describe('Jinja syntax', () => {
  it('{% if %}, {% elif %}, {% else %}', () => {
    const t = 'SELECT 1{% if a > 5 %} big{% elif a > 1 %} medium{% else %} small{% endif %}';
    expect(one(t, { a: 9 }).sql).toBe('SELECT 1 big');
    expect(one(t, { a: 3 }).sql).toBe('SELECT 1 medium');
    expect(one(t, { a: 0 }).sql).toBe('SELECT 1 small');
  });

  it('{% for %} with loop variables', () => {
    const s = one('INSERT INTO t (a) VALUES {% for v in vals %}({{ v }}){% if not loop.last %}, {% endif %}{% endfor %}', {
      vals: ['x', 'y', 'z'],
    });
    expect(s).toEqual({ sql: 'INSERT INTO t (a) VALUES ($1), ($2), ($3)', values: ['x', 'y', 'z'] });
  });

  it('{% for k, v in object %}', () => {
    const s = one('SELECT {% for k, v in o %}{{ v }}{% if not loop.last %}, {% endif %}{% endfor %}', { o: { a: 1, b: 2 } });
    expect(s).toEqual({ sql: 'SELECT $1, $2', values: [1, 2] });
  });

  it('Jinja {% set %} assignment still works', () => {
    expect(one('{% set limit = n * 2 %}SELECT 1 LIMIT {{ limit }}', { n: 5 })).toEqual({ sql: 'SELECT 1 LIMIT $1', values: [10] });
  });

  it('{% switch %} and inline if', () => {
    const t = "SELECT {% switch k %}{% case 'a' %}1{% default %}2{% endswitch %}, {{ 'y' if f else 'n' }}";
    expect(one(t, { k: 'a', f: true })).toEqual({ sql: 'SELECT 1, $1', values: ['y'] });
  });

  it('string and array methods from a short list, and builtin filters', () => {
    const s = one("SELECT {{ s.toUpperCase() }}, {{ s.split(',') | length }}, {{ xs.join('-') }}, {{ s | upper }}, {{ xs | first }}", {
      s: 'a,b',
      xs: [1, 2],
    });
    expect(s.values).toEqual(['A,B', 2, '1-2', 'A,B', 1]);
  });

  it('tests with is: none, defined, divisibleby', () => {
    const t = 'SELECT 1{% if a is none %} n{% endif %}{% if b is defined %} d{% endif %}{% if c is divisibleby(3) %} 3{% endif %}';
    expect(one(t, { a: null, b: 0, c: 9 }).sql).toBe('SELECT 1 n d 3');
    expect(one(t, { a: 1, c: 4 }).sql).toBe('SELECT 1');
  });

  it('{# comments #} and whitespace control', () => {
    expect(one('SELECT {# not sent #}1 {%- if true %} x{% endif -%}   ').sql).toBe('SELECT 1 x');
  });

  it('reports a syntax error with its position, at compile time', () => {
    const err = expect400(() => compileSqlTemplate({ content: 'SELECT 1\n{{ a + }}', macros: [] }), 'template_error');
    expect(err.message).toMatch(/^template, line 2, column \d+: /);
    expect400(() => compileSqlTemplate({ content: 'SELECT 1\n{% if a %}', macros: [] }), 'template_error', /^template: expected elif, else, or endif/);
    expect400(() => compileSqlTemplate({ content: '{{ a | no_such_filter }}', macros: [] }), 'template_error', /unknown filter "no_such_filter"/);
    expect400(() => compileSqlTemplate({ content: '{% if a is nonsense %}{% endif %}', macros: [] }), 'template_error', /unknown test "nonsense"/);
  });

  it('a runtime error is a 400 with the template line', () => {
    const err = expect400(() => render('SELECT 1\n{{ nothing() }}'), 'template_error', /Unable to call nothing/);
    expect(err.details).toMatchObject({ line: 2 });
  });
});

describe('macros', () => {
  const lib = {
    name: 'lib',
    content: `
{% macro eq(col, value) %}{{ col | sql_ident(['name', 'title']) }} = {{ value }}{% endmacro %}
{% macro page(size=10) %}LIMIT {{ size | sql_int }}{% endmacro %}`,
  };

  it('calls published macros directly, and their {{ }} output still binds', () => {
    const s = one("SELECT * FROM album WHERE {{ eq('title', t) }} {{ page(5) }}", { t: "x' --" }, { macros: [lib] });
    expect(s).toEqual({ sql: 'SELECT * FROM album WHERE "title" = $1 LIMIT $2', values: ["x' --", 5] });
  });

  it('macros defined in the template itself, keyword arguments and {% call %}', () => {
    const t = `{% macro wrap(kind) %}{{ kind | sql_ident(['t']) }}.x IN (SELECT x FROM u WHERE {{ caller() }}){% endmacro %}
SELECT * FROM t WHERE {% call wrap('t') %}a = {{ a }} OR b = {{ b }}{% endcall %} {{ page(size=3) }}`;
    const s = one(t, { a: 1, b: "'" }, { macros: [lib] });
    expect(s).toEqual({ sql: 'SELECT * FROM t WHERE "t".x IN (SELECT x FROM u WHERE a = $1 OR b = $2) LIMIT $3', values: [1, "'", 3] });
  });

  it('macro output can be kept in a variable, tested and measured', () => {
    const t = "{% macro cond(v) %}{% if v %}a = {{ v }}{% endif %}{% endmacro %}{% set c = cond(x) %}SELECT 1{% if c | length %} WHERE {{ c }}{% endif %}";
    expect(one(t, { x: 5 })).toEqual({ sql: 'SELECT 1 WHERE a = $1', values: [5] });
    expect(one(t, {})).toEqual({ sql: 'SELECT 1', values: [] });
  });

  it('macro sources may hold only macro definitions', () => {
    expect400(
      () => compileSqlTemplate({ content: 'SELECT 1', macros: [{ name: 'bad', content: 'DROP TABLE x; {% macro a() %}{% endmacro %}' }] }),
      'template_error',
      /macro "bad".*only \{% macro %\}/,
    );
  });

  it('refuses a macro defined by two sources', () => {
    const a = { name: 'a', content: '{% macro m() %}1{% endmacro %}' };
    const b = { name: 'b', content: '{% macro m() %}2{% endmacro %}' };
    expect400(() => compileSqlTemplate({ content: 'SELECT {{ m() }}', macros: [a, b] }), 'template_error', /defined twice/);
  });

  it('a syntax error in a macro source names the macro', () => {
    expect400(() => compileSqlTemplate({ content: 'SELECT 1', macros: [{ name: 'broken', content: '{% macro a( %}' }] }), 'template_error', /^macro "broken"/);
  });
});

describe('compile once', () => {
  it('parses and compiles once; renders reuse the compiled function', () => {
    const internals = nunjucks as unknown as { parser: { parse: (...a: unknown[]) => unknown } };
    const parse = vi.spyOn(internals.parser, 'parse');
    const compiled = compileSqlTemplate({
      content: 'SELECT * FROM t {% where %}{% if a %}a = {{ a }}{% endif %}\n{% if b %}b = {{ b }}{% endif %}{% endwhere %}',
      macros: [{ name: 'lib', content: '{% macro m() %}1{% endmacro %}' }],
    });
    const parsed = parse.mock.calls.length;
    expect(parsed).toBe(2);
    const started = performance.now();
    for (let i = 1; i <= 2000; i += 1) {
      const { statements } = compiled.render({ a: i, b: i % 2 ? 'x' : null }, postgresDialect);
      expect(statements[0]?.values).toEqual(i % 2 ? [i, 'x'] : [i]);
    }
    expect(parse.mock.calls.length).toBe(parsed);
    // Rendering is cheap: far below a millisecond each.
    expect((performance.now() - started) / 2000).toBeLessThan(1);
    parse.mockRestore();
  });

  it('renders are independent (no values leak between renders)', () => {
    const compiled = compileSqlTemplate({ content: 'SELECT {{ a }}', macros: [] });
    expect(compiled.render({ a: 1 }, postgresDialect).statements[0]?.values).toEqual([1]);
    expect(compiled.render({}, postgresDialect).statements[0]?.values).toEqual([null]);
  });
});
