/** A throw-away catalog (SQLite or PostgreSQL) with the repositories the client tests use. */
import type { Catalog } from '../../../src/catalog/catalog.ts';
import { ModuleRepository } from '../../../src/catalog/modules.ts';
import { EndpointRepository } from '../../../src/catalog/endpoints.ts';
import { ClientRepository } from '../../../src/catalog/clients.ts';
import { GroupRepository } from '../../../src/catalog/groups.ts';
import { openTestCatalog, type Backend } from '../../helpers/catalog.ts';

export interface ClientFixture {
  catalog: Catalog;
  modules: ModuleRepository;
  endpoints: EndpointRepository;
  clients: ClientRepository;
  groups: GroupRepository;
  /** A fresh name per call, so tests sharing the catalog do not collide. */
  unique(base: string): string;
  /** A module with `count` private SQL endpoints (GET /e1, /e2, …). */
  moduleWithEndpoints(count: number): Promise<{ moduleId: string; endpointIds: string[] }>;
  close(): Promise<void>;
}

export async function clientFixture(backend: Backend): Promise<ClientFixture> {
  const opened = await openTestCatalog(backend);
  const catalog = opened.catalog;
  const modules = new ModuleRepository(catalog);
  const endpoints = new EndpointRepository(catalog);
  let n = 0;
  const unique = (base: string) => `${base}${++n}`;
  return {
    catalog,
    modules,
    endpoints,
    clients: new ClientRepository(catalog),
    groups: new GroupRepository(catalog),
    unique,
    async moduleWithEndpoints(count) {
      const mod = await modules.create({ name: unique('mod') });
      const endpointIds: string[] = [];
      for (let i = 1; i <= count; i++) {
        const e = await endpoints.create({ module_id: mod.id, name: unique('ep'), path: `/e${i}`, http_method: 'GET', content: 'select 1' });
        endpointIds.push(e.id);
      }
      return { moduleId: mod.id, endpointIds };
    },
    close: opened.close,
  };
}
