/**
 * The gateway's compiled snapshot: every served route, prepared once from the catalog, in one router. A
 * catalog change builds a new snapshot and swaps it in; requests in flight finish on the one they started
 * with. No per-request catalog query.
 */
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import type { EngineRoute } from '../engines/engine.ts';
import type { ParameterDefinition } from '../engines/params.ts';
import type { AccessSnapshot } from './client-auth.ts';
import type { Firewall } from './firewall.ts';
import type { TableApiModel } from '../engines/table/model.ts';
import { prepareTableEntity } from '../engines/table/index.ts';
import { prepareCustomOperation } from '../engines/table/custom-sql.ts';
import { dialectFor } from '../datasources/dialects.ts';
import type { DataSourceType } from '../datasources/dialect.ts';
import { fullPath, routeKey } from './paths.ts';
import { AppError } from '../errors.ts';

export type Access = 'public' | 'private';

export interface GatewayRoute {
  method: EngineRoute['method'];
  /** Full path in find-my-way syntax. */
  path: string;
  module: string;
  moduleId: string;
  /** Data source id to run on. */
  datasourceId: string;
  access: Access;
  kind: 'table' | 'custom-sql' | 'sql' | 'script';
  summary: string;
  runnable: EngineRoute['runnable'];
  /** Managed endpoints: which published version serves the route, and its declared parameters. */
  endpoint?: {
    id: string;
    versionId: string;
    version: number;
    parameters: ParameterDefinition[];
    description: string | null;
    rateLimitPerMinute: number | null;
  };
}

/** A served module with the model its routes came from (for /openapi.json). */
export interface ModuleSnapshot {
  module: string;
  prefix: string;
  access: Access;
  model: TableApiModel;
  routes: GatewayRoute[];
}

export interface Snapshot {
  version: number;
  /** Who may call what (clients, grants); built with the routes. */
  access: AccessSnapshot;
  firewall: Firewall;
  routes: GatewayRoute[];
  modules: ModuleSnapshot[];
  /** Modules whose definition could not be prepared, with the reason (served by nobody). */
  broken: { module: string; reason: string }[];
  find(method: string, path: string): { route: GatewayRoute; params: Record<string, string> } | null;
}

export interface DataSourceRef {
  id: string;
  type: DataSourceType;
}

export interface ModuleDefinition {
  module: string;
  /** Catalog id of the module (grants may name it); empty while a spec is only being checked. */
  moduleId: string;
  prefix: string;
  access: Access;
  model: TableApiModel;
}

/**
 * The routes of one module's table-API model. Custom path operations come first and win over a generated
 * route with the same method and path.
 */
export function moduleRoutes(
  def: ModuleDefinition,
  datasources: ReadonlyMap<string, DataSourceRef>,
  options: { maxLimit: number },
): GatewayRoute[] {
  const ds = (name: string): DataSourceRef => {
    const ref = datasources.get(name);
    if (!ref) throw new Error(`data source "${name}" does not exist`);
    return ref;
  };
  const routes: GatewayRoute[] = [];
  const seen = new Set<string>();
  const add = (r: EngineRoute, kind: GatewayRoute['kind']) => {
    const path = fullPath(def.prefix, r.path);
    const key = JSON.stringify(routeKey(r.method, path));
    if (seen.has(key)) return;
    seen.add(key);
    routes.push({
      method: r.method,
      path,
      module: def.module,
      moduleId: def.moduleId,
      datasourceId: ds(r.datasource).id,
      access: def.access,
      kind,
      summary: r.summary,
      runnable: r.runnable,
    });
  };
  for (const op of def.model.operations) add(prepareCustomOperation(op, dialectFor(ds(op.datasource).type)), 'custom-sql');
  for (const entity of def.model.entities) {
    const dialect = dialectFor(ds(entity.datasource).type);
    for (const r of prepareTableEntity(def.model, entity, dialect, options)) add(r, 'table');
  }
  return routes;
}

/** Before the first build: no routes, nobody authorised, no rules. */
export const NO_ACCESS: AccessSnapshot = {
  authorize: async () => {
    throw new AppError(401, 'unauthorized', 'Not authenticated');
  },
};
export const OPEN_FIREWALL: Firewall = { check: () => 'allow' };

export function assembleSnapshot(
  version: number,
  modules: { module: string; build: () => ModuleSnapshot }[],
  log?: Pick<Logger, 'error'>,
  guards: { access: AccessSnapshot; firewall: Firewall } = { access: NO_ACCESS, firewall: OPEN_FIREWALL },
): Snapshot {
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 });
  const routes: GatewayRoute[] = [];
  const served: ModuleSnapshot[] = [];
  const broken: Snapshot['broken'] = [];
  for (const m of modules) {
    try {
      const built = m.build();
      for (const r of built.routes) router.on(r.method, r.path, () => undefined, r);
      routes.push(...built.routes);
      served.push(built);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      broken.push({ module: m.module, reason });
      log?.error({ module: m.module, reason }, 'module not served: its definition cannot be prepared');
    }
  }
  return {
    version,
    ...guards,
    routes,
    modules: served,
    broken,
    find(method, path) {
      const found = router.find(method as 'GET', path);
      if (!found) return null;
      return { route: found.store as GatewayRoute, params: found.params as Record<string, string> };
    },
  };
}
