/**
 * How batches of access records reach the catalog, kept off the gateway's event loop as far as each backend
 * allows:
 *
 * - SQLite: better-sqlite3 runs statements synchronously, so an in-process insert would stop every request
 *   while five indexes are updated (about 10 µs a row). A worker thread with its own connection to the same
 *   file (WAL mode: readers are not blocked) does the inserts through one prepared statement; the event loop
 *   only hands over each batch's rows.
 * - PostgreSQL: one statement per batch whatever its size, `json_populate_recordset` over a single JSON
 *   parameter, instead of a VALUES list with 17 parameters a row for the driver to serialise.
 *
 * Errors keep their driver `code` (`SQLITE_CONSTRAINT_…`, SQLSTATE) so the recorder can tell a refused row
 * from a failing catalog.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { AccessLogTable, CatalogDatabase } from './schema.ts';
import { SQLITE_PRAGMAS } from './database.ts';

export type AccessLogRow = Insertable<AccessLogTable>;

/** The stored columns (the SQLite statement binds them in this order). */
export const ACCESS_LOG_COLUMNS = [
  'id',
  'created_at',
  'endpoint_id',
  'endpoint_version',
  'module',
  'client_id',
  'client_name',
  'ip',
  'method',
  'path',
  'status',
  'duration_ms',
  'params',
  'headers',
  'body',
  'request_id',
  'error_code',
] as const satisfies readonly (keyof AccessLogTable)[];

export interface AccessLogWriter {
  /** Inserts the rows in one transaction: all of them or none. */
  write(rows: readonly AccessLogRow[]): Promise<void>;
  /** Ends the writer; later writes reject. */
  close(): Promise<void>;
}

/** Values of columns absent from a row that are not null (the table's defaults). */
const COLUMN_DEFAULTS: Partial<Record<(typeof ACCESS_LOG_COLUMNS)[number], string>> = { headers: '{}' };

/** A column's value: absent ones take their default, else null. */
const valueOf = (row: AccessLogRow, column: (typeof ACCESS_LOG_COLUMNS)[number]): unknown =>
  row[column] ?? COLUMN_DEFAULTS[column] ?? null;

/** Every column present. */
const complete = (row: AccessLogRow): Record<string, unknown> =>
  Object.fromEntries(ACCESS_LOG_COLUMNS.map((c) => [c, valueOf(row, c)]));

export function postgresAccessLogWriter(db: Kysely<CatalogDatabase>): AccessLogWriter {
  const columns = sql.join(ACCESS_LOG_COLUMNS.map((c) => sql.ref(c)));
  return {
    async write(rows) {
      if (rows.length === 0) return;
      const json = JSON.stringify(rows.map(complete));
      await sql`insert into access_logs (${columns}) select ${columns} from json_populate_recordset(null::access_logs, ${json}::json)`.execute(db);
    },
    async close() {},
  };
}

/**
 * The worker's program (plain JavaScript, evaluated as a CommonJS script so it runs the same under tsx, the
 * compiled build and the test runner). It receives `{ id, rows }` (the row objects) and answers `{ id }` or
 * `{ id, error: { message, code } }`. Absent columns get their value as `valueOf` gives it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const { columns, defaults } = workerData;
const insert = db.prepare('insert into access_logs (' + columns.join(', ') + ') values (' + columns.map(() => '?').join(', ') + ')');
const insertAll = db.transaction((rows) => {
  for (const row of rows) insert.run(columns.map((c) => row[c] ?? defaults[c] ?? null));
});
parentPort.on('message', ({ id, rows }) => {
  try {
    insertAll(rows);
    parentPort.postMessage({ id });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message || err), code: err && err.code } });
  }
});
`;

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

export function sqliteAccessLogWriter(file: string): AccessLogWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 0;
  const pending = new Map<number, Pending>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file, pragmas: SQLITE_PRAGMAS, columns: ACCESS_LOG_COLUMNS, defaults: COLUMN_DEFAULTS },
    });
    w.on('message', (m: { id: number; error?: { message: string; code?: string } }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else p.resolve();
    });
    // A worker that fails (it cannot open the catalog, say) fails what it was given, with its reason.
    let failure: Error | null = null;
    w.on('error', (err) => {
      failure = err instanceof Error ? err : new Error(String(err));
      failAll(failure);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(failure ?? new Error(`access-log writer stopped (exit code ${code})`));
    });
    return w;
  };

  return {
    write(rows) {
      if (closed) return Promise.reject(new Error('The catalog is closed'));
      if (rows.length === 0) return Promise.resolve();
      worker ??= start();
      const id = nextId++;
      const w = worker;
      const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
      // Held while writes are in flight (a shutdown flush must finish), let go when idle.
      w.ref();
      // Structured clone of the row objects: half the cost of mapping them to arrays and writing JSON.
      w.postMessage({ id, rows });
      return done.finally(() => {
        if (pending.size === 0) w.unref();
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      failAll(new Error('The catalog is closed'));
    },
  };
}
