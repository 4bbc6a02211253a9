/**
 * The admin routes on a bare Fastify app (the guard and services are the server's business): payloads,
 * statuses, declared permissions, and a refresh after every write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openCatalog, type Catalog } from '../../../src/catalog/catalog.ts';
import { FirewallRepository } from '../../../src/catalog/firewall.ts';
import { firewallRoutes } from '../../../src/admin/firewall.ts';
import { bareAdminApp, type DeclaredRoute } from '../../helpers/admin-routes.ts';
import { tempDir } from '../../helpers/catalog.ts';

describe('firewall admin routes', () => {
  let catalog: Catalog;
  let app: FastifyInstance;
  let refreshes = 0;
  let failRefresh = false;
  const declared: DeclaredRoute[] = [];

  beforeAll(async () => {
    catalog = await openCatalog({ databaseUrl: null, dataDir: tempDir() });
    app = await bareAdminApp(declared, (api) => {
      firewallRoutes(api, {
        firewall: new FirewallRepository(catalog),
        refresh: async () => {
          refreshes++;
          if (failRefresh) throw new Error('refresh failed');
        },
      });
    });
  });

  afterAll(async () => {
    await app.close();
    await catalog.close();
  });

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url: `/api/v1/firewall${url}`, payload });

  it('declares a firewall permission on every route', () => {
    expect(declared.map((d) => [d.method, d.url, d.permission])).toEqual([
      ['POST', '/api/v1/firewall/list', { resource: 'firewall', action: 'read' }],
      ['POST', '/api/v1/firewall/create', { resource: 'firewall', action: 'create' }],
      ['POST', '/api/v1/firewall/update', { resource: 'firewall', action: 'update' }],
      ['DELETE', '/api/v1/firewall/delete/:id', { resource: 'firewall', action: 'delete', objectParam: 'id' }],
      ['GET', '/api/v1/firewall/:id', { resource: 'firewall', action: 'read', objectParam: 'id' }],
    ]);
  });

  it('creates, reads, lists, updates and deletes, refreshing after each write', async () => {
    const start = refreshes;
    const created = await api('POST', '/create', { action: 'deny', cidr: '10.1.2.3/8', description: 'lab' });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ action: 'deny', cidr: '10.0.0.0/8', client_id: null, is_active: true, description: 'lab' });
    expect(refreshes).toBe(start + 1);

    expect((await api('GET', `/${rule.id}`)).json()).toMatchObject({ id: rule.id, cidr: '10.0.0.0/8' });
    const list = await api('POST', '/list', { page: 1, page_size: 10, action: 'deny', client_id: null });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, data: [{ id: rule.id }] });
    expect(refreshes).toBe(start + 1);

    const updated = await api('POST', '/update', { id: rule.id, cidr: '192.168.1.7', is_active: false });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: rule.id, cidr: '192.168.1.7/32', is_active: false, description: 'lab' });
    expect(refreshes).toBe(start + 2);

    const deleted = await api('DELETE', `/delete/${rule.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(refreshes).toBe(start + 3);
    expect((await api('GET', `/${rule.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/delete/${rule.id}`)).statusCode).toBe(404);
    expect(refreshes).toBe(start + 3);
  });

  it('answers 400 naming cidr for a bad block, 422 for a malformed payload, and refreshes nothing', async () => {
    const start = refreshes;
    const bad = await api('POST', '/create', { action: 'deny', cidr: '10.0.0.0/40' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ success: false, code: 'bad_request', message: expect.stringMatching(/^cidr: /) });
    const wrongAction = await api('POST', '/create', { action: 'block', cidr: '10.0.0.0/8' });
    expect(wrongAction.statusCode).toBe(422);
    const wrongClient = await api('POST', '/create', { action: 'deny', cidr: '10.0.0.0/8', client_id: 'cli_x' });
    expect(wrongClient.statusCode).toBe(422);
    expect((await api('GET', '/not-a-uuid')).statusCode).toBe(422);
    expect(refreshes).toBe(start);
  });

  it('still answers success when the local refresh fails after a committed write', async () => {
    failRefresh = true;
    try {
      const created = await api('POST', '/create', { action: 'allow', cidr: '2001:db8::/32' });
      expect(created.statusCode).toBe(201);
      expect(created.json().cidr).toBe('2001:db8::/32');
    } finally {
      failRefresh = false;
    }
  });
});
