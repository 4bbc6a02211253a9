import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../../src/auth/tokens.ts';
import { loadAccessSnapshot } from '../../../src/gateway/client-auth.ts';
import { clientFixture, type ClientFixture } from './fixture.ts';

describe.each(['sqlite', 'postgres'] as const)('gateway access snapshot on a %s catalog', (backend) => {
  let f: ClientFixture;
  const tokens = new TokenService('s'.repeat(48));
  let mod: { moduleId: string; endpointIds: string[] };
  let other: { moduleId: string; endpointIds: string[] };

  beforeAll(async () => {
    f = await clientFixture(backend);
    mod = await f.moduleWithEndpoints(2);
    other = await f.moduleWithEndpoints(1);
  });
  afterAll(async () => {
    await f.close();
  });

  const route = (endpointId: string | null, moduleId: string | null) => ({ endpointId, moduleId });
  const gatewayToken = async (clientUuid: string, ttl = 600) => (await tokens.issue(clientUuid, 'portico:gateway', ttl)).token;
  const status = async (p: Promise<unknown>) => {
    try {
      await p;
      return 200;
    } catch (err) {
      return (err as { status?: number }).status ?? 500;
    }
  };

  it('answers 401 without a valid, unexpired gateway token of an active client', async () => {
    const c = await f.clients.create({ name: f.unique('auth'), module_ids: [mod.moduleId] });
    const snap = await loadAccessSnapshot(f.catalog, tokens);
    const r = route(mod.endpointIds[0]!, mod.moduleId);
    expect(await status(snap.authorize(await gatewayToken(c.id), r))).toBe(200);

    await expect(snap.authorize(null, r)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(snap.authorize('garbage', r)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(snap.authorize(await gatewayToken(c.id, -5), r)).rejects.toMatchObject({ status: 401, message: 'Token has expired' });
    const dashboard = (await tokens.issue(c.id, 'portico:admin', 600)).token;
    await expect(snap.authorize(dashboard, r)).rejects.toMatchObject({ status: 401 });
    const foreign = (await new TokenService('x'.repeat(48)).issue(c.id, 'portico:gateway', 600)).token;
    await expect(snap.authorize(foreign, r)).rejects.toMatchObject({ status: 401 });
    await expect(snap.authorize(await gatewayToken(crypto.randomUUID()), r)).rejects.toMatchObject({ status: 401 });
  });

  it('answers 401 for a deactivated client and for tokens issued before a secret rotation', async () => {
    const r = route(mod.endpointIds[0]!, mod.moduleId);
    const off = await f.clients.create({ name: f.unique('off'), module_ids: [mod.moduleId] });
    const rot = await f.clients.create({ name: f.unique('rot'), module_ids: [mod.moduleId] });
    const offToken = await gatewayToken(off.id);
    const rotToken = await gatewayToken(rot.id);
    await f.clients.update(off.id, { is_active: false });
    await f.clients.regenerateSecret(rot.id);
    const snap = await loadAccessSnapshot(f.catalog, tokens);
    // Same second as the bump, too: a token issued before it is refused.
    await expect(snap.authorize(offToken, r)).rejects.toMatchObject({ status: 401 });
    await expect(snap.authorize(rotToken, r)).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/no longer valid/) });

    // Reactivating does not revive old tokens.
    await f.clients.update(off.id, { is_active: true });
    const again = await loadAccessSnapshot(f.catalog, tokens);
    await expect(again.authorize(offToken, r)).rejects.toMatchObject({ status: 401 });
    // A token issued from the next whole second on is accepted.
    const row = await f.catalog.db.selectFrom('clients').select('tokens_valid_after').where('id', '=', rot.id).executeTakeFirstOrThrow();
    const wait = Math.ceil(Date.parse(row.tokens_valid_after) / 1000) * 1000 - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    expect(await status(again.authorize(await gatewayToken(rot.id), r))).toBe(200);
  });

  it('answers 403 without a grant, or with one only through an inactive group', async () => {
    const offGroup = await f.groups.create({ name: f.unique('offg'), is_active: false, module_ids: [mod.moduleId], api_assignment_ids: mod.endpointIds });
    const c = await f.clients.create({ name: f.unique('nogrant'), group_ids: [offGroup.id], api_assignment_ids: other.endpointIds });
    const snap = await loadAccessSnapshot(f.catalog, tokens);
    const t = await gatewayToken(c.id);
    await expect(snap.authorize(t, route(mod.endpointIds[0]!, mod.moduleId))).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    // A generated table route (no endpoint id) of the module.
    await expect(snap.authorize(t, route(null, mod.moduleId))).rejects.toMatchObject({ status: 403 });
    // An endpoint grant does not open the rest of its module.
    await expect(snap.authorize(t, route(null, other.moduleId))).rejects.toMatchObject({ status: 403 });
  });

  it('lets a client through with a direct endpoint grant, a group endpoint grant or a module grant', async () => {
    const [e1, e2] = mod.endpointIds as [string, string];
    const group = await f.groups.create({ name: f.unique('g'), api_assignment_ids: [e2] });
    const c = await f.clients.create({
      name: f.unique('ok'),
      api_assignment_ids: [e1],
      group_ids: [group.id],
      rate_limit_per_minute: 7,
      max_concurrent: 3,
    });
    const viaModule = await f.clients.create({ name: f.unique('mod') });
    const moduleGroup = await f.groups.create({ name: f.unique('mg'), module_ids: [other.moduleId], client_ids: [viaModule.id] });
    await f.clients.update(viaModule.id, { module_ids: [mod.moduleId] });
    const snap = await loadAccessSnapshot(f.catalog, tokens);

    const t = await gatewayToken(c.id);
    expect(await snap.authorize(t, route(e1, mod.moduleId))).toEqual({ clientId: c.id, clientName: c.name, rateLimitPerMinute: 7, maxConcurrent: 3 });
    expect(await status(snap.authorize(t, route(e2, mod.moduleId)))).toBe(200);
    await expect(snap.authorize(t, route(null, mod.moduleId))).rejects.toMatchObject({ status: 403 });

    const m = await gatewayToken(viaModule.id);
    expect(await snap.authorize(m, route(null, mod.moduleId))).toMatchObject({ clientId: viaModule.id, rateLimitPerMinute: null, maxConcurrent: null });
    expect(await status(snap.authorize(m, route(e1, mod.moduleId)))).toBe(200);
    expect(await status(snap.authorize(m, route(null, other.moduleId)))).toBe(200);
    expect(await status(snap.authorize(m, route(other.endpointIds[0]!, other.moduleId)))).toBe(200);

    // Switching the group off takes its grants away at the next snapshot; the old snapshot is unchanged.
    await f.groups.update(moduleGroup.id, { is_active: false });
    await f.groups.update(group.id, { is_active: false });
    const next = await loadAccessSnapshot(f.catalog, tokens);
    await expect(next.authorize(m, route(null, other.moduleId))).rejects.toMatchObject({ status: 403 });
    await expect(next.authorize(t, route(e2, mod.moduleId))).rejects.toMatchObject({ status: 403 });
    expect(await status(snap.authorize(t, route(e2, mod.moduleId)))).toBe(200);
  });
});
