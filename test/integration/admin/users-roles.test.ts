/**
 * User management and roles: through the real app on a SQLite catalog, and the repositories on SQLite and
 * PostgreSQL catalogs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, bearer, SUPERUSER, type TestApp } from '../../helpers/app.ts';
import { freshPostgresDatabase, tempDir } from '../../helpers/catalog.ts';
import { ACTIONS, RESOURCE_TYPES } from '../../../src/auth/permissions.ts';
import { openCatalog, type Catalog } from '../../../src/catalog/catalog.ts';
import { UserRepository } from '../../../src/catalog/users.ts';
import { RoleRepository } from '../../../src/catalog/roles.ts';
import type { AppError } from '../../../src/errors.ts';

const PASSWORD = 'viewer-password-1';
const SQLITE_DS = { product_type: 'sqlite', database: ':memory:' };

describe('users and roles through the admin API', () => {
  let t: TestApp;
  let root: string;
  let rootId: string;
  const bodies: string[] = [];
  const roleIds: Record<string, string> = {};

  type Method = 'GET' | 'POST' | 'DELETE';
  const call = async (token: string, method: Method, url: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
    bodies.push(res.body);
    return res;
  };
  const signIn = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/login/access-token', payload: { username, password } });
  /** A token whose `iat` lies `seconds` in the past, as if signed in earlier. */
  const earlierToken = async (userId: string, seconds = 5) => {
    const past = Date.now() - seconds * 1000;
    const spy = vi.spyOn(Date, 'now').mockReturnValue(past);
    try {
      return (await t.services.tokens.issue(userId, 'portico:admin', 3600)).token;
    } finally {
      spy.mockRestore();
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    root = await t.login();
    rootId = (await t.services.users.byUsername(SUPERUSER.username))!.id;
    const roles = await call(root, 'POST', '/roles/list', { page_size: 100 });
    for (const role of roles.json().data as { id: string; name: string }[]) roleIds[role.name] = role.id;
  });
  afterAll(async () => t.close());

  it('creates a Viewer who can read but not create data sources; Dev then can; deactivation ends the sign-in', async () => {
    const created = await call(root, 'POST', '/users/create', {
      username: 'vera',
      password: PASSWORD,
      email: 'vera@example.com',
      full_name: 'Vera V',
      role_ids: [roleIds.Viewer],
    });
    expect(created.statusCode).toBe(201);
    const vera = created.json();
    expect(vera).toMatchObject({ username: 'vera', is_active: true, is_superuser: false, roles: ['Viewer'], role_ids: [roleIds.Viewer] });
    expect(vera).not.toHaveProperty('password');
    expect(vera).not.toHaveProperty('password_hash');

    const token = (await signIn('vera', PASSWORD)).json().access_token as string;
    expect((await call(token, 'POST', '/datasources/list', {})).statusCode).toBe(200);
    expect((await call(token, 'POST', '/datasources/create', { name: 'v1', ...SQLITE_DS })).statusCode).toBe(403);
    expect((await call(token, 'POST', '/users/list', {})).statusCode).toBe(403);

    const updated = await call(root, 'POST', '/users/update', { id: vera.id, role_ids: [roleIds.Dev] });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().roles).toEqual(['Dev']);
    // Role changes apply to the next request of the same token.
    expect((await call(token, 'POST', '/datasources/create', { name: 'v1', ...SQLITE_DS })).statusCode).toBe(201);

    const got = await call(root, 'GET', `/users/${vera.id}`);
    expect(got.json()).toMatchObject({ username: 'vera', email: 'vera@example.com', full_name: 'Vera V', roles: ['Dev'] });
    const cleared = await call(root, 'POST', '/users/update', { id: vera.id, email: null, full_name: null });
    expect(cleared.json()).toMatchObject({ email: null, full_name: null, roles: ['Dev'] });
    expect((await call(root, 'POST', '/users/update', { id: vera.id, email: 'not-an-email' })).statusCode).toBe(422);

    const earlier = await earlierToken(vera.id);
    expect((await call(earlier, 'GET', '/users/me')).statusCode).toBe(200);
    expect((await call(root, 'POST', '/users/update', { id: vera.id, is_active: false })).json().is_active).toBe(false);
    expect((await call(token, 'POST', '/datasources/list', {})).statusCode).toBe(401);
    const refused = await signIn('vera', PASSWORD);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('inactive_user');

    // Reactivated: a token from before the deactivation stays dead, a new sign-in works.
    await call(root, 'POST', '/users/update', { id: vera.id, is_active: true });
    expect((await call(earlier, 'GET', '/users/me')).statusCode).toBe(401);
    expect((await signIn('vera', PASSWORD)).statusCode).toBe(200);
  });

  it('sets a password: earlier tokens stop working, the old password no longer signs in', async () => {
    const user = (await call(root, 'POST', '/users/create', { username: 'pat', password: 'first-password', role_ids: [roleIds.Viewer] })).json();
    const earlier = await earlierToken(user.id);
    expect((await call(earlier, 'GET', '/users/me')).statusCode).toBe(200);
    // Changing only the profile keeps tokens valid.
    await call(root, 'POST', '/users/update', { id: user.id, full_name: 'Pat' });
    expect((await call(earlier, 'GET', '/users/me')).statusCode).toBe(200);

    const res = await call(root, 'POST', '/users/update', { id: user.id, password: 'second-password' });
    expect(res.statusCode).toBe(200);
    expect((await call(earlier, 'GET', '/users/me')).statusCode).toBe(401);
    expect((await signIn('pat', 'first-password')).statusCode).toBe(401);
    expect((await signIn('pat', 'second-password')).statusCode).toBe(200);
  });

  it('tells a signed-in user what they may do: a Viewer gets only read grants, a superuser none listed', async () => {
    await call(root, 'POST', '/users/create', { username: 'vic', password: 'viewer-password', role_ids: [roleIds.Viewer] });
    const viewer = (await signIn('vic', 'viewer-password')).json().access_token as string;
    const me = (await call(viewer, 'GET', '/users/me')).json();
    expect(me.is_superuser).toBe(false);
    expect(me.permissions).toContain('datasource:read:*');
    expect(me.permissions.filter((p: string) => !p.includes(':read:'))).toEqual([]);
    const rootMe = (await call(root, 'GET', '/users/me')).json();
    expect(rootMe).toMatchObject({ is_superuser: true, permissions: [] });
  });

  it('validates users: short password 422, taken name 409, unknown role 400, unknown user 404', async () => {
    const short = await call(root, 'POST', '/users/create', { username: 'shorty', password: 'short' });
    expect(short.statusCode).toBe(422);
    expect(short.json().message).toContain('body.password');
    await call(root, 'POST', '/users/create', { username: 'twice', password: 'twice-password' });
    expect((await call(root, 'POST', '/users/create', { username: 'twice', password: 'twice-password' })).statusCode).toBe(409);
    const ghostRole = '00000000-0000-4000-8000-00000000dead';
    const unknownRole = await call(root, 'POST', '/users/create', { username: 'norole', password: 'norole-password', role_ids: [ghostRole] });
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().message).toContain(ghostRole);
    expect((await call(root, 'GET', `/users/${ghostRole}`)).statusCode).toBe(404);
    expect((await call(root, 'POST', '/users/update', { id: ghostRole, full_name: 'x' })).statusCode).toBe(404);
  });

  it('lists users with paging and filters, with role names and without password hashes', async () => {
    await call(root, 'POST', '/users/create', { username: 'list_a', password: 'list-password', role_ids: [roleIds.Viewer] });
    await call(root, 'POST', '/users/create', { username: 'list_b', password: 'list-password', is_active: false });
    const res = await call(root, 'POST', '/users/list', { username__ilike: 'LIST_', page: 1, page_size: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 2, data: [{ username: 'list_a', roles: ['Viewer'] }] });
    const inactive = await call(root, 'POST', '/users/list', { username__ilike: 'list', is_active: false });
    expect(inactive.json()).toMatchObject({ total: 1, data: [{ username: 'list_b', is_active: false, roles: [] }] });
    const all = await call(root, 'POST', '/users/list', { page_size: 100 });
    const rootView = (all.json().data as { username: string }[]).find((u) => u.username === SUPERUSER.username);
    expect(rootView).toMatchObject({ is_superuser: true, roles: ['Admin'] });
  });

  it('keeps superusers to superusers: an Admin who is not one gets 403', async () => {
    const admin = await t.userWithRoles(['Admin']);
    const su = await call(admin, 'POST', '/users/create', { username: 'wannabe', password: 'wannabe-password', is_superuser: true });
    expect(su.statusCode).toBe(403);
    expect(su.json().message).toContain('superuser');
    const plain = await call(admin, 'POST', '/users/create', { username: 'plain', password: 'plain-password', role_ids: [roleIds.Dev] });
    expect(plain.statusCode).toBe(201);
    const id = plain.json().id as string;
    expect((await call(admin, 'POST', '/users/update', { id, is_superuser: true })).statusCode).toBe(403);
    // Sending the unchanged value is no change.
    expect((await call(admin, 'POST', '/users/update', { id, is_superuser: false, full_name: 'Plain' })).statusCode).toBe(200);
    expect((await call(admin, 'POST', '/users/update', { id: rootId, password: 'taken-over-1' })).statusCode).toBe(403);
    expect((await call(admin, 'DELETE', `/users/delete/${rootId}`)).statusCode).toBe(403);
    expect((await call(admin, 'DELETE', `/users/delete/${id}`)).statusCode).toBe(200);
    expect((await call(admin, 'GET', `/users/${id}`)).statusCode).toBe(404);

    // A superuser may make another one, and take it back.
    const second = await call(root, 'POST', '/users/create', { username: 'second_su', password: 'second-password', is_superuser: true });
    expect(second.statusCode).toBe(201);
    expect(second.json().is_superuser).toBe(true);
    expect((await call(root, 'POST', '/users/update', { id: second.json().id, is_superuser: false })).json().is_superuser).toBe(false);
  });

  it('refuses deleting or deactivating yourself and demoting the last active superuser: 400', async () => {
    const self = await call(root, 'DELETE', `/users/delete/${rootId}`);
    expect(self.statusCode).toBe(400);
    expect(self.json().message).toContain('yourself');
    expect((await call(root, 'POST', '/users/update', { id: rootId, is_active: false })).statusCode).toBe(400);
    const demote = await call(root, 'POST', '/users/update', { id: rootId, is_superuser: false });
    expect(demote.statusCode).toBe(400);
    expect(demote.json().message).toContain('last active superuser');
    expect((await call(root, 'GET', `/users/${rootId}`)).json()).toMatchObject({ is_superuser: true, is_active: true });
  });

  it('serves the permission matrix and manages a custom role end to end', async () => {
    const matrix = await call(root, 'GET', '/roles/permission-matrix');
    expect(matrix.json()).toEqual({ resource_types: [...RESOURCE_TYPES], actions: [...ACTIONS] });

    const dsId = (await call(root, 'POST', '/datasources/create', { name: 'audited', ...SQLITE_DS })).json().id as string;
    const created = await call(root, 'POST', '/roles/create', {
      name: 'Auditor',
      description: 'Reads traffic',
      permissions: [
        { resource_type: 'access_log', action: 'read' },
        { resource_type: 'access_log', action: 'read' },
        { resource_type: 'datasource', action: 'read', resource_id: dsId },
      ],
    });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect(role).toMatchObject({ name: 'Auditor', is_system: false, user_count: 0 });
    expect(role.permissions).toEqual([
      { resource_type: 'datasource', action: 'read', resource_id: dsId },
      { resource_type: 'access_log', action: 'read', resource_id: null },
    ]);
    expect((await call(root, 'POST', '/roles/create', { name: 'Auditor' })).statusCode).toBe(409);

    const auditor = (await call(root, 'POST', '/users/create', { username: 'audrey', password: 'audrey-password', role_ids: [role.id] })).json();
    const token = (await signIn('audrey', 'audrey-password')).json().access_token as string;
    expect((await call(token, 'POST', '/access-logs/list', {})).statusCode).toBe(200);
    expect((await call(token, 'GET', `/datasources/${dsId}`)).statusCode).toBe(200);
    expect((await call(token, 'POST', '/datasources/list', {})).statusCode).toBe(403);

    const listed = await call(root, 'POST', '/roles/list', { name__ilike: 'audit' });
    expect(listed.json()).toMatchObject({ total: 1, data: [{ name: 'Auditor', user_count: 1 }] });

    const updated = await call(root, 'POST', '/roles/update', {
      id: role.id,
      name: 'Traffic auditor',
      permissions: [{ resource_type: 'datasource', action: 'read' }],
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Traffic auditor', permissions: [{ resource_type: 'datasource', action: 'read', resource_id: null }] });
    expect((await call(token, 'POST', '/access-logs/list', {})).statusCode).toBe(403);
    expect((await call(token, 'POST', '/datasources/list', {})).statusCode).toBe(200);
    // Left out, the permissions stay.
    const described = await call(root, 'POST', '/roles/update', { id: role.id, description: null });
    expect(described.json()).toMatchObject({ description: null, permissions: [{ resource_type: 'datasource' }] });

    const deleted = await call(root, 'DELETE', `/roles/delete/${role.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ unassigned: 1 });
    expect((await call(root, 'GET', `/roles/${role.id}`)).statusCode).toBe(404);
    expect((await call(root, 'GET', `/users/${auditor.id}`)).json().roles).toEqual([]);
    expect((await call(token, 'POST', '/datasources/list', {})).statusCode).toBe(403);
  });

  it('keeps system roles: no rename, no delete (400), but their permissions may be edited', async () => {
    const rename = await call(root, 'POST', '/roles/update', { id: roleIds.Viewer, name: 'Reader' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().message).toContain('system role');
    expect((await call(root, 'POST', '/roles/update', { id: roleIds.Viewer, name: 'Viewer', description: 'Reads' })).statusCode).toBe(200);
    expect((await call(root, 'DELETE', `/roles/delete/${roleIds.Dev}`)).statusCode).toBe(400);

    const viewer = (await call(root, 'GET', `/roles/${roleIds.Viewer}`)).json();
    expect(viewer).toMatchObject({ name: 'Viewer', is_system: true });
    const token = await t.userWithRoles(['Viewer']);
    expect((await call(token, 'POST', '/users/list', {})).statusCode).toBe(403);
    const widened = [...viewer.permissions, { resource_type: 'user', action: 'read' }];
    expect((await call(root, 'POST', '/roles/update', { id: roleIds.Viewer, permissions: widened })).statusCode).toBe(200);
    expect((await call(token, 'POST', '/users/list', {})).statusCode).toBe(200);
    await call(root, 'POST', '/roles/update', { id: roleIds.Viewer, permissions: viewer.permissions });
    expect((await call(token, 'POST', '/users/list', {})).statusCode).toBe(403);
  });

  it('refuses an unknown action or resource type with a 400 that names it', async () => {
    const action = await call(root, 'POST', '/roles/create', { name: 'Bad', permissions: [{ resource_type: 'module', action: 'fly' }] });
    expect(action.statusCode).toBe(400);
    expect(action.json().message).toContain('permissions[0].action: "fly"');
    const type = await call(root, 'POST', '/roles/update', {
      id: roleIds.Dev,
      permissions: [{ resource_type: 'module', action: 'read' }, { resource_type: 'spaceship', action: 'read' }],
    });
    expect(type.statusCode).toBe(400);
    expect(type.json().message).toContain('permissions[1].resource_type: "spaceship"');
    expect((await call(root, 'POST', '/roles/list', { name__ilike: 'Bad' })).json().total).toBe(0);
    expect((await call(root, 'GET', `/roles/${roleIds.Dev}`)).json().permissions.length).toBeGreaterThan(2);
  });

  it('lets a non-superuser grant only what they hold', async () => {
    const managerRole = (await call(root, 'POST', '/roles/create', {
      name: 'User manager',
      permissions: ['read', 'create', 'update'].flatMap((action) => [
        { resource_type: 'user', action },
        { resource_type: 'role', action },
      ]),
    })).json();
    await call(root, 'POST', '/users/create', { username: 'manny', password: 'manny-password', role_ids: [managerRole.id] });
    const manny = (await signIn('manny', 'manny-password')).json().access_token as string;
    const mannyId = (await t.services.users.byUsername('manny'))!.id;

    expect((await call(manny, 'POST', '/users/create', { username: 'bare', password: 'bare-password' })).statusCode).toBe(201);
    const viewer = await call(manny, 'POST', '/users/create', { username: 'viewer2', password: 'viewer-password', role_ids: [roleIds.Viewer] });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().message).toContain('Viewer');
    expect((await call(manny, 'POST', '/users/update', { id: mannyId, role_ids: [managerRole.id, roleIds.Admin] })).statusCode).toBe(403);
    expect((await call(manny, 'POST', '/roles/create', { name: 'Sneaky', permissions: [{ resource_type: 'user', action: 'delete' }] })).statusCode).toBe(403);
    expect((await call(manny, 'POST', '/roles/update', { id: managerRole.id, permissions: [...managerRole.permissions, { resource_type: 'client', action: 'read' }] })).statusCode).toBe(403);
    expect((await call(manny, 'POST', '/roles/create', { name: 'Reader of users', permissions: [{ resource_type: 'user', action: 'read' }] })).statusCode).toBe(201);
    expect((await call(manny, 'DELETE', `/users/delete/${mannyId}`)).statusCode).toBe(403);
  });

  it('never shows a password or its hash in any response', () => {
    expect(bodies.length).toBeGreaterThan(50);
    for (const body of bodies) {
      expect(body).not.toContain('$argon2');
      expect(body).not.toContain('password_hash');
      expect(body).not.toMatch(/"password"\s*:/);
      for (const secret of [PASSWORD, 'first-password', 'second-password', 'audrey-password', 'manny-password']) {
        expect(body).not.toContain(secret);
      }
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)('user and role repositories on a %s catalog', (backend) => {
  let catalog: Catalog;
  let users: UserRepository;
  let roles: RoleRepository;
  let dropPg: (() => Promise<void>) | undefined;

  const failure = async (p: Promise<unknown>): Promise<AppError> => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    return err as AppError;
  };

  beforeAll(async () => {
    const options = { databaseUrl: null as string | null, dataDir: tempDir() };
    if (backend === 'postgres') {
      const db = await freshPostgresDatabase();
      options.databaseUrl = db.url;
      dropPg = db.drop;
    }
    catalog = await openCatalog(options);
    users = new UserRepository(catalog);
    roles = new RoleRepository(catalog);
    await users.seedSystemRoles();
  });
  afterAll(async () => {
    await catalog.close();
    await dropPg?.();
  });

  it('creates, lists, changes and deletes users with roles, announcing each write', async () => {
    const system = await roles.list({ page_size: 100 });
    const viewerId = system.data.find((r) => r.name === 'Viewer')!.id;
    const devId = system.data.find((r) => r.name === 'Dev')!.id;
    const before = await catalog.version();

    const a = await users.createWithRoleIds({ username: 'repo_a%', passwordHash: 'h', role_ids: [viewerId, viewerId] });
    expect(a).toMatchObject({ roles: ['Viewer'], role_ids: [viewerId], is_active: true, is_superuser: false });
    await users.createWithRoleIds({ username: 'repoXb', passwordHash: 'h', is_active: false });
    expect(await catalog.version()).toBe(before + 2);
    expect((await failure(users.createWithRoleIds({ username: 'repo_a%', passwordHash: 'h' }))).status).toBe(409);

    // `%` and `_` in the filter are literal.
    expect((await users.list({ username__ilike: 'REPO_A%' })).data.map((u) => u.username)).toEqual(['repo_a%']);
    expect((await users.list({ username__ilike: 'repo', is_active: false })).data.map((u) => u.username)).toEqual(['repoXb']);

    const validBefore = (await users.byId(a.id))!.tokens_valid_after;
    await users.modify(a.id, { email: 'a@example.com', role_ids: [devId] });
    const changed = (await users.byId(a.id))!;
    expect(changed.tokens_valid_after).toBe(validBefore);
    expect((await users.adminView(a.id)).roles).toEqual(['Dev']);
    await users.modify(a.id, { is_active: false });
    expect((await users.byId(a.id))!.tokens_valid_after > validBefore).toBe(true);
    expect(await users.principal(a.id)).toBeUndefined();

    const bad = await failure(users.modify(a.id, { role_ids: ['00000000-0000-4000-8000-000000000001'] }));
    expect(bad.status).toBe(400);
    expect((await users.adminView(a.id)).roles).toEqual(['Dev']);

    await users.delete(a.id);
    expect(await users.byId(a.id)).toBeUndefined();
    expect((await failure(users.delete(a.id))).status).toBe(404);
  });

  it('keeps the last active superuser', async () => {
    const one = await users.createWithRoleIds({ username: 'su_one', passwordHash: 'h', is_superuser: true });
    expect((await failure(users.delete(one.id))).status).toBe(400);
    expect((await failure(users.modify(one.id, { is_active: false }))).status).toBe(400);
    expect((await failure(users.modify(one.id, { is_superuser: false }))).status).toBe(400);
    const two = await users.createWithRoleIds({ username: 'su_two', passwordHash: 'h', is_superuser: true });
    await users.delete(one.id);
    expect((await failure(users.delete(two.id))).status).toBe(400);
  });

  it('creates, updates and deletes roles; system roles keep their names; deleting unassigns', async () => {
    const role = await roles.create({
      name: 'Ops',
      permissions: [{ resource_type: 'firewall', action: 'update' }, { resource_type: 'firewall', action: 'read' }],
    });
    expect(role.permissions.map((p) => p.action)).toEqual(['read', 'update']);
    const err = await failure(roles.create({ name: 'Nope', permissions: [{ resource_type: 'firewall', action: 'jump' }] }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('"jump"');

    const user = await users.createWithRoleIds({ username: 'ops_user', passwordHash: 'h', role_ids: [role.id] });
    expect((await users.principal(user.id))!.grants.has('firewall:update:*')).toBe(true);
    await roles.update(role.id, { permissions: [] });
    expect((await users.principal(user.id))!.grants.size).toBe(0);

    const admin = (await roles.list({ name__ilike: 'admin' })).data[0]!;
    expect(admin.is_system).toBe(true);
    expect((await failure(roles.update(admin.id, { name: 'Boss' }))).status).toBe(400);
    expect((await failure(roles.delete(admin.id)))).toMatchObject({ status: 400 });

    expect(await roles.delete(role.id)).toEqual({ unassigned: 1 });
    expect((await users.adminView(user.id)).roles).toEqual([]);
    expect((await failure(roles.get(role.id))).status).toBe(404);
  });
});
