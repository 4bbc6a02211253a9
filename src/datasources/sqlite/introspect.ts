/**
 * Reads one SQLite schema (main, or an attached one) from sqlite_master and the table-valued pragma
 * functions, with table names bound as parameters. SQLite names no foreign keys: they are named
 * `{table}_{columns}_fkey`, as PostgreSQL would name them.
 */
import type { ColumnInfo, Pool, SchemaInfo, Session } from '../dialect.ts';
import { quoteWith } from '../quote.ts';
import { assembleSchema, type ColumnRow, type KeyRow, type TableRow } from '../schema-builder.ts';

const COLUMNS = `SELECT cid, name, type, "notnull" AS not_null, dflt_value, pk FROM pragma_table_info(?, ?) ORDER BY cid`;
const FOREIGN_KEYS = `SELECT id, seq, "table" AS ref_table, "from" AS from_column, "to" AS to_column
FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq`;

/** Matches the usual hand-written UUID defaults: a uuid() extension function, or hex(randomblob(…)) joined by '-'. */
const UUID_DEFAULT = /\buuid(_v[47])?\s*\(|hex\s*\(\s*randomblob\s*\([^]*'-'/i;

interface DeclaredType {
  name: string;
  first: number | null;
  second: number | null;
}

/** `VARCHAR(120)` → varchar, 120; `NUMERIC(10,2)` → numeric, 10, 2. */
export function parseDeclaredType(declared: string): DeclaredType {
  const match = /^\s*([^(]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(declared);
  if (!match) return { name: declared.trim().toLowerCase(), first: null, second: null };
  return {
    name: (match[1] ?? '').toLowerCase(),
    first: match[2] === undefined ? null : Number(match[2]),
    second: match[3] === undefined ? null : Number(match[3]),
  };
}

const isTextType = (name: string): boolean => /char|clob|text/.test(name);

interface RawColumn {
  name: string;
  type: string;
  not_null: number;
  dflt_value: string | null;
  pk: number;
}

function toColumn(raw: RawColumn, rowidAlias: boolean): ColumnInfo {
  const type = parseDeclaredType(raw.type);
  const text = isTextType(type.name);
  return {
    name: raw.name,
    dataType: type.name,
    nullable: raw.not_null === 0 && !rowidAlias,
    maxLength: text ? type.first : null,
    numericPrecision: text ? null : type.first,
    numericScale: text ? null : type.second,
    defaultValue: raw.dflt_value,
    isAutoIncrement: rowidAlias,
    sequenceName: null,
    isUuidDefault: raw.dflt_value !== null && UUID_DEFAULT.test(raw.dflt_value),
    comment: null,
  };
}

/** The column that is the rowid (INTEGER PRIMARY KEY, with or without AUTOINCREMENT), if any. */
function rowidAliasOf(columns: RawColumn[], sql: string): string | null {
  const keyColumns = columns.filter((c) => c.pk > 0);
  const only = keyColumns.length === 1 ? keyColumns[0] : undefined;
  if (!only || only.type.trim().toUpperCase() !== 'INTEGER') return null;
  return /\bWITHOUT\s+ROWID\b/i.test(sql) ? null : only.name;
}

async function readTable(session: Session, schema: string, name: string, sql: string) {
  const columns = (await session.query(COLUMNS, [name, schema])).rows as unknown as RawColumn[];
  const foreignKeys = (await session.query(FOREIGN_KEYS, [name, schema])).rows;
  const rowidAlias = rowidAliasOf(columns, sql);
  const primaryKey = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return { columns, foreignKeys, rowidAlias, primaryKey };
}

type TableData = Awaited<ReturnType<typeof readTable>>;

function foreignKeyRows(table: string, data: TableData, keysOf: (table: string) => string[]): KeyRow[] {
  const groups = new Map<number, Record<string, unknown>[]>();
  for (const row of data.foreignKeys) {
    const id = Number(row['id']);
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  const rows: KeyRow[] = [];
  for (const group of groups.values()) {
    const referencedTable = String(group[0]?.['ref_table'] ?? '');
    const from = group.map((row) => String(row['from_column']));
    // A reference without column names points at the referenced table's primary key.
    const implicit = keysOf(referencedTable);
    const name = `${table}_${from.join('_')}_fkey`;
    group.forEach((row, index) => {
      rows.push({
        table_name: table,
        constraint_name: name,
        column_name: String(row['from_column']),
        referenced_schema: null,
        referenced_table: referencedTable,
        referenced_column: row['to_column'] == null ? (implicit[index] ?? '') : String(row['to_column']),
      });
    });
  }
  return rows;
}

export async function introspectSqlite(pool: Pool, options?: { schema?: string }): Promise<SchemaInfo> {
  const schema = options?.schema ?? 'main';
  return pool.transaction(async (session) => {
    const objects = await session.query(
      `SELECT name, type, sql FROM ${quoteWith('"', schema)}.sqlite_master
       WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    );
    const tables: TableRow[] = [];
    const data = new Map<string, TableData>();
    for (const row of objects.rows) {
      const name = String(row['name']);
      tables.push({ table_name: name, kind: row['type'] === 'view' ? 'view' : 'table', comment: null });
      data.set(name, await readTable(session, schema, name, String(row['sql'] ?? '')));
    }
    const columns: ColumnRow[] = [];
    const primaryKeys: KeyRow[] = [];
    const foreignKeys: KeyRow[] = [];
    for (const [table, info] of data) {
      for (const raw of info.columns) columns.push({ table_name: table, column: toColumn(raw, raw.name === info.rowidAlias) });
      for (const column of info.primaryKey) {
        primaryKeys.push({
          table_name: table, constraint_name: 'primary', column_name: column,
          referenced_schema: null, referenced_table: null, referenced_column: null,
        });
      }
      foreignKeys.push(...foreignKeyRows(table, info, (name) => data.get(name)?.primaryKey ?? []));
    }
    return assembleSchema({
      schema: options?.schema ?? null,
      tables,
      columns,
      primaryKeys,
      foreignKeys,
      sequences: [],
    });
  });
}
