/** The dialect for each data-source type. */
import type { DataSourceType, Dialect } from './dialect.ts';
import { mysqlDialect } from './mysql/index.ts';
import { postgresDialect } from './postgres/index.ts';
import { sqliteDialect } from './sqlite/index.ts';

const DIALECTS: Record<DataSourceType, Dialect> = {
  postgres: postgresDialect,
  mysql: mysqlDialect,
  sqlite: sqliteDialect,
};

export function dialectFor(type: DataSourceType): Dialect {
  const dialect = DIALECTS[type];
  if (!dialect) throw new Error(`Unsupported data source type "${String(type)}".`);
  return dialect;
}

export { mysqlDialect, postgresDialect, sqliteDialect };
