// In-memory flow control (no Redis configured): the same counts as Redis, a sliding window checked with an
// injected clock, slot expiry, and a bound on the keys kept.
import { describe, expect, it } from 'vitest';
import { createFlowControl, type RateResult, type SlotResult } from '../../../src/gateway/flow-control.ts';
import { MemoryFlowStore } from '../../../src/gateway/flow-control-memory.ts';

const log = { warn: () => {} };

function clock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function granted(results: SlotResult[]): Extract<SlotResult, { ok: true }>[] {
  return results.filter((r): r is Extract<SlotResult, { ok: true }> => r.ok);
}

describe('rate limit in memory', () => {
  it('allows exactly 10 of 30 rapid calls at 10/minute, the rest denied with remaining 0 and a Retry-After', async () => {
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30 });
    const results: RateResult[] = [];
    for (let i = 0; i < 30; i += 1) results.push(await fc.rate('client:a', 10));
    const allowed = results.filter((r) => r.allowed);
    const denied = results.filter((r) => !r.allowed);
    expect(allowed).toHaveLength(10);
    expect(allowed.map((r) => r.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(denied).toHaveLength(20);
    for (const r of denied) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfterSeconds).toBeGreaterThan(0);
      expect(r.limit).toBe(10);
    }
    // keys are independent
    expect((await fc.rate('client:b', 10)).allowed).toBe(true);
    expect(fc.mode).toBe('memory');
    expect(fc.redisFailures).toBe(0);
    await fc.close();
  });

  it('slides: a request leaves the window exactly one minute after it was made', async () => {
    const c = clock();
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30, now: c.now });
    const first = await fc.rate('k', 3); // t = 0
    expect(first).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60, retryAfterSeconds: 0 });
    c.advance(20_000);
    await fc.rate('k', 3); // t = 20 s
    await fc.rate('k', 3);
    c.advance(10_000); // t = 30 s: full
    expect(await fc.rate('k', 3)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 30, retryAfterSeconds: 30 });
    c.advance(29_999); // t = 59.999 s: the first request is still in the window
    expect((await fc.rate('k', 3)).allowed).toBe(false);
    c.advance(1); // t = 60 s: it has left, one place is free
    expect(await fc.rate('k', 3)).toEqual({ allowed: true, limit: 3, remaining: 0, resetSeconds: 20, retryAfterSeconds: 0 });
    // full again; the next place frees when the two requests made at 20 s leave, at 80 s
    expect(await fc.rate('k', 3)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 20, retryAfterSeconds: 20 });
    c.advance(20_000); // t = 80 s
    const after = await fc.rate('k', 3);
    expect(after.allowed).toBe(true);
    expect(after.remaining).toBe(1); // the 60 s request and this one
    await fc.close();
  });

  it('counts requests made in the same millisecond one by one, and they leave the window together', async () => {
    const c = clock();
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30, now: c.now });
    const burst: RateResult[] = [];
    for (let i = 0; i < 5; i += 1) burst.push(await fc.rate('k', 3)); // all at t = 0
    expect(burst.map((r) => [r.allowed, r.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0], [false, 0]]);
    expect(burst[3]!.retryAfterSeconds).toBe(60);
    c.advance(30_000);
    await fc.rate('k', 5); // t = 30 s, counted at the higher limit: four in the window
    c.advance(30_000); // t = 60 s: the three from t = 0 leave at once
    const r = await fc.rate('k', 2);
    expect(r).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 30, retryAfterSeconds: 0 });
    await fc.close();
  });

  it('keeps a key small however high its limit: one entry per millisecond, not one per request', () => {
    const c = clock();
    const store = new MemoryFlowStore(c.now, 100);
    for (let ms = 0; ms < 10; ms += 1) {
      for (let i = 0; i < 10_000; i += 1) store.rate('busy', 1_000_000);
      c.advance(1);
    }
    expect(store.rate('busy', 1_000_000).count).toBe(100_001);
    expect(store.entries('busy')).toBe(11);
  });

  it('a lowered limit waits until enough old requests have left', async () => {
    const c = clock();
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30, now: c.now });
    for (let i = 0; i < 5; i += 1) {
      await fc.rate('k', 10);
      c.advance(1_000);
    }
    // five counted at 0..4 s; at limit 2, a place frees when the fourth-newest (3 s) has left: 63 s
    const r = await fc.rate('k', 2);
    expect(r.allowed).toBe(false);
    expect(r.retryAfterSeconds).toBe(58); // now = 5 s
    await fc.close();
  });
});

describe('concurrency slots in memory', () => {
  it('gives exactly 2 of 6 simultaneous acquires at limit 2; release brings the count back to 0', async () => {
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30 });
    const results = await Promise.all(Array.from({ length: 6 }, () => fc.acquire('client:a', 2)));
    const ok = granted(results);
    expect(ok).toHaveLength(2);
    for (const r of results) if (!r.ok) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    await Promise.all(ok.map((r) => r.release()));
    const again = await Promise.all(Array.from({ length: 2 }, () => fc.acquire('client:a', 2)));
    expect(granted(again)).toHaveLength(2);
    expect((await fc.acquire('client:a', 2)).ok).toBe(false);
    await Promise.all(granted(again).map((r) => r.release()));
    await fc.close();
  });

  it('a second release does not free a slot someone else holds', async () => {
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30 });
    const first = await fc.acquire('k', 1);
    if (!first.ok) throw new Error('expected a slot');
    await first.release();
    const second = await fc.acquire('k', 1);
    expect(second.ok).toBe(true);
    await first.release();
    expect((await fc.acquire('k', 1)).ok).toBe(false);
    await fc.close();
  });

  it("frees a holder's slot when its TTL passes", async () => {
    const c = clock();
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 1, now: c.now });
    expect((await fc.acquire('k', 1)).ok).toBe(true);
    c.advance(999);
    expect((await fc.acquire('k', 1)).ok).toBe(false);
    c.advance(1);
    expect((await fc.acquire('k', 1)).ok).toBe(true);
    await fc.close();
  });

  it('limit 0 means no limit', async () => {
    const fc = createFlowControl({ redis: null, log, slotTtlSeconds: 30 });
    const results = await Promise.all(Array.from({ length: 50 }, () => fc.acquire('k', 0)));
    expect(granted(results)).toHaveLength(50);
    expect((await fc.rate('k', 0)).allowed).toBe(true);
    await fc.close();
  });
});

describe('memory bound', () => {
  it('keeps at most maxKeys keys, evicting the least recently used', () => {
    const c = clock();
    const store = new MemoryFlowStore(c.now, 100);
    store.rate('hot', 5);
    for (let i = 0; i < 1_000; i += 1) {
      store.rate(`k${i}`, 5);
      store.acquire(`k${i}`, 5, `slot${i}`, 30_000);
      if (i % 50 === 0) store.rate('hot', 5); // recently used: survives
    }
    expect(store.keyCount()).toEqual({ windows: 100, slots: 100 });
    // 'hot' kept its count (1 + 20 calls, over its limit of 5), an evicted key starts afresh
    expect(store.rate('hot', 5).allowed).toBe(false);
    expect(store.rate('k0', 1).allowed).toBe(true);
  });

  it('sweeps keys whose window has emptied', () => {
    const c = clock();
    const store = new MemoryFlowStore(c.now, 100_000);
    for (let i = 0; i < 500; i += 1) store.rate(`k${i}`, 5);
    store.acquire('slot-key', 5, 's1', 1_000);
    expect(store.keyCount()).toEqual({ windows: 500, slots: 1 });
    c.advance(61_000);
    store.rate('fresh', 5);
    expect(store.keyCount()).toEqual({ windows: 1, slots: 0 });
  });
});
