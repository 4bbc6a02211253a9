import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import formBody from '@fastify/formbody';
import { registerErrorHandling } from '../../../src/http/errors.ts';
import { TokenService } from '../../../src/auth/tokens.ts';
import { tokenRoutes } from '../../../src/gateway/token-route.ts';
import { loadAccessSnapshot } from '../../../src/gateway/client-auth.ts';
import { clientFixture, type ClientFixture } from './fixture.ts';

describe.each(['sqlite', 'postgres'] as const)('POST /token/generate on a %s catalog', (backend) => {
  let f: ClientFixture;
  const tokens = new TokenService('t'.repeat(48));

  const build = async (rateLimitPerMinute: number): Promise<FastifyInstance> => {
    const app = Fastify({ logger: false });
    registerErrorHandling(app);
    await app.register(formBody);
    await app.register(tokenRoutes, { catalog: f.catalog, tokens, rateLimitPerMinute });
    await app.ready();
    return app;
  };
  let app: FastifyInstance;
  let ip = 0;
  /** Each call from its own address, so the rate limit stays out of the way. */
  const post = (url: string, payload: object | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers, remoteAddress: `10.0.${Math.floor(++ip / 250)}.${ip % 250}` });

  beforeAll(async () => {
    f = await clientFixture(backend);
    app = await build(1000);
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  it('exchanges client credentials (JSON) for a gateway token that expires with the client setting', async () => {
    const c = await f.clients.create({ name: f.unique('json'), token_expire_seconds: 120 });
    for (const body of [
      { client_id: c.client_id, client_secret: c.client_secret },
      { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret },
    ]) {
      const res = await post('/token/generate', body);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const json = res.json<{ access_token: string; token_type: string; expires_in: number }>();
      expect(json).toMatchObject({ token_type: 'bearer', expires_in: 120 });
      const verified = await tokens.verify(json.access_token, 'portico:gateway');
      expect(verified.sub).toBe(c.id);
      expect(verified.expiresAt - verified.issuedAt).toBe(120);
      await expect(tokens.verify(json.access_token, 'portico:admin')).rejects.toMatchObject({ status: 401 });
    }
  });

  it('takes a form body on /api/token/generate, and HTTP Basic credentials', async () => {
    const c = await f.clients.create({ name: f.unique('form') });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
    const res = await post('/api/token/generate', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'bearer', expires_in: 3600 });

    const basic = Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64');
    const viaBasic = await post('/token/generate', 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    });
    expect(viaBasic.statusCode).toBe(200);
  });

  it('answers wrong secret, unknown client and inactive client with the same 401', async () => {
    const c = await f.clients.create({ name: f.unique('bad'), client_secret: 'right-secret' });
    const off = await f.clients.create({ name: f.unique('off'), client_secret: 'right-secret', is_active: false });
    const answers = await Promise.all([
      post('/token/generate', { client_id: c.client_id, client_secret: 'wrong-secret' }),
      post('/token/generate', { client_id: 'cli_nobody', client_secret: 'right-secret' }),
      post('/token/generate', { client_id: off.client_id, client_secret: 'right-secret' }),
      post('/api/token/generate', `client_id=${off.client_id}&client_secret=wrong`, { 'content-type': 'application/x-www-form-urlencoded' }),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(answers[0]!.body);
    }
    expect(answers[0]!.json()).toEqual({ success: false, code: 'invalid_client', message: 'Invalid client credentials', data: [] });
  });

  it('refuses other grant types and missing credentials with 400', async () => {
    const c = await f.clients.create({ name: f.unique('grant') });
    const res = await post('/token/generate', { grant_type: 'password', client_id: c.client_id, client_secret: c.client_secret });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'unsupported_grant_type' });
    const missing = await post('/token/generate', { client_id: c.client_id });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'invalid_request' });
    const nonString = await post('/token/generate', { client_id: 5, client_secret: c.client_secret });
    expect(nonString.statusCode).toBe(400);
  });

  it('after a rotation: the old secret fails, the new one gives a token the gateway accepts', async () => {
    const m = await f.moduleWithEndpoints(1);
    const c = await f.clients.create({ name: f.unique('rot'), module_ids: [m.moduleId] });
    const old = await post('/token/generate', { client_id: c.client_id, client_secret: c.client_secret });
    const oldToken = old.json<{ access_token: string }>().access_token;
    const fresh = await f.clients.regenerateSecret(c.id);
    const snap = await loadAccessSnapshot(f.catalog, tokens);
    const route = { endpointId: null, moduleId: m.moduleId };
    await expect(snap.authorize(oldToken, route)).rejects.toMatchObject({ status: 401 });
    expect((await post('/token/generate', { client_id: c.client_id, client_secret: c.client_secret })).statusCode).toBe(401);
    const res = await post('/token/generate', { client_id: c.client_id, client_secret: fresh.client_secret });
    expect(res.statusCode).toBe(200);
    const newToken = res.json<{ access_token: string }>().access_token;
    expect(await snap.authorize(newToken, route)).toMatchObject({ clientId: c.id });
  });

  it('rate limits per caller IP with 429', async () => {
    const limited = await build(3);
    try {
      const c = await f.clients.create({ name: f.unique('rl') });
      const call = (remoteAddress: string) =>
        limited.inject({ method: 'POST', url: '/token/generate', payload: { client_id: c.client_id, client_secret: 'nope-nope' }, remoteAddress });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call('192.0.2.1')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const res = await call('192.0.2.1');
      expect(res.json()).toMatchObject({ success: false, code: 'rate_limited' });
      expect(res.headers['retry-after']).toBeDefined();
      expect((await call('192.0.2.2')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
