/** Reads a data source's schema through its dialect and turns it into an annotated spec, reporting per table. */
import type { DataSourceType, Dialect, Pool, SchemaInfo, TableInfo } from '../../datasources/dialect.ts';
import { generateSpec, isUsableForeignKey, keyStrategyOf, type GenerateOptions } from './spec.ts';

/** GenerateOptions without the need for `dialect`: the Dialect object's type is used (a given one is ignored). */
export type IntrospectOptions = Omit<GenerateOptions, 'dialect'> & { dialect?: DataSourceType };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `table album: 3 columns, key album_id (auto), 1 foreign key`. */
export function describeTable(table: TableInfo, tables: Map<string, TableInfo>): string {
  const parts = [plural(table.columns.length, 'column')];
  if (table.kind === 'view') {
    parts.push('read-only');
  } else if (table.primaryKey.length === 0) {
    parts.push('no key (no by-key routes)');
  } else {
    const strategies = table.primaryKey.map((name) => {
      const column = table.columns.find((c) => c.name === name);
      return column ? keyStrategyOf(column) : 'manual';
    });
    const same = strategies.every((s) => s === strategies[0]);
    parts.push(same
      ? `key ${table.primaryKey.join(', ')} (${strategies[0]})`
      : `key ${table.primaryKey.map((name, i) => `${name} (${strategies[i]})`).join(', ')}`);
  }
  if (table.foreignKeys.length > 0 || table.kind === 'table') {
    const skipped = table.foreignKeys.filter((fk) => !isUsableForeignKey(table, fk, tables)).length;
    parts.push(plural(table.foreignKeys.length, 'foreign key') + (skipped > 0 ? ` (${skipped} skipped: not a single-column key within this schema)` : ''));
  }
  return `${table.kind} ${table.name}: ${parts.join(', ')}`;
}

/** Runs `dialect.introspect`, then generateSpec; `progress` gets one line per table and a summary. */
export async function introspectToSpec(
  pool: Pool,
  dialect: Dialect,
  options: IntrospectOptions,
  progress: (line: string) => void = () => undefined,
): Promise<object> {
  const where = options.schema ? `schema ${options.schema}` : 'the default schema';
  progress(`reading ${where} of ${dialect.type} data source ${options.datasource}`);
  const info: SchemaInfo = await dialect.introspect(pool, options.schema ? { schema: options.schema } : undefined);
  const tables = new Map(info.tables.map((t) => [t.name, t]));
  for (const table of info.tables) progress(describeTable(table, tables));
  const views = info.tables.filter((t) => t.kind === 'view').length;
  const relations = info.tables.reduce((n, t) => n + t.foreignKeys.filter((fk) => isUsableForeignKey(t, fk, tables)).length, 0);
  progress(`${plural(info.tables.length, 'schema')} (${plural(info.tables.length - views, 'table')}, ${plural(views, 'view')}), ` +
    `${plural(relations, 'relation')} in both directions`);
  return generateSpec(info, { ...options, dialect: dialect.type });
}
