// Concurrency slots shared through Redis (the shared test server on 6379): a sorted set of slot ids scored by
// expiry, so released slots go at once and a crashed holder's slots go when their TTL passes.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createFlowControl, SLOT_PREFIX, type SlotResult } from '../../../src/gateway/flow-control.ts';
import { a, b, key, log, redisA, redisB, useFlowControlPair } from './setup.ts';

useFlowControlPair(SLOT_PREFIX);

function granted(results: SlotResult[]): Extract<SlotResult, { ok: true }>[] {
  return results.filter((r): r is Extract<SlotResult, { ok: true }> => r.ok);
}

describe('concurrency slots in Redis', () => {
  it('gives exactly 2 of 6 simultaneous acquires at limit 2; releasing brings the count back to 0', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 6 }, () => a.acquire(k, 2)));
    const ok = granted(results);
    expect(ok).toHaveLength(2);
    const denied = results.filter((r) => !r.ok);
    expect(denied).toHaveLength(4);
    for (const r of denied) if (!r.ok) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(2);

    await Promise.all(ok.map((r) => r.release()));
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(0);
    const again = await Promise.all([a.acquire(k, 2), a.acquire(k, 2)]);
    expect(granted(again)).toHaveLength(2);
    await Promise.all(granted(again).map((r) => r.release()));
    expect(a.mode).toBe('redis');
    expect(a.redisFailures).toBe(0);
  });

  it('shares the limit between two instances', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).acquire(k, 2)));
    const ok = granted(results);
    expect(ok).toHaveLength(2);
    await Promise.all(ok.map((r) => r.release()));
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(0);
  });

  it('a second release is harmless: it does not free a slot someone else holds', async () => {
    const k = key();
    const first = await a.acquire(k, 2);
    if (!first.ok) throw new Error('expected a slot');
    await first.release();
    await first.release();
    const held = await Promise.all([a.acquire(k, 2), b.acquire(k, 2)]);
    expect(granted(held)).toHaveLength(2);
    await first.release();
    expect((await a.acquire(k, 2)).ok).toBe(false);
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(2);
    await Promise.all(granted(held).map((r) => r.release()));
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(0);
  });

  it("frees a crashed holder's slots when their TTL passes", async () => {
    const k = key();
    const crashed = createFlowControl({ redis: redisB, log, slotTtlSeconds: 1 });
    expect((await crashed.acquire(k, 1)).ok).toBe(true); // never released
    expect((await a.acquire(k, 1)).ok).toBe(false);
    const ttl = await redisA.pttl(SLOT_PREFIX + k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    await sleep(1_200);
    const later = await a.acquire(k, 1);
    expect(later.ok).toBe(true);
    if (later.ok) await later.release();
    await crashed.close();
  });

  it('treats a limit of 0 as no limit: always ok, nothing written, release a no-op', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 10 }, () => a.acquire(k, 0)));
    expect(granted(results)).toHaveLength(10);
    await Promise.all(granted(results).map((r) => r.release()));
    expect(await redisA.exists(SLOT_PREFIX + k)).toBe(0);
  });
});
