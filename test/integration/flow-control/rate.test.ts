// Rate limits shared through Redis (the shared test server on 6379): a sliding one-minute window per key,
// one atomic script per check, the same count whichever instance answers.
import { describe, expect, it } from 'vitest';
import { createFlowControl, RATE_PREFIX, type RateResult } from '../../../src/gateway/flow-control.ts';
import { a, b, key, log, redisA, redisB, useFlowControlPair } from './setup.ts';

useFlowControlPair(RATE_PREFIX);

function tally(results: RateResult[]): { allowed: RateResult[]; denied: RateResult[] } {
  return { allowed: results.filter((r) => r.allowed), denied: results.filter((r) => !r.allowed) };
}

describe('rate limit in Redis', () => {
  it('allows exactly 10 of 30 rapid calls at 10/minute; the rest are denied with remaining 0 and a Retry-After', async () => {
    const k = key();
    const results: RateResult[] = [];
    for (let i = 0; i < 30; i += 1) results.push(await a.rate(k, 10));
    const { allowed, denied } = tally(results);
    expect(allowed).toHaveLength(10);
    expect(denied).toHaveLength(20);
    expect(results.slice(0, 10).every((r) => r.allowed)).toBe(true);
    expect(allowed.map((r) => r.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for (const r of results) {
      expect(r.limit).toBe(10);
      expect(r.resetSeconds).toBeGreaterThan(0);
      expect(r.resetSeconds).toBeLessThanOrEqual(60);
    }
    for (const r of allowed) expect(r.retryAfterSeconds).toBe(0);
    for (const r of denied) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfterSeconds).toBeGreaterThan(0);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(a.mode).toBe('redis');
    expect(a.redisFailures).toBe(0);
  });

  it('allows exactly 10 of 30 simultaneous calls', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 30 }, () => a.rate(k, 10)));
    expect(tally(results).allowed).toHaveLength(10);
  });

  it('two instances sharing Redis allow exactly 10 in total, calls spread across both', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).rate(k, 10)));
    const { allowed, denied } = tally(results);
    expect(allowed).toHaveLength(10);
    expect(denied).toHaveLength(20);
    expect([a.mode, b.mode]).toEqual(['redis', 'redis']);
  });

  it('keeps the window in one sorted set under portico:rl: that expires after a minute', async () => {
    const k = key();
    for (let i = 0; i < 3; i += 1) await a.rate(k, 10);
    expect(await redisA.zcard(RATE_PREFIX + k)).toBe(3);
    const ttl = await redisA.pttl(RATE_PREFIX + k);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('does not count denied calls: they do not push the window further', async () => {
    const k = key();
    for (let i = 0; i < 10; i += 1) await a.rate(k, 2);
    expect(await redisA.zcard(RATE_PREFIX + k)).toBe(2);
  });

  it('scores entries by the Redis server clock, so instances with skewed clocks agree', async () => {
    const k = key();
    const skewed = createFlowControl({ redis: redisB, log, slotTtlSeconds: 30, now: () => Date.now() + 3_600_000 });
    await skewed.rate(k, 5);
    const [seconds, micros] = await redisA.time();
    const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const [, score] = await redisA.zrange(RATE_PREFIX + k, '0', '0', 'WITHSCORES');
    expect(Math.abs(Number(score) - serverMs)).toBeLessThan(2_000);
    await skewed.close();
  });

  it('treats a limit of 0 as no limit and writes nothing', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 20 }, () => a.rate(k, 0)));
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(await redisA.exists(RATE_PREFIX + k)).toBe(0);
  });
});
