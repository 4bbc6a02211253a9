/**
 * Sandbox escapes: every attempt to reach the host (process, require, imports, Function constructors from
 * the global object or from a ctx function), to pollute the host's prototypes, to read another call's data,
 * or to reach private addresses over HTTP (directly or through a redirect) fails with a clear error and
 * never hands the script a host object.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptHarness, type Json, type ScriptHarness } from './harness.ts';

describe('script sandbox escapes', () => {
  let h: ScriptHarness;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (to) {
        res.writeHead(302, { location: to });
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"fine":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    h = await startScriptHarness({
      env: {
        // The private targets are even on the host allow-list: the address check must still refuse them.
        SCRIPT_HTTP_ALLOW_HOSTS: `127.0.0.1:${port},10.0.0.1,169.254.169.254`,
        SCRIPT_HTTP_ALLOW_PRIVATE: '127.0.0.1/32',
        SCRIPT_HTTP_TIMEOUT: '2',
        FLOW_CONTROL_MAX_CONCURRENT_PER_CLIENT: '100',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => server.close(r));
  });

  const debug = (content: string, params: Record<string, unknown> = {}) =>
    h.admin('POST', '/api-assignments/debug', { execute_engine: 'script', datasource_id: h.datasourceId, content, params });

  /** A refused attempt: a clear 4xx/5xx error body, no stack, no host path, no host object. */
  const expectRefused = (res: { status: number; body: Json }, message: RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.body.success).toBe(false);
    expect(res.body.message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/\/work\/|node_modules|\.ts:|Reference|at async/);
  };

  it.each([
    ['process', 'return process.env', /^Script failed: process is not defined$/],
    ['require', "return require('fs')", /^Script failed: require is not defined$/],
    ['dynamic import()', "return await import('fs')", /^Script failed: dynamic import\(\) is not supported in scripts$/],
    ['the Function constructor through this', "return this.constructor.constructor('return process')()", /^Script failed: process is not defined$/],
    ['the Function constructor through a ctx function', "return ctx.db.query.constructor('return process')()", /^Script failed: process is not defined$/],
    ['the async Function constructor through a ctx function', "return await ctx.log.info.constructor.constructor('return process.mainModule')()", /process is not defined/],
    ['globalThis.process', 'return globalThis.process.pid', /^Script failed: Cannot read properties of undefined/],
  ])('refuses to reach the host through %s', async (_name, body, message) => {
    expectRefused(await debug(`async function execute(params, ctx) { ${body} }`), message);
  });

  it.each([
    ["import fs from 'fs'", /cannot import "fs": no modules may be imported \(SCRIPT_EXTRA_MODULES\)/],
    ["import { execSync } from 'node:child_process'", /cannot import "node:child_process"/],
    ["import helper from './helper.js'", /cannot import "\.\/helper\.js"/],
    ["import 'fs'", /cannot import "fs"/],
  ])('refuses a static %s with 400 before anything runs', async (statement, message) => {
    const res = await debug(`${statement};\nexport async function execute() { return 1; }`);
    expectRefused(res, message);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('script_import_refused');
  });

  it('shows the script nothing of the host on its global object', async () => {
    const res = await debug(`async function execute() {
  const names = Object.getOwnPropertyNames(globalThis);
  const leaks = names.filter((n) => /portico|ivm|host|^(require|process|Buffer|module|exports|global)$/i.test(n));
  const fnText = String(db.query);
  return { leaks, fnText, hasHost: typeof __portico_host, ctxKeys: Object.keys(ctx).sort() };
}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.leaks).toEqual([]);
    expect(res.body.data.hasHost).toBe('undefined');
    expect(res.body.data.fnText).not.toMatch(/Reference|apply/);
    expect(res.body.data.ctxKeys).toEqual(['cache', 'db', 'ds', 'env', 'fail', 'http', 'log', 'req', 'tx']);
  });

  it('keeps prototype pollution inside the call: the host and the next call never see it', async () => {
    const polluted = await debug("Object.prototype.polluted = 1; Array.prototype.push = () => 0; JSON.stringify = () => 'owned'; result = ({}).polluted;");
    expect(polluted.status, JSON.stringify(polluted.body)).toBe(200);
    expect(polluted.body.data).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const next = await debug('const a = []; a.push(1); result = { polluted: ({}).polluted ?? null, length: a.length };');
    expect(next.body.data).toEqual({ polluted: null, length: 1 });
  });

  it('forgets a global set in one call by the next, and keeps concurrent calls apart', async () => {
    await h.publish({
      name: 'remember',
      path: '/remember',
      params: [{ name: 'v', location: 'body', data_type: 'string' }],
      content: `async function execute(p) {
  const before = typeof globalThis.secret === 'undefined' ? null : globalThis.secret;
  globalThis.secret = p.v;
  await db.query('SELECT pg_sleep(0.02)');
  return { before, mine: req.v, seen: globalThis.secret };
}`,
    });
    const first = await h.call('POST', '/shop/remember', { v: 'alpha' });
    expect(first.body.data).toEqual({ before: null, mine: 'alpha', seen: 'alpha' });
    const second = await h.call('POST', '/shop/remember', { v: 'beta' });
    expect(second.body.data.before).toBeNull();
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => h.call('POST', '/shop/remember', { v: `v${i}` })));
    many.forEach((res, i) => {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toEqual({ before: null, mine: `v${i}`, seen: `v${i}` });
    });
  });

  const blocked = /^Script failed: HTTP to \S+ is not allowed/;
  it.each([
    ['127.0.0.1 on a port not allowed', () => 'http://127.0.0.1:1/'],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['169.254.169.254 through a redirect from an allowed host', () => `http://127.0.0.1:${port}/?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`],
    ['10.0.0.1 through a redirect from an allowed host', () => `http://127.0.0.1:${port}/?to=${encodeURIComponent('http://10.0.0.1/')}`],
    ['127.0.0.1 on another port through a redirect', () => `http://127.0.0.1:${port}/?to=${encodeURIComponent('http://127.0.0.1:1/')}`],
  ])('refuses HTTP to %s', async (_name, url) => {
    const res = await debug(`async function execute() { return http.get(${JSON.stringify(url())}); }`);
    expectRefused(res, blocked);
    expect(res.body.code).toBe('script_error');
    expect(['http_host_not_allowed', 'http_address_blocked']).toContain(res.body.details.code);
    const caught = await debug(`async function execute() { try { await http.get(${JSON.stringify(url())}); } catch (e) { return { code: e.code, isError: e instanceof Error }; } }`);
    expect(caught.body.data.isError).toBe(true);
    expect(caught.body.data.code).toBe(res.body.details.code);
  });

  it('still reaches the allowed host itself', async () => {
    const res = await debug(`async function execute() { return (await http.get('http://127.0.0.1:${port}/')).body; }`);
    expect(res.body.data).toEqual({ fine: true });
  });
});
