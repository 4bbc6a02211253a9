/**
 * SQLite fragments for statements built from a model: JSON with json_object / json_group_array (needs SQLite
 * ≥ 3.44 for ORDER BY inside the aggregate; better-sqlite3 bundles a newer one), RETURNING, no sequences.
 *
 * SQLite keeps dates as text in whatever form was written ('2021-01-01', '2021-01-01 10:00:00.123'), so
 * dates are rendered and compared through its date functions, which keep milliseconds at most.
 */
import type { SqlFeatures, SqlValueType } from '../dialect.ts';
import { quoteWith } from '../quote.ts';

const quote = (name: string): string => quoteWith('"', name);

function literal(text: string): string {
  if (text.includes('\u0000')) throw new Error('A literal may not contain NUL characters.');
  return `'${text.replaceAll("'", "''")}'`;
}

/** Below the default SQLITE_MAX_FUNCTION_ARG of older builds (127): bigger objects get the rest by json_set. */
const MAX_PAIRS = 60;

function jsonObject(pairs: ReadonlyArray<readonly [string, string]>): string {
  const first = pairs.slice(0, MAX_PAIRS);
  let sql = `json_object(${first.map(([key, value]) => `${literal(key)}, ${value}`).join(', ')})`;
  for (let i = MAX_PAIRS; i < pairs.length; i += MAX_PAIRS) {
    const part = pairs.slice(i, i + MAX_PAIRS);
    const path = (key: string): string => literal(`$."${key.replaceAll('"', '\\"')}"`);
    sql = `json_set(${sql}, ${part.map(([key, value]) => `${path(key)}, ${value}`).join(', ')})`;
  }
  return sql;
}

function jsonValue(column: string, type: SqlValueType): string {
  switch (type) {
    case 'date':
      return `date(${column})`;
    case 'date-time':
      // As PostgreSQL's to_json: seconds always, milliseconds only when not zero and without trailing zeros.
      return `CASE WHEN substr(strftime('%f', ${column}), 4) = '000' THEN strftime('%Y-%m-%dT%H:%M:%S', ${column}) ` +
        `ELSE rtrim(strftime('%Y-%m-%dT%H:%M:%f', ${column}), '0') END`;
    case 'boolean':
      return `json(CASE WHEN ${column} THEN 'true' WHEN NOT ${column} THEN 'false' END)`;
    default:
      return column;
  }
}

function comparable(expr: string, type: SqlValueType): string {
  if (type === 'date') return `date(${expr})`;
  if (type === 'date-time') return `strftime('%Y-%m-%d %H:%M:%f', ${expr})`;
  return expr;
}

export const sqliteSql: SqlFeatures = {
  literal,
  // An attached database plays the part of a schema.
  table: (schema, name) => (schema ? `${quote(schema)}.${quote(name)}` : quote(name)),
  jsonStatement: (sql) => sql,
  jsonObject,
  jsonValue,
  // JSON text loses its JSON mark when it leaves a subquery: json() restores it, so it is not embedded as a string.
  jsonNested: (expr) => `json(${expr})`,
  jsonArrayAgg: (value, orderBy) =>
    `coalesce(json_group_array(${value}${orderBy ? ` ORDER BY ${orderBy}` : ''}), json_array())`,
  jsonText: (expr) => expr,
  // SQLite orders NULL first ascending and last descending already.
  orderBy: (expr, direction) => `${expr} ${direction === 'asc' ? 'ASC' : 'DESC'}`,
  limitOffset: (limit, offset) => `LIMIT ${limit} OFFSET ${offset}`,
  // One connection, one writer: a transaction's rows cannot change under it.
  forUpdate: '',
  asText: (expr) => `CAST(${expr} AS TEXT)`,
  comparable,
  insertReturning: true,
  lastInsertId: null,
  insert: (table, columns, values, returning) => {
    const into = columns.length === 0 ? `INSERT INTO ${table} DEFAULT VALUES` :
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})`;
    return returning.length === 0 ? into : `${into} RETURNING ${returning.join(', ')}`;
  },
  // No sequences in SQLite: a `sequence` key is generated like an `auto` one (INTEGER PRIMARY KEY).
  nextSequenceValue: () => null,
  currentTimestamp: "strftime('%Y-%m-%d %H:%M:%f', 'now')",
};
