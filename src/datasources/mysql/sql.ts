/**
 * MySQL / MariaDB fragments for statements built from a model: JSON with JSON_OBJECT / JSON_ARRAYAGG, no
 * RETURNING (LAST_INSERT_ID instead), MariaDB sequences (NEXT VALUE FOR), FOR UPDATE.
 *
 * Written for MariaDB ≥ 10.5, the server this project tests on: it needs ORDER BY inside JSON_ARRAYAGG and
 * `SET STATEMENT`, which MySQL 8 lacks (MySQL would need the rows ordered another way, e.g. ROW_NUMBER).
 */
import type { SqlFeatures, SqlValueType } from '../dialect.ts';
import { quoteWith } from '../quote.ts';

const quote = (name: string): string => quoteWith('`', name);

/** A string literal; backslash is an escape character in MySQL literals (unless NO_BACKSLASH_ESCAPES), so it is doubled. */
function literal(text: string): string {
  if (text.includes('\u0000')) throw new Error('A literal may not contain NUL characters.');
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

const ISO_SECONDS = "'%Y-%m-%dT%H:%i:%s'";
const ISO_MICROS = "'%Y-%m-%dT%H:%i:%s.%f'";

function jsonValue(column: string, type: SqlValueType): string {
  switch (type) {
    case 'date':
      return `DATE_FORMAT(${column}, '%Y-%m-%d')`;
    case 'date-time':
      // As PostgreSQL's to_json: seconds always, the fraction only when not zero and without trailing zeros.
      return `CASE WHEN MICROSECOND(${column}) = 0 THEN DATE_FORMAT(${column}, ${ISO_SECONDS}) ` +
        `ELSE TRIM(TRAILING '0' FROM DATE_FORMAT(${column}, ${ISO_MICROS})) END`;
    case 'boolean':
      // TINYINT(1) would be a number; JSON_EXTRACT of the text 'true' is a JSON boolean inside JSON_OBJECT.
      return `JSON_EXTRACT(CASE WHEN ${column} THEN 'true' WHEN NOT ${column} THEN 'false' END, '$')`;
    case 'string':
      // MariaDB sizes JSON_OBJECT's result from its arguments' declared lengths, and JSON_ARRAYAGG and derived
      // tables cut values to that size: a short column full of characters escaped as \u00XX overflows it.
      // A long declared length makes MariaDB keep the value as a blob, which is never cut.
      return `COALESCE(${column}, CAST(NULL AS CHAR(1000)))`;
    default:
      return column;
  }
}

function jsonObject(pairs: ReadonlyArray<readonly [string, string]>): string {
  // JSON_OBJECT() has a declared length of 0, and MariaDB aggregates it as '' (an invalid array `[,]`).
  if (pairs.length === 0) return `JSON_EXTRACT('{}', '$')`;
  return `JSON_OBJECT(${pairs.map(([key, value]) => `${literal(key)}, ${value}`).join(', ')})`;
}

export const mysqlSql: SqlFeatures = {
  literal,
  table: (schema, name) => (schema ? `${quote(schema)}.${quote(name)}` : quote(name)),
  // MariaDB builds JSON_ARRAYAGG with GROUP_CONCAT: without this, results beyond 1 MB are cut off.
  jsonStatement: (sql) => `SET STATEMENT group_concat_max_len = 4294967295 FOR ${sql}`,
  jsonObject,
  jsonValue,
  // MariaDB 10.11 keeps the JSON mark through scalar subqueries and derived tables (tested).
  jsonNested: (expr) => expr,
  jsonArrayAgg: (value, orderBy) =>
    `COALESCE(JSON_ARRAYAGG(${value}${orderBy ? ` ORDER BY ${orderBy}` : ''}), JSON_ARRAY())`,
  // The result has the JSON type, which mysql2 would parse: as CHAR it stays text.
  jsonText: (expr) => `CAST(${expr} AS CHAR)`,
  // MySQL orders NULL first ascending and last descending already.
  orderBy: (expr, direction) => `${expr} ${direction === 'asc' ? 'ASC' : 'DESC'}`,
  limitOffset: (limit, offset) => `LIMIT ${limit} OFFSET ${offset}`,
  forUpdate: ' FOR UPDATE',
  asText: (expr) => `CAST(${expr} AS CHAR)`,
  comparable: (expr) => expr,
  insertReturning: false,
  lastInsertId: 'SELECT LAST_INSERT_ID() AS id',
  insert: (table, columns, values) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`,
  nextSequenceValue: (name) => `NEXT VALUE FOR ${name.split('.').map(quote).join('.')}`,
  currentTimestamp: 'CURRENT_TIMESTAMP(6)',
};
