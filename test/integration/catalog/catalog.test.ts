import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openCatalog, type Catalog } from '../../../src/catalog/catalog.ts';
import { DataSourceRepository } from '../../../src/catalog/datasources.ts';
import { UserRepository } from '../../../src/catalog/users.ts';
import { createCipher } from '../../../src/auth/encryption.ts';
import type { CatalogChange } from '../../../src/catalog/notifier.ts';
import { migrationProvider } from '../../../src/catalog/migrations/index.ts';
import { freshPostgresDatabase, tempDir } from '../../helpers/catalog.ts';

const backends = ['sqlite', 'postgres'] as const;

describe.each(backends)('catalog on %s', (backend) => {
  let catalog: Catalog;
  let options: { databaseUrl: string | null; dataDir: string };
  let dropPg: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    options = { databaseUrl: null, dataDir: tempDir() };
    if (backend === 'postgres') {
      const db = await freshPostgresDatabase();
      options.databaseUrl = db.url;
      dropPg = db.drop;
    }
    catalog = await openCatalog(options);
  });

  afterAll(async () => {
    await catalog.close();
    await dropPg?.();
  });

  it('applies its migrations once: reopening the same catalog keeps the data and migrates nothing again', async () => {
    const users = new UserRepository(catalog);
    await users.seedSystemRoles();
    const roles = await catalog.db.selectFrom('roles').select('name').orderBy('name').execute();
    expect(roles.map((r) => r.name)).toEqual(['Admin', 'Dev', 'Viewer']);
    const again = await openCatalog(options);
    try {
      const names = await again.db.selectFrom('roles').select('name').execute();
      expect(names).toHaveLength(3);
      const migrations = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(again.db);
      expect(Number(migrations.rows[0]!.n)).toBe(Object.keys(await migrationProvider.getMigrations()).length);
    } finally {
      await again.close();
    }
  });

  it('bumps the catalog version on every write and announces the change only after commit', async () => {
    const before = await catalog.version();
    const heard: CatalogChange[] = [];
    const stop = catalog.notifier.subscribe((c) => heard.push(c));
    await catalog.write(async (_trx, changed) => {
      changed('thing', 'a');
      changed('thing', 'b');
      expect(heard).toHaveLength(0);
    });
    expect(await catalog.version()).toBe(before + 2);
    expect(heard.map((c) => [c.entity, c.id, c.version])).toEqual([
      ['thing', 'a', before + 1],
      ['thing', 'b', before + 2],
    ]);
    await expect(
      catalog.write(async (_trx, changed) => {
        changed('thing', 'c');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await catalog.version()).toBe(before + 2);
    expect(heard).toHaveLength(2);
    stop();
  });

  it('stores data-source passwords encrypted and returns them only in connection settings', async () => {
    const repo = new DataSourceRepository(catalog, createCipher('k'.repeat(40)));
    const created = await repo.create({
      name: `ds-${backend}`,
      product_type: 'postgres',
      host: 'db.example',
      port: 5432,
      database: 'app',
      username: 'app',
      password: 'pa55-w0rd-secret',
    });
    expect(JSON.stringify(created)).not.toContain('pa55-w0rd-secret');
    expect(created.has_password).toBe(true);
    const raw = await catalog.db.selectFrom('datasources').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(raw.password_encrypted).not.toContain('pa55-w0rd-secret');
    expect((await repo.settings(created.id)).password).toBe('pa55-w0rd-secret');

    await repo.update(created.id, { host: 'db2.example' });
    expect((await repo.settings(created.id)).password).toBe('pa55-w0rd-secret');
    expect((await repo.get(created.id)).host).toBe('db2.example');

    const page = await repo.list({ page: 1, page_size: 10, name__ilike: `DS-${backend.toUpperCase()}` });
    expect(page.total).toBe(1);
    const none = await repo.list({ page: 1, page_size: 10, name__ilike: '%' });
    expect(none.total).toBe(0);

    await repo.delete(created.id);
    await expect(repo.get(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a second data source with the same name with a 409', async () => {
    const repo = new DataSourceRepository(catalog, createCipher('k'.repeat(40)));
    const input = { name: 'twin', product_type: 'sqlite' as const, database: ':memory:' };
    await repo.create(input);
    await expect(repo.create(input)).rejects.toMatchObject({ status: 409 });
  });
});

describe('catalog change notifications across instances (PostgreSQL)', () => {
  it('a write on one instance is heard by another within a second', async () => {
    const db = await freshPostgresDatabase();
    const a = await openCatalog({ databaseUrl: db.url, dataDir: tempDir() });
    const b = await openCatalog({ databaseUrl: db.url, dataDir: tempDir() });
    try {
      const heard = new Promise<CatalogChange>((resolve) => {
        b.notifier.subscribe((c) => {
          if (c.entity === 'datasource') resolve(c);
        });
      });
      const started = Date.now();
      await a.write(async (_trx, changed) => changed('datasource', 'x1'));
      const change = await heard;
      expect(change.id).toBe('x1');
      expect(change.origin).toBe(a.notifier.instanceId);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
