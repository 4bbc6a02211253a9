/** `portico serve --workers N`: several processes on one port, prepared once, stopped gracefully together. */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/catalog.ts';
import { startPortico, stopPortico, type Running } from '../helpers/process.ts';

describe('portico serve --workers', () => {
  const dataDir = tempDir('portico-workers-');
  let running: Running | undefined;
  afterAll(async () => {
    if (running) await stopPortico(running);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs two worker processes on one port that serve the demo, and stops them all on SIGTERM', async () => {
    running = await startPortico(dataDir, ['--workers', '2'], 'listening on');
    const deadline = Date.now() + 20_000;
    while ((running.output().match(/worker \d+ listening/g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = new Set([...running.output().matchAll(/worker (\d+) listening/g)].map((m) => m[1]));
    expect(pids.size).toBe(2);
    expect(running.output()).toContain('First administrator created');
    for (let i = 1; i <= 6; i++) {
      const res = await fetch(`${running.base}/chinook/album/${i}`);
      expect(res.status).toBe(200);
    }
    expect(await stopPortico(running)).toBe(0);
    for (const pid of pids) expect(() => process.kill(Number(pid), 0)).toThrow();
    running = undefined;
  });
});
