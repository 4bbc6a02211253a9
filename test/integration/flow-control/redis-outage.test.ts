// Redis failing under flow control: a private redis-server (child process on its own port, so the shared
// one on 6379 stays up for everyone else) is stopped, frozen and restarted while two instances use it.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, killRedis } from '../../helpers/redis.ts';
import { createFlowControl, RATE_PREFIX, SLOT_PREFIX, type FlowControl, type RateResult } from '../../../src/gateway/flow-control.ts';

let port = 0;
let dir = '';
let server: ChildProcess | null = null;

async function freePort(): Promise<number> {
  for (;;) {
    const candidate = 6390 + Math.floor(Math.random() * 2000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
}

async function startRedis(): Promise<void> {
  server = await startPrivateRedis(port, dir);
}

async function stopRedis(): Promise<void> {
  const child = server;
  server = null;
  await killRedis(child);
}

function client(): Redis {
  // Production settings (fail fast while down) with a short reconnect delay so the test needs no long waits.
  return new Redis({
    host: '127.0.0.1',
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100,
    lazyConnect: true,
  }).on('error', () => {});
}

const warnings: string[] = [];
const log = { warn: (_obj: object, msg?: string) => void warnings.push(msg ?? '') };

let redisA: Redis;
let redisB: Redis;
let a: FlowControl;
let b: FlowControl;

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(path.join(tmpdir(), 'portico-flow-redis-'));
  await startRedis();
  redisA = client();
  redisB = client();
  await Promise.all([redisA.connect(), redisB.connect()]);
  a = createFlowControl({ redis: redisA, log, slotTtlSeconds: 2 });
  b = createFlowControl({ redis: redisB, log, slotTtlSeconds: 2 });
});

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  redisA.disconnect();
  redisB.disconnect();
  if (server?.exitCode === null) server.kill('SIGCONT');
  await stopRedis();
  rmSync(dir, { recursive: true, force: true });
});

async function spread(key: string, limit: number, calls: number): Promise<RateResult[]> {
  return Promise.all(Array.from({ length: calls }, (_, i) => (i % 2 === 0 ? a : b).rate(key, limit)));
}

async function untilRedis(fc: FlowControl, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    await fc.rate(`probe:${randomUUID()}`, 100);
    if (fc.mode === 'redis') return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`still ${fc.mode} after ${timeoutMs} ms`);
}

describe('flow control when Redis fails', () => {
  it('serves from memory while Redis is down and shares limits again once it is back', async () => {
    // Healthy: two instances share one limit.
    const before = await spread(`test:${randomUUID()}`, 5, 12);
    expect(before.filter((r) => r.allowed)).toHaveLength(5);
    expect([a.mode, b.mode]).toEqual(['redis', 'redis']);
    const heldInRedis = await a.acquire('slots', 3);
    expect(heldInRedis.ok).toBe(true);

    await stopRedis();

    // Down: no throws, in-memory limits per instance, answered fast.
    const started = performance.now();
    const k = `test:${randomUUID()}`;
    const results: RateResult[] = [];
    for (let i = 0; i < 15; i += 1) results.push(await a.rate(k, 5));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.slice(5).every((r) => !r.allowed && r.remaining === 0 && r.retryAfterSeconds > 0)).toBe(true);
    const slots = await Promise.all(Array.from({ length: 4 }, () => a.acquire(`c:${k}`, 2)));
    expect(slots.filter((s) => s.ok)).toHaveLength(2);
    for (const s of slots) if (s.ok) await s.release();
    expect((await a.acquire(`c:${k}`, 2)).ok).toBe(true);
    // a slot taken in Redis is released towards Redis: it fails quietly, the TTL will clean up
    if (heldInRedis.ok) await expect(heldInRedis.release()).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(a.mode).toBe('memory');
    expect(a.redisFailures).toBeGreaterThan(0);
    // one warning per outage, not one per request
    expect(warnings.filter((w) => w.includes('Redis failed'))).toHaveLength(1);

    await b.rate(k, 5);
    expect(b.mode).toBe('memory');
    expect(b.redisFailures).toBeGreaterThan(0);

    // Back (same port, empty, scripts forgotten): within a couple of seconds both use it again.
    await startRedis();
    expect(await untilRedis(a, 3_000)).toBeLessThan(3_000);
    await untilRedis(b, 3_000);
    const after = await spread(`test:${randomUUID()}`, 5, 12);
    expect(after.filter((r) => r.allowed)).toHaveLength(5);
    expect([a.mode, b.mode]).toEqual(['redis', 'redis']);
    const shared = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).acquire('after', 2)));
    expect(shared.filter((s) => s.ok)).toHaveLength(2);
    for (const s of shared) if (s.ok) await s.release();
    expect(await redisA.zcard(`${SLOT_PREFIX}after`)).toBe(0);
    expect(warnings.some((w) => w.includes('Redis answers again'))).toBe(true);
  });

  it('bounds a call to a Redis that hangs, and undoes what the late reply did', async () => {
    // No pause after a failure, so both calls reach the frozen server.
    const c = createFlowControl({ redis: redisA, log, slotTtlSeconds: 30, redisRetryDelayMs: 0, redisTimeoutMs: 200 });
    const k = `test:${randomUUID()}`;
    server?.kill('SIGSTOP'); // connected but silent
    try {
      const started = performance.now();
      const slot = await c.acquire(k, 1);
      const rate = await c.rate(k, 1);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(380); // both waited for Redis…
      expect(elapsed).toBeLessThan(1_000); // …but no longer than the bound
      expect(slot.ok).toBe(true);
      expect(rate.allowed).toBe(true);
      expect(c.mode).toBe('memory');
      expect(c.redisFailures).toBe(2);
      if (slot.ok) await slot.release();
    } finally {
      server?.kill('SIGCONT');
    }
    // The frozen server runs the queued scripts when it wakes; the instance takes the slot and the count back.
    await sleep(300);
    expect(await redisA.zcard(SLOT_PREFIX + k)).toBe(0);
    expect(await redisA.zcard(RATE_PREFIX + k)).toBe(0);
    expect((await c.rate(k, 1)).allowed).toBe(true);
    expect(c.mode).toBe('redis');
    await c.close();
  });
});
