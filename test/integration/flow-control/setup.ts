/**
 * Shared by the flow-control tests against the shared Redis test server (6379): two connections, a flow
 * control on each (two gateway instances), and fresh keys deleted afterwards. The connections and flow
 * controls are live bindings, set by the hooks `useFlowControlPair` adds (each test file has its own copy).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createFlowControl, type FlowControl } from '../../../src/gateway/flow-control.ts';

const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const log = { warn: () => {} };

function client(): Redis {
  return new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
}

export let redisA: Redis;
export let redisB: Redis;
export let a: FlowControl;
export let b: FlowControl;
const keys: string[] = [];

/** A fresh key, deleted after the file's tests. */
export function key(): string {
  const k = `test:${randomUUID()}`;
  keys.push(k);
  return k;
}

/** Connects the pair before the file's tests; after them deletes the keys (under `prefix`) and disconnects. */
export function useFlowControlPair(prefix: string): void {
  beforeAll(async () => {
    redisA = client();
    redisB = client();
    await Promise.all([redisA.connect(), redisB.connect()]);
    a = createFlowControl({ redis: redisA, log, slotTtlSeconds: 30 });
    b = createFlowControl({ redis: redisB, log, slotTtlSeconds: 30 });
  });

  afterAll(async () => {
    if (keys.length > 0) await redisA.del(...keys.map((k) => prefix + k));
    await Promise.all([a.close(), b.close()]);
    redisA.disconnect();
    redisB.disconnect();
  });
}
