/**
 * The key/value cache scripts use (`cache.get/set/…`), one namespace per endpoint so an endpoint never sees
 * another's keys. On Redis when Portico has one (shared by every instance; `incr`/`decr` atomic), in memory
 * otherwise (per process, bounded). Both behave the same: values are JSON, every key expires (1 hour unless
 * the script says otherwise, at most 30 days), counters keep the key's expiry.
 */
import type { Redis } from 'ioredis';
import { ScriptServiceError } from './errors.ts';

export interface ScriptCache {
  /** The stored value, or null when the key is missing or expired. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  /** True when the key existed. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Adds `by` (default 1) to a whole-number value (a missing key counts as 0) and returns the result. */
  incr(key: string, by?: number): Promise<number>;
  decr(key: string, by?: number): Promise<number>;
}
export interface ScriptCacheStore {
  forEndpoint(endpointId: string): ScriptCache;
  /** Releases what the store holds; a Redis client passed in stays open (its owner closes it). */
  close(): Promise<void>;
}

export const CACHE_KEY_PREFIX = 'portico:script-cache:';
export const CACHE_MAX_KEY_LENGTH = 512;
export const CACHE_MAX_VALUE_BYTES = 1024 * 1024;
export const CACHE_DEFAULT_TTL_SECONDS = 3600;
export const CACHE_MAX_TTL_SECONDS = 30 * 24 * 3600;
/** In-memory store bounds: the least recently used entries go first past either. */
const MEMORY_MAX_ENTRIES = 10_000;
const MEMORY_MAX_BYTES = 64 * 1024 * 1024;

/** The low-level operations both back ends provide, on full (namespaced) keys and JSON text. */
interface Backend {
  get(key: string): Promise<string | null>;
  set(key: string, text: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Adds `by`; creates the key (at 0) with `ttlMs` when missing; null when the value is not a whole number. */
  incrBy(key: string, by: number, ttlMs: number): Promise<number | null>;
  close(): Promise<void>;
}

export function createScriptCacheStore(redis: Redis | null): ScriptCacheStore {
  const backend = redis ? redisBackend(redis) : memoryBackend();
  return {
    forEndpoint: (endpointId) => endpointCache(backend, `${CACHE_KEY_PREFIX}${endpointId}:`),
    close: () => backend.close(),
  };
}

function endpointCache(backend: Backend, prefix: string): ScriptCache {
  const fullKey = (key: unknown): string => {
    if (typeof key !== 'string' || key.length === 0 || key.length > CACHE_MAX_KEY_LENGTH) {
      throw new ScriptServiceError('cache_invalid_key', `Cache keys are strings of 1 to ${CACHE_MAX_KEY_LENGTH} characters`);
    }
    return prefix + key;
  };
  const step = (by: unknown): number => {
    if (by === undefined) return 1;
    if (typeof by !== 'number' || !Number.isSafeInteger(by)) {
      throw new ScriptServiceError('cache_invalid_value', 'incr/decr take a whole number to add');
    }
    return by;
  };
  const counter = async (key: string, by: number): Promise<number> => {
    const result = await guard(backend.incrBy(fullKey(key), by, CACHE_DEFAULT_TTL_SECONDS * 1000));
    if (result === null || !Number.isSafeInteger(result)) {
      throw new ScriptServiceError('cache_not_a_number', `Cache key "${key}" does not hold a whole number`);
    }
    return result;
  };
  return {
    async get(key) {
      const text = await guard(backend.get(fullKey(key)));
      return text === null ? null : JSON.parse(text);
    },
    async set(key, value, ttlSeconds) {
      const k = fullKey(key);
      const text = value === undefined ? undefined : safeStringify(value);
      if (text === undefined) {
        throw new ScriptServiceError('cache_invalid_value', 'Cache values must be JSON values (use delete to remove a key)');
      }
      if (Buffer.byteLength(text) > CACHE_MAX_VALUE_BYTES) {
        throw new ScriptServiceError('cache_value_too_large', `Cache values are limited to ${CACHE_MAX_VALUE_BYTES} bytes of JSON`);
      }
      await guard(backend.set(k, text, ttlMs(ttlSeconds)));
    },
    delete: async (key) => guard(backend.del(fullKey(key))),
    exists: async (key) => guard(backend.exists(fullKey(key))),
    incr: async (key, by) => counter(key, step(by)),
    decr: async (key, by) => counter(key, -step(by)),
  };
}

function ttlMs(ttlSeconds: unknown): number {
  if (ttlSeconds === undefined || ttlSeconds === null) return CACHE_DEFAULT_TTL_SECONDS * 1000;
  if (typeof ttlSeconds !== 'number' || !(ttlSeconds > 0) || ttlSeconds > CACHE_MAX_TTL_SECONDS) {
    throw new ScriptServiceError('cache_invalid_ttl', `Cache TTL must be a number of seconds above 0 and at most ${CACHE_MAX_TTL_SECONDS} (30 days)`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    throw new ScriptServiceError('cache_invalid_value', 'Cache values must be JSON values (no cycles or BigInts)');
  }
}

/** A back-end failure (Redis down, …) as a short error the script can catch; our own errors pass through. */
async function guard<T>(op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (err) {
    if (err instanceof ScriptServiceError) throw err;
    throw new ScriptServiceError('cache_unavailable', 'The script cache is unavailable');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Redis

/** INCRBY keeps an existing expiry; a key it creates gets the default one (PTTL -1 = no expiry). */
const INCR_SCRIPT = `
local ok, v = pcall(redis.call, 'INCRBY', KEYS[1], ARGV[1])
if not ok then return false end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

function redisBackend(redis: Redis): Backend {
  return {
    get: (key) => redis.get(key),
    set: async (key, text, ms) => {
      await redis.set(key, text, 'PX', ms);
    },
    del: async (key) => (await redis.del(key)) > 0,
    exists: async (key) => (await redis.exists(key)) > 0,
    incrBy: async (key, by, ms) => {
      const v = (await redis.eval(INCR_SCRIPT, 1, key, by, ms)) as number | null;
      return v === null ? null : Number(v);
    },
    close: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Memory

interface Entry {
  text: string;
  expiresAt: number;
}

/** Redis' rule for a string INCRBY accepts: a decimal integer without sign tricks or leading zeros. */
const INTEGER_TEXT = /^(0|-?[1-9]\d*)$/;

function memoryBackend(): Backend {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const remove = (key: string): void => {
    const e = entries.get(key);
    if (!e) return;
    bytes -= e.text.length + key.length;
    entries.delete(key);
  };
  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, e);
    return e;
  };
  const put = (key: string, entry: Entry): void => {
    remove(key);
    entries.set(key, entry);
    bytes += entry.text.length + key.length;
    for (const oldest of entries.keys()) {
      if (entries.size <= MEMORY_MAX_ENTRIES && bytes <= MEMORY_MAX_BYTES) break;
      if (oldest !== key) remove(oldest);
    }
  };
  return {
    get: async (key) => live(key)?.text ?? null,
    set: async (key, text, ms) => put(key, { text, expiresAt: Date.now() + ms }),
    del: async (key) => {
      const existed = live(key) !== undefined;
      remove(key);
      return existed;
    },
    exists: async (key) => live(key) !== undefined,
    incrBy: async (key, by, ms) => {
      const e = live(key);
      if (e && !INTEGER_TEXT.test(e.text)) return null;
      const next = (e ? Number(e.text) : 0) + by;
      if (!Number.isSafeInteger(next)) return null;
      put(key, { text: String(next), expiresAt: e ? e.expiresAt : Date.now() + ms });
      return next;
    },
    close: async () => {
      entries.clear();
      bytes = 0;
    },
  };
}
