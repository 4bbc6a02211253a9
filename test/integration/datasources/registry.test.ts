import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  PoolRegistry, dialectFor, settingsFingerprint, type ConnectionSettings,
} from '../../../src/datasources/index.ts';
import { ENGINES, serverConnections, testLimits, type TestDatabase } from '../../helpers/databases.ts';

describe.each(ENGINES)('PoolRegistry with $type', (engine) => {
  const dialect = dialectFor(engine.type);
  let db: TestDatabase;
  let registry: PoolRegistry;
  const logged: string[] = [];
  const logger = { info: (_: object, msg?: string) => logged.push(`info ${msg}`), warn: (_: object, msg?: string) => logged.push(`warn ${msg}`) };

  /** The same data source with one setting changed, as an admin editing it would; it still reaches Chinook. */
  const edited = (settings: ConnectionSettings): ConnectionSettings => {
    const change = { postgres: { schema: 'public' }, mysql: { schema: db.name }, sqlite: { readonly: true } };
    return { ...settings, options: { ...settings.options, ...change[engine.type] } };
  };

  beforeAll(async () => {
    db = await engine.createChinook();
  });

  afterEach(async () => {
    await registry?.closeAll();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('hands out one cached pool per data source while its settings stay the same', async () => {
    registry = new PoolRegistry(testLimits(), logger);
    const first = registry.get('ds-1', db.settings);
    expect(registry.get('ds-1', { ...db.settings })).toBe(first);
    expect(registry.get('ds-2', db.settings)).not.toBe(first);
    expect(registry.size).toBe(2);
  });

  it('replaces the pool when the settings change and closes the old one', async () => {
    registry = new PoolRegistry(testLimits(), logger);
    const old = registry.get('ds-1', db.settings);
    await old.query('SELECT 1 AS one');
    expect(old.openConnections).toBe(1);

    const replacement = registry.get('ds-1', edited(db.settings));
    expect(replacement).not.toBe(old);
    expect(registry.size).toBe(1);
    await vi.waitFor(() => expect(old.openConnections).toBe(0));
    await expect(old.query('SELECT 1 AS one')).rejects.toThrow(/closed/);
    expect((await replacement.query('SELECT 1 AS one')).rowCount).toBe(1);
    expect(logged).toContain('info data source settings changed; replacing its pool');
  });

  it('lets a transaction already running on the old pool commit before closing it', async () => {
    registry = new PoolRegistry(testLimits(), logger);
    const old = registry.get('ds-1', db.settings);
    const p = dialect.placeholder(1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = old.transaction(async (session) => {
      await held;
      await session.query(`INSERT INTO genre (name) VALUES (${p})`, ['Finished after the swap']);
    });
    registry.get('ds-1', edited(db.settings));
    release();
    await running;
    const fresh = registry.get('ds-1', edited(db.settings));
    const found = await fresh.query(`SELECT name FROM genre WHERE name = ${p}`, ['Finished after the swap']);
    expect(found.rows).toHaveLength(1);
    await vi.waitFor(() => expect(old.openConnections).toBe(0));
  });

  it('closes the connections of a dropped data source, as the server sees them', async () => {
    registry = new PoolRegistry(testLimits({ size: 2 }), logger);
    const pool = registry.get('ds-7', db.settings);
    await pool.query('SELECT 1 AS one');
    if (engine.networked) expect(await serverConnections(db)).toBeGreaterThanOrEqual(1);

    await registry.drop('ds-7');
    expect(registry.size).toBe(0);
    expect(pool.openConnections).toBe(0);
    if (engine.networked) await vi.waitFor(async () => expect(await serverConnections(db)).toBe(0));
    await expect(pool.query('SELECT 1 AS one')).rejects.toThrow(/closed/);
  });

  it('closes every pool on closeAll', async () => {
    registry = new PoolRegistry(testLimits(), logger);
    const pools = [registry.get('ds-1', db.settings), registry.get('ds-2', edited(db.settings))];
    await Promise.all(pools.map((pool) => pool.query('SELECT 1 AS one')));
    await registry.closeAll();
    expect(registry.size).toBe(0);
    expect(pools.map((pool) => pool.openConnections)).toEqual([0, 0]);
  });
});

describe('settingsFingerprint', () => {
  const base: ConnectionSettings = {
    type: 'postgres', host: 'db', port: 5432, database: 'shop', username: 'app', password: 'one', options: { schema: 'a' },
  };

  it('changes when only the password changes', () => {
    expect(settingsFingerprint({ ...base, password: 'two' })).not.toBe(settingsFingerprint(base));
  });

  it('ignores the order in which option keys were written', () => {
    const reordered = { ...base, options: { b: 1, schema: 'a' } };
    const other = { ...base, options: { schema: 'a', b: 1 } };
    expect(settingsFingerprint(reordered)).toBe(settingsFingerprint(other));
  });
});
