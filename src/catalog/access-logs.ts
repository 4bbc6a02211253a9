/**
 * Access records in the catalog: batched inserts from the gateway's recorder, pyDBAPI's list filters, the
 * dashboard's overview queries, and retention. Everything here goes through `catalog.db` directly, never
 * `catalog.write`: traffic must not bump the catalog version or rebuild the gateway's snapshot.
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Catalog } from './catalog.ts';
import type { AccessLogTable, CatalogDatabase } from './schema.ts';
import { containsText, type Page } from './versions.ts';
import { badRequest, notFound } from '../errors.ts';

export type AccessLogInsert = Insertable<AccessLogTable>;
type Row = Selectable<AccessLogTable>;

/** pyDBAPI's filters. Times are ISO-8601 (any offset; compared in UTC); `to` is inclusive. */
export interface AccessLogListQuery {
  page?: number;
  /** 1–100; default 20. */
  page_size?: number;
  endpoint_id?: string;
  /** The module's catalog id. */
  module_id?: string;
  /** Clients in this group (`client_groups`). */
  group_id?: string;
  /** The client's catalog id (`clients.id`). */
  client_id?: string;
  /** Case-insensitive "contains". */
  path?: string;
  method?: string;
  ip?: string;
  from?: string;
  to?: string;
  /** success = status < 400, fail = status ≥ 400. */
  status?: 'success' | 'fail';
  /** One exact HTTP status. */
  status_code?: number;
}

/** What the list shows: the record without its headers and body (the detail has them). */
export interface AccessLogSummary {
  id: string;
  created_at: string;
  endpoint_id: string | null;
  /** The endpoint's current name, when it still exists. */
  endpoint_name: string | null;
  endpoint_version: number | null;
  module_id: string | null;
  /** The module's current name, when it still exists. */
  module_name: string | null;
  client_id: string | null;
  client_name: string | null;
  ip: string;
  method: string;
  path: string;
  status: number;
  success: boolean;
  duration_ms: number;
  params: unknown;
  request_id: string;
  error_code: string | null;
}

export interface AccessLogDetail extends AccessLogSummary {
  headers: Record<string, string>;
  body: string | null;
}

export interface AccessStats {
  since: string | null;
  total: number;
  success: number;
  fail: number;
  /** 0 when there were no requests. */
  avg_duration_ms: number;
  distinct_clients: number;
}

export interface DayCount {
  /** YYYY-MM-DD (UTC). */
  date: string;
  count: number;
  success: number;
  fail: number;
}

export interface PathCount {
  path: string;
  count: number;
  fail: number;
  avg_duration_ms: number;
}

export interface StatusBreakdown {
  since: string | null;
  classes: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; other: number };
  statuses: { status: number; count: number }[];
}

/** Counts of catalog objects for the dashboard; null where the table does not exist. */
export interface CatalogCounts {
  datasources: number | null;
  modules: number | null;
  endpoints: number | null;
  clients: number | null;
  groups: number | null;
}

const MAX_PAGE_SIZE = 100;
/** Rows per DELETE statement while pruning, so a large prune never holds the catalog for long. */
const PRUNE_CHUNK = 5000;
const DAY_MS = 86_400_000;

const base = (db: Kysely<CatalogDatabase>) => db.selectFrom('access_logs as l');
type Query = ReturnType<typeof base>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An ISO time from the caller → the stored form (UTC, `toISOString`), or 400. */
export function isoTime(field: string, value: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest(`${field}: not an ISO-8601 time ("${value}")`);
  return new Date(t).toISOString();
}

export class AccessLogRepository {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  /** Inserts the rows in one transaction, off the event loop where the backend allows (access-log-writer.ts). */
  async insertBatch(rows: readonly AccessLogInsert[]): Promise<void> {
    await this.#catalog.accessLogWriter.write(rows);
  }

  async list(q: AccessLogListQuery = {}): Promise<Page<AccessLogSummary>> {
    const page = q.page ?? 1;
    const size = q.page_size ?? 20;
    if (!Number.isInteger(page) || page < 1) throw badRequest('page: must be an integer from 1');
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw badRequest(`page_size: must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const filtered = this.#filtered(q);
    const counted = await filtered.select(sql<number | string>`count(*)`.as('n')).executeTakeFirst();
    const rows = await this.#withNames(filtered)
      .orderBy('l.created_at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(size)
      .offset((page - 1) * size)
      .execute();
    return { data: rows.map((r) => summary(r)), total: num(counted?.n) };
  }

  async get(id: string): Promise<AccessLogDetail> {
    const row = await this.#withNames(base(this.#catalog.db))
      .select(['l.headers', 'l.body'])
      .where('l.id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Access record not found');
    const headers = parseJson(row.headers);
    return {
      ...summary(row),
      headers: headers && typeof headers === 'object' ? (headers as Record<string, string>) : {},
      body: row.body,
    };
  }

  /** The newest records (the dashboard's "recent access"). */
  async recent(limit = 20): Promise<AccessLogSummary[]> {
    return (await this.list({ page: 1, page_size: clampLimit(limit) })).data;
  }

  /** Deletes records created before `olderThan`, in chunks; returns how many went. */
  async prune(olderThan: Date): Promise<number> {
    const before = olderThan.toISOString();
    let total = 0;
    for (;;) {
      const result = await this.#catalog.db
        .deleteFrom('access_logs')
        .where('id', 'in', (eb) =>
          eb.selectFrom('access_logs').select('id').where('created_at', '<', before).limit(PRUNE_CHUNK),
        )
        .executeTakeFirst();
      const n = Number(result.numDeletedRows);
      total += n;
      if (n < PRUNE_CHUNK) return total;
    }
  }

  /** Totals since `since` (null = every record kept). */
  async stats(since: Date | null): Promise<AccessStats> {
    const row = await this.#since(since)
      .select([
        sql<number | string>`count(*)`.as('total'),
        sql<number | string>`sum(case when l.status < 400 then 1 else 0 end)`.as('success'),
        sql<number | string | null>`avg(l.duration_ms)`.as('avg_duration'),
        sql<number | string>`count(distinct l.client_id)`.as('clients'),
      ])
      .executeTakeFirst();
    const total = num(row?.total);
    const success = num(row?.success);
    return {
      since: since ? since.toISOString() : null,
      total,
      success,
      fail: total - success,
      avg_duration_ms: round(num(row?.avg_duration)),
      distinct_clients: num(row?.clients),
    };
  }

  /**
   * Requests per UTC day for the last `days` days, today included, oldest first; days without traffic
   * are there with zeros. Days are `substr(created_at, 1, 10)`, which works on both backends.
   */
  async requestsByDay(days: number, now: Date = new Date()): Promise<DayCount[]> {
    const n = Math.max(1, Math.min(3650, Math.floor(days)));
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const first = new Date(today - (n - 1) * DAY_MS);
    const day = sql<string>`substr(l.created_at, 1, 10)`;
    const rows = await this.#since(first)
      .select([
        day.as('day'),
        sql<number | string>`count(*)`.as('total'),
        sql<number | string>`sum(case when l.status < 400 then 1 else 0 end)`.as('success'),
      ])
      .groupBy(day)
      .execute();
    const byDay = new Map(rows.map((r) => [r.day, r]));
    const out: DayCount[] = [];
    for (let i = 0; i < n; i++) {
      const date = new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      const r = byDay.get(date);
      const count = num(r?.total);
      const success = num(r?.success);
      out.push({ date, count, success, fail: count - success });
    }
    return out;
  }

  /** The most requested paths since `since`, busiest first. */
  async topPaths(limit: number, since: Date | null): Promise<PathCount[]> {
    const rows = await this.#since(since)
      .select([
        'l.path',
        sql<number | string>`count(*)`.as('total'),
        sql<number | string>`sum(case when l.status >= 400 then 1 else 0 end)`.as('fail'),
        sql<number | string | null>`avg(l.duration_ms)`.as('avg_duration'),
      ])
      .groupBy('l.path')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('l.path')
      .limit(clampLimit(limit))
      .execute();
    return rows.map((r) => ({
      path: r.path,
      count: num(r.total),
      fail: num(r.fail),
      avg_duration_ms: round(num(r.avg_duration)),
    }));
  }

  /** Counts per status class and per status since `since`. */
  async statusBreakdown(since: Date | null): Promise<StatusBreakdown> {
    const rows = await this.#since(since)
      .select(['l.status', sql<number | string>`count(*)`.as('total')])
      .groupBy('l.status')
      .orderBy('l.status')
      .execute();
    const classes = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 };
    const statuses = rows.map((r) => ({ status: Number(r.status), count: num(r.total) }));
    for (const { status, count } of statuses) {
      const key = status >= 200 && status < 600 ? (`${Math.floor(status / 100)}xx` as keyof typeof classes) : 'other';
      classes[key] += count;
    }
    return { since: since ? since.toISOString() : null, classes, statuses };
  }

  /** How many data sources, modules, endpoints, clients and groups the catalog holds (cheap counts). */
  async catalogCounts(): Promise<CatalogCounts> {
    const count = async (table: string): Promise<number | null> => {
      try {
        const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
          this.#catalog.db,
        );
        return num(r.rows[0]?.n);
      } catch {
        return null; // the table does not exist in this catalog (yet)
      }
    };
    return {
      datasources: await count('datasources'),
      modules: await count('modules'),
      endpoints: await count('api_assignments'),
      clients: await count('clients'),
      groups: await count('groups'),
    };
  }

  #since(since: Date | null): Query {
    const q = base(this.#catalog.db);
    return since ? q.where('l.created_at', '>=', since.toISOString()) : q;
  }

  #filtered(q: AccessLogListQuery): Query {
    let query: Query = base(this.#catalog.db);
    if (q.endpoint_id) query = query.where('l.endpoint_id', '=', q.endpoint_id);
    if (q.module_id) query = query.where('l.module', '=', q.module_id);
    if (q.client_id) query = query.where('l.client_id', '=', q.client_id);
    if (q.group_id) {
      const group = q.group_id;
      query = query.where(sql<boolean>`l.client_id in (select client_id from client_groups where group_id = ${group})`);
    }
    if (q.path) query = query.where(containsText('l.path', q.path));
    if (q.method) query = query.where('l.method', '=', q.method.toUpperCase());
    if (q.ip) query = query.where('l.ip', '=', q.ip);
    if (q.from) query = query.where('l.created_at', '>=', isoTime('from', q.from));
    if (q.to) query = query.where('l.created_at', '<=', isoTime('to', q.to));
    if (q.status === 'success') query = query.where('l.status', '<', 400);
    if (q.status === 'fail') query = query.where('l.status', '>=', 400);
    if (q.status_code !== undefined) query = query.where('l.status', '=', q.status_code);
    return query;
  }

  #withNames(q: Query) {
    return q
      .leftJoin('api_assignments as a', 'a.id', 'l.endpoint_id')
      .leftJoin('modules as m', 'm.id', 'l.module')
      .select([
        'l.id',
        'l.created_at',
        'l.endpoint_id',
        'a.name as endpoint_name',
        'l.endpoint_version',
        'l.module',
        'm.name as module_name',
        'l.client_id',
        'l.client_name',
        'l.ip',
        'l.method',
        'l.path',
        'l.status',
        'l.duration_ms',
        'l.params',
        'l.request_id',
        'l.error_code',
      ]);
  }
}

type SummaryRow = Omit<Row, 'headers' | 'body'> & { endpoint_name: string | null; module_name: string | null };

function summary(r: SummaryRow): AccessLogSummary {
  const status = Number(r.status);
  return {
    id: r.id,
    created_at: r.created_at,
    endpoint_id: r.endpoint_id,
    endpoint_name: r.endpoint_name,
    endpoint_version: r.endpoint_version === null ? null : Number(r.endpoint_version),
    module_id: r.module,
    module_name: r.module_name,
    client_id: r.client_id,
    client_name: r.client_name,
    ip: r.ip,
    method: r.method,
    path: r.path,
    status,
    success: status < 400,
    duration_ms: Number(r.duration_ms),
    params: parseJson(r.params),
    request_id: r.request_id,
    error_code: r.error_code,
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;
const clampLimit = (n: number): number => Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(n) || 1));

/**
 * Prunes records older than `days` days once now and then every hour (the timer does not keep the process
 * alive). Failures are logged and retried at the next run. Returns the stop function.
 */
export function startRetention(
  repo: Pick<AccessLogRepository, 'prune'>,
  days: number,
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void },
  intervalMs = 3_600_000,
): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const cutoff = new Date(Date.now() - days * DAY_MS);
    repo
      .prune(cutoff)
      .then(
        (n) => {
          if (n > 0) log.info({ deleted: n, before: cutoff.toISOString(), retentionDays: days }, 'access records pruned');
        },
        (err: unknown) =>
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'access record pruning failed; retrying later'),
      )
      .finally(() => {
        running = false;
      });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
