/**
 * The client and group admin routes compile and each declares its permission. Calling them (with the guard
 * and real users) belongs to the admin tests once they are wired into the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { clientRoutes } from '../../../src/admin/clients.ts';
import { groupRoutes } from '../../../src/admin/groups.ts';
import { clientFixture, type ClientFixture } from './fixture.ts';

describe('client and group admin routes', () => {
  let f: ClientFixture;
  beforeAll(async () => {
    f = await clientFixture('sqlite');
  });
  afterAll(async () => {
    await f.close();
  });

  it('declare a permission on every route', async () => {
    const app = Fastify({ logger: false });
    const declared: string[] = [];
    app.addHook('onRoute', (route) => {
      const p = (route.config as { permission?: { resource: string; action: string; objectParam?: string } } | undefined)?.permission;
      if (route.method !== 'HEAD') declared.push(`${String(route.method)} ${route.url} ${p ? `${p.resource}.${p.action}${p.objectParam ? `:${p.objectParam}` : ''}` : 'NONE'}`);
    });
    const deps = { clients: f.clients, groups: f.groups, refresh: async () => undefined };
    await app.register(
      async (scope) => {
        clientRoutes(scope, deps);
        groupRoutes(scope, deps);
      },
      { prefix: '/api/v1' },
    );
    await app.ready();
    await app.close();
    expect(declared.sort()).toEqual(
      [
        'DELETE /api/v1/clients/delete/:id client.delete:id',
        'DELETE /api/v1/groups/delete/:id group.delete:id',
        'GET /api/v1/clients/:id client.read:id',
        'GET /api/v1/groups/:id group.read:id',
        'POST /api/v1/clients/create client.create',
        'POST /api/v1/clients/list client.read',
        'POST /api/v1/clients/regenerate-secret client.update',
        'POST /api/v1/clients/update client.update',
        'POST /api/v1/groups/create group.create',
        'POST /api/v1/groups/list group.read',
        'POST /api/v1/groups/update group.update',
      ].sort(),
    );
  });
});
