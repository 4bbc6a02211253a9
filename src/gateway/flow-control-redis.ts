/**
 * Flow control in Redis: one Lua script per check, so a check is one atomic round trip shared by every
 * instance. Scripts read the server clock (`TIME`), so instances whose clocks disagree still agree on the
 * window. Scripts are sent with EVALSHA and loaded with EVAL only when Redis answers NOSCRIPT.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { WINDOW_MS, type RateDecision } from './flow-control-memory.ts';

export const RATE_PREFIX = 'portico:rl:';
export const SLOT_PREFIX = 'portico:cc:';

// Redis before 5 refuses writes after TIME unless effects replication is switched on; 7 always replicates
// effects and keeps the call as a no-op.
const PREAMBLE = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS[1] the window; ARGV: limit, window ms, unique member.
 * Returns {allowed 0|1, count, reset ms, retry ms}.
 */
const RATE_LUA = `${PREAMBLE}
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  count = count + 1
  allowed = 1
end
local reset = 0
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
local retry = 0
if allowed == 0 then
  local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  if freeing[2] then retry = math.max(1, tonumber(freeing[2]) + window - now) end
end
if count > 0 then redis.call('PEXPIRE', key, window) end
return {allowed, count, reset, retry}
`;

/**
 * KEYS[1] the slot set (members scored by expiry); ARGV: limit, ttl ms, slot id.
 * Returns 1 when the slot was taken, 0 when the limit is reached.
 */
const ACQUIRE_LUA = `${PREAMBLE}
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now + ttl, ARGV[3])
  -- the newest slot expires last, so the set lives exactly as long as its last slot could
  redis.call('PEXPIRE', key, ttl)
  return 1
end
return 0
`;

interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const RATE = script(RATE_LUA);
const ACQUIRE = script(ACQUIRE_LUA);

export class RedisFlowStore {
  constructor(private readonly redis: Redis) {}

  /** Whether a command could be sent now; anything else would wait in (or be refused by) the offline queue. */
  usable(): boolean {
    // 'wait' is a lazyConnect client not connected yet: sending a command connects it.
    return this.redis.status === 'ready' || this.redis.status === 'wait';
  }

  async rate(key: string, limit: number, member: string): Promise<RateDecision> {
    const reply = await this.run(RATE, RATE_PREFIX + key, [limit, WINDOW_MS, member]);
    if (!Array.isArray(reply)) throw new Error(`unexpected reply from the rate script: ${String(reply)}`);
    return { allowed: reply[0] === 1, count: reply[1] ?? 0, resetMs: reply[2] ?? 0, retryMs: reply[3] ?? 0 };
  }

  /** Whether the slot was taken. */
  async acquire(key: string, limit: number, slotId: string, ttlMs: number): Promise<boolean> {
    return (await this.run(ACQUIRE, SLOT_PREFIX + key, [limit, ttlMs, slotId])) === 1;
  }

  async release(key: string, slotId: string): Promise<void> {
    await this.redis.zrem(SLOT_PREFIX + key, slotId);
  }

  /** Un-counts one request (a reply that arrived after the caller had given up on it). */
  async forget(key: string, member: string): Promise<void> {
    await this.redis.zrem(RATE_PREFIX + key, member);
  }

  private async run(s: Script, key: string, args: (string | number)[]): Promise<number | number[]> {
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(s.sha, 1, key, ...args);
    } catch (err) {
      // A restarted or flushed Redis has forgotten the script: load it by sending it once in full.
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      reply = await this.redis.eval(s.lua, 1, key, ...args);
    }
    return Array.isArray(reply) ? reply.map((v) => Number(v)) : Number(reply);
  }
}
