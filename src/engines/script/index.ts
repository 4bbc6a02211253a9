/**
 * The script engine as the gateway and the admin routes use it: one ScriptEngine per instance (the isolate
 * runtime plus the host services scripts may call), `prepare` at snapshot build or publish (syntax checked,
 * refused with a 400 naming the line), `call` per request with a fresh host for that call.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import type { Dialect, Pool } from '../../datasources/dialect.ts';
import type { EngineLogger } from '../engine.ts';
import { createScriptCacheStore, type ScriptCacheStore } from './cache.ts';
import { createScriptHttp, type ScriptHttpClient } from './http.ts';
import { loadExtraModules } from './modules.ts';
import { CallHost, type ScriptTrace } from './host.ts';
import { ScriptRuntime, type ScriptInit } from './runtime.ts';
import { scriptSource, type ScriptEntry, type ScriptSource } from './source.ts';

export { envelopeOf, envelopeBody, type Envelope } from './envelope.ts';
export { newTrace, type ScriptTrace, type ScriptLogEntry, type ScriptStatement } from './host.ts';
export type { ScriptSource } from './source.ts';

/** Everything one call needs besides the code and its arguments. */
export interface ScriptCall {
  /** Absent for validators and transforms: they get no database. */
  pool?: Pool;
  dialect?: Dialect;
  log?: EngineLogger;
  /** Cache namespace (the endpoint's id). */
  endpointId: string;
  /** Names the endpoint in server log lines. */
  label: string;
  trace: ScriptTrace;
  req: unknown;
  ds: ScriptInit['ds'];
}

export class ScriptEngine {
  readonly runtime: ScriptRuntime;
  readonly #redis: Redis | null;
  /** Made at start, so a bad SCRIPT_HTTP_ALLOW_* entry stops the server with the configuration message. */
  readonly #http: ScriptHttpClient;
  /** The settings `env.get` may read (SCRIPT_ENV_ALLOW), read once at start like every other setting. */
  readonly #env: Record<string, string>;
  #cache: ScriptCacheStore | null = null;

  constructor(config: Config, redis: Redis | null, runtime?: ScriptRuntime) {
    this.#redis = redis;
    this.#http = createScriptHttp(config);
    this.#env = Object.fromEntries(
      config.scriptEnvAllow.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
    );
    this.runtime =
      runtime ??
      ScriptRuntime.fromConfig(config, {
        extraModules: config.scriptExtraModules.length > 0 ? loadExtraModules(config.scriptExtraModules) : null,
      });
  }

  /** Wraps and compiles `code` once; a syntax error or a refused import is a 400 here. */
  prepare(code: string, entry: ScriptEntry, label: string): ScriptSource {
    const source = scriptSource(code, entry, label);
    this.runtime.check(source);
    return source;
  }

  /** Runs one entry point; the call's database work commits when it succeeds and rolls back otherwise. */
  async call(source: ScriptSource, args: unknown[], call: ScriptCall): Promise<unknown> {
    const host = new CallHost({
      pool: call.pool,
      dialect: call.dialect,
      log: call.log,
      label: call.label,
      trace: call.trace,
      http: () => this.#http,
      cache: () => this.#cacheStore().forEndpoint(call.endpointId),
    });
    let ok = false;
    try {
      const value = await this.runtime.run(source, args, { req: call.req, ds: call.ds, env: this.#env }, host);
      ok = true;
      return value;
    } finally {
      await host.finish(ok);
    }
  }

  async close(): Promise<void> {
    await this.runtime.close();
    await this.#cache?.close();
    await this.#http.close();
  }

  #cacheStore(): ScriptCacheStore {
    return (this.#cache ??= createScriptCacheStore(this.#redis));
  }
}
