/**
 * Turns the flat rows every dialect's catalog queries return into SchemaInfo: tables sorted by name,
 * columns and key columns in the order the rows give them (each dialect orders by ordinal position).
 */
import type { ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo } from './dialect.ts';

export interface TableRow {
  table_name: string;
  kind: 'table' | 'view';
  comment: string | null;
}

export interface ColumnRow {
  table_name: string;
  column: ColumnInfo;
}

/** One column of a key; rows of one constraint are consecutive and in key order. */
export interface KeyRow {
  table_name: string;
  constraint_name: string;
  column_name: string;
  referenced_schema: string | null;
  referenced_table: string | null;
  referenced_column: string | null;
}

export interface SchemaRows {
  schema: string | null;
  tables: TableRow[];
  columns: ColumnRow[];
  primaryKeys: KeyRow[];
  foreignKeys: KeyRow[];
  sequences: string[];
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function assembleSchema(rows: SchemaRows): SchemaInfo {
  const tables = new Map<string, TableInfo>();
  for (const row of rows.tables) {
    tables.set(row.table_name, {
      schema: rows.schema,
      name: row.table_name,
      kind: row.kind,
      comment: row.comment || null,
      columns: [],
      primaryKey: [],
      foreignKeys: [],
    });
  }
  for (const row of rows.columns) tables.get(row.table_name)?.columns.push(row.column);
  for (const row of rows.primaryKeys) tables.get(row.table_name)?.primaryKey.push(row.column_name);

  const foreignKeys = new Map<string, ForeignKeyInfo>();
  for (const row of rows.foreignKeys) {
    const table = tables.get(row.table_name);
    if (!table) continue;
    const id = `${row.table_name}\u0000${row.constraint_name}`;
    let fk = foreignKeys.get(id);
    if (!fk) {
      fk = {
        name: row.constraint_name,
        columns: [],
        referencedSchema: row.referenced_schema ?? null,
        referencedTable: row.referenced_table ?? '',
        referencedColumns: [],
      };
      foreignKeys.set(id, fk);
      table.foreignKeys.push(fk);
    }
    fk.columns.push(row.column_name);
    fk.referencedColumns.push(row.referenced_column ?? '');
  }

  const sorted = [...tables.values()].sort((a, b) => byCodePoint(a.name, b.name));
  for (const table of sorted) table.foreignKeys.sort((a, b) => byCodePoint(a.name, b.name));
  return { tables: sorted, sequences: [...rows.sequences].sort(byCodePoint) };
}
