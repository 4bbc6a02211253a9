/**
 * PostgreSQL fragments for statements built from a model: JSON with json_build_object / json_agg (to_json's
 * ISO dates), RETURNING, nextval, FOR UPDATE.
 */
import type { SqlFeatures, SqlValueType } from '../dialect.ts';
import { quoteWith } from '../quote.ts';

const quote = (name: string): string => quoteWith('"', name);

/**
 * A string literal. With a backslash in it, an E'' literal with the backslash doubled, so its meaning does not
 * depend on standard_conforming_strings.
 */
function literal(text: string): string {
  if (text.includes('\u0000')) throw new Error('A literal may not contain NUL characters.');
  const body = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

/** json_build_object takes at most 100 arguments: larger objects are merged from parts as jsonb. */
const MAX_PAIRS = 50;

function jsonObject(pairs: ReadonlyArray<readonly [string, string]>): string {
  const build = (part: ReadonlyArray<readonly [string, string]>): string =>
    `json_build_object(${part.map(([key, value]) => `${literal(key)}, ${value}`).join(', ')})`;
  if (pairs.length <= MAX_PAIRS) return build(pairs);
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += MAX_PAIRS) parts.push(`${build(pairs.slice(i, i + MAX_PAIRS))}::jsonb`);
  return `(${parts.join(' || ')})::json`;
}

function jsonValue(column: string, type: SqlValueType): string {
  // to_json writes timestamps as 2021-01-01T00:00:00[.ffffff] and dates as 2021-01-01 whatever DateStyle says.
  return type === 'date' ? `CAST(${column} AS date)` : column;
}

export const postgresSql: SqlFeatures = {
  literal,
  table: (schema, name) => (schema ? `${quote(schema)}.${quote(name)}` : quote(name)),
  jsonStatement: (sql) => sql,
  jsonObject,
  jsonValue,
  jsonNested: (expr) => expr,
  jsonArrayAgg: (value, orderBy) => `coalesce(json_agg(${value}${orderBy ? ` ORDER BY ${orderBy}` : ''}), '[]'::json)`,
  jsonText: (expr) => `(${expr})::text`,
  // PostgreSQL puts NULL last ascending; saying NULLS FIRST on a column without NULLs would only keep a
  // btree index from giving the order (a full sort of the table for every page).
  orderBy: (expr, direction, nullable) => {
    if (!nullable) return `${expr} ${direction === 'asc' ? 'ASC' : 'DESC'}`;
    return direction === 'asc' ? `${expr} ASC NULLS FIRST` : `${expr} DESC NULLS LAST`;
  },
  limitOffset: (limit, offset) => `LIMIT ${limit} OFFSET ${offset}`,
  forUpdate: ' FOR UPDATE',
  asText: (expr) => `CAST(${expr} AS text)`,
  comparable: (expr) => expr,
  insertReturning: true,
  lastInsertId: null,
  insert: (table, columns, values, returning) => {
    const into = columns.length === 0 ? `INSERT INTO ${table} DEFAULT VALUES` :
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`;
    return returning.length === 0 ? into : `${into} RETURNING ${returning.join(', ')}`;
  },
  nextSequenceValue: (name) => `nextval(${literal(name.split('.').map(quote).join('.'))})`,
  // Transaction start time, in microseconds, as a column DEFAULT CURRENT_TIMESTAMP would have it.
  currentTimestamp: 'CURRENT_TIMESTAMP',
};
