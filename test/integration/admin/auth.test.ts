import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestApp, bearer, SUPERUSER, type TestApp } from '../../helpers/app.ts';

const SQLITE_DS = { name: 'mem', product_type: 'sqlite', database: ':memory:' };

describe('admin sign-in and route protection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => t.close());

  it('signs in with the OAuth2 password form and returns a bearer token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/login/access-token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${SUPERUSER.username}&password=${SUPERUSER.password}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token_type).toBe('bearer');
    const me = await t.app.inject({ method: 'POST', url: '/api/v1/login/test-token', headers: bearer(body.access_token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: SUPERUSER.username, is_superuser: true });
    expect(me.json()).not.toHaveProperty('password_hash');
  });

  it('answers a wrong password and an unknown user alike with 401', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/login/access-token',
      payload: { username: SUPERUSER.username, password: 'nope-nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/login/access-token',
      payload: { username: 'ghost', password: 'nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ success: false, code: 'invalid_credentials', data: [] });
  });

  it('refuses a request without a token, with a tampered, an expired or a foreign token: 401', async () => {
    const token = await t.login();
    const url = '/api/v1/users/me';
    expect((await t.app.inject({ url })).statusCode).toBe(401);
    expect((await t.app.inject({ url, headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await t.app.inject({ url, headers: bearer(tampered) })).statusCode).toBe(401);

    const sub = (await t.services.users.byUsername(SUPERUSER.username))!.id;
    const expired = await t.services.tokens.issue(sub, 'portico:admin', -5);
    const res = await t.app.inject({ url, headers: bearer(expired.token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('Token has expired');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience('portico:admin')
      .setIssuer('portico').setJti('x').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('z'.repeat(40)));
    expect((await t.app.inject({ url, headers: bearer(forged) })).statusCode).toBe(401);
    const gatewayToken = await t.services.tokens.issue(sub, 'portico:gateway', 60);
    expect((await t.app.inject({ url, headers: bearer(gatewayToken.token) })).statusCode).toBe(401);
  });

  it('refuses a token after logout (revoked), while another session keeps working', async () => {
    const a = await t.login();
    const b = await t.login();
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/logout', headers: bearer(a) });
    expect(out.statusCode).toBe(200);
    const revoked = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(a) });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().message).toBe('Token has been revoked');
    expect((await t.app.inject({ url: '/api/v1/users/me', headers: bearer(b) })).statusCode).toBe(200);
  });

  it('lets a Viewer read data sources but answers 403 when it creates one; a superuser gets 201', async () => {
    const viewer = await t.userWithRoles(['Viewer']);
    const list = await t.app.inject({ method: 'POST', url: '/api/v1/datasources/list', headers: bearer(viewer), payload: {} });
    expect(list.statusCode).toBe(200);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(viewer),
      payload: SQLITE_DS,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ success: false, code: 'forbidden' });
    expect((await t.services.datasources.list({ page: 1, page_size: 10 })).total).toBe(0);

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(await t.login()),
      payload: SQLITE_DS,
    });
    expect(created.statusCode).toBe(201);
  });

  it('lets a Dev create data sources', async () => {
    const dev = await t.userWithRoles(['Dev']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasources/create',
      headers: bearer(dev),
      payload: { ...SQLITE_DS, name: 'dev-made' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('has every admin route declare a permission, and every non-public one refuses a caller without a token', async () => {
    expect(t.app.adminRoutes.length).toBeGreaterThanOrEqual(12);
    for (const route of t.app.adminRoutes) {
      expect(route.permission, `${route.method} ${route.url}`).toBeDefined();
      if (route.permission === 'public') continue;
      const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.app.inject({ method: route.method as 'GET', url, payload: route.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
    const publicRoutes = t.app.adminRoutes.filter((r) => r.permission === 'public').map((r) => r.url);
    expect(publicRoutes).toEqual(['/api/v1/login/access-token']);
  });
});

describe('own profile and password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('updates the profile and rejects a malformed email naming the field', async () => {
    const token = await t.login();
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: bearer(token), payload: { full_name: 'Root User' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().full_name).toBe('Root User');
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: bearer(token), payload: { email: 'not-an-email' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toContain('body.email');
  });

  it('changes the password: the old one stops working, older tokens are refused, the new one signs in', async () => {
    const token = await t.login();
    const wrong = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me/password',
      headers: bearer(token),
      payload: { current_password: 'wrong-one', new_password: 'brand-new-pass' },
    });
    expect(wrong.statusCode).toBe(400);
    await new Promise((r) => setTimeout(r, 1100)); // token `iat` has one-second resolution
    const changed = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me/password',
      headers: bearer(token),
      payload: { current_password: SUPERUSER.password, new_password: 'brand-new-pass' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/users/me', headers: bearer(token) })).statusCode).toBe(401);
    await expect(t.login(SUPERUSER.username, SUPERUSER.password)).rejects.toThrow(/401/);
    const fresh = await t.login(SUPERUSER.username, 'brand-new-pass');
    expect((await t.app.inject({ url: '/api/v1/users/me', headers: bearer(fresh) })).statusCode).toBe(200);
  });
});

describe('sessions cut off in the same second', () => {
  it('refuses a token issued in the same second as a password change, and signs in right after', async () => {
    const t = await startTestApp();
    try {
      const token = await t.login();
      const changed = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me/password',
        headers: bearer(token),
        payload: { current_password: SUPERUSER.password, new_password: 'same-second-pass' },
      });
      expect(changed.statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/users/me', headers: bearer(token) })).statusCode).toBe(401);
      const fresh = await t.login(SUPERUSER.username, 'same-second-pass');
      expect((await t.app.inject({ url: '/api/v1/users/me', headers: bearer(fresh) })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 once an address has used its sign-in attempts for the minute', async () => {
    const t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/login/access-token',
          payload: { username: 'ghost', password: 'whatever' },
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) expect(res.json()).toMatchObject({ success: false, code: 'rate_limited' });
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });
});
