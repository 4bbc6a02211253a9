/** The PostgreSQL dialect (also for wire-compatible servers such as RisingWave). */
import type { Dialect } from '../dialect.ts';
import { quoteWith } from '../quote.ts';
import { classifyPostgresError, describePostgresConnectError } from './errors.ts';
import { introspectPostgres } from './introspect.ts';
import { createPostgresPool } from './pool.ts';
import { postgresSql } from './sql.ts';

export const postgresDialect: Dialect = {
  type: 'postgres',
  quoteIdent: (name) => quoteWith('"', name),
  placeholder: (index) => `$${index}`,
  sql: postgresSql,
  createPool: (settings, limits) =>
    createPostgresPool(settings, limits, (err) => describePostgresConnectError(err, settings)),
  classifyError: classifyPostgresError,
  describeConnectError: describePostgresConnectError,
  introspect: introspectPostgres,
};
