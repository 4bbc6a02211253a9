/** The command line as a user runs it: introspect a live database into a spec, import it, see problems. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/catalog.ts';
import { createSqliteChinook, type TestDatabase } from '../helpers/databases.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function portico(args: string[], dataDir: string) {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'bin/portico.js'), ...args], {
    cwd: dataDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

describe('portico introspect and import', () => {
  const dataDir = tempDir('portico-cli-');
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createSqliteChinook();
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const services = await createServices(config, createLogger(config));
    // A name that contains the one asked for and sorts before it must not be picked instead.
    await services.datasources.create({ name: 'a-chinook', product_type: 'sqlite', database: ':memory:' });
    await services.datasources.create({ name: 'chinook', product_type: 'sqlite', database: db.settings.database });
    await services.close();
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a spec for a live database, printing progress per table, that imports as a module', () => {
    const spec = path.join(dataDir, 'spec.yaml');
    const intro = portico(['introspect', '--datasource', 'chinook', '--out', spec], dataDir);
    expect(intro.code, intro.out).toBe(0);
    expect(intro.out).toContain('table album:');
    expect(intro.out).toContain('table track:');
    expect(fs.readFileSync(spec, 'utf8')).toContain('x-am-database: chinook');

    const imported = portico(['import', spec, '--module', 'music', '--access', 'public'], dataDir);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toContain('Imported');
    expect(imported.out).toMatch(/GET\s+\/music\/album\/:/);
  });

  it('lists every problem of a bad document and exits with 1, importing nothing', () => {
    const bad = path.join(dataDir, 'bad.yaml');
    fs.writeFileSync(bad, 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    a:\n      x-am-database: nowhere\n      type: object\n      properties:\n        id: {type: integer, x-am-primary-key: sideways}\n');
    const res = portico(['import', bad, '--module', 'bad'], dataDir);
    expect(res.code).toBe(1);
    expect(res.out).toContain('nowhere');
    expect(res.out).toContain('sideways');
  });

  it('refuses a command without a source', () => {
    const res = portico(['introspect'], dataDir);
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('--datasource');
  });
});
