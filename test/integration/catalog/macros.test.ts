import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/catalog/catalog.ts';
import { DataSourceRepository } from '../../../src/catalog/datasources.ts';
import { ModuleRepository } from '../../../src/catalog/modules.ts';
import { EndpointRepository } from '../../../src/catalog/endpoints.ts';
import { MacroRepository, type MacroUsePredicate } from '../../../src/catalog/macros.ts';
import { createCipher } from '../../../src/auth/encryption.ts';
import { backends, useCatalog } from '../../helpers/catalog.ts';


/** Stands in for the template engine's parser: a call `name(`. */
const calls: MacroUsePredicate = (name, content) => new RegExp(`\\b${name}\\s*\\(`).test(content);

describe.each(backends)('macros in a %s catalog', (backend) => {
  let catalog: Catalog;
  const openedCatalog = useCatalog(backend);
  let modules: ModuleRepository;
  let endpoints: EndpointRepository;
  let macros: MacroRepository;
  let dsId: string;
  let n = 0;
  const unique = (base: string) => `${base}${++n}`;

  beforeAll(async () => {
    catalog = openedCatalog();
    modules = new ModuleRepository(catalog);
    endpoints = new EndpointRepository(catalog);
    macros = new MacroRepository(catalog);
    const datasources = new DataSourceRepository(catalog, createCipher('k'.repeat(40)));
    dsId = (await datasources.create({ name: 'db', product_type: 'sqlite', database: ':memory:' })).id;
  });

  const bumps = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await catalog.version();
    await fn();
    return (await catalog.version()) - before;
  };

  /** A published endpoint whose live version has `content`. */
  const publishedEndpoint = async (moduleId: string, content: string) => {
    const ep = await endpoints.create({
      module_id: moduleId,
      name: unique('ep'),
      path: `/${unique('p')}`,
      http_method: 'GET',
      datasource_id: dsId,
      content,
    });
    await endpoints.commitVersion(ep.id);
    return endpoints.publish(ep.id);
  };

  it('creates, reads, lists, updates and deletes global and module macros, bumping the catalog version', async () => {
    const mod = await modules.create({ name: unique('m') });
    let globalId = '';
    expect(
      await bumps(async () => {
        globalId = (await macros.create({ name: 'money', content: '{% macro money(x) %}round({{ x }}, 2){% endmacro %}' })).id;
      }),
    ).toBe(1);
    const local = await macros.create({ module_id: mod.id, name: 'local_fn', description: 'mine' });
    expect(await macros.get(globalId)).toMatchObject({
      module_id: null,
      module: null,
      name: 'money',
      macro_type: 'jinja',
      is_published: false,
      published_version: null,
      content: expect.stringContaining('macro money'),
    });
    expect(local).toMatchObject({ module_id: mod.id, module: mod.name, description: 'mine', content: '' });

    expect((await macros.list({ module_id: null })).data.map((m) => m.name)).toContain('money');
    expect((await macros.list({ module_id: null })).data.map((m) => m.name)).not.toContain('local_fn');
    expect((await macros.list({ module_id: mod.id })).data.map((m) => m.name)).toEqual(['local_fn']);
    expect((await macros.list({ name__ilike: 'MONE' })).total).toBe(1);
    expect((await macros.list({ page: 1, page_size: 1 })).data).toHaveLength(1);
    expect((await macros.list({ module_id: mod.id })).data[0]).not.toHaveProperty('content');

    expect(await bumps(() => macros.update(local.id, { content: '{% macro local_fn() %}1{% endmacro %}', description: null }))).toBe(1);
    expect(await macros.get(local.id)).toMatchObject({ description: null, content: '{% macro local_fn() %}1{% endmacro %}' });

    expect(await bumps(() => macros.delete(local.id, calls))).toBe(1);
    await expect(macros.get(local.id)).rejects.toMatchObject({ status: 404 });
    await macros.delete(globalId, calls);
  });

  it('refuses bad names, unknown modules and names already visible to the module', async () => {
    const a = await modules.create({ name: unique('ma') });
    const b = await modules.create({ name: unique('mb') });
    await expect(macros.create({ name: 'not valid' })).rejects.toMatchObject({ status: 400 });
    await expect(macros.create({ name: '9x' })).rejects.toMatchObject({ status: 400 });
    await expect(macros.create({ name: 'ok', module_id: crypto.randomUUID() })).rejects.toMatchObject({ status: 400 });

    const shared = unique('shared');
    await macros.create({ name: shared, module_id: a.id });
    await macros.create({ name: shared, module_id: b.id });
    await expect(macros.create({ name: shared, module_id: a.id })).rejects.toMatchObject({ status: 409 });
    // A global with a name some module already uses would be ambiguous there.
    await expect(macros.create({ name: shared })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('in module'),
    });

    const global = unique('global');
    const g = await macros.create({ name: global });
    await expect(macros.create({ name: global })).rejects.toMatchObject({ status: 409 });
    await expect(macros.create({ name: global, module_id: a.id })).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('global'),
    });
    const other = await macros.create({ name: unique('other') });
    await expect(macros.update(other.id, { name: global })).rejects.toMatchObject({ status: 409 });
    await macros.update(g.id, { name: global });

    // The database itself refuses a second global name (the partial unique index), whatever a writer checks.
    const row = { module_id: null, macro_type: 'jinja' as const, content: '', description: null, published_version_id: null, last_version: 0, created_at: 'x', updated_at: 'x' };
    await expect(
      catalog.db.insertInto('macro_defs').values({ ...row, id: crypto.randomUUID(), name: global }).execute(),
    ).rejects.toThrow();
  });

  it('commits, diffs, restores, publishes and unpublishes versions; the published one cannot be deleted', async () => {
    const m = await macros.create({ name: unique('ver'), content: 'a\nb\nc\n' });
    await expect(macros.publish(m.id)).rejects.toMatchObject({ status: 400, code: 'no_version' });
    const v1 = await macros.commitVersion(m.id, { commit_message: 'one', committed_by: 'ann' });
    expect(v1).toMatchObject({ macro_def_id: m.id, version: 1, content: 'a\nb\nc\n', commit_message: 'one', committed_by: 'ann' });
    await macros.update(m.id, { content: 'a\nB\nc\n' });
    const v2 = await macros.commitVersion(m.id);
    expect(v2.version).toBe(2);
    expect((await macros.listVersions(m.id)).map((v) => v.version)).toEqual([2, 1]);
    expect((await macros.diffVersions(v1.id, v2.id)).diff).toBe(
      '--- v1/content\n+++ v2/content\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    );

    await macros.restoreVersion(m.id, v1.id);
    expect((await macros.get(m.id)).content).toBe('a\nb\nc\n');

    expect(await bumps(() => macros.publish(m.id))).toBe(1);
    expect(await macros.get(m.id)).toMatchObject({ is_published: true, published_version_id: v2.id, published_version: 2 });
    await macros.publish(m.id, v1.id);
    expect((await macros.getVersion(v1.id)).is_published).toBe(true);
    await expect(macros.deleteVersion(v1.id)).rejects.toMatchObject({ status: 409, code: 'version_published' });
    await macros.deleteVersion(v2.id);
    expect((await macros.commitVersion(m.id)).version).toBe(3);
    const other = await macros.create({ name: unique('oth') });
    await expect(macros.publish(other.id, v1.id)).rejects.toMatchObject({ status: 404 });
    await expect(macros.restoreVersion(other.id, v1.id)).rejects.toMatchObject({ status: 404 });

    expect(await bumps(() => macros.unpublish(m.id))).toBe(1);
    expect((await macros.get(m.id)).is_published).toBe(false);
    await macros.deleteVersion(v1.id);
  });

  it('publishedMacros gives the published versions of global macros and the module’s own, nothing else', async () => {
    const a = await modules.create({ name: unique('va') });
    const b = await modules.create({ name: unique('vb') });
    const g = await macros.create({ name: unique('g'), content: 'global v1' });
    const ma = await macros.create({ module_id: a.id, name: unique('a'), content: 'a v1' });
    const mb = await macros.create({ module_id: b.id, name: unique('b'), content: 'b v1' });
    const draftOnly = await macros.create({ module_id: a.id, name: unique('d'), content: 'draft' });
    for (const m of [g, ma, mb]) {
      await macros.commitVersion(m.id);
      await macros.publish(m.id);
      await macros.update(m.id, { content: 'edited draft' });
    }
    const forA = await macros.publishedMacros(a.id);
    const mine = forA.filter((m) => [g.id, ma.id, mb.id, draftOnly.id].includes(m.id));
    expect(mine.map((m) => [m.name, m.module_id, m.content, m.version])).toEqual([
      [g.name, null, 'global v1', 1],
      [ma.name, a.id, 'a v1', 1],
    ]);
    expect(forA.every((m) => m.module_id === null || m.module_id === a.id)).toBe(true);
    expect((await macros.publishedMacros(null)).every((m) => m.module_id === null)).toBe(true);
    const all = (await macros.allPublishedMacros()).map((m) => m.id);
    expect(all).toEqual(expect.arrayContaining([g.id, ma.id, mb.id]));
    expect(all).not.toContain(draftOnly.id);
  });

  it('refuses to delete, rename or unpublish a macro that a published endpoint version uses (409 macro_in_use)', async () => {
    const a = await modules.create({ name: unique('ua') });
    const b = await modules.create({ name: unique('ub') });
    const g = await macros.create({ name: unique('gfn') });
    const local = await macros.create({ module_id: a.id, name: unique('lfn') });
    for (const m of [g, local]) {
      await macros.commitVersion(m.id);
      await macros.publish(m.id);
    }
    const user = await publishedEndpoint(b.id, `select {{ ${g.name}(1) }}`);
    // Only a draft uses the module macro: that is not "in use".
    const drafted = await publishedEndpoint(a.id, 'select 1');
    await endpoints.update(drafted.id, { content: `select {{ ${local.name}(1) }}` });

    const before = await catalog.version();
    await expect(macros.delete(g.id, calls)).rejects.toMatchObject({
      status: 409,
      code: 'macro_in_use',
      message: expect.stringContaining(`endpoint "${user.name}" of module "${b.name}"`),
    });
    await expect(macros.unpublish(g.id, calls)).rejects.toMatchObject({ code: 'macro_in_use' });
    await expect(macros.update(g.id, { name: unique('renamed') }, calls)).rejects.toMatchObject({ code: 'macro_in_use' });
    expect(await catalog.version()).toBe(before);
    await macros.update(g.id, { content: 'draft edits are fine' }, calls);

    // A published macro that calls another keeps it in use too.
    const caller = await macros.create({ module_id: a.id, name: unique('caller'), content: `{{ ${local.name}(2) }}` });
    await macros.commitVersion(caller.id);
    await macros.publish(caller.id);
    await expect(macros.delete(local.id, calls)).rejects.toMatchObject({ code: 'macro_in_use', message: expect.stringContaining(caller.name) });
    await macros.unpublish(caller.id, calls);
    await macros.delete(local.id, calls);

    await endpoints.unpublish(user.id);
    await macros.delete(g.id, calls);
    await expect(macros.get(g.id)).rejects.toMatchObject({ status: 404 });
  });

  it('deleting a module deletes its macros', async () => {
    const mod = await modules.create({ name: unique('gone') });
    const m = await macros.create({ module_id: mod.id, name: unique('x') });
    await macros.commitVersion(m.id);
    await macros.publish(m.id);
    await modules.delete(mod.id);
    await expect(macros.get(m.id)).rejects.toMatchObject({ status: 404 });
  });
});
