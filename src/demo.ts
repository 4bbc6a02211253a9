/**
 * The Chinook demo of an embedded start: an SQLite copy of Chinook in DATA_DIR/databases, a data source for
 * it and the module `chinook` (public, read and write) from examples/chinook. Set up once; a user's later
 * changes to any of them are left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import type { Services } from './services.ts';
import { installSpec } from './openapi/install.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('../examples/chinook/', import.meta.url));
export const DEMO_MODULE = 'chinook';

export async function ensureDemo(services: Services): Promise<boolean> {
  if (await services.modules.byName(DEMO_MODULE)) return false;
  const file = path.join(services.config.dataDir, 'databases', 'chinook.db');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new SQLite(`${file}.partial`);
    db.exec(fs.readFileSync(path.join(EXAMPLE_DIR, 'sqlite.sql'), 'utf8'));
    db.close();
    fs.renameSync(`${file}.partial`, file);
  }
  if (!(await services.datasources.refs()).has(DEMO_MODULE)) {
    await services.datasources.create({
      name: DEMO_MODULE,
      product_type: 'sqlite',
      database: file,
      description: 'Chinook sample database (demo)',
    });
  }
  const specFile = path.join(EXAMPLE_DIR, 'chinook.openapi.yaml');
  await installSpec(
    { datasources: services.datasources, modules: services.modules, maxLimit: services.config.maxResponseRows },
    { module: DEMO_MODULE, prefix: DEMO_MODULE, access: 'public', content: fs.readFileSync(specFile, 'utf8'), filename: 'chinook.openapi.yaml' },
  );
  await services.gateway.refresh();
  return true;
}
