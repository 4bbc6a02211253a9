import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../../../src/auth/hashing.ts';
import type { CatalogChange } from '../../../src/catalog/notifier.ts';
import { clientFixture, type ClientFixture } from './fixture.ts';

describe.each(['sqlite', 'postgres'] as const)('clients and groups in a %s catalog', (backend) => {
  let f: ClientFixture;

  beforeAll(async () => {
    f = await clientFixture(backend);
  });
  afterAll(async () => {
    await f.close();
  });

  const stored = (id: string) => f.catalog.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const heard = async (fn: () => Promise<unknown>): Promise<string[]> => {
    const changes: CatalogChange[] = [];
    const stop = f.catalog.notifier.subscribe((c) => changes.push(c));
    try {
      await fn();
    } finally {
      stop();
    }
    return changes.map((c) => `${c.entity}:${c.id}`);
  };

  it('creates a client with a generated client_id and secret, shown once and stored only as an argon2id hash', async () => {
    let created!: Awaited<ReturnType<ClientFixture['clients']['create']>>;
    const changes = await heard(async () => {
      created = await f.clients.create({ name: f.unique('app') });
    });
    expect(changes).toEqual([`client:${created.id}`]);
    expect(created.client_id).toMatch(/^cli_[0-9a-f]{24}$/);
    expect(created.client_secret.length).toBeGreaterThanOrEqual(32);
    expect(created).toMatchObject({ token_expire_seconds: 3600, is_active: true, rate_limit_per_minute: null, max_concurrent: null });

    const row = await stored(created.id);
    expect(row.secret_hash).toMatch(/^\$argon2id\$/);
    expect(row.secret_hash).not.toContain(created.client_secret);
    expect(await verifySecret(row.secret_hash, created.client_secret)).toBe(true);

    const again = await f.clients.get(created.id);
    expect(again).not.toHaveProperty('client_secret');
    expect(JSON.stringify(again)).not.toContain(created.client_secret);
    const listed = await f.clients.list({ name__ilike: created.name });
    expect(JSON.stringify(listed)).not.toContain(created.client_secret);
    expect(JSON.stringify(listed)).not.toContain('argon2');
  });

  it('takes a given client_id and secret, and checks them', async () => {
    const given = await f.clients.create({
      name: f.unique('given'),
      client_id: f.unique('my-app.'),
      client_secret: 'eight888',
      token_expire_seconds: 60,
      rate_limit_per_minute: 10,
      max_concurrent: 2,
      description: 'd',
    });
    expect(given.client_secret).toBe('eight888');
    expect(given).toMatchObject({ token_expire_seconds: 60, rate_limit_per_minute: 10, max_concurrent: 2, description: 'd' });
    await expect(f.clients.create({ name: f.unique('short'), client_secret: 'seven77' })).rejects.toMatchObject({ status: 400 });
    await expect(f.clients.create({ name: f.unique('bad-id'), client_id: 'a b' })).rejects.toMatchObject({ status: 400 });
    for (const t of [59, 86_401, 1.5]) {
      await expect(f.clients.create({ name: f.unique('ttl'), token_expire_seconds: t })).rejects.toMatchObject({ status: 400 });
    }
    await expect(f.clients.create({ name: f.unique('rl'), rate_limit_per_minute: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(f.clients.create({ name: given.name })).rejects.toMatchObject({ status: 409 });
    await expect(f.clients.create({ name: f.unique('dup-id'), client_id: given.client_id })).rejects.toMatchObject({ status: 409 });
    await expect(f.clients.create({ name: f.unique('ghost'), group_ids: [crypto.randomUUID()] })).rejects.toMatchObject({ status: 400 });
    await expect(f.clients.create({ name: f.unique('ghost'), api_assignment_ids: [crypto.randomUUID()] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('lists with paging and the name and active filters', async () => {
    const tag = f.unique('listme-');
    for (const i of [1, 2, 3]) await f.clients.create({ name: `${tag}-${i}`, is_active: i !== 2 });
    const page = await f.clients.list({ name__ilike: tag.toUpperCase(), page: 1, page_size: 2 });
    expect(page.total).toBe(3);
    expect(page.data.map((c) => c.name)).toEqual([`${tag}-1`, `${tag}-2`]);
    const inactive = await f.clients.list({ name__ilike: tag, is_active: false });
    expect(inactive.data.map((c) => c.name)).toEqual([`${tag}-2`]);
    await expect(f.clients.list({ page: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it('updates partially; deactivating bumps tokens_valid_after, reactivating does not', async () => {
    const c = await f.clients.create({ name: f.unique('upd'), description: 'keep' });
    const before = (await stored(c.id)).tokens_valid_after;
    const renamed = await f.clients.update(c.id, { name: f.unique('renamed'), max_concurrent: 5 });
    expect(renamed).toMatchObject({ description: 'keep', max_concurrent: 5, is_active: true });
    expect((await stored(c.id)).tokens_valid_after).toBe(before);

    const changes = await heard(() => f.clients.update(c.id, { is_active: false }));
    expect(changes).toEqual([`client:${c.id}`]);
    const bumped = (await stored(c.id)).tokens_valid_after;
    expect(Date.parse(bumped)).toBeGreaterThan(Date.parse(before));
    await f.clients.update(c.id, { is_active: true });
    expect((await stored(c.id)).tokens_valid_after).toBe(bumped);
    await f.clients.update(c.id, { max_concurrent: null });
    expect((await f.clients.get(c.id)).max_concurrent).toBeNull();
    await expect(f.clients.update(crypto.randomUUID(), { name: 'x' })).rejects.toMatchObject({ status: 404 });
  });

  it('regenerates the secret: the new one works, the old one does not, older tokens are cut off', async () => {
    const c = await f.clients.create({ name: f.unique('rot'), client_secret: 'old-secret' });
    const before = await stored(c.id);
    const changes: string[] = [];
    let fresh!: { id: string; client_id: string; client_secret: string };
    changes.push(...(await heard(async () => (fresh = await f.clients.regenerateSecret(c.id)))));
    expect(changes).toEqual([`client:${c.id}`]);
    expect(fresh).toMatchObject({ id: c.id, client_id: c.client_id });
    expect(fresh.client_secret.length).toBeGreaterThanOrEqual(32);
    const after = await stored(c.id);
    expect(await verifySecret(after.secret_hash, fresh.client_secret)).toBe(true);
    expect(await verifySecret(after.secret_hash, 'old-secret')).toBe(false);
    expect(Date.parse(after.tokens_valid_after)).toBeGreaterThan(Date.parse(before.tokens_valid_after));
    await expect(f.clients.regenerateSecret(crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
  });

  it('lists the effective endpoints: direct, through active groups only, and through module grants', async () => {
    const a = await f.moduleWithEndpoints(3);
    const b = await f.moduleWithEndpoints(2);
    const [e1, e2, e3] = a.endpointIds as [string, string, string];
    const active = await f.groups.create({ name: f.unique('active'), api_assignment_ids: [e2] });
    const inactive = await f.groups.create({ name: f.unique('off'), is_active: false, api_assignment_ids: [e3], module_ids: [b.moduleId] });
    const c = await f.clients.create({ name: f.unique('eff'), api_assignment_ids: [e1, e1], group_ids: [active.id, inactive.id] });

    expect(c.api_assignment_ids).toEqual([e1]);
    expect(c.module_ids).toEqual([]);
    expect([...c.group_ids].sort()).toEqual([active.id, inactive.id].sort());
    expect(c.effective_endpoints.map((e) => e.id).sort()).toEqual([e1, e2].sort());
    const viaGroup = c.effective_endpoints.find((e) => e.id === e2)!;
    expect(viaGroup).toMatchObject({ path: '/e2', http_method: 'GET', module_id: a.moduleId });
    expect(viaGroup.via).toEqual([{ kind: 'group', group_id: active.id, group_name: active.name, scope: 'endpoint' }]);
    expect(c.effective_modules).toEqual([]);

    // The group switched on: its module grant covers every endpoint of module b.
    const changes = await heard(() => f.groups.update(inactive.id, { is_active: true }));
    expect(changes).toEqual([`group:${inactive.id}`]);
    const on = await f.clients.get(c.id);
    expect(on.effective_endpoints.map((e) => e.id).sort()).toEqual([e1, e2, e3, ...b.endpointIds].sort());
    expect(on.effective_modules.map((m) => m.id)).toEqual([b.moduleId]);
    expect(on.effective_endpoints.find((e) => e.id === b.endpointIds[0])!.via[0]).toMatchObject({ kind: 'group', scope: 'module' });

    // A direct module grant; the lists replace the old ones.
    const direct = await f.clients.update(c.id, { module_ids: [a.moduleId], api_assignment_ids: [], group_ids: [] });
    expect(direct.api_assignment_ids).toEqual([]);
    expect(direct.module_ids).toEqual([a.moduleId]);
    expect(direct.group_ids).toEqual([]);
    expect(direct.effective_endpoints.map((e) => e.id).sort()).toEqual([e1, e2, e3].sort());
    expect(direct.effective_modules).toMatchObject([{ id: a.moduleId, via: [{ kind: 'direct', scope: 'module' }] }]);
  });

  it('manages groups: members, grants, list, delete (the clients stay)', async () => {
    const m = await f.moduleWithEndpoints(1);
    const c1 = await f.clients.create({ name: f.unique('m') });
    const c2 = await f.clients.create({ name: f.unique('m') });
    const tag = f.unique('grp-');
    const g = await f.groups.create({
      name: tag,
      description: 'team',
      client_ids: [c1.id, c2.id],
      api_assignment_ids: m.endpointIds,
      module_ids: [m.moduleId],
    });
    expect(g).toMatchObject({ name: tag, description: 'team', is_active: true, module_ids: [m.moduleId], api_assignment_ids: m.endpointIds });
    expect(g.client_ids).toEqual([c1.id, c2.id].sort());
    expect((await f.clients.get(c1.id)).group_ids).toEqual([g.id]);

    const upd = await f.groups.update(g.id, { client_ids: [c2.id], description: null });
    expect(upd).toMatchObject({ client_ids: [c2.id], description: null, module_ids: [m.moduleId] });
    expect((await f.groups.list({ name__ilike: tag })).data.map((x) => x.id)).toEqual([g.id]);
    expect((await f.groups.list({ name__ilike: tag, is_active: false })).total).toBe(0);
    await expect(f.groups.create({ name: tag })).rejects.toMatchObject({ status: 409 });
    await expect(f.groups.update(g.id, { client_ids: [crypto.randomUUID()] })).rejects.toMatchObject({ status: 400 });

    const changes = await heard(() => f.groups.delete(g.id));
    expect(changes).toEqual([`group:${g.id}`]);
    await expect(f.groups.get(g.id)).rejects.toMatchObject({ status: 404 });
    expect((await f.clients.get(c2.id)).group_ids).toEqual([]);
    expect(await f.catalog.db.selectFrom('group_grants').select('id').where('group_id', '=', g.id).execute()).toEqual([]);
    await expect(f.groups.delete(g.id)).rejects.toMatchObject({ status: 404 });
  });

  it('drops grants with the endpoint or module they name, and a deleted client with its grants', async () => {
    const m = await f.moduleWithEndpoints(2);
    const c = await f.clients.create({ name: f.unique('cascade'), api_assignment_ids: m.endpointIds, module_ids: [m.moduleId] });
    await f.endpoints.delete(m.endpointIds[0]!);
    expect((await f.clients.get(c.id)).api_assignment_ids).toEqual([m.endpointIds[1]]);
    await f.modules.delete(m.moduleId);
    const after = await f.clients.get(c.id);
    expect(after).toMatchObject({ api_assignment_ids: [], module_ids: [], effective_endpoints: [], effective_modules: [] });

    const changes = await heard(() => f.clients.delete(c.id));
    expect(changes).toEqual([`client:${c.id}`]);
    await expect(f.clients.get(c.id)).rejects.toMatchObject({ status: 404 });
    expect(await f.catalog.db.selectFrom('client_grants').select('id').where('client_id', '=', c.id).execute()).toEqual([]);
    await expect(f.clients.delete(c.id)).rejects.toMatchObject({ status: 404 });
  });
});
