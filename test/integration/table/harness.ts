/**
 * What the table-engine tests share: a Chinook database per engine, the model's routes called directly
 * (no gateway), a pool that records every statement sent, and hand-built Selections compiled and run.
 */
import { expect } from 'vitest';
import {
  dialectFor, type Dialect, type Pool, type QueryResult, type Session,
} from '../../../src/datasources/index.ts';
import type { EngineContext, EngineRequest, EngineResponse, EngineRoute, Naming } from '../../../src/engines/engine.ts';
import { compileRows, planEntity, prepareTableEntity, type EntityPlan } from '../../../src/engines/table/index.ts';
import type { EntityModel, TableApiModel } from '../../../src/engines/table/model.ts';
import type { Filter, FilterOperator, Selection } from '../../../src/engines/table/selection.ts';
import { AppError } from '../../../src/errors.ts';
import { jsonArray } from '../../../src/engines/table/results.ts';
import { chinookModel, entityOf } from '../../helpers/chinook-model.ts';
import { testLimits, type Engine, type TestDatabase } from '../../helpers/databases.ts';

export const MAX_LIMIT = 500;

export interface Sent {
  sql: string;
  params: readonly unknown[];
}

/** A pool that writes down every statement before running it (transactions' statements too, not BEGIN/COMMIT). */
export class RecordingPool implements Pool {
  readonly sent: Sent[] = [];
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  get openConnections(): number {
    return this.#pool.openConnections;
  }

  query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    this.sent.push({ sql, params });
    return this.#pool.query(sql, params);
  }

  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    return this.#pool.transaction((session) =>
      fn({
        query: (sql, params = []) => {
          this.sent.push({ sql, params });
          return session.query(sql, params);
        },
      }),
    );
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Forgets what was sent so far. */
  reset(): void {
    this.sent.length = 0;
  }
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: [string, string][] | Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  naming?: Naming;
}

export interface Answer {
  status: number;
  /** The JSON text as sent. */
  text: string;
  /** Parsed. */
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class TableHarness {
  readonly engine: Engine;
  readonly dialect: Dialect;
  model: TableApiModel;
  db!: TestDatabase;
  pool!: RecordingPool;
  #raw!: Pool;
  #routes = new Map<string, EngineRoute>();

  constructor(engine: Engine, model: TableApiModel = chinookModel()) {
    this.engine = engine;
    this.dialect = dialectFor(engine.type);
    this.model = model;
  }

  async start(): Promise<void> {
    this.db = await this.engine.createChinook();
    this.#raw = this.dialect.createPool(this.db.settings, testLimits({ size: 3 }));
    this.pool = new RecordingPool(this.#raw);
    this.prepare(this.model);
  }

  /** (Re)builds the routes for `model` (e.g. after adding scratch entities). */
  prepare(model: TableApiModel): void {
    this.model = model;
    this.#routes.clear();
    for (const entity of model.entities) {
      for (const route of prepareTableEntity(model, entity, this.dialect, { maxLimit: MAX_LIMIT })) {
        this.#routes.set(`${route.method} ${route.path}`, route);
      }
    }
  }

  async stop(): Promise<void> {
    await this.#raw?.close();
    await this.db?.drop();
  }

  hasRoute(method: string, path: string): boolean {
    return this.#routes.has(`${method} ${path}`);
  }

  get ctx(): EngineContext {
    return { pool: this.pool, dialect: this.dialect, maxRows: 1000 };
  }

  /** Runs the route `method path` (a route template such as `/album/:key`). */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const route = this.#routes.get(`${method} ${path}`);
    if (!route) throw new Error(`no route ${method} ${path}`);
    const query = Array.isArray(options.query) ? options.query : Object.entries(options.query ?? {});
    const request: EngineRequest = {
      method,
      params: options.params ?? {},
      query,
      headers: options.headers ?? {},
      body: options.body,
      naming: options.naming ?? 'as-is',
    };
    const response: EngineResponse = await route.runnable.run(request, this.ctx);
    const text = response.json ?? JSON.stringify(response.body);
    return { status: response.status, text, data: JSON.parse(text) };
  }

  /** Runs the route and expects an AppError with `status` (and `code`); returns it. */
  async fails(method: string, path: string, options: CallOptions, status: number, code?: string): Promise<AppError> {
    let caught: unknown;
    try {
      await this.call(method, path, options);
    } catch (err) {
      caught = err;
    }
    expect(caught, `${method} ${path} should fail with ${status}`).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect({ status: error.status, code: code === undefined ? undefined : error.code, message: error.message })
      .toMatchObject({ status, code });
    return error;
  }

  entity(name: string): EntityModel {
    return entityOf(this.model, name);
  }

  plan(name: string): EntityPlan {
    return planEntity(this.model, this.entity(name), this.dialect);
  }

  /** Compiles a hand-built selection for `entity`, runs it as one statement and parses the answer. */
  async select(entity: string, selection: Partial<Selection>, naming: Naming = 'as-is'): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const statement = compileRows(this.plan(entity), sel(this.entity(entity), selection), naming, MAX_LIMIT);
    return JSON.parse(jsonArray(await this.pool.query(statement.sql, statement.params)));
  }

  /** Reads with plain SQL (for checking what a write did), through the unrecorded pool. */
  async rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.#raw.query(sql, params)).rows;
  }

  /** Runs DDL or other setup SQL through the unrecorded pool. */
  async exec(sql: string): Promise<void> {
    await this.#raw.query(sql);
  }
}

/** A selection with defaults: every own property, no relations, no filters, key order, no limit. */
export function sel(entity: EntityModel, selection: Partial<Selection> = {}): Selection {
  return {
    filters: [],
    properties: entity.properties.map((p) => p.name),
    relations: [],
    sort: [],
    limit: null,
    offset: 0,
    count: false,
    ...selection,
  };
}

/** A filter on `path` (`prop` or `relation.prop`). */
export function f(path: string, op: FilterOperator, ...values: unknown[]): Filter {
  const dot = path.indexOf('.');
  return {
    path: dot < 0 ? { relation: null, property: path } : { relation: path.slice(0, dot), property: path.slice(dot + 1) },
    op,
    values,
  };
}

/** The values of one property across rows. */
export function pluck<T = unknown>(rows: Record<string, unknown>[], property: string): T[] {
  return rows.map((row) => row[property] as T);
}
