/** The catalog's migrations, in order. Add a file and a line here; never edit a released migration. */
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.ts';
import * as m002 from './002_modules_specs.ts';
import * as m003 from './003_endpoints.ts';
import * as m004 from './004_clients.ts';
import * as m005 from './005_firewall.ts';
import * as m006 from './006_access_logs.ts';

const MIGRATIONS: Record<string, Migration> = {
  '001_foundation': m001,
  '002_modules_specs': m002,
  '003_endpoints': m003,
  '004_clients': m004,
  '005_firewall': m005,
  '006_access_logs': m006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
