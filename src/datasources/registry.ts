/**
 * One pool per data source, rebuilt when its connection settings change. The fingerprint covers every
 * setting, password included, so a changed password never keeps serving from a pool opened with the old one.
 */
import { createHash } from 'node:crypto';
import type { ConnectionSettings, Dialect, Pool, PoolLimits } from './dialect.ts';
import { dialectFor } from './dialects.ts';

export interface PoolLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** A live pool with what it was built from. */
export interface LivePool {
  readonly pool: Pool;
  readonly settings: ConnectionSettings;
  readonly dialect: Dialect;
}

interface Entry extends LivePool {
  fingerprint: string;
}

/** JSON with object keys sorted, so equal settings always hash alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

export function settingsFingerprint(settings: ConnectionSettings): string {
  return createHash('sha256').update(JSON.stringify(canonical(settings))).digest('hex');
}

export class PoolRegistry {
  readonly #limits: PoolLimits;
  readonly #logger: PoolLogger | undefined;
  readonly #entries = new Map<string, Entry>();

  constructor(limits: PoolLimits, logger?: PoolLogger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The pool for data source `id`; a new one (the old one closing gracefully) if its settings changed. */
  get(id: string, settings: ConnectionSettings): Pool {
    const fingerprint = settingsFingerprint(settings);
    const entry = this.#entries.get(id);
    if (entry?.fingerprint === fingerprint) return entry.pool;
    if (entry) {
      this.#logger?.info({ dataSourceId: id }, 'data source settings changed; replacing its pool');
      void this.#close(id, entry.pool);
    }
    const dialect = dialectFor(settings.type);
    const pool = dialect.createPool(settings, this.#limits);
    this.#entries.set(id, { fingerprint, pool, settings, dialect });
    return pool;
  }

  /**
   * The live pool of `id` and the settings it was built with, without looking anything up: the hot path.
   * Whoever changes or deletes the data source calls `drop`, so a hit is never stale.
   */
  current(id: string): LivePool | undefined {
    return this.#entries.get(id);
  }

  /** Forgets data source `id` and closes its pool once its running statements finish. */
  async drop(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    await this.#close(id, entry.pool);
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries];
    this.#entries.clear();
    await Promise.all(entries.map(([id, entry]) => this.#close(id, entry.pool)));
  }

  async #close(id: string, pool: Pool): Promise<void> {
    try {
      await pool.close();
    } catch (err) {
      this.#logger?.warn({ dataSourceId: id, err: err instanceof Error ? err.message : String(err) }, 'closing a data source pool failed');
    }
  }
}
