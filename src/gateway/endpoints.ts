/**
 * Managed endpoints in the gateway: a published version becomes a route whose runnable reads the declared
 * parameters, renders the compiled SQL template into statements with bound values and runs them in one
 * transaction. Everything that can be done once (template and macro compilation, parameter regexes) is done
 * here, when the snapshot is built.
 */
import type { EngineContext, EngineRequest, EngineResponse, Runnable } from '../engines/engine.ts';
import type { PublishedEndpoint } from '../catalog/endpoints.ts';
import type { PublishedMacro } from '../catalog/macros.ts';
import type { ModuleSnapshot } from './snapshot.ts';
import { compileParameters, type ParameterDefinition } from '../engines/params.ts';
import { compileSqlTemplate, runRenderedSql, type SqlRunResult } from '../engines/sql/index.ts';
import { toCamel } from '../engines/naming.ts';
import { AppError } from '../errors.ts';

export interface ManagedDefinition {
  engine: string;
  content: string;
  parameters: ParameterDefinition[];
  macros: { name: string; content: string }[];
}

export interface SqlOutcome {
  params: Record<string, unknown>;
  result: SqlRunResult;
}

/** Keys of every row object to camelCase (rows, or one entry per statement holding rows). */
export function camelKeys(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(camelKeys);
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [toCamel(k), Array.isArray(v) ? camelKeys(v) : v]));
  }
  return data;
}

/** pyDBAPI's envelope. */
export function envelope(result: SqlRunResult, naming: EngineRequest['naming']): Record<string, unknown> {
  const body: Record<string, unknown> = {
    success: true,
    message: null,
    data: naming === 'camel' ? camelKeys(result.data) : result.data,
  };
  if (result.truncated) body.truncated = true;
  return body;
}

/** Compiles a managed definition into something that runs it: the same path for live calls and for debug. */
export function prepareManaged(def: ManagedDefinition): {
  execute(request: EngineRequest, ctx: EngineContext): Promise<SqlOutcome>;
  runnable: Runnable;
} {
  if (def.engine !== 'sql') throw new AppError(400, 'unsupported_engine', `Engine "${def.engine}" is not available yet`);
  const parameters = compileParameters(def.parameters);
  const template = compileSqlTemplate({ content: def.content, macros: def.macros });
  const execute = async (request: EngineRequest, ctx: EngineContext): Promise<SqlOutcome> => {
    const params = parameters.read(request);
    const rendered = template.render(params, ctx.dialect);
    return { params, result: await runRenderedSql(rendered, ctx) };
  };
  return {
    execute,
    runnable: {
      async run(request: EngineRequest, ctx: EngineContext): Promise<EngineResponse> {
        const { result } = await execute(request, ctx);
        return { status: 200, body: envelope(result, request.naming) };
      },
    },
  };
}

/** `{id}` segments → find-my-way's `:id`. */
export const routerPath = (path: string): string => path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');


/** The macros an endpoint of `moduleId` may call: the global ones and its module's. */
export function visibleMacros(macros: readonly PublishedMacro[], moduleId: string): { name: string; content: string }[] {
  return macros.filter((m) => m.module_id === null || m.module_id === moduleId).map((m) => ({ name: m.name, content: m.content }));
}

/**
 * One snapshot entry per published endpoint, so a version that cannot be prepared (a macro gone, a data
 * source deleted) takes down only itself, reported under its module.
 */
export function endpointModules(
  published: readonly PublishedEndpoint[],
  macros: readonly PublishedMacro[],
): { module: string; build: () => ModuleSnapshot }[] {
  return published.map((e) => ({
    module: e.module,
    build: (): ModuleSnapshot => {
      if (!e.datasource_id) throw new Error(`endpoint "${e.name}" has no data source`);
      const prepared = prepareManaged({
        engine: e.execute_engine,
        content: e.content,
        parameters: e.params,
        macros: visibleMacros(macros, e.module_id),
      });
      return {
        module: e.module,
        prefix: e.path_prefix,
        access: e.access_type,
        model: { entities: [], operations: [] },
        routes: [
          {
            method: e.http_method,
            path: routerPath(e.full_path),
            module: e.module,
            moduleId: e.module_id,
            datasourceId: e.datasource_id,
            access: e.access_type,
            kind: e.execute_engine === 'script' ? 'script' : 'sql',
            summary: e.name,
            runnable: prepared.runnable,
            endpoint: {
              id: e.id,
              versionId: e.version_id,
              version: e.version,
              parameters: e.params,
              description: e.description,
              rateLimitPerMinute: e.rate_limit_per_minute,
            },
          },
        ],
      };
    },
  }));
}
