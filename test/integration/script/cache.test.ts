/**
 * The script cache behaves the same on Redis (shared by every instance) and in memory (no Redis): one suite,
 * run against both. Redis is the real test server on 127.0.0.1:6379; each run uses fresh endpoint ids.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScriptCacheStore, type ScriptCacheStore } from '../../../src/engines/script/cache.ts';

const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = randomUUID();
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`portico:script-cache:${runId}-*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['in memory', () => createScriptCacheStore(null)],
  ['on Redis', () => createScriptCacheStore(redis)],
])('script cache %s', (_label, makeStore) => {
  let store: ScriptCacheStore;
  let n = 0;
  /** A fresh endpoint id, so runs and tests never see each other's keys. */
  const endpoint = () => `${runId}-${++n}`;
  beforeAll(() => {
    store = makeStore();
  });
  afterAll(() => store.close());

  it('returns what was set, as JSON values, and null for a missing key', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('obj', { a: 1, list: [true, null, 'x'], nested: { n: 1.5 } });
    await cache.set('str', 'hello');
    await cache.set('num', 42);
    expect(await cache.get('obj')).toEqual({ a: 1, list: [true, null, 'x'], nested: { n: 1.5 } });
    expect(await cache.get('str')).toBe('hello');
    expect(await cache.get('num')).toBe(42);
    expect(await cache.get('missing')).toBeNull();
  });

  it('keeps each endpoint in its own namespace', async () => {
    const one = store.forEndpoint(endpoint());
    const two = store.forEndpoint(endpoint());
    await one.set('shared-name', 'one');
    expect(await two.get('shared-name')).toBeNull();
    expect(await two.exists('shared-name')).toBe(false);
    await two.set('shared-name', 'two');
    expect(await one.get('shared-name')).toBe('one');
  });

  it('reports whether a key exists and whether delete removed something', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('k', 0);
    expect(await cache.exists('k')).toBe(true);
    expect(await cache.delete('k')).toBe(true);
    expect(await cache.exists('k')).toBe(false);
    expect(await cache.delete('k')).toBe(false);
  });

  it('forgets a value after its TTL', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('short', 'soon gone', 0.2);
    await cache.set('long', 'stays', 60);
    expect(await cache.get('short')).toBe('soon gone');
    await sleep(350);
    expect(await cache.get('short')).toBeNull();
    expect(await cache.exists('short')).toBe(false);
    expect(await cache.get('long')).toBe('stays');
  });

  it('counts with incr and decr, starting a missing key at 0', async () => {
    const cache = store.forEndpoint(endpoint());
    expect(await cache.incr('hits')).toBe(1);
    expect(await cache.incr('hits', 10)).toBe(11);
    expect(await cache.decr('hits')).toBe(10);
    expect(await cache.decr('hits', 15)).toBe(-5);
    expect(await cache.get('hits')).toBe(-5);
    await cache.set('preset', 7);
    expect(await cache.incr('preset')).toBe(8);
  });

  it('does not lose increments made at the same time', async () => {
    const cache = store.forEndpoint(endpoint());
    await Promise.all(Array.from({ length: 50 }, () => cache.incr('together')));
    expect(await cache.get('together')).toBe(50);
  });

  it('keeps the expiry of a counter when it is incremented', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('window', 1, 0.3);
    expect(await cache.incr('window')).toBe(2);
    await sleep(450);
    expect(await cache.exists('window')).toBe(false);
    expect(await cache.incr('window')).toBe(1);
  });

  it('refuses to count a value that is not a whole number', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('text', 'five');
    await cache.set('float', 1.5);
    await cache.set('quoted', '5');
    for (const key of ['text', 'float', 'quoted']) {
      await expect(cache.incr(key)).rejects.toMatchObject({ code: 'cache_not_a_number' });
    }
    expect(await cache.get('text')).toBe('five');
    await expect(cache.incr('x', 1.5)).rejects.toMatchObject({ code: 'cache_invalid_value' });
  });

  it('refuses a value over 1 MiB of JSON and keeps the old one', async () => {
    const cache = store.forEndpoint(endpoint());
    await cache.set('big', 'small');
    await expect(cache.set('big', 'x'.repeat(1024 * 1024))).rejects.toMatchObject({ code: 'cache_value_too_large' });
    expect(await cache.get('big')).toBe('small');
    await cache.set('big', 'x'.repeat(1024 * 1024 - 2)); // exactly 1 MiB with its quotes
    expect((await cache.get('big')) as string).toHaveLength(1024 * 1024 - 2);
  });

  it('refuses empty or over-long keys, values that are not JSON and out-of-range TTLs', async () => {
    const cache = store.forEndpoint(endpoint());
    await expect(cache.get('')).rejects.toMatchObject({ code: 'cache_invalid_key' });
    await expect(cache.set('k'.repeat(513), 1)).rejects.toMatchObject({ code: 'cache_invalid_key' });
    await cache.set('k'.repeat(512), 1);
    expect(await cache.get('k'.repeat(512))).toBe(1);
    await expect(cache.set('u', undefined)).rejects.toMatchObject({ code: 'cache_invalid_value' });
    await expect(cache.set('b', 10n)).rejects.toMatchObject({ code: 'cache_invalid_value' });
    await expect(cache.set('t', 1, 0)).rejects.toMatchObject({ code: 'cache_invalid_ttl' });
    await expect(cache.set('t', 1, 31 * 24 * 3600)).rejects.toMatchObject({ code: 'cache_invalid_ttl' });
    await cache.set('t', 1, 30 * 24 * 3600);
    expect(await cache.get('t')).toBe(1);
  });
});

describe('script cache on Redis', () => {
  it('stores keys under portico:script-cache:<endpoint>:<key> with a one-hour default expiry', async () => {
    const id = `${runId}-layout`;
    const cache = createScriptCacheStore(redis).forEndpoint(id);
    await cache.set('greeting', { hi: 'there' });
    await cache.incr('counter');
    const key = `portico:script-cache:${id}:greeting`;
    expect(JSON.parse((await redis.get(key)) ?? 'null')).toEqual({ hi: 'there' });
    for (const k of [key, `portico:script-cache:${id}:counter`]) {
      const ttl = await redis.ttl(k);
      expect(ttl).toBeGreaterThan(3590);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });

  it('is shared by every instance using the same Redis', async () => {
    const other = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    await other.connect();
    try {
      const id = `${runId}-shared`;
      await createScriptCacheStore(redis).forEndpoint(id).incr('n', 2);
      expect(await createScriptCacheStore(other).forEndpoint(id).incr('n', 3)).toBe(5);
    } finally {
      other.disconnect();
    }
  });

  it('reports an unreachable Redis as cache_unavailable, without driver text', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    await down.connect().catch(() => undefined);
    const cache = createScriptCacheStore(down).forEndpoint(`${runId}-down`);
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'cache_unavailable', message: 'The script cache is unavailable' });
    down.disconnect();
  });
});

describe('script cache in memory', () => {
  it('drops the least recently used entries past 10 000 keys', async () => {
    const store = createScriptCacheStore(null);
    const cache = store.forEndpoint('lru');
    await cache.set('first', 1);
    await cache.set('second', 2);
    for (let i = 0; i < 10_000; i++) {
      if (i === 5000) expect(await cache.get('first')).toBe(1); // a read makes it recently used
      await cache.set(`k${i}`, i);
    }
    expect(await cache.get('first')).toBe(1);
    expect(await cache.get('second')).toBeNull();
    expect(await cache.get('k9999')).toBe(9999);
    await store.close();
  });
});
