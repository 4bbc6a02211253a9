/**
 * In-process flow control: the same sliding-window and slot semantics as the Redis scripts, for one
 * instance. Used when no Redis is configured and while Redis is failing. Keys are bounded (least recently
 * used evicted first) and idle keys are swept, so memory cannot grow without bound.
 */

export const WINDOW_MS = 60_000;

/** What one rate check decided, in milliseconds (the facade turns it into seconds). */
export interface RateDecision {
  allowed: boolean;
  /** Requests in the window after this one (this one included when allowed). */
  count: number;
  /** Until the oldest counted request leaves the window; 0 when none is counted. */
  resetMs: number;
  /** Until a request would be allowed again; 0 when allowed. */
  retryMs: number;
}

/**
 * A sliding-window log of the allowed requests, oldest first, read from `head`, run-length encoded: requests
 * in the same millisecond share an entry (`counts[i]` of them at `times[i]`). Exact like a plain log, but a
 * key takes at most one entry per millisecond of the window however high its limit, and a busy key adds to a
 * count instead of growing an array.
 */
interface WindowLog {
  times: number[];
  counts: number[];
  head: number;
  /** Requests counted from `head` on. */
  total: number;
}

const SWEEP_EVERY_MS = WINDOW_MS;

export class MemoryFlowStore {
  // Map iteration order is insertion order: touching a key re-inserts it, so the first key is the least
  // recently used one.
  private readonly windows = new Map<string, WindowLog>();
  private readonly slots = new Map<string, Map<string, number>>();
  private lastSweep: number;

  constructor(
    private readonly now: () => number,
    private readonly maxKeys: number,
  ) {
    this.lastSweep = now();
  }

  rate(key: string, limit: number): RateDecision {
    const now = this.now();
    this.maybeSweep(now);
    let log = this.windows.get(key);
    if (log) this.windows.delete(key);
    else log = { times: [], counts: [], head: 0, total: 0 };
    this.windows.set(key, log);
    this.evict(this.windows);

    prune(log, now - WINDOW_MS);
    let count = log.total;
    const allowed = count < limit;
    if (allowed) {
      const last = log.times.length - 1;
      if (last >= log.head && log.times[last] === now) log.counts[last]! += 1;
      else {
        log.times.push(now);
        log.counts.push(1);
      }
      log.total += 1;
      count += 1;
    }
    const oldest = log.times[log.head];
    const resetMs = oldest === undefined ? 0 : Math.max(0, oldest + WINDOW_MS - now);
    let retryMs = 0;
    if (!allowed) {
      // A request fits again once enough entries have left for the count to drop below the limit
      // (more than one when the limit was lowered while the window was full).
      const freeing = timeOfRequest(log, count - limit);
      retryMs = freeing === undefined ? 0 : Math.max(1, freeing + WINDOW_MS - now);
    }
    return { allowed, count, resetMs, retryMs };
  }

  /** Whether the slot was taken. */
  acquire(key: string, limit: number, slotId: string, ttlMs: number): boolean {
    const now = this.now();
    this.maybeSweep(now);
    let held = this.slots.get(key);
    if (held) this.slots.delete(key);
    else held = new Map();
    for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
    if (held.size >= limit) {
      if (held.size > 0) this.slots.set(key, held);
      return false;
    }
    held.set(slotId, now + ttlMs);
    this.slots.set(key, held);
    this.evict(this.slots);
    return true;
  }

  release(key: string, slotId: string): void {
    const held = this.slots.get(key);
    if (!held) return;
    held.delete(slotId);
    if (held.size === 0) this.slots.delete(key);
  }

  /** Slots held for `key` right now (expired ones not counted). */
  held(key: string): number {
    const now = this.now();
    let n = 0;
    for (const expiresAt of this.slots.get(key)?.values() ?? []) if (expiresAt > now) n += 1;
    return n;
  }

  /** Entries kept in `key`'s rate window; for tests of the bound. */
  entries(key: string): number {
    const log = this.windows.get(key);
    return log ? log.times.length - log.head : 0;
  }

  /** Keys tracked (rate windows + slot sets); for tests of the bound. */
  keyCount(): { windows: number; slots: number } {
    return { windows: this.windows.size, slots: this.slots.size };
  }

  clear(): void {
    this.windows.clear();
    this.slots.clear();
  }

  private evict<V>(map: Map<string, V>): void {
    while (map.size > this.maxKeys) {
      const first = map.keys().next();
      if (first.done) return;
      map.delete(first.value);
    }
  }

  /** Drops keys with nothing left in their window; amortised over a minute of calls. */
  private maybeSweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS && now >= this.lastSweep) return;
    this.lastSweep = now;
    for (const [key, log] of this.windows) {
      prune(log, now - WINDOW_MS);
      if (log.head >= log.times.length) this.windows.delete(key);
    }
    for (const [key, held] of this.slots) {
      for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
      if (held.size === 0) this.slots.delete(key);
    }
  }
}

/** Forgets entries at or before `cutoff` (the Redis script's ZREMRANGEBYSCORE -inf cutoff). */
function prune(log: WindowLog, cutoff: number): void {
  while (log.head < log.times.length && (log.times[log.head] ?? Infinity) <= cutoff) {
    log.total -= log.counts[log.head] ?? 0;
    log.head += 1;
  }
  if (log.head === log.times.length) {
    log.times = [];
    log.counts = [];
    log.head = 0;
    log.total = 0;
  } else if (log.head > 64 && log.head * 2 > log.times.length) {
    log.times = log.times.slice(log.head);
    log.counts = log.counts.slice(log.head);
    log.head = 0;
  }
}

/** The time of the `n`-th counted request (0 = the oldest). */
function timeOfRequest(log: WindowLog, n: number): number | undefined {
  let seen = 0;
  for (let i = log.head; i < log.times.length; i += 1) {
    seen += log.counts[i] ?? 0;
    if (seen > n) return log.times[i];
  }
  return undefined;
}
