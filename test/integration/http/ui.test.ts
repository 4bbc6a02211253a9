/**
 * The admin UI as the browser sees it: files of a (small, fake) Vite build served at /ui/, the single-page
 * fallback, caching that never serves a stale page, the redirects into the UI, the "not built" answer, and no
 * way out of the build directory. The fake build keeps this test independent of `npm run build:web`.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../../src/http/errors.ts';
import { NOT_BUILT_MESSAGE, uiPlugin } from '../../../src/http/ui.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { tempDir } from '../../helpers/catalog.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/ui/assets/index-Ab12Cd.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("portico ui");';
const SECRET = 'top-secret-next-to-the-build';

async function uiApp(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandling(app);
  await app.register(uiPlugin, { root });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

/** A GET with the path sent exactly as written (fetch and inject would normalise `..` first). */
function rawGet(app: FastifyInstance, rawPath: string): Promise<{ status: number; body: string }> {
  const { port } = app.server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  expect(headers['x-frame-options']).toBe('DENY');
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toContain("style-src 'self' 'unsafe-inline'");
  expect(csp).toContain("frame-ancestors 'none'");
}

describe('the admin UI build served at /ui/', () => {
  const outer = tempDir('portico-ui-');
  const root = path.join(outer, 'dist');
  let app: FastifyInstance;

  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), INDEX);
    fs.writeFileSync(path.join(root, 'assets', 'index-Ab12Cd.js'), SCRIPT);
    fs.writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    fs.writeFileSync(path.join(root, '.env'), SECRET);
    fs.writeFileSync(path.join(outer, 'secret.txt'), SECRET);
    app = await uiApp(root);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(outer, { recursive: true, force: true });
  });

  it('serves index.html at /ui/ as HTML that the browser revalidates, with the security headers', async () => {
    const res = await app.inject({ url: '/ui/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(res.headers);
  });

  it('serves hashed files under /ui/assets/ with their type, cached for a year as immutable', async () => {
    const res = await app.inject({ url: '/ui/assets/index-Ab12Cd.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(SCRIPT);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(res.headers);
  });

  it('serves unhashed files such as the favicon revalidated, and answers 304 to a matching ETag', async () => {
    const res = await app.inject({ url: '/ui/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ url: '/ui/favicon.svg', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers every app route that is not a file with index.html, so deep links and reloads work', async () => {
    for (const url of ['/ui/login', '/ui/connections', '/ui/dev/endpoints/42?tab=sql', '/ui/system/clients/7/', '/ui/index.html']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expectSecurityHeaders(res.headers);
    }
  });

  it('answers a missing asset with 404 instead of the HTML page', async () => {
    const res = await app.inject({ url: '/ui/assets/index-Old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
    expect(res.body).not.toContain('<html');
  });

  it('redirects /ui to /ui/ keeping the query string', async () => {
    const res = await app.inject({ url: '/ui?next=%2Fconnections' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/ui/?next=%2Fconnections');
  });

  it('never serves a file outside the build or a dotfile, however the path is written', async () => {
    for (const p of [
      '/ui/../secret.txt',
      '/ui/%2e%2e/secret.txt',
      '/ui/%2E%2E%2Fsecret.txt',
      '/ui/assets/..%2f..%2fsecret.txt',
      '/ui/assets/%2e%2e/%2e%2e/secret.txt',
      '/ui/..%5csecret.txt',
      '/ui//etc/passwd',
      '/ui/.env',
      '/ui/%2eenv',
      '/ui/index.html%00.js',
    ]) {
      const res = await rawGet(app, p);
      expect(res.body, p).not.toContain(SECRET);
      expect(res.body, p).not.toContain('root:');
      expect([400, 403, 404], p).toContain(res.status);
    }
  });
});

describe('the admin UI before it is built', () => {
  const root = tempDir('portico-ui-unbuilt-');
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await uiApp(root);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers /ui/ and its routes with 503 saying how to build it, as JSON or as a page for browsers', async () => {
    const json = await app.inject({ url: '/ui/connections' });
    expect(json.statusCode).toBe(503);
    expect(json.json()).toEqual({ success: false, code: 'ui_not_built', message: NOT_BUILT_MESSAGE, data: [] });
    expect(NOT_BUILT_MESSAGE).toBe('The admin UI is not built: run npm run build:web');
    const page = await app.inject({ url: '/ui/', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain(NOT_BUILT_MESSAGE);
    expectSecurityHeaders(page.headers);
  });

  it('serves the UI as soon as it is built, without a restart', async () => {
    fs.writeFileSync(path.join(root, 'index.html'), INDEX);
    const res = await app.inject({ url: '/ui/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
  });
});

describe('the UI routes inside the whole Portico app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('sends a visitor of / to the admin UI with a 302', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/ui/');
  });

  it('answers /ui/ itself (the built UI or the "not built" message), not the gateway 404', async () => {
    const res = await t.app.inject({ url: '/ui/connections' });
    expect([200, 503]).toContain(res.statusCode);
    expect(res.headers['x-frame-options']).toBe('DENY');
    if (res.statusCode === 503) expect(res.json()).toMatchObject({ code: 'ui_not_built' });
    else expect(res.body).toContain('<div id="root">');
  });
});
