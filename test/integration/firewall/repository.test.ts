import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/catalog/catalog.ts';
import { deleteClientFirewallRules, FirewallRepository, type FirewallRuleInput } from '../../../src/catalog/firewall.ts';
import { loadFirewall } from '../../../src/gateway/firewall.ts';
import { backends, useCatalog } from '../../helpers/catalog.ts';

const CLIENT_A = '6f1c3f5e-0000-4000-8000-00000000000a';
const CLIENT_B = '6f1c3f5e-0000-4000-8000-00000000000b';

describe.each(backends)('firewall rules in a %s catalog', (backend) => {
  let catalog: Catalog;
  const openedCatalog = useCatalog(backend);
  let rules: FirewallRepository;

  beforeAll(async () => {
    catalog = openedCatalog();
    rules = new FirewallRepository(catalog);
  });

  const clear = async () => {
    for (const r of await rules.all()) await rules.delete(r.id);
  };

  const bumps = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await catalog.version();
    await fn();
    return (await catalog.version()) - before;
  };

  it('creates, reads, updates and deletes a rule, bumping the catalog version each time', async () => {
    await clear();
    let id = '';
    expect(
      await bumps(async () => {
        const created = await rules.create({ action: 'deny', cidr: '10.1.2.3/8', description: 'office' });
        id = created.id;
        expect(created).toMatchObject({
          action: 'deny',
          cidr: '10.0.0.0/8',
          client_id: null,
          description: 'office',
          is_active: true,
          sort_order: 0,
        });
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Date.parse(created.created_at)).not.toBeNaN();
        expect(created.updated_at).toBe(created.created_at);
      }),
    ).toBe(1);
    expect((await rules.get(id)).cidr).toBe('10.0.0.0/8');

    expect(
      await bumps(async () => {
        const updated = await rules.update(id, { cidr: '2001:DB8:0:0::7/32', is_active: false, sort_order: 5, client_id: CLIENT_A });
        expect(updated).toMatchObject({ id, action: 'deny', cidr: '2001:db8::/32', is_active: false, sort_order: 5, client_id: CLIENT_A, description: 'office' });
      }),
    ).toBe(1);
    const globalAgain = await rules.update(id, { client_id: null, description: null, action: 'allow' });
    expect(globalAgain).toMatchObject({ client_id: null, description: null, action: 'allow', cidr: '2001:db8::/32' });
    expect(globalAgain.updated_at >= globalAgain.created_at).toBe(true);

    expect(await bumps(() => rules.delete(id))).toBe(1);
    await expect(rules.get(id)).rejects.toMatchObject({ status: 404 });
  });

  it('stores single addresses with their full prefix', async () => {
    expect((await rules.create({ action: 'allow', cidr: '192.168.1.7' })).cidr).toBe('192.168.1.7/32');
    expect((await rules.create({ action: 'allow', cidr: '2001:db8::1' })).cidr).toBe('2001:db8::1/128');
    expect((await rules.create({ action: 'allow', cidr: '::ffff:1.2.3.4' })).cidr).toBe('1.2.3.4/32');
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await catalog.version();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ action: 'deny', cidr: '10.0.0.0/33' }, /^cidr: /],
      [{ action: 'deny', cidr: 'example.com' }, /^cidr: /],
      [{ action: 'deny', cidr: '300.1.1.1' }, /^cidr: /],
      [{ action: 'deny', cidr: '2001:db8::/129' }, /^cidr: /],
      [{ action: 'block', cidr: '10.0.0.0/8' }, /^action: /],
      [{ action: 'deny', cidr: '10.0.0.0/8', client_id: 'cli_abc' }, /^client_id: /],
      [{ action: 'deny', cidr: '10.0.0.0/8', sort_order: 1.5 }, /^sort_order: /],
      [{ action: 'deny', cidr: '10.0.0.0/8', description: 'x'.repeat(2001) }, /^description: /],
    ];
    for (const [input, message] of bad) {
      await expect(rules.create(input as unknown as FirewallRuleInput)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
    }
    const ok = await rules.create({ action: 'deny', cidr: '10.0.0.0/8' });
    const afterCreate = await catalog.version();
    expect(afterCreate).toBe(before + 1);
    await expect(rules.update(ok.id, { cidr: 'nope' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^cidr: /) });
    expect(await catalog.version()).toBe(afterCreate);
    expect((await rules.get(ok.id)).cidr).toBe('10.0.0.0/8');
  });

  it('answers 404 for unknown rules', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(rules.get(missing)).rejects.toMatchObject({ status: 404 });
    await expect(rules.update(missing, { is_active: false })).rejects.toMatchObject({ status: 404 });
    await expect(rules.delete(missing)).rejects.toMatchObject({ status: 404 });
  });

  it('lists with paging and filters, in sort order', async () => {
    await clear();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await rules.create({ action: 'deny', cidr: `10.0.${i}.0/24`, sort_order: 10 - i }));
    const a = await rules.create({ action: 'allow', cidr: '10.9.0.0/16', client_id: CLIENT_A, sort_order: 100 });
    const b = await rules.create({ action: 'deny', cidr: '10.8.0.0/16', client_id: CLIENT_B, is_active: false, sort_order: 101 });

    const all = await rules.list({ page: 1, page_size: 100 });
    expect(all.total).toBe(7);
    expect(all.data.map((r) => r.cidr)).toEqual([
      '10.0.4.0/24',
      '10.0.3.0/24',
      '10.0.2.0/24',
      '10.0.1.0/24',
      '10.0.0.0/24',
      '10.9.0.0/16',
      '10.8.0.0/16',
    ]);
    const page2 = await rules.list({ page: 2, page_size: 3 });
    expect(page2.total).toBe(7);
    expect(page2.data.map((r) => r.cidr)).toEqual(['10.0.1.0/24', '10.0.0.0/24', '10.9.0.0/16']);
    expect((await rules.list({ page: 3, page_size: 3 })).data).toHaveLength(1);

    expect((await rules.list({ action: 'allow' })).data.map((r) => r.id)).toEqual([a.id]);
    expect((await rules.list({ client_id: CLIENT_B })).data.map((r) => r.id)).toEqual([b.id]);
    expect((await rules.list({ client_id: null })).total).toBe(5);
    expect((await rules.list({ is_active: false })).data.map((r) => r.id)).toEqual([b.id]);
    expect((await rules.list({ is_active: true, action: 'deny', client_id: null })).total).toBe(5);
    await expect(rules.list({ page: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it("deletes a client's rules in the caller's transaction", async () => {
    await clear();
    await rules.create({ action: 'deny', cidr: '10.0.0.0/8', client_id: CLIENT_A });
    await rules.create({ action: 'allow', cidr: '10.0.0.0/8', client_id: CLIENT_A });
    await rules.create({ action: 'deny', cidr: '10.0.0.0/8', client_id: CLIENT_B });
    await rules.create({ action: 'deny', cidr: '11.0.0.0/8' });
    const n = await catalog.write((trx, changed) => deleteClientFirewallRules(trx, changed, CLIENT_A));
    expect(n).toBe(2);
    expect((await rules.all()).map((r) => r.client_id).sort()).toEqual([CLIENT_B, null].sort());
  });

  it('loads the catalog rules into a gateway firewall', async () => {
    await clear();
    expect((await loadFirewall(catalog)).check('10.1.1.1', null)).toBe('allow');
    await rules.create({ action: 'deny', cidr: '10.0.0.0/8' });
    await rules.create({ action: 'deny', cidr: '2001:db8::/32', is_active: false });
    await rules.create({ action: 'deny', cidr: '172.16.0.0/12', client_id: CLIENT_A });
    const fw = await loadFirewall(catalog);
    expect(fw.size).toBe(2);
    expect(fw.check('10.1.1.1', null)).toBe('deny');
    expect(fw.check('::ffff:10.1.1.1', null)).toBe('deny');
    expect(fw.check('11.1.1.1', null)).toBe('allow');
    expect(fw.check('2001:db8::1', null)).toBe('allow');
    expect(fw.check('172.16.0.1', null)).toBe('allow');
    expect(fw.check('172.16.0.1', CLIENT_A)).toBe('deny');
  });
});
