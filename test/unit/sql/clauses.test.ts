import { describe, expect, it } from 'vitest';
import { expect400, mysqlDialect, one } from './helpers.ts';

const WHERE = `SELECT * FROM invoice
{% where %}
  {% if customer %}AND customer_id = {{ customer }}{% endif %}
  {% if country %}
    AND billing_country = {{ country }}
  {% endif %}
  {% if min %}AND total >= {{ min }}{% endif %}
{% endwhere %}
ORDER BY invoice_id`;

describe('{% where %}', () => {
  it('renders nothing when no condition is present', () => {
    expect(one(WHERE, {})).toEqual({ sql: 'SELECT * FROM invoice\n\nORDER BY invoice_id', values: [] });
  });

  it('one condition: WHERE without the leading AND', () => {
    expect(one(WHERE, { country: 'USA' })).toEqual({
      sql: 'SELECT * FROM invoice\nWHERE billing_country = $1\nORDER BY invoice_id',
      values: ['USA'],
    });
  });

  it('several conditions joined with AND', () => {
    expect(one(WHERE, { customer: 1, country: 'USA', min: 5 })).toEqual({
      sql: 'SELECT * FROM invoice\nWHERE customer_id = $1 AND billing_country = $2 AND total >= $3\nORDER BY invoice_id',
      values: [1, 'USA', 5],
    });
  });

  it("never rewrites AND/OR inside string literals, quoted identifiers or comments", () => {
    const t = `SELECT 1 {% where %}
      AND note = ' and ' AND "AND" = 1
      OR  title = 'OR' -- AND
      {% if x %}AND x = {{ x }}{% endif %}
    {% endwhere %}`;
    const s = one(t, { x: 1 });
    expect(s.sql).toBe(`SELECT 1 WHERE note = ' and ' AND "AND" = 1 AND title = 'OR' -- AND\n AND x = $1`);
  });

  it('strips a leading OR and a trailing AND structurally, and keeps words that only start with them', () => {
    const t = `SELECT 1 {% where %}
      OR a = 1 AND
      ORDER_NO = 2
      ANDROID = {{ v }}
    {% endwhere %}`;
    expect(one(t, { v: 'x' }).sql).toBe('SELECT 1 WHERE a = 1 AND ORDER_NO = 2 AND ANDROID = $1');
  });

  it("parenthesises a condition with a top-level OR when it is joined with AND", () => {
    const t = `SELECT 1 {% where %}
      a = 1 OR b = 2
      (c = 3 OR d = 4)
      e = 5
    {% endwhere %}`;
    expect(one(t).sql).toBe('SELECT 1 WHERE (a = 1 OR b = 2) AND (c = 3 OR d = 4) AND e = 5');
  });

  it("{% where 'OR' %} joins with OR", () => {
    const t = `SELECT 1 {% where 'OR' %}
      {% if a %}OR a = {{ a }}{% endif %}
      {% if b %}OR b = {{ b }}{% endif %}
    {% endwhere %}`;
    expect(one(t, { a: 1, b: 2 })).toEqual({ sql: 'SELECT 1 WHERE a = $1 OR b = $2', values: [1, 2] });
    expect(one(t, { b: 2 }).sql).toBe('SELECT 1 WHERE b = $1');
  });

  it('a {% for %} block is one condition; a line that is only a comment is dropped', () => {
    const t = `SELECT 1 {% where %}
      -- filters from the request
      {% for f in filters %}AND {{ f.col | sql_ident(['a', 'b']) }} = {{ f.value }} {% endfor %}
      /* always */ c = 1
    {% endwhere %}`;
    const s = one(t, { filters: [{ col: 'a', value: 1 }, { col: 'b', value: 2 }] });
    expect(s).toEqual({ sql: 'SELECT 1 WHERE "a" = $1 AND "b" = $2 AND /* always */ c = 1', values: [1, 2] });
  });

  it('ends a condition with a line comment with a line break (the comment cannot swallow the next one)', () => {
    const t = `SELECT 1 {% where %}
      a = 1 -- first
      b = '--' -- second
    {% endwhere %} ORDER BY 1`;
    expect(one(t).sql).toBe("SELECT 1 WHERE a = 1 -- first\n AND b = '--' -- second\n ORDER BY 1");
  });

  it('works with the scanner rules of the dialect (MySQL # comments, backslash escapes)', () => {
    const t = `SELECT 1 {% where %}
      AND note = 'it\\'s AND' # AND
      {% if x %}AND x = {{ x }}{% endif %}
    {% endwhere %}`;
    expect(one(t, { x: 1 }, { dialect: mysqlDialect }).sql).toBe("SELECT 1 WHERE note = 'it\\'s AND' # AND\n AND x = ?");
  });

  it('works inside a macro', () => {
    const macros = [{ name: 'lib', content: '{% macro filter(a) %}{% where %}\n{% if a %}a = {{ a }}{% endif %}\nb = 1\n{% endwhere %}{% endmacro %}' }];
    expect(one('SELECT 1 {{ filter(7) }}', {}, { macros })).toEqual({ sql: 'SELECT 1 WHERE a = $1 AND b = 1', values: [7] });
  });

  it('refuses a ; inside the block and bad arguments', () => {
    expect400(() => one('SELECT 1 {% where %}\na = 1; DROP TABLE t\n{% endwhere %}'), 'template_error', /";" inside \{% where %\}/);
    expect400(() => one("SELECT 1 {% where 'XOR' %}a = 1{% endwhere %}"), 'template_error', /'AND' \(the default\) or 'OR'/);
  });
});

const UPDATE = `UPDATE customer
{% set_clause %}
  {% if first_name %}first_name = {{ first_name }},{% endif %}
  {% if city is defined %}city = {{ city }},{% endif %}
  {% if email %}email = {{ email }}{% endif %}
{% endset_clause %}
WHERE customer_id = {{ id }}`;

describe('{% set_clause %}', () => {
  it('joins the assignments present with commas, dropping trailing commas', () => {
    expect(one(UPDATE, { id: 1, first_name: 'A', city: null, email: 'a@b' })).toEqual({
      sql: 'UPDATE customer\nSET first_name = $1, city = $2, email = $3\nWHERE customer_id = $4',
      values: ['A', null, 'a@b', 1],
    });
    expect(one(UPDATE, { id: 1, first_name: 'A' }).sql).toBe('UPDATE customer\nSET first_name = $1\nWHERE customer_id = $2');
  });

  it('keeps commas inside literals and function calls', () => {
    const t = "UPDATE t {% set_clause %}\na = concat(',', {{ x }}),\nb = ','\n{% endset_clause %}";
    expect(one(t, { x: 1 }).sql).toBe("UPDATE t SET a = concat(',', $1), b = ','");
  });

  it('refuses an UPDATE with nothing to set: 400 nothing_to_update', () => {
    expect400(() => one(UPDATE, { id: 1 }), 'nothing_to_update', /Nothing to update/);
  });

  it("leaves Jinja's own {% set %} working beside it", () => {
    const t = "{% set col_value = name | upper %}UPDATE t {% set_clause %}\nname = {{ col_value }}\n{% endset_clause %}";
    expect(one(t, { name: 'x' })).toEqual({ sql: 'UPDATE t SET name = $1', values: ['X'] });
  });
});
