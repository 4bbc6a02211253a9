/** Permissions on one object: a role may read one data source and not another; deleting the object removes them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, bearer, type TestApp } from '../../helpers/app.ts';
import { hashSecret } from '../../../src/auth/hashing.ts';

describe('per-object permissions', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    admin = await t.login();
  });
  afterAll(async () => t.close());

  const api = async (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
    return { status: res.statusCode, body: res.json() };
  };

  it('grants reading one data source only, and forgets the grant when the data source is deleted', async () => {
    const mine = (await api(admin, 'POST', '/datasources/create', { name: 'mine', product_type: 'sqlite', database: ':memory:' })).body;
    const other = (await api(admin, 'POST', '/datasources/create', { name: 'other', product_type: 'sqlite', database: ':memory:' })).body;
    const role = await api(admin, 'POST', '/roles/create', {
      name: 'mine-reader',
      permissions: [{ resource_type: 'datasource', action: 'read', resource_id: mine.id }],
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    await t.services.users.create({ username: 'narrow', passwordHash: await hashSecret('narrow-pass-1'), roles: ['mine-reader'] });
    const narrow = await t.login('narrow', 'narrow-pass-1');

    expect((await api(narrow, 'GET', `/datasources/${mine.id}`)).status).toBe(200);
    expect((await api(narrow, 'GET', `/datasources/${other.id}`)).status).toBe(403);
    expect((await api(narrow, 'POST', '/datasources/list', {})).status).toBe(403);

    expect((await api(admin, 'DELETE', `/datasources/delete/${mine.id}`)).status).toBe(200);
    const after = await api(admin, 'GET', `/roles/${role.body.id}`);
    expect(after.body.permissions).toEqual([]);
  });
});
