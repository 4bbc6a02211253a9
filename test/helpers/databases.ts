/**
 * Fresh, uniquely named test databases on the local servers (PostgreSQL 127.0.0.1:5432 as postgres with
 * trust auth, MariaDB 127.0.0.1:3306 as root without password) and in temporary SQLite files, empty or
 * loaded with Chinook from shared/fixtures. Each comes with a drop() that removes it again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ConnectionSettings, DataSourceType, PoolLimits } from '../../src/datasources/dialect.ts';

export interface TestDatabase {
  name: string;
  settings: ConnectionSettings;
  drop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHINOOK_DIR = path.resolve(repoRoot, '../shared/fixtures/chinook');

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

export function uniqueName(prefix = 'portico_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function chinookSql(engine: 'postgres' | 'mysql' | 'sqlite'): string {
  return readFileSync(path.join(CHINOOK_DIR, `${engine}.sql`), 'utf8');
}

/** Runs `fn` with a superuser client on `database`, then disconnects. */
export async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs `fn` with a root connection (multi-statement), optionally on `database`, then disconnects. */
export async function withMysql<T>(fn: (conn: mysql.Connection) => Promise<T>, database?: string): Promise<T> {
  const conn = await mysql.createConnection({ ...MYSQL, database, multipleStatements: true });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export async function emptyPostgresDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  await withPostgres((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    settings: { type: 'postgres', host: POSTGRES.host, port: POSTGRES.port, database: name, username: POSTGRES.user },
    drop: async () => {
      await withPostgres((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export async function createPostgresChinook(): Promise<TestDatabase> {
  const db = await emptyPostgresDatabase();
  // Without parameters pg uses the simple protocol, which accepts the whole file as one multi-statement query.
  await withPostgres((client) => client.query(chinookSql('postgres')), db.name);
  return db;
}

export async function emptyMysqlDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  await withMysql((conn) => conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  return {
    name,
    settings: { type: 'mysql', host: MYSQL.host, port: MYSQL.port, database: name, username: MYSQL.user, password: '' },
    drop: async () => {
      await withMysql((conn) => conn.query(`DROP DATABASE IF EXISTS \`${name}\``));
    },
  };
}

export async function createMysqlChinook(): Promise<TestDatabase> {
  const db = await emptyMysqlDatabase();
  await withMysql((conn) => conn.query(chinookSql('mysql')), db.name);
  return db;
}

function sqliteDatabase(load: (db: Database.Database) => void): TestDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-sqlite-'));
  const file = path.join(dir, 'chinook.db');
  const db = new Database(file);
  try {
    load(db);
  } finally {
    db.close();
  }
  return {
    name: file,
    settings: { type: 'sqlite', database: file },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function emptySqliteDatabase(): Promise<TestDatabase> {
  return sqliteDatabase(() => undefined);
}

export async function createSqliteChinook(): Promise<TestDatabase> {
  return sqliteDatabase((db) => db.exec(chinookSql('sqlite')));
}

/** What the shared integration tests need to know about each engine. */
export interface Engine {
  type: DataSourceType;
  createChinook(): Promise<TestDatabase>;
  /** A statement that runs for about two seconds, or null where statement timeouts are not supported. */
  sleepSql: string | null;
  /** Whether the server listens on a network port (connection tests for host and port apply). */
  networked: boolean;
}

export const ENGINES: Engine[] = [
  { type: 'postgres', createChinook: createPostgresChinook, sleepSql: 'SELECT pg_sleep(2)', networked: true },
  { type: 'mysql', createChinook: createMysqlChinook, sleepSql: 'SELECT SLEEP(2)', networked: true },
  { type: 'sqlite', createChinook: createSqliteChinook, sleepSql: null, networked: false },
];

/** Pool limits for tests: small and quick to fail. */
export function testLimits(overrides: Partial<PoolLimits> = {}): PoolLimits {
  return { size: 2, connectTimeoutMs: 3000, statementTimeoutMs: 0, acquireTimeoutMs: 2000, ...overrides };
}

/** Connections the server sees on the test database (opened by Portico), or null for SQLite. */
export async function serverConnections(db: TestDatabase): Promise<number | null> {
  if (db.settings.type === 'postgres') {
    const sql = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'portico'`;
    return withPostgres(async (client) => Number((await client.query(sql, [db.name])).rows[0]?.n));
  }
  if (db.settings.type === 'mysql') {
    const sql = 'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?';
    return withMysql(async (conn) => Number(((await conn.query(sql, [db.name]))[0] as { n: number }[])[0]?.n));
  }
  return null;
}
