/** Throw-away places for a catalog: a temp directory, a fresh PostgreSQL database, a catalog on either. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openCatalog, type Catalog } from '../../src/catalog/catalog.ts';

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database for a catalog; `drop` removes it. */
export async function freshPostgresDatabase(prefix = 'portico_catalog'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function tempDir(prefix = 'portico-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}


export const backends = ['sqlite', 'postgres'] as const;
export type Backend = (typeof backends)[number];

export interface OpenedCatalog {
  catalog: Catalog;
  options: { databaseUrl: string | null; dataDir: string };
  /** Closes the catalog, then drops its PostgreSQL database (if any). */
  close(): Promise<void>;
}

/**
 * A throw-away catalog: SQLite in a temp directory, or a fresh PostgreSQL database. With `ignoreCloseErrors`,
 * `close` still drops the database when closing the catalog fails (it was closed already, say).
 */
export async function openTestCatalog(backend: Backend, { ignoreCloseErrors = false } = {}): Promise<OpenedCatalog> {
  const options: { databaseUrl: string | null; dataDir: string } = { databaseUrl: null, dataDir: tempDir() };
  let drop: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const db = await freshPostgresDatabase();
    options.databaseUrl = db.url;
    drop = db.drop;
  }
  const catalog = await openCatalog(options);
  return {
    catalog,
    options,
    async close() {
      await (ignoreCloseErrors ? catalog.close().catch(() => undefined) : catalog.close());
      await drop?.();
    },
  };
}

/**
 * Opens a throw-away catalog before the tests of the enclosing `describe` and closes it after them. The getter
 * answers from the `beforeAll` hooks registered after this call on.
 */
export function useCatalog(backend: Backend): () => Catalog {
  let opened: OpenedCatalog | undefined;
  beforeAll(async () => {
    opened = await openTestCatalog(backend);
  });
  afterAll(async () => {
    await opened?.close();
  });
  return () => {
    if (!opened) throw new Error('useCatalog: the catalog is not open yet');
    return opened.catalog;
  };
}
