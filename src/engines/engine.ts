/**
 * The engine seam. An engine prepares a definition once, when the gateway's snapshot is built, and runs the
 * prepared form per request. Engines know nothing of HTTP frameworks; the gateway knows nothing of SQL.
 */
import type { Dialect, Pool } from '../datasources/dialect.ts';

/** Response key style: as defined, or camelCase (`?naming=camel` / `X-Response-Naming: camel`). */
export type Naming = 'as-is' | 'camel';

export interface EngineRequest {
  method: string;
  /** Path parameters by name, raw text. */
  params: Record<string, string>;
  /** Query string pairs in order, repeated keys kept, `naming` already removed. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON or form body; undefined when none. */
  body: unknown;
  naming: Naming;
}

export interface EngineContext {
  pool: Pool;
  dialect: Dialect;
  /** Most rows one response may carry, and the page size when none is asked. */
  maxRows: number;
  /** The request's logger (it carries the request id), for engines that log for user code (scripts). */
  log?: EngineLogger;
  /** Where the data source lives, for engines that describe it to user code (never credentials). */
  datasource?: { type: string; host?: string | null; database: string };
}

/** The part of a pino logger engines use. */
export interface EngineLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EngineResponse {
  status: number;
  /**
   * JSON text to send as it is (built by the database), or a value to serialise. Exactly one is set.
   */
  json?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Runnable {
  run(request: EngineRequest, ctx: EngineContext): Promise<EngineResponse>;
}

/** One route an engine serves: method + path template (`/album/:id` style) + what runs it. */
export interface EngineRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path inside the module, find-my-way syntax (`/album/:album_id`). */
  path: string;
  /** Data source name the route runs on. */
  datasource: string;
  runnable: Runnable;
  /** What the route does, for /openapi.json and the route list. */
  summary: string;
}
