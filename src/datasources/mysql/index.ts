/** The MySQL / MariaDB dialect (also for MySQL-protocol servers such as StarRocks). */
import type { Dialect } from '../dialect.ts';
import { quoteWith } from '../quote.ts';
import { classifyMysqlError, describeMysqlConnectError } from './errors.ts';
import { introspectMysql } from './introspect.ts';
import { createMysqlPool } from './pool.ts';
import { mysqlSql } from './sql.ts';

export const mysqlDialect: Dialect = {
  type: 'mysql',
  quoteIdent: (name) => quoteWith('`', name),
  placeholder: () => '?',
  sql: mysqlSql,
  createPool: (settings, limits) => createMysqlPool(settings, limits, (err) => describeMysqlConnectError(err, settings)),
  classifyError: classifyMysqlError,
  describeConnectError: describeMysqlConnectError,
  introspect: introspectMysql,
};
