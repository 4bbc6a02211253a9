/**
 * The sandbox runtime on its own (real isolates, no gateway): the next call's context is made ahead of time,
 * yet every call must get a context no call has used, its own `req`/`ds`/`env`, and no trace of the host
 * plumbing the bootstrap uses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallHost, newTrace } from '../../src/engines/script/host.ts';
import { ScriptRuntime, type ScriptInit } from '../../src/engines/script/runtime.ts';
import { scriptSource } from '../../src/engines/script/source.ts';

const ds: ScriptInit['ds'] = { name: 'music', type: 'postgres', host: 'db.internal', database: 'shop' };

describe('ScriptRuntime', () => {
  let runtime: ScriptRuntime | null = null;
  afterEach(async () => {
    await runtime?.close();
    runtime = null;
  });

  const run = (code: string, req: unknown, env: Record<string, string> = {}) => {
    runtime ??= new ScriptRuntime({ timeoutMs: 5000, memoryLimitMb: 32, maxConcurrent: 1 });
    return runtime.run(scriptSource(code, 'execute', 'script'), [req], { req, ds, env }, new CallHost({ label: 'test', trace: newTrace() }));
  };

  it('gives each call on the same isolate a context no earlier call has touched', async () => {
    const code = `async function execute(p) {
  const seen = { global: typeof globalThis.mark, proto: ({}).polluted ?? null, push: [].push === Array.prototype.push && [1].length };
  globalThis.mark = p.n;
  Object.prototype.polluted = p.n;
  return seen;
}`;
    for (let n = 0; n < 4; n++) {
      expect(await run(code, { n })).toEqual({ global: 'undefined', proto: null, push: 1 });
    }
  });

  it("hands each call its own req, ds and env, with ctx and the globals agreeing, and hides the host plumbing", async () => {
    const code = `async function execute(p, c) {
  return {
    req: req.id, ctxReq: c.req.id, ds: ds.name, env: env.get('TOKEN') ?? null,
    same: c.db === db && c.log === log && c.ds === ds,
    frozen: Object.isFrozen(ctx) && Object.isFrozen(ds),
    hidden: Object.getOwnPropertyNames(globalThis).filter((n) => /portico|bind/i.test(n)),
  };
}`;
    expect(await run(code, { id: 1 }, { TOKEN: 'first' })).toEqual({
      req: 1, ctxReq: 1, ds: 'music', env: 'first', same: true, frozen: true, hidden: [],
    });
    expect(await run(code, { id: 2 })).toMatchObject({ req: 2, ctxReq: 2, env: null });
  });

  it('returns one-character strings exactly through the JSON framing of results', async () => {
    expect(await run("async function execute() { const q = '}'; return { a: q, b: ['{', 'x'], c: `${q}` }; }", {})).toEqual({ a: '}', b: ['{', 'x'], c: '}' });
  });
});
