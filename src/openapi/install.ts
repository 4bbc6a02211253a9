/**
 * Installs an annotated OpenAPI document as a module: parse, validate against the catalog's data sources,
 * prepare every route (so nothing unservable is stored), check the routes are free, then store the module,
 * its spec and its route keys in one transaction. A re-import replaces the module's previous spec.
 */
import type { DataSourceRepository } from '../catalog/datasources.ts';
import type { ModuleRepository, SpecSummary } from '../catalog/modules.ts';
import { loadSpecText, buildTableModel } from './import/index.ts';
import { moduleRoutes, type Access } from '../gateway/snapshot.ts';
import { checkModuleName, normalisePrefix, reservedSegment, routeKey } from '../gateway/paths.ts';
import { AppError, badRequest } from '../errors.ts';

export interface InstallRequest {
  module: string;
  /** URL prefix; default the module name; `""` serves at the root. */
  prefix?: string;
  content: string;
  filename?: string | null;
  access?: Access;
}

export interface InstallResult extends SpecSummary {
  routes: { method: string; path: string; summary: string }[];
}

export async function installSpec(
  deps: { datasources: DataSourceRepository; modules: ModuleRepository; maxLimit: number },
  req: InstallRequest,
): Promise<InstallResult> {
  checkModuleName(req.module);
  const prefix = normalisePrefix(req.prefix ?? req.module);
  const access = req.access ?? 'private';
  let doc: unknown;
  try {
    doc = await loadSpecText(req.content, req.filename ?? undefined);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw badRequest(`The document cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const datasources = await deps.datasources.refs();
  const model = buildTableModel(doc, { datasources });
  let routes;
  try {
    routes = moduleRoutes({ module: req.module, moduleId: '', prefix, access, model }, datasources, { maxLimit: deps.maxLimit });
  } catch (err) {
    throw badRequest(`The document cannot be served: ${err instanceof Error ? err.message : String(err)}`);
  }
  const reserved = routes.map((r) => reservedSegment(r.path)).find((s) => s !== null);
  if (reserved) throw badRequest(`Route /${reserved}/… is reserved by Portico; give the module a prefix`);
  const summary = await deps.modules.importSpec({
    moduleName: req.module,
    prefix,
    filename: req.filename ?? null,
    content: req.content,
    access,
    entityCount: model.entities.length,
    operationCount: model.operations.length,
    routeKeys: routes.map((r) => routeKey(r.method, r.path)),
  });
  return { ...summary, routes: routes.map((r) => ({ method: r.method, path: r.path, summary: r.summary })) };
}
