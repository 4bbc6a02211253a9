/** Entry point of the data-source layer: the dialect for a data-source type, pools, and the shared types. */
export * from './dialect.ts';
export { dialectFor, mysqlDialect, postgresDialect, sqliteDialect } from './dialects.ts';
export { DataSourceError } from './errors.ts';
export { PoolRegistry, settingsFingerprint, type PoolLogger } from './registry.ts';
export { testConnection, type ConnectionTestResult } from './test-connection.ts';
