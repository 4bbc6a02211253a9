/**
 * Managed endpoints in the gateway: a published version becomes a route whose runnable reads the declared
 * parameters, runs the version's validation scripts, then its engine — the compiled SQL template (statements
 * with bound values in one transaction) or the sandboxed script — and finally its result transform, and
 * answers with pyDBAPI's envelope. Everything that can be done once (template, macro and script compilation,
 * parameter regexes) is done here, when the snapshot is built or a version is published.
 */
import type { EngineContext, EngineRequest, EngineResponse, Runnable } from '../engines/engine.ts';
import type { PublishedEndpoint } from '../catalog/endpoints.ts';
import type { PublishedMacro } from '../catalog/macros.ts';
import type { ModuleSnapshot } from './snapshot.ts';
import { compileParameters, type ParameterDefinition } from '../engines/params.ts';
import { compileSqlTemplate, runRenderedSql } from '../engines/sql/index.ts';
import { envelopeBody, envelopeOf, newTrace, type Envelope, type ScriptCall, type ScriptEngine, type ScriptSource, type ScriptTrace } from '../engines/script/index.ts';
import { toCamel } from '../engines/naming.ts';
import { AppError, badRequest } from '../errors.ts';

export interface ManagedDefinition {
  engine: string;
  content: string;
  parameters: ParameterDefinition[];
  macros: { name: string; content: string }[];
  /** `[{ name, script, message? }]`: each script defines `validate(value, params)`. */
  validates?: unknown[];
  /** Defines `transform(result, params)`; its return value follows the script return rule. */
  transform?: string | null;
  /** The endpoint's id (script cache namespace) and name (log lines), when known. */
  endpointId?: string;
  name?: string;
  datasourceName?: string | null;
}

/** What one call produced, before naming is applied: the same for live calls and for debug. */
export interface ManagedOutcome {
  params: Record<string, unknown>;
  envelope: Envelope;
  truncated: boolean;
  /** Statements run (SQL template or the script's db calls), with bound values. */
  statements: unknown[];
  logs: ScriptTrace['logs'];
}

/** Keys of every row object to camelCase (rows, or one entry per statement holding rows). */
export function camelKeys(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(camelKeys);
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [toCamel(k), Array.isArray(v) ? camelKeys(v) : v]));
  }
  return data;
}

/** pyDBAPI's envelope, with the keys a script or transform added, and naming applied to `data`. */
export function responseBody(outcome: ManagedOutcome, naming: EngineRequest['naming']): Record<string, unknown> {
  const { envelope } = outcome;
  const body = envelopeBody(envelope, naming === 'camel' ? camelKeys(envelope.data) : envelope.data);
  if (outcome.truncated) body.truncated = true;
  return body;
}

interface Validator {
  name: string;
  message: string;
  source: ScriptSource;
}

function compileValidators(list: unknown[], parameters: readonly ParameterDefinition[], scripts: ScriptEngine | null): Validator[] {
  if (list.length > 0 && !scripts) throw new AppError(400, 'unsupported_engine', 'Validation scripts need the script engine');
  return list.map((entry, i) => {
    const v = entry as { name?: unknown; script?: unknown; message?: unknown } | null;
    if (!v || typeof v.name !== 'string' || typeof v.script !== 'string') {
      throw badRequest(`param_validates[${i}]: give { name, script, message? } with text values`);
    }
    if (!parameters.some((p) => p.name === v.name)) {
      throw badRequest(`param_validates[${i}]: "${v.name}" is not a declared parameter`);
    }
    return {
      name: v.name,
      message: typeof v.message === 'string' && v.message !== '' ? v.message : `Parameter "${v.name}" is not valid`,
      source: scripts!.prepare(v.script, 'validate', `validation script of "${v.name}"`),
    };
  });
}

/** Script errors in a validator mean "not valid"; limits (time, memory, busy) and fail() keep their answer. */
async function runValidators(validators: readonly Validator[], params: Record<string, unknown>, scripts: ScriptEngine, call: ScriptCall) {
  for (const v of validators) {
    let valid: unknown;
    try {
      valid = await scripts.call(v.source, [params[v.name] ?? null, params], call);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'script_error') throw err;
      valid = false;
    }
    if (!valid) throw new AppError(400, 'invalid_parameter', v.message, { parameter: v.name });
  }
}

/** Compiles a managed definition into something that runs it: the same path for live calls and for debug. */
export function prepareManaged(
  def: ManagedDefinition,
  scripts: ScriptEngine | null = null,
): {
  execute(request: EngineRequest, ctx: EngineContext): Promise<ManagedOutcome>;
  runnable: Runnable;
} {
  if (def.engine !== 'sql' && def.engine !== 'script') throw new AppError(400, 'unsupported_engine', `Engine "${def.engine}" is not available`);
  if (def.engine === 'script' && !scripts) throw new AppError(400, 'unsupported_engine', 'The script engine is not available here');
  const parameters = compileParameters(def.parameters);
  const validators = compileValidators(def.validates ?? [], def.parameters, scripts);
  const transform = def.transform?.trim() ? scripts?.prepare(def.transform, 'transform', 'result transform') : undefined;
  if (def.transform?.trim() && !transform) throw new AppError(400, 'unsupported_engine', 'Result transforms need the script engine');
  const template = def.engine === 'sql' ? compileSqlTemplate({ content: def.content, macros: def.macros }) : null;
  const script = def.engine === 'script' ? scripts!.prepare(def.content, 'execute', 'script') : null;
  const label = def.name ?? 'endpoint';

  const execute = async (request: EngineRequest, ctx: EngineContext): Promise<ManagedOutcome> => {
    const params = parameters.read(request);
    const trace = newTrace();
    const call = (withDb: boolean): ScriptCall => ({
      ...(withDb ? { pool: ctx.pool, dialect: ctx.dialect } : {}),
      log: ctx.log,
      endpointId: def.endpointId ?? 'debug',
      label,
      trace,
      req: params,
      ds: {
        name: def.datasourceName ?? null,
        type: ctx.datasource?.type ?? ctx.dialect.type,
        host: ctx.datasource?.host ?? null,
        database: ctx.datasource?.database ?? null,
      },
    });
    if (validators.length > 0) await runValidators(validators, params, scripts!, call(false));

    let envelope: Envelope;
    let truncated = false;
    let statements: unknown[];
    if (template) {
      const result = await runRenderedSql(template.render(params, ctx.dialect), ctx);
      envelope = envelopeOf(null);
      envelope.data = result.data;
      truncated = result.truncated;
      statements = result.statements;
    } else {
      envelope = envelopeOf(await scripts!.call(script!, [params], call(true)));
      statements = trace.statements;
    }
    if (transform) {
      const shaped = envelopeOf(await scripts!.call(transform, [envelope.data, params], call(false)));
      envelope = { ...shaped, extra: { ...envelope.extra, ...shaped.extra } };
    }
    return { params, envelope, truncated, statements, logs: trace.logs };
  };
  return {
    execute,
    runnable: {
      async run(request: EngineRequest, ctx: EngineContext): Promise<EngineResponse> {
        const outcome = await execute(request, ctx);
        return { status: 200, body: responseBody(outcome, request.naming) };
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
  options: { scripts?: ScriptEngine | null; datasources?: ReadonlyMap<string, { id: string }> } = {},
): { module: string; build: () => ModuleSnapshot }[] {
  const datasourceNames = new Map([...(options.datasources ?? new Map<string, { id: string }>())].map(([name, ref]) => [ref.id, name]));
  return published.map((e) => ({
    module: e.module,
    build: (): ModuleSnapshot => {
      if (!e.datasource_id) throw new Error(`endpoint "${e.name}" has no data source`);
      const prepared = prepareManaged(
        {
          engine: e.execute_engine,
          content: e.content,
          parameters: e.params,
          macros: visibleMacros(macros, e.module_id),
          validates: e.param_validates,
          transform: e.result_transform,
          endpointId: e.id,
          name: `${e.module}: ${e.name}`,
          datasourceName: datasourceNames.get(e.datasource_id) ?? null,
        },
        options.scripts ?? null,
      );
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
