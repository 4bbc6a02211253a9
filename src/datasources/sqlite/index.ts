/** The SQLite dialect: `database` is a file path (or `:memory:`); `options.readonly` opens it read-only. */
import type { Dialect } from '../dialect.ts';
import { quoteWith } from '../quote.ts';
import { classifySqliteError, describeSqliteConnectError } from './errors.ts';
import { introspectSqlite } from './introspect.ts';
import { createSqlitePool } from './pool.ts';
import { sqliteSql } from './sql.ts';

export const sqliteDialect: Dialect = {
  type: 'sqlite',
  quoteIdent: (name) => quoteWith('"', name),
  placeholder: () => '?',
  sql: sqliteSql,
  createPool: (settings, limits) => createSqlitePool(settings, limits, (err) => describeSqliteConnectError(err, settings)),
  classifyError: classifySqliteError,
  describeConnectError: describeSqliteConnectError,
  introspect: introspectSqlite,
};
