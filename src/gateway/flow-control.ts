/**
 * Flow control for the gateway: concurrency slots and a sliding one-minute rate window per key (a client,
 * or an IP for public calls). Shared through Redis when one is configured, in-process otherwise, and
 * in-process while Redis fails — requests are never refused, nor thrown at, because Redis is down.
 * docs/flow-control.md explains the behaviour to users.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { MemoryFlowStore, type RateDecision } from './flow-control-memory.ts';
import { RedisFlowStore } from './flow-control-redis.ts';

export { RATE_PREFIX, SLOT_PREFIX } from './flow-control-redis.ts';

export type SlotResult = { ok: true; release(): Promise<void> } | { ok: false; retryAfterSeconds: number };

export interface RateResult {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the current window (after this one). */
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (0 when nothing is counted). */
  resetSeconds: number;
  /** Seconds until a request would be allowed again; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface FlowControl {
  /** A concurrency slot for `key` when fewer than `limit` are held (limit 0 = no limit: always ok, release no-op). */
  acquire(key: string, limit: number): Promise<SlotResult>;
  /** One request against a sliding one-minute window of `limitPerMinute` for `key` (0 = no limit). */
  rate(key: string, limitPerMinute: number): Promise<RateResult>;
  /** What the last acquire or rate used. */
  readonly mode: 'redis' | 'memory';
  /** Times a Redis call failed (error, timeout, not connected); memory answered instead, or the slot's TTL will clean up. */
  readonly redisFailures: number;
  /** Forgets in-memory state. The Redis client belongs to the caller and stays open. */
  close(): Promise<void>;
}

export interface FlowControlOptions {
  /** Shared store; null = in-memory only. Best created with `enableOfflineQueue: false` so calls fail fast. */
  redis: Redis | null;
  log: { warn(obj: object, msg?: string): void };
  /** How long a slot lives if it is never released (a crashed holder); longer than the slowest request. */
  slotTtlSeconds: number;
  /** Clock for the in-memory store (tests). Redis always uses its own server clock. */
  now?: () => number;
  /** Bound on in-memory keys (rate windows and slot sets each); least recently used evicted. Default 100 000. */
  maxKeys?: number;
  /** Bound on each Redis call. Default 200 ms. */
  redisTimeoutMs?: number;
  /** After a Redis failure, memory answers for this long before Redis is tried again. Default 1 000 ms. */
  redisRetryDelayMs?: number;
}

/** Concurrency slots free up as requests finish, usually well within a second. */
const SLOT_RETRY_AFTER_SECONDS = 1;
const WARN_EVERY_MS = 30_000;

export function createFlowControl(options: FlowControlOptions): FlowControl {
  return new HybridFlowControl(options);
}

class HybridFlowControl implements FlowControl {
  mode: 'redis' | 'memory';
  redisFailures = 0;

  private redis: RedisFlowStore | null;
  private readonly memory: MemoryFlowStore;
  private readonly log: FlowControlOptions['log'];
  private readonly slotTtlMs: number;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly idPrefix = randomBytes(8).toString('hex');
  private seq = 0;
  private skipRedisUntil = 0;
  private lastWarnAt = -Infinity;
  private outageLogged = false;

  constructor(options: FlowControlOptions) {
    this.redis = options.redis ? new RedisFlowStore(options.redis) : null;
    this.memory = new MemoryFlowStore(options.now ?? Date.now, options.maxKeys ?? 100_000);
    this.log = options.log;
    this.slotTtlMs = Math.max(1, Math.round(options.slotTtlSeconds * 1000));
    this.timeoutMs = options.redisTimeoutMs ?? 200;
    this.retryDelayMs = options.redisRetryDelayMs ?? 1000;
    this.mode = this.redis ? 'redis' : 'memory';
  }

  async acquire(key: string, limit: number): Promise<SlotResult> {
    const max = wholeLimit(limit);
    if (max === 0) return { ok: true, release: async () => {} };
    const slotId = this.nextId();

    const redis = this.redisToTry();
    if (redis) {
      const pending = redis.acquire(key, max, slotId, this.slotTtlMs);
      try {
        const ok = await this.bounded(pending);
        this.redisAnswered();
        if (!ok) return { ok: false, retryAfterSeconds: SLOT_RETRY_AFTER_SECONDS };
        return { ok: true, release: once(() => this.releaseInRedis(redis, key, slotId)) };
      } catch (err) {
        this.redisFailed(err);
        // A reply that arrives after the timeout may have taken a slot nobody holds: give it back now
        // instead of leaving it to the TTL.
        pending.then((ok) => (ok ? redis.release(key, slotId) : undefined)).catch(() => undefined);
      }
    }

    this.mode = 'memory';
    if (!this.memory.acquire(key, max, slotId, this.slotTtlMs)) {
      return { ok: false, retryAfterSeconds: SLOT_RETRY_AFTER_SECONDS };
    }
    return { ok: true, release: once(async () => this.memory.release(key, slotId)) };
  }

  async rate(key: string, limitPerMinute: number): Promise<RateResult> {
    const limit = wholeLimit(limitPerMinute);
    if (limit === 0) return { allowed: true, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 };

    const redis = this.redisToTry();
    if (redis) {
      const member = this.nextId();
      const pending = redis.rate(key, limit, member);
      try {
        const decision = await this.bounded(pending);
        this.redisAnswered();
        return rateResult(limit, decision);
      } catch (err) {
        this.redisFailed(err);
        // Memory answers this request; a late reply must not count it a second time in Redis.
        pending.then((d) => (d.allowed ? redis.forget(key, member) : undefined)).catch(() => undefined);
      }
    }

    this.mode = 'memory';
    return rateResult(limit, this.memory.rate(key, limit));
  }

  async close(): Promise<void> {
    this.redis = null;
    this.memory.clear();
  }

  /** Redis, unless there is none, it failed a moment ago, or it is not connected. */
  private redisToTry(): RedisFlowStore | null {
    if (!this.redis || performance.now() < this.skipRedisUntil) return null;
    if (!this.redis.usable()) {
      this.redisFailed(new Error('Redis is not connected'));
      return null;
    }
    return this.redis;
  }

  /** A slot taken in Redis is released in Redis, even while other calls use memory; if that fails its TTL frees it. */
  private async releaseInRedis(redis: RedisFlowStore, key: string, slotId: string): Promise<void> {
    if (!redis.usable()) {
      this.redisFailed(new Error('Redis is not connected'));
      return;
    }
    try {
      await this.bounded(redis.release(key, slotId));
    } catch (err) {
      this.redisFailed(err);
    }
  }

  private redisAnswered(): void {
    this.mode = 'redis';
    if (this.outageLogged) {
      this.outageLogged = false;
      this.log.warn({ redisFailures: this.redisFailures }, 'flow control: Redis answers again; limits are shared again');
    }
  }

  private redisFailed(err: unknown): void {
    this.redisFailures += 1;
    const t = performance.now();
    this.skipRedisUntil = t + this.retryDelayMs;
    if (t - this.lastWarnAt >= WARN_EVERY_MS) {
      this.lastWarnAt = t;
      this.outageLogged = true;
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err), redisFailures: this.redisFailures },
        'flow control: Redis failed; using in-memory limits on this instance until it answers again',
      );
    }
  }

  private bounded<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private nextId(): string {
    this.seq += 1;
    return `${this.idPrefix}:${this.seq.toString(36)}`;
  }
}

function rateResult(limit: number, d: RateDecision): RateResult {
  return {
    allowed: d.allowed,
    limit,
    remaining: Math.max(0, limit - d.count),
    resetSeconds: Math.ceil(d.resetMs / 1000),
    retryAfterSeconds: d.allowed ? 0 : Math.max(1, Math.ceil(d.retryMs / 1000)),
  };
}

/** Limits are whole numbers; anything not positive (or not a number) means no limit. */
function wholeLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : 0;
}

/** Releasing twice is harmless: the second call does nothing. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}
