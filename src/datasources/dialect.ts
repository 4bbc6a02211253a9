/**
 * The dialect seam: everything Portico knows about one kind of database lives behind this interface,
 * one folder per database (postgres/, mysql/, sqlite/). Engines build SQL through a dialect and run it
 * on a pool; they never import a driver.
 */

export const DATA_SOURCE_TYPES = ['postgres', 'mysql', 'sqlite'] as const;
export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** What a pool needs to connect. For sqlite, `database` is a file path (or `:memory:`). */
export interface ConnectionSettings {
  type: DataSourceType;
  host?: string | null;
  port?: number | null;
  database: string;
  username?: string | null;
  password?: string | null;
  sslMode?: SslMode | null;
  /** Free-form driver options (e.g. `{ "schema": "public" }`); never overrides credentials. */
  options?: Record<string, unknown> | null;
}

export interface PoolLimits {
  /** Maximum open connections. */
  size: number;
  /** Time to open one connection before giving up. */
  connectTimeoutMs: number;
  /** Time one statement may run; 0 = no limit. */
  statementTimeoutMs: number;
  /** Time a query may wait for a free connection before failing with `pool_exhausted`. */
  acquireTimeoutMs: number;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows returned, or rows affected for INSERT/UPDATE/DELETE without RETURNING. */
  rowCount: number;
}

/** One connection held for a sequence of statements (a transaction). */
export interface Session {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
}

export interface Pool extends Session {
  /** Runs `fn` in one transaction on one connection: commit on success, rollback on throw. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Closes every connection; later calls fail. */
  close(): Promise<void>;
  /** Open connections right now (for tests and metrics). */
  readonly openConnections: number;
}

/** A database error turned into something a user may read: never raw driver text with secrets. */
export interface ClassifiedError {
  status: number;
  code:
    | 'unique_violation'
    | 'foreign_key_violation'
    | 'not_null_violation'
    | 'check_violation'
    | 'invalid_input'
    | 'invalid_statement'
    | 'statement_timeout'
    | 'pool_exhausted'
    | 'connection_failed'
    | 'database_error';
  message: string;
}

export interface ColumnInfo {
  name: string;
  /** Type as the database names it, lower case (`integer`, `character varying`, `varchar`, `text` …). */
  dataType: string;
  nullable: boolean;
  maxLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  /** Default expression as text, or null. */
  defaultValue: string | null;
  /** Identity (postgres), AUTO_INCREMENT (mysql) or INTEGER PRIMARY KEY AUTOINCREMENT / rowid alias (sqlite). */
  isAutoIncrement: boolean;
  /** Name of the sequence that feeds the default (`nextval('s')`), if any. */
  sequenceName: string | null;
  /** True when the default generates a UUID (gen_random_uuid(), uuid(), …). */
  isUuidDefault: boolean;
  comment: string | null;
}

export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  referencedSchema: string | null;
  referencedTable: string;
  referencedColumns: string[];
}

export interface TableInfo {
  schema: string | null;
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
}

export interface SchemaInfo {
  tables: TableInfo[];
  sequences: string[];
}

/** A value type as engines declare it (the table model's property types). */
export type SqlValueType = 'integer' | 'number' | 'boolean' | 'string' | 'date' | 'date-time' | 'uuid';

/**
 * The SQL fragments that differ between databases, for engines that build statements from a model (the
 * table engine). Identifiers handed in are already quoted; `literal` is for text from a model or spec
 * (JSON keys), never for a user value, which is always bound.
 *
 * JSON is built in the database: `jsonValue` renders a column, `jsonObject` a row, `jsonArrayAgg` rows,
 * `jsonNested` re-marks JSON that passed through a subquery or derived table, `jsonText` hands the result
 * to the driver as text. Dates come out as `YYYY-MM-DD`, date-times as `YYYY-MM-DDTHH:MM:SS[.fraction]`
 * (fraction without trailing zeros), booleans as true/false, numbers as JSON numbers, on every database.
 */
export interface SqlFeatures {
  /** A string literal for text from the model (JSON keys, sequence names). */
  literal(text: string): string;
  /** A possibly schema-qualified table, quoted. */
  table(schema: string | null, name: string): string;
  /** Wraps a whole statement that aggregates JSON (MariaDB: lifts group_concat_max_len, which would truncate it). */
  jsonStatement(sql: string): string;
  /** A JSON object from (key, value) pairs; any number of pairs (argument limits are the dialect's concern). */
  jsonObject(pairs: ReadonlyArray<readonly [key: string, value: string]>): string;
  /** A column as the JSON value of a property of `type`. */
  jsonValue(column: string, type: SqlValueType): string;
  /** JSON that came out of a scalar subquery (`(SELECT …)`) or a derived table's column, as JSON again. */
  jsonNested(expr: string): string;
  /** An aggregate of JSON values into an array ordered by `orderBy` (a list without `ORDER BY`, '' for none); `[]` for no rows. */
  jsonArrayAgg(value: string, orderBy: string): string;
  /** The statement's JSON result as text, so the driver passes it through instead of parsing it. */
  jsonText(expr: string): string;
  /**
   * `expr ASC|DESC`, with NULL before every value in ascending order on every database. `nullable: false`
   * (keys, NOT NULL columns) lets the dialect leave NULL placement out, so an index can give the order.
   */
  orderBy(expr: string, direction: 'asc' | 'desc', nullable: boolean): string;
  /** `LIMIT … OFFSET …` with the given placeholders. */
  limitOffset(limit: string, offset: string): string;
  /** Suffix of a SELECT that locks its rows until the transaction ends (` FOR UPDATE`), or '' where writers are serialised anyway. */
  readonly forUpdate: string;
  /** An expression as text (LIKE on a column that is not text). */
  asText(expr: string): string;
  /** Brings a date / date-time operand of a comparison to one comparable form (identity where the type system does it). */
  comparable(expr: string, type: SqlValueType): string;
  /** Whether `INSERT … RETURNING` exists. */
  readonly insertReturning: boolean;
  /** Where RETURNING is missing: a statement answering the key the connection's last INSERT generated, as column `id`. */
  readonly lastInsertId: string | null;
  /** An INSERT of `values` (SQL expressions) into `columns`, possibly none; `returning` only where insertReturning. */
  insert(table: string, columns: readonly string[], values: readonly string[], returning: readonly string[]): string;
  /** The next value of a named sequence (`name` or `schema.name`), or null where the database has no sequences. */
  nextSequenceValue(name: string): string | null;
  /** The current time at the full precision the database keeps (timestamp versions). */
  readonly currentTimestamp: string;
}

export interface Dialect {
  readonly type: DataSourceType;
  /** SQL fragments for statements built from a model (the table engine). */
  readonly sql: SqlFeatures;
  /** Quotes an identifier that came from the catalog or a spec; never a user value. */
  quoteIdent(name: string): string;
  /** The placeholder for the 1-based parameter `index` (`$1` or `?`). */
  placeholder(index: number): string;
  createPool(settings: ConnectionSettings, limits: PoolLimits): Pool;
  /** Turns a driver error from a statement into a user-readable classification. */
  classifyError(err: unknown): ClassifiedError;
  /** Turns a failure to connect into a plain sentence (wrong password, unknown host, refused port, timeout). */
  describeConnectError(err: unknown, settings: ConnectionSettings): string;
  /** Tables, views, columns, keys and sequences of one schema (default: the connection's current schema). */
  introspect(pool: Pool, options?: { schema?: string }): Promise<SchemaInfo>;
}
