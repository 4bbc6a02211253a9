/**
 * A column's database type (as the dialect's introspection names it, lower case) → JSON schema type and
 * format. Unknown and lossy types (json, bytea, arrays, time, intervals …) become strings; the original type
 * is kept in `x-am-column-type`.
 */
import type { ColumnInfo, DataSourceType } from '../../datasources/dialect.ts';

export interface JsonType {
  type: 'integer' | 'number' | 'boolean' | 'string';
  format?: 'date' | 'date-time' | 'uuid';
}

const INTEGER = /^(tinyint|smallint|mediumint|int|integer|bigint|int2|int4|int8|serial|smallserial|bigserial|serial2|serial4|serial8)( unsigned)?$/;
const NUMBER = /^(numeric|decimal|dec|fixed|real|double|double precision|float|float4|float8)( unsigned)?$/;
const BOOLEAN = /^(bool|boolean|tinyint\(1\)|bit\(1\))$/;
const DATE_TIME = /^(timestamp|datetime|timestamptz|smalldatetime)\b/;

/** SQLite's type-affinity rules (https://sqlite.org/datatype3.html §3.1) for declared names not matched above. */
function sqliteAffinity(name: string): JsonType {
  if (name.includes('int')) return { type: 'integer' };
  if (/char|clob|text|blob/.test(name) || name === '') return { type: 'string' };
  if (/real|floa|doub/.test(name)) return { type: 'number' };
  return { type: 'number' }; // NUMERIC affinity
}

export function jsonTypeOf(column: ColumnInfo, dialect: DataSourceType): JsonType {
  const name = column.dataType.trim().toLowerCase();
  let mapped: JsonType;
  if (DATE_TIME.test(name)) mapped = { type: 'string', format: 'date-time' };
  else if (name === 'date') mapped = { type: 'string', format: 'date' };
  else if (name === 'uuid' || name === 'uniqueidentifier') mapped = { type: 'string', format: 'uuid' };
  else if (BOOLEAN.test(name)) mapped = { type: 'boolean' };
  else if (INTEGER.test(name)) mapped = { type: 'integer' };
  else if (NUMBER.test(name)) mapped = { type: 'number' };
  else if (dialect === 'sqlite' && !/^(time|json|jsonb)$/.test(name)) mapped = sqliteAffinity(name);
  else mapped = { type: 'string' };
  // A text column whose default makes UUIDs (MySQL `DEFAULT (UUID())`, SQLite's randomblob recipe) holds UUIDs.
  if (mapped.type === 'string' && mapped.format === undefined && column.isUuidDefault) mapped = { type: 'string', format: 'uuid' };
  return mapped;
}

/** `maxLength` for character types with a declared length (not for unbounded text). */
export function maxLengthOf(column: ColumnInfo, type: JsonType): number | null {
  if (type.type !== 'string' || type.format !== undefined || column.maxLength === null) return null;
  return /char/.test(column.dataType) ? column.maxLength : null;
}

/** The column's type as declared, for `x-am-column-type`: `varchar(120)`, `numeric(10,2)`, `integer`. */
export function columnTypeText(column: ColumnInfo): string {
  const name = column.dataType;
  if (/char/.test(name) && column.maxLength !== null) return `${name}(${column.maxLength})`;
  if (/^(numeric|decimal)$/.test(name) && column.numericPrecision !== null) {
    return column.numericScale !== null ? `${name}(${column.numericPrecision},${column.numericScale})` : `${name}(${column.numericPrecision})`;
  }
  return name;
}
