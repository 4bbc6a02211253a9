/**
 * Script HTTP against real servers on 127.0.0.1: allowed hosts work (with the loopback exemption a test
 * needs), internal addresses are refused — directly, through a host name, or at a redirect hop — and time,
 * size and redirect limits hold. Refused addresses (10.0.0.1, 169.254.169.254) are never connected to: the
 * check runs before the socket is opened.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScriptHttp, type ScriptHttpClient } from '../../../src/engines/script/http.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real server recording what it received; `routes` answers by path. */
async function startServer(routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) route(req, res, body);
      else res.writeHead(404).end('no such route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const redirect = (res: http.ServerResponse, status: number, location: string) =>
  res.writeHead(status, { location }).end();

let main: Awaited<ReturnType<typeof startServer>>;
let other: Awaited<ReturnType<typeof startServer>>;
const clients: ScriptHttpClient[] = [];

beforeAll(async () => {
  other = await startServer({ '/': (_req, res) => res.end('internal secret') });
  main = await startServer({
    '/echo': (req, res, body) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body ? JSON.parse(body) : null }));
    },
    '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
    '/redirect': (req, res) => redirect(res, 302, new URL(req.url ?? '', 'http://x').searchParams.get('to') ?? '/'),
    '/see-other': (_req, res) => redirect(res, 303, '/echo'),
    '/loop': (_req, res) => redirect(res, 302, '/loop'),
    '/hang': () => {}, // never answers
    '/big': (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
    '/big-stream': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no length up front
      for (let i = 0; i < 20; i++) res.write('y'.repeat(100));
      res.end();
    },
  });
});
afterAll(async () => {
  await Promise.all([main.close(), other.close()]);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** A client allowed to reach `hosts`, exempting `allowPrivate` from the internal-address ban. */
function client(hosts: string[], allowPrivate: string[] = [], extra: { timeoutMs?: number; maxBytes?: number } = {}) {
  const c = createScriptHttp({
    scriptHttpAllowHosts: hosts,
    scriptHttpAllowPrivate: allowPrivate,
    scriptHttpTimeoutMs: extra.timeoutMs ?? 5000,
    scriptHttpMaxResponseBytes: extra.maxBytes ?? 1024 * 1024,
  });
  clients.push(c);
  return c;
}
const loopbackAllowed = () => client([`127.0.0.1:${main.port}`], ['127.0.0.1/32']);

describe('script HTTP: allowed requests', () => {
  it('sends a JSON body and returns the parsed JSON response', async () => {
    const res = await loopbackAllowed().request({
      method: 'POST',
      url: main.url('/echo?a=1'),
      query: { b: 'two words' },
      headers: { 'X-Trace': 'abc' },
      body: { name: 'Ada', tags: ['x'] },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.body as { method: string; url: string; headers: Record<string, string>; body: unknown };
    expect(body.method).toBe('POST');
    expect(body.url).toBe('/echo?a=1&b=two+words');
    expect(body.headers['content-type']).toBe('application/json');
    expect(body.headers['x-trace']).toBe('abc');
    expect(body.body).toEqual({ name: 'Ada', tags: ['x'] });
  });

  it('returns a non-JSON response as text, with its status', async () => {
    const c = loopbackAllowed();
    expect(await c.request({ method: 'GET', url: main.url('/text') })).toMatchObject({ status: 200, body: 'plain words' });
    expect(await c.request({ method: 'GET', url: main.url('/nowhere') })).toMatchObject({ status: 404, body: 'no such route' });
  });

  it('drops host, connection and hop-by-hop headers a script sets', async () => {
    const res = await loopbackAllowed().request({
      method: 'GET',
      url: main.url('/echo'),
      headers: { Host: 'internal.example', Connection: 'upgrade', Upgrade: 'websocket', 'Proxy-Authorization': 'x', TE: 'trailers' },
    });
    const headers = (res.body as { headers: Record<string, string> }).headers;
    expect(headers.host).toBe(`127.0.0.1:${main.port}`);
    expect(headers.upgrade).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers.te).toBeUndefined();
  });

  it('follows a redirect within the allowed host, turning a POST into a GET on 303', async () => {
    const res = await loopbackAllowed().request({ method: 'POST', url: main.url('/see-other'), body: { a: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ method: 'GET', url: '/echo', body: null });
  });

  it('stops after 5 redirects', async () => {
    await expect(loopbackAllowed().request({ method: 'GET', url: main.url('/loop') })).rejects.toMatchObject({
      code: 'http_too_many_redirects',
    });
  });
});

describe('script HTTP: refused destinations', () => {
  it('refuses a host that is not on the allow-list, naming the setting', async () => {
    const c = client([`127.0.0.1:${main.port}`], ['127.0.0.1/32']);
    await expect(c.request({ method: 'GET', url: 'http://example.com/' })).rejects.toMatchObject({
      code: 'http_host_not_allowed',
      message: 'HTTP to example.com is not allowed (add it to SCRIPT_HTTP_ALLOW_HOSTS)',
    });
    await expect(c.request({ method: 'GET', url: other.url('/') })).rejects.toMatchObject({ code: 'http_host_not_allowed' });
    await expect(c.request({ method: 'GET', url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'http_host_not_allowed' });
  });

  it('refuses 127.0.0.1 without the private exemption, even when the host is allowed', async () => {
    const before = main.seen.length;
    const c = client([`127.0.0.1:${main.port}`]);
    await expect(c.request({ method: 'GET', url: main.url('/echo') })).rejects.toMatchObject({
      code: 'http_address_blocked',
      message: 'HTTP to 127.0.0.1 is not allowed: it is a loopback address',
    });
    expect(main.seen.length).toBe(before);
  });

  it('refuses loopback written as decimal, hex, IPv4-mapped IPv6, [::1] or 0.0.0.0', async () => {
    const before = main.seen.length;
    const c = client(['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]', '0.0.0.0']);
    for (const host of ['2130706433', '0x7f.0.0.1', '0177.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::1]', '0.0.0.0']) {
      await expect(c.request({ method: 'GET', url: `http://${host}:${main.port}/echo` }), host).rejects.toMatchObject({
        code: 'http_address_blocked',
      });
    }
    expect(main.seen.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback', async () => {
    const c = client([`localhost:${main.port}`]);
    await expect(c.request({ method: 'GET', url: `http://localhost:${main.port}/echo` })).rejects.toMatchObject({
      code: 'http_address_blocked',
      message: expect.stringMatching(/^HTTP to localhost is not allowed: it resolves to (127\.0\.0\.1|::1), a loopback address$/),
    });
  });

  it('refuses a redirect to another local port that is not allowed', async () => {
    const c = loopbackAllowed();
    await expect(
      c.request({ method: 'GET', url: main.url(`/redirect?to=${encodeURIComponent(other.url('/'))}`) }),
    ).rejects.toMatchObject({ code: 'http_host_not_allowed' });
    expect(other.seen).toHaveLength(0);
  });

  it.each([
    ['a private address', 'http://10.0.0.1/', '10.0.0.1', 'private'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data', '169.254.169.254', 'link-local'],
  ])('refuses a redirect hop to %s even when its host is allowed', async (_label, target, host, kind) => {
    const c = client([`127.0.0.1:${main.port}`, host], ['127.0.0.1/32']);
    await expect(
      c.request({ method: 'GET', url: main.url(`/redirect?to=${encodeURIComponent(target)}`) }),
    ).rejects.toMatchObject({ code: 'http_address_blocked', message: `HTTP to ${host} is not allowed: it is a ${kind} address` });
  });

  it('does not follow a redirect to another scheme', async () => {
    const c = loopbackAllowed();
    await expect(
      c.request({ method: 'GET', url: main.url(`/redirect?to=${encodeURIComponent('file:///etc/passwd')}`) }),
    ).rejects.toMatchObject({ code: 'http_host_not_allowed' });
  });
});

describe('script HTTP: limits and failures', () => {
  it('gives up on a server that never answers after the request timeout', async () => {
    const started = Date.now();
    await expect(
      loopbackAllowed().request({ method: 'GET', url: main.url('/hang'), timeoutMs: 200 }),
    ).rejects.toMatchObject({ code: 'http_timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never waits longer than SCRIPT_HTTP_TIMEOUT, whatever the script asks', async () => {
    const c = client([`127.0.0.1:${main.port}`], ['127.0.0.1/32'], { timeoutMs: 250 });
    const started = Date.now();
    await expect(c.request({ method: 'GET', url: main.url('/hang'), timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'http_timeout',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops when the caller aborts (the script run ended)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      loopbackAllowed().request({ method: 'GET', url: main.url('/hang') }, controller.signal),
    ).rejects.toMatchObject({ code: 'http_timeout' });
  });

  it('refuses a response larger than SCRIPT_HTTP_MAX_RESPONSE_BYTES, declared or streamed', async () => {
    const c = client([`127.0.0.1:${main.port}`], ['127.0.0.1/32'], { maxBytes: 1024 });
    for (const path of ['/big', '/big-stream']) {
      await expect(c.request({ method: 'GET', url: main.url(path) }), path).rejects.toMatchObject({
        code: 'http_response_too_large',
        message: `HTTP response from 127.0.0.1:${main.port} is larger than 1024 bytes`,
      });
    }
    expect((await c.request({ method: 'GET', url: main.url('/text') })).body).toBe('plain words');
  });

  it('reports a refused connection as http_failed with a short message', async () => {
    const closed = await startServer({});
    const port = closed.port;
    await closed.close();
    const c = client([`127.0.0.1:${port}`], ['127.0.0.1/32']);
    const err = await c.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'http_failed', message: `HTTP request to 127.0.0.1:${port} failed: connection refused` });
  });

  it('rejects methods other than GET, POST, PUT and DELETE, and headers that would inject lines', async () => {
    const before = main.seen.length;
    const c = loopbackAllowed();
    await expect(c.request({ method: 'PATCH' as 'GET', url: main.url('/echo') })).rejects.toMatchObject({
      code: 'http_invalid_request',
    });
    await expect(
      c.request({ method: 'GET', url: main.url('/echo'), headers: { 'X-A': 'a\r\nX-Injected: 1' } }),
    ).rejects.toMatchObject({ code: 'http_invalid_request' });
    expect(main.seen.length).toBe(before);
  });
});

describe('the script engine at start', () => {
  it('refuses a bad SCRIPT_HTTP_ALLOW_HOSTS entry with the configuration message, before any script runs', async () => {
    const { loadConfig, ConfigError } = await import('../../../src/config.ts');
    const { ScriptEngine } = await import('../../../src/engines/script/index.ts');
    const config = loadConfig({ SCRIPT_HTTP_ALLOW_HOSTS: 'http://api example.com/x' });
    let error: unknown;
    try {
      new ScriptEngine(config, null);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/SCRIPT_HTTP_ALLOW_HOSTS: "http:\/\/api example.com\/x" is not a host name/);
  });
});
