/**
 * The gateway's access records: every outcome is handed to `AccessRecorder.record()`, which turns it into a
 * row (headers redacted, body only when enabled and truncated) and queues it; a timer writes the queue in
 * batches. The request never waits for the catalog: a slow or failing catalog only grows the queue (bounded;
 * the oldest records go first, counted), a failed batch is retried with backoff, and `close()` flushes what
 * is pending at shutdown.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AccessLogInsert, AccessLogRepository } from '../catalog/access-logs.ts';

export interface AccessRecord {
  time: Date;
  endpointId: string | null;
  endpointVersion: number | null;
  /** The module's catalog id. */
  module: string | null;
  /** The client's catalog id (`clients.id`); null for public calls without a token. */
  clientId: string | null;
  clientName: string | null;
  ip: string;
  method: string;
  /** The request path, preferably without the query string (the parameters are in `params`). */
  path: string;
  status: number;
  durationMs: number;
  /** The resolved parameters; stored as JSON (top-level secret-looking keys redacted). */
  params?: unknown;
  /** The request headers as Fastify has them; redacted before storing. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body (text, bytes or a parsed object); stored only when body logging is on, truncated. */
  body?: string | Uint8Array | object | null;
  requestId: string;
  errorCode?: string | null;
}

export interface RecorderLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AccessRecorderOptions {
  /** GATEWAY_ACCESS_LOG_BODY. */
  logBody: boolean;
  /** Default 4096. */
  maxBodyBytes?: number;
  /** Default 1000. */
  flushIntervalMs?: number;
  /** Rows per batch (one transaction); default 500. */
  maxBatch?: number;
  /** Records waiting at most; beyond it the oldest are dropped (counted). Default 50 000. */
  maxQueue?: number;
  /** Attempts per batch before it is given up (counted as dropped). Default 10. */
  maxAttempts?: number;
  log: RecorderLog;
}

/** Header values stored as `[redacted]`. */
export const REDACTED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'x-api-key', 'proxy-authorization']);
/** Top-level keys of parameters and object bodies stored as `[redacted]`. */
export const REDACTED_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'secret',
  'client_secret',
  'access_token',
  'refresh_token',
]);
const REDACTED = '[redacted]';

const MAX_PATH = 4096;
const MAX_HEADER_VALUE = 2048;
const MAX_PARAMS_CHARS = 16_384;
const MAX_BACKOFF_MS = 30_000;
const WARN_EVERY_MS = 10_000;

/** A FIFO with O(1) push and shift (amortised): an array and a head index, compacted now and then. */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    this.#compact();
    return item;
  }

  take(n: number): T[] {
    const end = Math.min(this.#items.length, this.#head + n);
    const out = this.#items.slice(this.#head, end) as T[];
    this.#items.fill(undefined, this.#head, end);
    this.#head = end;
    this.#compact();
    return out;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

interface Batch {
  rows: AccessLogInsert[];
  attempts: number;
  /** Not retried before this time (ms since epoch) unless forced by flush/close. */
  notBefore: number;
}

export class AccessRecorder {
  readonly #repo: Pick<AccessLogRepository, 'insertBatch'>;
  readonly #log: RecorderLog;
  readonly #logBody: boolean;
  readonly #maxBodyBytes: number;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #maxQueue: number;
  readonly #maxAttempts: number;
  // Records wait as they came; their rows are built when a batch is written, off the request path.
  readonly #queue = new Fifo<AccessRecord>();
  #retry: Batch | null = null;
  #inFlight = 0;
  #draining: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null;
  #soon = false;
  #closed = false;
  #dropped = 0;
  #written = 0;
  #droppedUnreported = 0;
  #lastDropWarning = 0;
  #lastFailureWarning = 0;

  constructor(repo: Pick<AccessLogRepository, 'insertBatch'>, options: AccessRecorderOptions) {
    this.#repo = repo;
    this.#log = options.log;
    this.#logBody = options.logBody;
    this.#maxBodyBytes = Math.max(0, options.maxBodyBytes ?? 4096);
    this.#flushIntervalMs = Math.max(10, options.flushIntervalMs ?? 1000);
    this.#maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.#maxQueue = Math.max(1, options.maxQueue ?? 50_000);
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 10);
    this.#timer = setInterval(() => {
      if (!this.#draining) void this.#kick(false);
    }, this.#flushIntervalMs);
    this.#timer.unref();
  }

  /** Records dropped so far: queue overflow, batches given up after their attempts, rows the catalog refused. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records written so far. */
  get written(): number {
    return this.#written;
  }

  /** Records not written yet: queued, being written, or waiting for a retry. */
  get pending(): number {
    return this.#queue.size + this.#inFlight + (this.#retry?.rows.length ?? 0);
  }

  /** Queues one record. Synchronous, constant time, never throws, never waits for the catalog. */
  record(r: AccessRecord): void {
    try {
      if (this.#closed) {
        this.#drop(1, 'recorder closed');
        return;
      }
      if (this.#queue.size >= this.#maxQueue) {
        this.#queue.shift();
        this.#drop(1, 'queue full: the catalog is not keeping up');
      }
      this.#queue.push(r);
      if (this.#queue.size >= this.#maxBatch) this.#soonKick();
    } catch {
      // Recording must never fail a request; a record that cannot even be converted is counted.
      this.#dropped++;
    }
  }

  /** Writes everything recorded so far (retrying a failed batch now). Never throws. */
  async flush(): Promise<void> {
    await this.#kick(true);
  }

  /** Stops the timer and writes what is pending; later records are dropped (counted). Never throws. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#kick(true);
    const lost = this.pending;
    if (lost > 0) {
      this.#retry = null;
      this.#queue.take(lost);
      this.#dropped += lost;
      this.#safeLog('error', { lost, dropped: this.#dropped }, 'access records lost at shutdown: the catalog refused them');
    }
  }

  /** Runs one drain pass after the current one (if any). */
  #kick(force: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      try {
        const ok = await this.#pass(force);
        if (ok && !this.#closed && this.#queue.size >= this.#maxBatch) this.#soonKick();
      } catch (err) {
        this.#safeLog('error', { err: errorMessage(err) }, 'access record writer failed');
      }
    };
    const next: Promise<void> = (this.#draining ?? Promise.resolve()).then(run).finally(() => {
      if (this.#draining === next) this.#draining = null;
    });
    this.#draining = next;
    return next;
  }

  #soonKick(): void {
    if (this.#soon || this.#draining) return;
    this.#soon = true;
    setImmediate(() => {
      this.#soon = false;
      if (!this.#draining) void this.#kick(false);
    });
  }

  /**
   * Writes the batches present when it starts (so a flush ends even under steady traffic). Returns false
   * when a batch failed and waits for its retry.
   */
  /** Rows of queued records; a record that cannot be converted is counted as dropped. */
  #rows(records: AccessRecord[]): AccessLogInsert[] {
    const rows: AccessLogInsert[] = [];
    for (const r of records) {
      try {
        rows.push(toRow(r, this.#logBody ? this.#maxBodyBytes : null));
      } catch {
        this.#dropped++;
      }
    }
    return rows;
  }

  async #pass(force: boolean): Promise<boolean> {
    if (this.#retry && !force && Date.now() < this.#retry.notBefore) return false;
    let batches = Math.ceil(this.#queue.size / this.#maxBatch) + (this.#retry ? 1 : 0);
    while (batches-- > 0) {
      const batch: Batch | null =
        this.#retry ?? (this.#queue.size > 0 ? { rows: this.#rows(this.#queue.take(this.#maxBatch)), attempts: 0, notBefore: 0 } : null);
      if (!batch) break;
      this.#retry = null;
      this.#inFlight = batch.rows.length;
      let ok: boolean;
      try {
        ok = await this.#write(batch);
      } finally {
        this.#inFlight = 0;
      }
      if (!ok) return false;
    }
    return true;
  }

  async #write(batch: Batch): Promise<boolean> {
    try {
      await this.#repo.insertBatch(batch.rows);
      this.#written += batch.rows.length;
      return true;
    } catch (err) {
      // A row the catalog refuses (a data error) must not hold the others back: write them one by one.
      if (isDataError(err)) return this.#writeOneByOne(batch);
      return this.#failed(batch, err);
    }
  }

  async #writeOneByOne(batch: Batch): Promise<boolean> {
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      try {
        await this.#repo.insertBatch([row]);
        this.#written++;
      } catch (err) {
        if (isDataError(err)) {
          this.#dropped++;
          this.#safeLog('error', { err: errorMessage(err), requestId: row.request_id }, 'access record refused by the catalog');
          continue;
        }
        return this.#failed({ ...batch, rows: batch.rows.slice(i) }, err);
      }
    }
    return true;
  }

  #failed(batch: Batch, err: unknown): false {
    batch.attempts++;
    if (batch.attempts >= this.#maxAttempts) {
      this.#dropped += batch.rows.length;
      this.#safeLog(
        'error',
        { err: errorMessage(err), lost: batch.rows.length, attempts: batch.attempts, dropped: this.#dropped },
        'access records given up: the catalog kept failing',
      );
      return false;
    }
    const delay = Math.min(MAX_BACKOFF_MS, this.#flushIntervalMs * 2 ** (batch.attempts - 1));
    batch.notBefore = Date.now() + delay;
    this.#retry = batch;
    const now = Date.now();
    if (now - this.#lastFailureWarning >= WARN_EVERY_MS) {
      this.#lastFailureWarning = now;
      this.#safeLog(
        'warn',
        { err: errorMessage(err), pending: this.pending, attempts: batch.attempts, retryInMs: delay },
        'access records not written yet: the catalog failed; retrying',
      );
    }
    return false;
  }

  #drop(n: number, reason: string): void {
    this.#dropped += n;
    this.#droppedUnreported += n;
    const now = Date.now();
    if (now - this.#lastDropWarning < WARN_EVERY_MS) return;
    this.#lastDropWarning = now;
    const count = this.#droppedUnreported;
    this.#droppedUnreported = 0;
    this.#safeLog('warn', { droppedNow: count, dropped: this.#dropped, reason }, 'access records dropped');
  }

  #safeLog(level: 'warn' | 'error', obj: object, msg: string): void {
    try {
      this.#log[level](obj, msg);
    } catch {
      // a broken logger must not break recording
    }
  }
}

/** The row stored for a record: headers redacted, body kept only when `maxBodyBytes` is a number. */
export function toRow(r: AccessRecord, maxBodyBytes: number | null): AccessLogInsert {
  const time = r.time instanceof Date && !Number.isNaN(r.time.getTime()) ? r.time : new Date();
  const version = Number(r.endpointVersion);
  const duration = Number(r.durationMs);
  return {
    // Time-ordered ids: each batch appends to the primary-key index instead of touching a random page per row.
    id: uuidv7(),
    created_at: time.toISOString(),
    endpoint_id: clip(r.endpointId, 255),
    endpoint_version: r.endpointVersion !== null && Number.isSafeInteger(version) ? version : null,
    module: clip(r.module, 255),
    client_id: clip(r.clientId, 255),
    client_name: clip(r.clientName, 255),
    ip: clip(r.ip, 64) ?? '',
    method: clip(typeof r.method === 'string' ? r.method.toUpperCase() : null, 16) ?? '',
    path: clip(r.path, MAX_PATH) ?? '',
    status: Number.isFinite(r.status) ? Math.trunc(r.status) : 0,
    duration_ms: Number.isFinite(duration) ? Math.round(duration * 1000) / 1000 : 0,
    params: r.params === undefined ? null : jsonText(redactFields(r.params), MAX_PARAMS_CHARS),
    headers: JSON.stringify(redactHeaders(r.headers)),
    body: maxBodyBytes === null ? null : bodyText(r.body, maxBodyBytes),
    request_id: clip(r.requestId, 128) ?? '',
    error_code: clip(r.errorCode ?? null, 64),
  };
}

/** Header names lowercased, repeated values joined, secrets replaced by `[redacted]`. */
export function redactHeaders(headers: AccessRecord['headers'] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = REDACTED_HEADERS.has(key)
      ? REDACTED
      : (clip(Array.isArray(value) ? value.join(', ') : String(value), MAX_HEADER_VALUE) ?? '');
  }
  return out;
}

/** `value` with its top-level secret-looking keys redacted (plain objects only). */
function redactFields(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    if (REDACTED_FIELDS.has(key.toLowerCase())) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = REDACTED;
    }
  }
  return copy ?? value;
}

function jsonText(value: unknown, max: number): string | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = JSON.stringify('[unserializable]');
  }
  if (text === undefined) return null;
  if (text.length <= max) return text;
  return JSON.stringify({ _truncated: true, preview: text.slice(0, 1024) });
}

/** The body as text of at most `max` UTF-8 bytes (cut at a character boundary). */
export function bodyText(body: AccessRecord['body'], max: number): string | null {
  if (body === undefined || body === null) return null;
  if (body instanceof Uint8Array) return clean(utf8Prefix(Buffer.from(body.buffer, body.byteOffset, body.byteLength), max));
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = JSON.stringify(redactFields(body)) ?? '';
    } catch {
      text = '[unserializable]';
    }
  }
  // At most 3 UTF-8 bytes per UTF-16 unit: short text needs no encoding at all.
  if (text.length * 3 > max) text = utf8Prefix(Buffer.from(text.length > max ? text.slice(0, max) : text, 'utf8'), max);
  return clean(text);
}

function utf8Prefix(buf: Buffer, max: number): string {
  if (buf.length <= max) return buf.toString('utf8');
  let end = max;
  // Step back over continuation bytes so no character is cut in half.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** PostgreSQL text cannot hold NUL. */
const clean = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

function clip(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const s = clean(String(value));
  return s.length > max ? s.slice(0, max) : s;
}

/** A row the database refuses for its content (PostgreSQL classes 22 and 23, SQLite constraint/size errors). */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(code);
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
