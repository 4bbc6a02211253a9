/**
 * The authorization matrix: every registered admin route, called with no token and as a Viewer, a Dev and an
 * Admin, answers according to the permission it declares and the permissions each role holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { SYSTEM_ROLES, type RoutePermission } from '../../../src/auth/permissions.ts';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

function roleAllows(role: keyof typeof SYSTEM_ROLES, permission: RoutePermission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return SYSTEM_ROLES[role].permissions.some((p) => p.resource === permission.resource && p.action === permission.action);
}

describe('authorization matrix', () => {
  let t: TestApp;
  const tokens: Partial<Record<keyof typeof SYSTEM_ROLES, string>> = {};
  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    for (const role of Object.keys(SYSTEM_ROLES) as (keyof typeof SYSTEM_ROLES)[]) tokens[role] = await t.userWithRoles([role]);
  });
  afterAll(async () => t.close());

  it('answers each route by its declared permission for no token, Viewer, Dev and Admin', async () => {
    const routes = t.app.adminRoutes.filter((r) => r.url !== '/api/v1/logout');
    expect(routes.length).toBeGreaterThan(60);
    const mismatches: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, SOME_ID);
      const send = (headers: Record<string, string>) =>
        t.app.inject({ method: route.method as 'GET', url, headers, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
      const anonymous = (await send({})).statusCode;
      if (route.permission === 'public') {
        if (anonymous === 401 || anonymous === 403) mismatches.push(`${route.method} ${route.url}: public but ${anonymous}`);
      } else if (anonymous !== 401) {
        mismatches.push(`${route.method} ${route.url}: no token gave ${anonymous}`);
      }
      for (const role of ['Viewer', 'Dev', 'Admin'] as const) {
        const status = (await send(bearer(tokens[role]!))).statusCode;
        const allowed = roleAllows(role, route.permission);
        if (allowed && (status === 401 || status === 403)) mismatches.push(`${route.method} ${route.url}: ${role} allowed but ${status}`);
        if (!allowed && status !== 403) mismatches.push(`${route.method} ${route.url}: ${role} not allowed but ${status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('gives a Viewer read access only: listing works, creating is forbidden', async () => {
    const viewer = tokens.Viewer!;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/modules/list', headers: bearer(viewer), payload: {} })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/modules/create', headers: bearer(viewer), payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/clients/list', headers: bearer(tokens.Dev!), payload: {} })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/clients/create', headers: bearer(tokens.Dev!), payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
