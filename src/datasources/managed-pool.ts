/**
 * The part of a pool that is the same for every database: a bounded wait for a free connection, one
 * connection per transaction, and a close that lets work already admitted finish. Each dialect supplies a
 * small Driver (connect, run, release, end) and gets a Pool.
 */
import type { Pool, PoolLimits, QueryResult, Session } from './dialect.ts';
import { DataSourceError, connectionFailed, poolClosed, poolExhausted } from './errors.ts';

export interface Driver<C> {
  /** A connection ready for statements; called only while a permit is held, so it never waits for one. */
  connect(): Promise<C>;
  run(conn: C, sql: string, params: readonly unknown[]): Promise<QueryResult>;
  /**
   * Gives the connection back. `failure` is the error that ended its use, if any (the driver decides whether
   * that broke the connection); `discard` says it must not be reused (a transaction that could not roll back).
   */
  release(conn: C, failure: unknown, discard: boolean): void;
  end(): Promise<void>;
  readonly openConnections: number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** Counts connections in use; waiters queue in order and give up after the acquire timeout. */
export class Semaphore {
  readonly size: number;
  #inUse = 0;
  #waiters: Waiter[] = [];
  #onIdle: (() => void)[] = [];

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Waits at most `timeoutMs` (0: not at all) for a permit, then throws `pool_exhausted`. */
  acquire(timeoutMs: number): Promise<void> {
    if (this.#inUse < this.size && this.#waiters.length === 0) {
      this.#inUse++;
      return Promise.resolve();
    }
    if (timeoutMs <= 0) return Promise.reject(poolExhausted(this.size, 0));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      waiter.timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(poolExhausted(this.size, timeoutMs));
        this.#checkIdle();
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
      return;
    }
    this.#inUse = Math.max(0, this.#inUse - 1);
    this.#checkIdle();
  }

  /** Resolves once no permit is held and nobody waits. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }

  #isIdle(): boolean {
    return this.#inUse === 0 && this.#waiters.length === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const callbacks = this.#onIdle;
    this.#onIdle = [];
    for (const callback of callbacks) callback();
  }
}

export class ManagedPool<C> implements Pool {
  readonly #driver: Driver<C>;
  readonly #limits: PoolLimits;
  readonly #describe: (err: unknown) => string;
  readonly #permits: Semaphore;
  #closing: Promise<void> | null = null;

  /** `describe` turns a failure to connect into the sentence users see (the dialect's describeConnectError). */
  constructor(driver: Driver<C>, limits: PoolLimits, describe: (err: unknown) => string, size = limits.size) {
    this.#driver = driver;
    this.#limits = limits;
    this.#describe = describe;
    this.#permits = new Semaphore(size);
  }

  get openConnections(): number {
    return this.#driver.openConnections;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    const conn = await this.#acquire();
    let failure: unknown;
    try {
      return await this.#driver.run(conn, sql, params);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      this.#release(conn, failure, false);
    }
  }

  async transaction<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const conn = await this.#acquire();
    let open = true;
    let discard = false;
    const session: Session = {
      query: (sql, params = []) => {
        if (!open) return Promise.reject(new Error('This transaction has already finished.'));
        return this.#driver.run(conn, sql, params);
      },
    };
    try {
      await this.#driver.run(conn, 'BEGIN', []);
      const result = await fn(session);
      await this.#driver.run(conn, 'COMMIT', []);
      return result;
    } catch (err) {
      try {
        await this.#driver.run(conn, 'ROLLBACK', []);
      } catch {
        discard = true;
      }
      throw err;
    } finally {
      open = false;
      this.#release(conn, undefined, discard);
    }
  }

  /** Refuses new work at once, waits for admitted work (running or queued) to finish, then disconnects. */
  close(): Promise<void> {
    this.#closing ??= this.#permits.idle().then(() => this.#driver.end());
    return this.#closing;
  }

  async #acquire(): Promise<C> {
    if (this.#closing) throw poolClosed();
    await this.#permits.acquire(this.#limits.acquireTimeoutMs);
    try {
      return await this.#driver.connect();
    } catch (err) {
      this.#permits.release();
      throw err instanceof DataSourceError ? err : connectionFailed(this.#describe(err), err);
    }
  }

  #release(conn: C, failure: unknown, discard: boolean): void {
    try {
      this.#driver.release(conn, failure, discard);
    } finally {
      this.#permits.release();
    }
  }
}
