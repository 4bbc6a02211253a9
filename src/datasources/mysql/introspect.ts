/** Reads one MySQL / MariaDB database from information_schema. MariaDB sequences are listed as sequences. */
import type { ColumnInfo, Pool, SchemaInfo, Session } from '../dialect.ts';
import { assembleSchema, type ColumnRow, type KeyRow, type TableRow } from '../schema-builder.ts';

const TABLES = `
SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type, TABLE_COMMENT AS comment
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME`;

const COLUMNS = `
SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, DATA_TYPE AS data_type, IS_NULLABLE AS is_nullable,
       CHARACTER_MAXIMUM_LENGTH AS max_length, NUMERIC_PRECISION AS numeric_precision,
       NUMERIC_SCALE AS numeric_scale, COLUMN_DEFAULT AS default_value, EXTRA AS extra,
       COLUMN_COMMENT AS comment
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, ORDINAL_POSITION`;

const KEYS = `
SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, COLUMN_NAME AS column_name,
       REFERENCED_TABLE_SCHEMA AS referenced_schema, REFERENCED_TABLE_NAME AS referenced_table,
       REFERENCED_COLUMN_NAME AS referenced_column
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ? AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`;

const UUID_DEFAULT = /\b(uuid|uuid_v[47]|sys_guid)\s*\(/i;

const numberOrNull = (value: unknown): number | null => (value == null ? null : Number(value));

/**
 * MariaDB reports a column without default as the text 'NULL' and quotes literal defaults ('abc');
 * MySQL reports SQL NULL and unquoted literals. Both are returned as the default's SQL text.
 */
function defaultText(value: unknown, mariadb: boolean): string | null {
  if (value == null) return null;
  const text = String(value);
  return mariadb && text === 'NULL' ? null : text;
}

function toColumn(row: Record<string, unknown>, mariadb: boolean): ColumnInfo {
  const defaultValue = defaultText(row['default_value'], mariadb);
  const extra = String(row['extra'] ?? '').toLowerCase();
  return {
    name: String(row['name']),
    dataType: String(row['data_type']).toLowerCase(),
    nullable: row['is_nullable'] === 'YES',
    maxLength: numberOrNull(row['max_length']),
    numericPrecision: numberOrNull(row['numeric_precision']),
    numericScale: numberOrNull(row['numeric_scale']),
    defaultValue,
    isAutoIncrement: extra.includes('auto_increment'),
    sequenceName: null,
    isUuidDefault: defaultValue !== null && UUID_DEFAULT.test(defaultValue),
    comment: (row['comment'] as string | null) || null,
  };
}

async function read(session: Session, schema: string | undefined) {
  const info = await session.query('SELECT DATABASE() AS db, VERSION() AS version');
  const name = schema ?? String(info.rows[0]?.['db'] ?? '');
  const mariadb = /mariadb/i.test(String(info.rows[0]?.['version'] ?? ''));
  const tables = await session.query(TABLES, [name]);
  const columns = await session.query(COLUMNS, [name]);
  const keys = await session.query(KEYS, [name]);
  return { name, mariadb, tables: tables.rows, columns: columns.rows, keys: keys.rows as unknown as KeyRow[] };
}

export async function introspectMysql(pool: Pool, options?: { schema?: string }): Promise<SchemaInfo> {
  const { name, mariadb, tables, columns, keys } = await pool.transaction((session) => read(session, options?.schema));
  const isSequence = (row: Record<string, unknown>): boolean => row['table_type'] === 'SEQUENCE';
  return assembleSchema({
    schema: name,
    tables: tables.filter((row) => !isSequence(row)).map((row): TableRow => ({
      table_name: String(row['table_name']),
      kind: String(row['table_type']).includes('VIEW') ? 'view' : 'table',
      // MySQL puts the word VIEW in a view's comment.
      comment: row['table_type'] === 'VIEW' ? null : ((row['comment'] as string | null) || null),
    })),
    columns: columns.map((row): ColumnRow => ({ table_name: String(row['table_name']), column: toColumn(row, mariadb) })),
    primaryKeys: keys.filter((row) => row.constraint_name === 'PRIMARY' && row.referenced_table == null),
    foreignKeys: keys.filter((row) => row.referenced_table != null),
    sequences: tables.filter(isSequence).map((row) => String(row['table_name'])),
  });
}
