/**
 * Reads one PostgreSQL schema from pg_catalog. Length, precision and scale come from information_schema's
 * own helper functions, so they agree with information_schema.columns (domains included).
 */
import type { ColumnInfo, Pool, SchemaInfo } from '../dialect.ts';
import { assembleSchema, type ColumnRow, type KeyRow, type TableRow } from '../schema-builder.ts';

const TABLES = `
SELECT c.relname AS table_name,
       CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
ORDER BY c.relname`;

const COLUMNS = `
SELECT c.relname AS table_name, a.attname AS name,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, NULL) ELSE format_type(a.atttypid, NULL) END AS data_type,
       NOT a.attnotnull AS nullable,
       information_schema._pg_char_max_length(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS max_length,
       information_schema._pg_numeric_precision(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS numeric_precision,
       information_schema._pg_numeric_scale(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS numeric_scale,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default_value,
       a.attidentity IN ('a', 'd') AS is_identity,
       col_description(c.oid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`;

const PRIMARY_KEYS = `
SELECT c.relname AS table_name, con.conname AS constraint_name, a.attname AS column_name,
       NULL::text AS referenced_schema, NULL::text AS referenced_table, NULL::text AS referenced_column
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
WHERE con.contype = 'p' AND n.nspname = $1
ORDER BY c.relname, k.ord`;

const FOREIGN_KEYS = `
SELECT c.relname AS table_name, con.conname AS constraint_name, a.attname AS column_name,
       rn.nspname AS referenced_schema, rc.relname AS referenced_table, ra.attname AS referenced_column
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum
WHERE con.contype = 'f' AND n.nspname = $1
ORDER BY c.relname, con.conname, k.ord`;

const SEQUENCES = `
SELECT c.relname AS name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'S'
ORDER BY c.relname`;

const UUID_DEFAULT = /\b(gen_random_uuid|uuid_generate_v[14](mc)?|uuidv[47])\s*\(/i;

/** The sequence in `nextval('album_id_seq'::regclass)`, without quotes or schema. */
export function sequenceFromDefault(expr: string | null): string | null {
  const literal = expr ? /^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$/.exec(expr)?.[1] : undefined;
  if (!literal) return null;
  const parts = literal.replaceAll("''", "'").match(/"(?:[^"]|"")+"|[^.]+/g) ?? [];
  const last = parts[parts.length - 1] ?? '';
  return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last;
}

function toColumn(row: Record<string, unknown>): ColumnInfo {
  const defaultValue = (row['default_value'] as string | null) ?? null;
  return {
    name: String(row['name']),
    dataType: String(row['data_type']).toLowerCase(),
    nullable: row['nullable'] === true,
    maxLength: row['max_length'] == null ? null : Number(row['max_length']),
    numericPrecision: row['numeric_precision'] == null ? null : Number(row['numeric_precision']),
    numericScale: row['numeric_scale'] == null ? null : Number(row['numeric_scale']),
    defaultValue,
    isAutoIncrement: row['is_identity'] === true,
    sequenceName: sequenceFromDefault(defaultValue),
    isUuidDefault: defaultValue !== null && UUID_DEFAULT.test(defaultValue),
    comment: (row['comment'] as string | null) ?? null,
  };
}

export async function introspectPostgres(pool: Pool, options?: { schema?: string }): Promise<SchemaInfo> {
  // One session, so the five reads see one connection (and its search_path) and cannot starve each other.
  return pool.transaction(async (session) => {
    const schema = options?.schema ?? String((await session.query('SELECT current_schema() AS s')).rows[0]?.['s'] ?? 'public');
    const tables = await session.query(TABLES, [schema]);
    const columns = await session.query(COLUMNS, [schema]);
    const primaryKeys = await session.query(PRIMARY_KEYS, [schema]);
    const foreignKeys = await session.query(FOREIGN_KEYS, [schema]);
    const sequences = await session.query(SEQUENCES, [schema]);
    return assembleSchema({
      schema,
      tables: tables.rows as unknown as TableRow[],
      columns: columns.rows.map((row): ColumnRow => ({ table_name: String(row['table_name']), column: toColumn(row) })),
      primaryKeys: primaryKeys.rows as unknown as KeyRow[],
      foreignKeys: foreignKeys.rows as unknown as KeyRow[],
      sequences: sequences.rows.map((row) => String(row['name'])),
    });
  });
}
