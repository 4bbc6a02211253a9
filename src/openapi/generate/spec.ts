/**
 * SchemaInfo → an annotated OpenAPI 3.1 document: one component schema per table or view, scalar properties
 * with types and keys, a 1:1 property per single-column foreign key and its 1:N `<child>_items` counterpart on
 * the referenced side. The output imports through buildTableModel without edits.
 */
import type { ColumnInfo, DataSourceType, ForeignKeyInfo, SchemaInfo, TableInfo } from '../../datasources/dialect.ts';
import type { KeyStrategy } from '../../engines/table/model.ts';
import { columnTypeText, jsonTypeOf, maxLengthOf } from './column-types.ts';

export interface GenerateOptions {
  /** Data source name written to every schema's `x-am-database`. */
  datasource: string;
  title?: string;
  /** Database schema written to `x-am-schema` (omitted when null or absent: the connection's default). */
  schema?: string | null;
  dialect: DataSourceType;
}

type Json = Record<string, unknown>;

/** identity / AUTO_INCREMENT / rowid → auto; `nextval('s')` → sequence; a UUID default → uuid; else manual. */
export function keyStrategyOf(column: ColumnInfo): KeyStrategy {
  if (column.isAutoIncrement) return 'auto';
  if (column.sequenceName !== null) return 'sequence';
  if (column.isUuidDefault) return 'uuid';
  return 'manual';
}

/** A relation can join on it: one column, and both tables are in this document. */
export function isUsableForeignKey(table: TableInfo, fk: ForeignKeyInfo, tables: Map<string, TableInfo>): boolean {
  if (fk.columns.length !== 1 || fk.referencedColumns.length !== 1) return false;
  if (fk.referencedSchema !== null && table.schema !== null && fk.referencedSchema !== table.schema) return false;
  const target = tables.get(fk.referencedTable);
  return target !== undefined && target.columns.some((c) => c.name === fk.referencedColumns[0]);
}

/** Property and schema names a route and a filter can carry: no dots, no spaces, no leading `__`. */
function safeName(name: string, allowDot: boolean): string {
  const cleaned = name.replace(allowDot ? /[^A-Za-z0-9._-]+/g : /[^A-Za-z0-9_$-]+/g, '_').replace(/^_{2,}/, '_');
  return cleaned === '' || cleaned === '_' ? 'unnamed' : cleaned;
}

/** `name`, or `name_2`, `name_3` … — the first not yet in `used` (compared as `fold` says). */
function unique(name: string, used: Set<string>, fold: (s: string) => string = (s) => s): string {
  let candidate = name;
  for (let n = 2; used.has(fold(candidate)); n++) candidate = `${name}_${n}`;
  used.add(fold(candidate));
  return candidate;
}

/** `artist_id` → `artist`, `supportRepId` → `supportRep`; null when there is no id suffix to strip. */
function withoutIdSuffix(name: string): string | null {
  const stripped = name.replace(/_id$/i, '').replace(/(?<=[a-z0-9])Id$/, '');
  return stripped !== name && stripped !== '' ? stripped : null;
}

interface TableEntry {
  table: TableInfo;
  schemaName: string;
  /** Column → property name. */
  props: Map<string, string>;
  used: Set<string>;
  properties: Json;
  notes: string[];
}

const ref = (schemaName: string): string => `#/components/schemas/${schemaName}`;

function scalarProperty(column: ColumnInfo, propertyName: string, table: TableInfo, dialect: DataSourceType): Json {
  const type = jsonTypeOf(column, dialect);
  const property: Json = { type: column.nullable ? [type.type, 'null'] : type.type };
  if (type.format) property['format'] = type.format;
  const maxLength = maxLengthOf(column, type);
  if (maxLength !== null) property['maxLength'] = maxLength;
  if (column.comment) property['description'] = column.comment;
  const strategy = table.kind === 'table' && table.primaryKey.includes(column.name) ? keyStrategyOf(column) : null;
  // The database makes an auto key's value: a write may not carry one.
  if (strategy === 'auto') property['readOnly'] = true;
  if (propertyName !== column.name) property['x-am-column-name'] = column.name;
  property['x-am-column-type'] = columnTypeText(column);
  if (strategy !== null) property['x-am-primary-key'] = strategy;
  if (strategy === 'sequence') property['x-am-sequence-name'] = column.sequenceName;
  return property;
}

function describeForeignKey(fk: ForeignKeyInfo): string {
  return `${fk.name} (${fk.columns.join(', ')}) → ${fk.referencedTable} (${fk.referencedColumns.join(', ')})`;
}

export function generateSpec(info: SchemaInfo, options: GenerateOptions): object {
  const tables = new Map(info.tables.map((t) => [t.name, t]));
  const usedSchemaNames = new Set<string>();
  const entries = new Map<string, TableEntry>();

  // 1. Scalar properties, so relation names can avoid every column's property name.
  for (const table of info.tables) {
    const schemaName = unique(safeName(table.name, true), usedSchemaNames, (s) => s.toLowerCase());
    const entry: TableEntry = { table, schemaName, props: new Map(), used: new Set(), properties: {}, notes: [] };
    for (const column of table.columns) entry.props.set(column.name, unique(safeName(column.name, false), entry.used));
    for (const column of table.columns) {
      const name = entry.props.get(column.name) ?? column.name;
      entry.properties[name] = scalarProperty(column, name, table, options.dialect);
    }
    entries.set(table.name, entry);
  }

  // 2. 1:1 properties on the referencing side.
  for (const entry of entries.values()) {
    for (const fk of entry.table.foreignKeys) {
      if (!isUsableForeignKey(entry.table, fk, tables)) {
        const why = fk.columns.length !== 1 ? 'composite foreign key' : 'foreign key to a table outside this document';
        entry.notes.push(`The ${why} ${describeForeignKey(fk)} is not exposed as a relation (relations join on one column).`);
        continue;
      }
      const target = entries.get(fk.referencedTable);
      const column = fk.columns[0] ?? '';
      const referenced = fk.referencedColumns[0] ?? '';
      if (!target) continue;
      const parentProperty = entry.props.get(column) ?? column;
      const base = withoutIdSuffix(parentProperty);
      const name = base !== null && !entry.used.has(base)
        ? unique(base, entry.used)
        : unique(`${base ?? parentProperty}_${target.schemaName}`, entry.used);
      entry.properties[name] = {
        $ref: ref(target.schemaName),
        description: `The ${target.schemaName} that ${column} refers to.`,
        'x-am-parent-property': parentProperty,
        'x-am-child-property': target.props.get(referenced) ?? referenced,
      };
    }
  }

  // 3. 1:N arrays on the referenced side.
  for (const child of entries.values()) {
    const usable = child.table.foreignKeys.filter((fk) => isUsableForeignKey(child.table, fk, tables));
    for (const fk of usable) {
      const parent = entries.get(fk.referencedTable);
      if (!parent) continue;
      const column = fk.columns[0] ?? '';
      const referenced = fk.referencedColumns[0] ?? '';
      const childProperty = child.props.get(column) ?? column;
      const several = usable.filter((other) => other.referencedTable === fk.referencedTable).length > 1;
      const name = unique(several ? `${child.schemaName}_items_by_${childProperty}` : `${child.schemaName}_items`, parent.used);
      parent.properties[name] = {
        type: 'array',
        items: { $ref: ref(child.schemaName) },
        description: `The ${child.schemaName} rows whose ${column} refers to this ${parent.schemaName}.`,
        'x-am-parent-property': parent.props.get(referenced) ?? referenced,
        'x-am-child-property': childProperty,
      };
    }
  }

  const schemas: Json = {};
  for (const entry of entries.values()) schemas[entry.schemaName] = schemaOf(entry, options);
  const where = options.schema ? `, schema ${options.schema}` : '';
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? `${options.datasource} tables`,
      version: '1.0.0',
      description:
        `Generated by \`portico introspect\` from the ${options.dialect} data source "${options.datasource}"${where}. ` +
        'Every component schema with x-am-database is served as a table API; routes are generated by Portico.',
    },
    paths: {},
    components: { schemas },
  };
}

function schemaOf(entry: TableEntry, options: GenerateOptions): Json {
  const { table } = entry;
  const view = table.kind === 'view';
  const description = [table.comment ?? (view ? `View ${table.name} (read-only).` : null), ...entry.notes].filter((s) => s !== null);
  const required = view
    ? []
    : table.columns
      .filter((c) => !c.nullable && c.defaultValue === null && !c.isAutoIncrement)
      .map((c) => entry.props.get(c.name) ?? c.name);
  const schema: Json = { type: 'object' };
  if (description.length > 0) schema['description'] = description.join(' ');
  schema['x-am-database'] = options.datasource;
  schema['x-am-table'] = table.name;
  if (options.schema) schema['x-am-schema'] = options.schema;
  if (view) {
    schema['x-am-read-only'] = true;
    schema['readOnly'] = true;
  }
  if (required.length > 0) schema['required'] = required;
  schema['properties'] = entry.properties;
  return schema;
}
