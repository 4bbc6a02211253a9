import { beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import type { Catalog } from '../../../src/catalog/catalog.ts';
import { DataSourceRepository } from '../../../src/catalog/datasources.ts';
import { ModuleRepository } from '../../../src/catalog/modules.ts';
import { EndpointRepository, type EndpointInput } from '../../../src/catalog/endpoints.ts';
import { createCipher } from '../../../src/auth/encryption.ts';
import { backends, useCatalog } from '../../helpers/catalog.ts';


describe.each(backends)('modules and endpoints in a %s catalog', (backend) => {
  let catalog: Catalog;
  const openedCatalog = useCatalog(backend);
  let modules: ModuleRepository;
  let endpoints: EndpointRepository;
  let datasources: DataSourceRepository;
  let dsId: string;
  let n = 0;
  /** A fresh name per call, so tests sharing the catalog do not collide. */
  const unique = (base: string) => `${base}${++n}`;

  beforeAll(async () => {
    catalog = openedCatalog();
    modules = new ModuleRepository(catalog);
    endpoints = new EndpointRepository(catalog);
    datasources = new DataSourceRepository(catalog, createCipher('k'.repeat(40)));
    dsId = (await datasources.create({ name: 'chinook', product_type: 'sqlite', database: ':memory:' })).id;
  });

  const endpoint = (moduleId: string, over: Partial<EndpointInput> = {}): EndpointInput => ({
    module_id: moduleId,
    name: unique('ep'),
    path: '/orders',
    http_method: 'GET',
    datasource_id: dsId,
    content: 'select 1',
    ...over,
  });

  /** Runs `fn` and returns how much it bumped the catalog version. */
  const bumps = async (fn: () => Promise<unknown>): Promise<number> => {
    const before = await catalog.version();
    await fn();
    return (await catalog.version()) - before;
  };

  describe('modules', () => {
    it('creates, reads, lists, updates and deletes a module, bumping the catalog version on each write', async () => {
      let id = '';
      expect(
        await bumps(async () => {
          id = (await modules.create({ name: 'sales', path_prefix: '/Sales/v1/', description: 'd', sort_order: 2 })).id;
        }),
      ).toBe(1);
      const got = await modules.get(id);
      expect(got).toMatchObject({ name: 'sales', path_prefix: 'Sales/v1', description: 'd', sort_order: 2, is_active: true });
      expect(got).toMatchObject({ endpoint_count: 0, has_spec: false });

      expect((await modules.create({ name: 'defaults' })).path_prefix).toBe('defaults');
      expect((await modules.create({ name: 'rooted', path_prefix: '' })).path_prefix).toBe('');

      const page = await modules.list({ page: 1, page_size: 10, name__ilike: 'SAL' });
      expect(page.total).toBe(1);
      expect(page.data[0]!.id).toBe(id);
      expect((await modules.list({ page: 1, page_size: 10, name__ilike: '%' })).total).toBe(0);
      expect((await modules.list({ page: 1, page_size: 1 })).data).toHaveLength(1);

      expect(await bumps(() => modules.update(id, { is_active: false, description: null }))).toBe(1);
      expect(await modules.get(id)).toMatchObject({ is_active: false, description: null, path_prefix: 'Sales/v1' });
      expect((await modules.list({ page: 1, page_size: 50, is_active: false })).data.map((m) => m.name)).toEqual(['sales']);

      expect(await bumps(() => modules.delete(id))).toBeGreaterThanOrEqual(1);
      await expect(modules.get(id)).rejects.toMatchObject({ status: 404 });
      await expect(modules.delete(id)).rejects.toMatchObject({ status: 404 });
    });

    it('refuses a duplicate name (409), a bad name or a reserved prefix (400)', async () => {
      const name = unique('dup');
      await modules.create({ name });
      await expect(modules.create({ name })).rejects.toMatchObject({ status: 409 });
      const other = await modules.create({ name: unique('other') });
      await expect(modules.update(other.id, { name })).rejects.toMatchObject({ status: 409 });
      await expect(modules.create({ name: 'bad name' })).rejects.toMatchObject({ status: 400 });
      await expect(modules.create({ name: unique('x'), path_prefix: '/api' })).rejects.toMatchObject({ status: 400 });
      await expect(modules.update(other.id, { path_prefix: 'health/x' })).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('endpoints', () => {
    it('creates an endpoint with a normalised path and reads it back with its draft', async () => {
      const mod = await modules.create({ name: unique('shop'), path_prefix: 'shop' });
      let id = '';
      expect(
        await bumps(async () => {
          id = (
            await endpoints.create(
              endpoint(mod.id, {
                name: 'order lines',
                path: 'orders//{order_id}/lines/{line}/',
                http_method: 'get' as never,
                params: [
                  { name: 'order_id', location: 'path', data_type: 'integer' },
                  { name: 'line', location: 'path', data_type: 'integer' },
                  { name: 'limit', location: 'query', data_type: 'integer', default_value: 10 },
                ],
              }),
            )
          ).id;
        }),
      ).toBe(1);
      const got = await endpoints.get(id);
      expect(got).toMatchObject({
        module_id: mod.id,
        module: mod.name,
        name: 'order lines',
        path: '/orders/{order_id}/lines/{line}',
        full_path: '/shop/orders/{order_id}/lines/{line}',
        http_method: 'GET',
        execute_engine: 'sql',
        access_type: 'private',
        datasource_id: dsId,
        rate_limit_per_minute: null,
        content: 'select 1',
        param_validates: [],
        result_transform: null,
        is_published: false,
        published_version_id: null,
        published_version: null,
      });
      expect(got.params[2]).toEqual({
        name: 'limit',
        location: 'query',
        data_type: 'integer',
        is_required: false,
        default_value: 10,
        validate: null,
        validate_message: null,
        description: null,
      });
      const key = await catalog.db.selectFrom('route_keys').selectAll().where('owner_id', '=', id).execute();
      expect(key).toEqual([{ method: 'GET', path: '/shop/orders/{}/lines/{}', owner_kind: 'endpoint', owner_id: id }]);
      expect((await modules.get(mod.id)).endpoint_count).toBe(1);
    });

    it('lists with filters and pages, without content', async () => {
      const mod = await modules.create({ name: unique('lst') });
      const a = await endpoints.create(endpoint(mod.id, { name: 'Alpha', path: '/a', sort_order: 1 }));
      const b = await endpoints.create(endpoint(mod.id, { name: 'beta', path: '/b', http_method: 'POST', access_type: 'public' }));
      await endpoints.create(endpoint(mod.id, { name: 'gamma', path: '/c', execute_engine: 'script', datasource_id: null }));
      await endpoints.commitVersion(a.id);
      await endpoints.publish(a.id);

      const all = await endpoints.list({ module_id: mod.id });
      expect(all.total).toBe(3);
      expect(all.data.map((e) => e.name)).toEqual(['beta', 'gamma', 'Alpha']);
      expect(all.data[0]).not.toHaveProperty('content');
      const names = async (q: Parameters<EndpointRepository['list']>[0]) =>
        (await endpoints.list({ module_id: mod.id, ...q })).data.map((e) => e.name);
      expect(await names({ is_published: true })).toEqual(['Alpha']);
      expect(await names({ is_published: false })).toEqual(['beta', 'gamma']);
      expect(await names({ name__ilike: 'ALP' })).toEqual(['Alpha']);
      expect(await names({ http_method: 'POST' })).toEqual(['beta']);
      expect(await names({ execute_engine: 'script' })).toEqual(['gamma']);
      expect(await names({ access_type: 'public' })).toEqual(['beta']);
      const page2 = await endpoints.list({ module_id: mod.id, page: 2, page_size: 2 });
      expect(page2).toMatchObject({ total: 3, data: [{ name: 'Alpha', published_version: 1, is_published: true }] });
      expect(b.access_type).toBe('public');
    });

    it('updates partially and deletes, releasing the route key', async () => {
      const mod = await modules.create({ name: unique('upd') });
      const ep = await endpoints.create(endpoint(mod.id, { path: '/x/{id}', params: [] }));
      expect(await bumps(() => endpoints.update(ep.id, { description: 'hello', rate_limit_per_minute: 30 }))).toBe(1);
      const got = await endpoints.get(ep.id);
      expect(got).toMatchObject({ description: 'hello', rate_limit_per_minute: 30, path: '/x/{id}', content: 'select 1' });
      await endpoints.update(ep.id, { datasource_id: null, rate_limit_per_minute: null });
      expect(await endpoints.get(ep.id)).toMatchObject({ datasource_id: null, rate_limit_per_minute: null });

      expect(await bumps(() => endpoints.delete(ep.id))).toBe(1);
      await expect(endpoints.get(ep.id)).rejects.toMatchObject({ status: 404 });
      expect(await catalog.db.selectFrom('route_keys').selectAll().where('owner_id', '=', ep.id).execute()).toEqual([]);
      // The route is free again.
      await endpoints.create(endpoint(mod.id, { path: '/x/{other}' }));
    });

    it('refuses bad input with a 400 naming the property, and unknown references', async () => {
      const mod = await modules.create({ name: unique('bad') });
      const cases: [Partial<EndpointInput>, RegExp][] = [
        [{ name: '' }, /name/],
        [{ http_method: 'TRACE' as never }, /http_method/],
        [{ execute_engine: 'python' as never }, /execute_engine/],
        [{ access_type: 'secret' as never }, /access_type/],
        [{ rate_limit_per_minute: 0 }, /rate_limit_per_minute/],
        [{ path: '/' }, /path/],
        [{ path: '/a/{1x}' }, /path/],
        [{ path: '/a/{x}/{x}' }, /twice/],
        [{ path: '/a b' }, /path/],
        [{ datasource_id: crypto.randomUUID() }, /datasource_id/],
        [{ module_id: crypto.randomUUID() }, /module_id/],
      ];
      for (const [over, message] of cases) {
        await expect(endpoints.create(endpoint(mod.id, over)), JSON.stringify(over)).rejects.toMatchObject({
          status: 400,
          message: expect.stringMatching(message),
        });
      }
      const root = await modules.create({ name: unique('root'), path_prefix: '' });
      await expect(endpoints.create(endpoint(root.id, { path: '/api/things' }))).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(/reserved/),
      });
      // `/` itself leads to the admin UI: no endpoint can take it.
      await expect(endpoints.create(endpoint(root.id, { path: '/' }))).rejects.toMatchObject({ status: 400 });
      await expect(endpoints.update(crypto.randomUUID(), { name: 'x' })).rejects.toMatchObject({ status: 404 });
      expect((await endpoints.list({ module_id: mod.id })).total).toBe(0);
    });
  });

  describe('parameter definitions', () => {
    it('refuses invalid definitions with 400 invalid_parameters naming the problem', async () => {
      const mod = await modules.create({ name: unique('params') });
      const cases: [unknown, RegExp, string?][] = [
        ['nope', /list/],
        [[{ location: 'query' }], /name is required/],
        [[{ name: '1abc' }], /"1abc".*letters/],
        [[{ name: 'a' }, { name: 'a' }], /"a" is defined twice/],
        [[{ name: 'a', location: 'cookie' }], /"a": location/],
        [[{ name: 'a', data_type: 'date' }], /"a": data_type/],
        [[{ name: 'a', is_required: 'yes' }], /"a": is_required/],
        [[{ name: 'a', validate: '(' }], /"a": validate/],
        [[{ name: 'a', validate: '(?=x)' }], /"a": validate/],
        [[{ name: 'a', data_type: 'integer', default_value: 'ten' }], /"a": default_value/],
        [[{ name: 'a', location: 'path' }], /"a": location is path/],
        [[{ name: 'q' }], /\{id\}.*no definition/, '/p/{id}'],
        [[{ name: 'id', location: 'query' }], /"id".*location must be path/, '/p/{id}'],
      ];
      for (const [params, message, path = '/p'] of cases) {
        await expect(
          endpoints.create(endpoint(mod.id, { path, params: params as never })),
          JSON.stringify(params),
        ).rejects.toMatchObject({ status: 400, code: 'invalid_parameters', message: expect.stringMatching(message) });
      }
      // A path parameter's location defaults to path; without definitions any path is fine.
      const ok = await endpoints.create(endpoint(mod.id, { path: '/p/{id}', params: [{ name: 'id' } as never] }));
      expect(ok.params[0]).toMatchObject({ name: 'id', location: 'path', data_type: 'string' });
      await endpoints.create(endpoint(mod.id, { path: '/q/{id}', params: [] }));
      // Changing the path re-checks the stored definitions.
      await expect(endpoints.update(ok.id, { path: '/p/{key}' })).rejects.toMatchObject({ code: 'invalid_parameters' });
    });
  });

  describe('route keys', () => {
    it('refuses the same method and path in two modules with the same prefix (409 route_conflict naming the owner)', async () => {
      const a = await modules.create({ name: unique('ma'), path_prefix: 'same' });
      const b = await modules.create({ name: unique('mb'), path_prefix: 'same' });
      const first = await endpoints.create(endpoint(a.id, { name: 'list orders', path: '/orders/{x}' }));
      const before = await catalog.version();
      const err = await endpoints.create(endpoint(b.id, { path: '/orders/{y}' })).catch((e: unknown) => e);
      expect(err).toMatchObject({
        status: 409,
        code: 'route_conflict',
        message: `GET /same/orders/{} is already served by endpoint "list orders" of module "${a.name}"`,
      });
      expect(await catalog.version()).toBe(before);
      expect((await endpoints.list({ module_id: b.id })).total).toBe(0);
      // Another method on the same path is a different route; a static segment is a different path.
      await endpoints.create(endpoint(b.id, { path: '/orders/{y}', http_method: 'DELETE' }));
      await endpoints.create(endpoint(b.id, { path: '/orders/latest' }));
      // Moving onto a taken route is refused too, and the endpoint keeps its old key.
      const mover = await endpoints.create(endpoint(b.id, { path: '/other' }));
      await expect(endpoints.update(mover.id, { path: '/orders/{z}' })).rejects.toMatchObject({ status: 409 });
      await expect(endpoints.update(mover.id, { module_id: a.id, path: '/orders/{z}' })).rejects.toMatchObject({ status: 409 });
      expect(await endpoints.get(mover.id)).toMatchObject({ path: '/other', module_id: b.id });
      const keys = await catalog.db.selectFrom('route_keys').select('path').where('owner_id', '=', mover.id).execute();
      expect(keys).toEqual([{ path: '/same/other' }]);
      // Method change re-claims.
      await endpoints.update(first.id, { http_method: 'PUT' });
      await endpoints.update(mover.id, { path: '/orders/{z}' });
    });

    it('re-claims every endpoint key when a module prefix changes, or refuses with 409 and changes nothing', async () => {
      const a = await modules.create({ name: unique('pa'), path_prefix: 'alpha' });
      const b = await modules.create({ name: unique('pb'), path_prefix: 'beta' });
      const e1 = await endpoints.create(endpoint(a.id, { path: '/one' }));
      const e2 = await endpoints.create(endpoint(a.id, { path: '/two/{id}' }));
      await endpoints.create(endpoint(b.id, { path: '/two/{key}' }));

      expect(await bumps(() => modules.update(a.id, { path_prefix: 'gamma' }))).toBe(1);
      const keysOf = async (id: string) =>
        (await catalog.db.selectFrom('route_keys').select('path').where('owner_id', '=', id).execute()).map((k) => k.path);
      expect(await keysOf(e1.id)).toEqual(['/gamma/one']);
      expect(await keysOf(e2.id)).toEqual(['/gamma/two/{}']);
      expect((await endpoints.get(e2.id)).full_path).toBe('/gamma/two/{id}');

      const before = await catalog.version();
      await expect(modules.update(a.id, { path_prefix: 'beta', description: 'x' })).rejects.toMatchObject({
        status: 409,
        code: 'route_conflict',
        message: expect.stringContaining(`GET /beta/two/{} is already served by endpoint`),
      });
      expect(await catalog.version()).toBe(before);
      expect(await modules.get(a.id)).toMatchObject({ path_prefix: 'gamma', description: null });
      expect(await keysOf(e1.id)).toEqual(['/gamma/one']);

      // The root is allowed unless an endpoint would land on a reserved path.
      await modules.update(a.id, { path_prefix: '' });
      expect(await keysOf(e1.id)).toEqual(['/one']);
      const c = await modules.create({ name: unique('pc'), path_prefix: 'c' });
      await endpoints.create(endpoint(c.id, { path: '/metrics/x' }));
      await expect(modules.update(c.id, { path_prefix: '' })).rejects.toMatchObject({ status: 400 });
    });

    it('moves table-API spec routes with the prefix and keeps the spec working', async () => {
      const name = unique('tbl');
      const spec = await modules.importSpec({
        moduleName: name,
        prefix: 'tbl',
        filename: null,
        content: '{}',
        access: 'public',
        entityCount: 1,
        operationCount: 1,
        routeKeys: [{ method: 'GET', path: '/tbl/album' }],
      });
      const mod = (await modules.byName(name))!;
      expect((await modules.get(mod.id)).has_spec).toBe(true);
      const ep = await endpoints.create(endpoint(mod.id, { path: '/custom' }));
      await modules.update(mod.id, { path_prefix: 'music' });
      const keys = await catalog.db.selectFrom('route_keys').select(['path', 'owner_kind']).where('owner_id', 'in', [spec.id, ep.id]).orderBy('path').execute();
      expect(keys).toEqual([
        { path: '/music/album', owner_kind: 'spec' },
        { path: '/music/custom', owner_kind: 'endpoint' },
      ]);
      // An endpoint cannot take a spec route, and the message says whose it is.
      await expect(endpoints.create(endpoint(mod.id, { path: '/album' }))).rejects.toMatchObject({
        code: 'route_conflict',
        message: `GET /music/album is already served by the table API of module "${name}"`,
      });
      // Re-importing under another prefix moves the endpoints too.
      await modules.importSpec({
        moduleName: name,
        prefix: 'records',
        filename: null,
        content: '{}',
        access: 'public',
        entityCount: 1,
        operationCount: 1,
        routeKeys: [{ method: 'GET', path: '/records/album' }],
      });
      expect((await endpoints.get(ep.id)).full_path).toBe('/records/custom');
      // Deleting the spec keeps a module that still has endpoints.
      await modules.deleteSpec(spec.id);
      expect((await modules.get(mod.id)).has_spec).toBe(false);
      expect(await catalog.db.selectFrom('route_keys').select('path').where('owner_id', '=', spec.id).execute()).toEqual([]);
      await endpoints.delete(ep.id);
    });

    it('deleting a module deletes its endpoints and versions and releases their routes', async () => {
      const mod = await modules.create({ name: unique('gone'), path_prefix: 'gone' });
      const ep = await endpoints.create(endpoint(mod.id, { path: '/x' }));
      await endpoints.commitVersion(ep.id);
      await endpoints.publish(ep.id);
      await modules.delete(mod.id);
      await expect(endpoints.get(ep.id)).rejects.toMatchObject({ status: 404 });
      expect(await catalog.db.selectFrom('api_assignment_versions').selectAll().where('api_assignment_id', '=', ep.id).execute()).toEqual([]);
      expect(await catalog.db.selectFrom('route_keys').selectAll().where('owner_id', '=', ep.id).execute()).toEqual([]);
      const again = await modules.create({ name: unique('again'), path_prefix: 'gone' });
      await endpoints.create(endpoint(again.id, { path: '/x' }));
    });
  });

  describe('versions and publishing', () => {
    it('commits numbered versions, restores one into the draft and diffs two', async () => {
      const mod = await modules.create({ name: unique('ver') });
      const ep = await endpoints.create(
        endpoint(mod.id, {
          path: '/v/{id}',
          content: 'select *\nfrom orders\nwhere id = {{ id }}\n',
          params: [{ name: 'id', location: 'path', data_type: 'integer' }],
        }),
      );
      let v1Id = '';
      expect(
        await bumps(async () => {
          v1Id = (await endpoints.commitVersion(ep.id, { commit_message: 'first', committed_by: 'ann' })).id;
        }),
      ).toBe(1);
      const v1 = await endpoints.getVersion(v1Id);
      expect(v1).toMatchObject({
        api_assignment_id: ep.id,
        version: 1,
        commit_message: 'first',
        committed_by: 'ann',
        content: 'select *\nfrom orders\nwhere id = {{ id }}\n',
        datasource_id: dsId,
        execute_engine: 'sql',
        is_published: false,
      });
      expect(v1.params).toHaveLength(1);

      await endpoints.update(ep.id, {
        content: 'select id, total\nfrom orders\nwhere id = {{ id }}\n',
        params: [
          { name: 'id', location: 'path', data_type: 'integer' },
          { name: 'x', location: 'query', data_type: 'string' },
        ],
      });
      const v2 = await endpoints.commitVersion(ep.id, { commit_message: 'second', committed_by: 'bob' });
      expect(v2.version).toBe(2);
      expect((await endpoints.listVersions(ep.id)).map((v) => [v.version, v.commit_message])).toEqual([
        [2, 'second'],
        [1, 'first'],
      ]);

      const diff = await endpoints.diffVersions(v1Id, v2.id);
      expect(diff.from).toEqual({ id: v1Id, version: 1 });
      expect(diff.to).toEqual({ id: v2.id, version: 2 });
      expect(diff.diff).toBe(
        [
          '--- v1/content',
          '+++ v2/content',
          '@@ -1,3 +1,3 @@',
          '-select *',
          '+select id, total',
          ' from orders',
          ' where id = {{ id }}',
          '--- v1/params.json',
          '+++ v2/params.json',
          '@@ -8,5 +8,15 @@',
          '     "validate": null,',
          '     "validate_message": null,',
          '     "description": null',
          '+  },',
          '+  {',
          '+    "name": "x",',
          '+    "location": "query",',
          '+    "data_type": "string",',
          '+    "is_required": false,',
          '+    "default_value": null,',
          '+    "validate": null,',
          '+    "validate_message": null,',
          '+    "description": null',
          '   }',
          ' ]',
          '',
        ].join('\n'),
      );
      expect((await endpoints.diffVersions(v2.id, v2.id)).diff).toBe('');

      expect(await bumps(() => endpoints.restoreVersion(ep.id, v1Id))).toBe(1);
      const draft = await endpoints.get(ep.id);
      expect(draft.content).toBe(v1.content);
      expect(draft.params).toEqual(v1.params);
      // Versions are untouched by a restore.
      expect((await endpoints.getVersion(v2.id)).content).toContain('total');

      const other = await endpoints.create(endpoint(mod.id, { path: '/other' }));
      await expect(endpoints.restoreVersion(other.id, v1Id)).rejects.toMatchObject({ status: 404 });
      await expect(endpoints.getVersion(crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    });

    it('publishes (latest by default or a chosen version), unpublishes, and guards the published version', async () => {
      const mod = await modules.create({ name: unique('pub') });
      const ep = await endpoints.create(endpoint(mod.id, { path: '/p' }));
      await expect(endpoints.publish(ep.id)).rejects.toMatchObject({ status: 400, code: 'no_version' });
      const v1 = await endpoints.commitVersion(ep.id);
      await endpoints.update(ep.id, { content: 'select 2' });
      const v2 = await endpoints.commitVersion(ep.id);

      expect(await bumps(() => endpoints.publish(ep.id))).toBe(1);
      expect(await endpoints.get(ep.id)).toMatchObject({ is_published: true, published_version_id: v2.id, published_version: 2 });
      await endpoints.publish(ep.id, v1.id);
      expect(await endpoints.get(ep.id)).toMatchObject({ published_version_id: v1.id, published_version: 1 });
      expect((await endpoints.listVersions(ep.id)).map((v) => v.is_published)).toEqual([false, true]);

      const before = await catalog.version();
      await expect(endpoints.deleteVersion(v1.id)).rejects.toMatchObject({ status: 409, code: 'version_published' });
      expect(await catalog.version()).toBe(before);
      expect(await bumps(() => endpoints.deleteVersion(v2.id))).toBe(1);
      expect((await endpoints.listVersions(ep.id)).map((v) => v.version)).toEqual([1]);
      // Numbers are never reused.
      expect((await endpoints.commitVersion(ep.id)).version).toBe(3);

      const other = await endpoints.create(endpoint(mod.id, { path: '/q' }));
      await expect(endpoints.publish(other.id, v1.id)).rejects.toMatchObject({ status: 404 });

      expect(await bumps(() => endpoints.unpublish(ep.id))).toBe(1);
      expect(await endpoints.get(ep.id)).toMatchObject({ is_published: false, published_version_id: null });
      await endpoints.deleteVersion(v1.id);

      // A version needs a data source, whatever its engine.
      const bare = await endpoints.create(endpoint(mod.id, { path: '/bare', datasource_id: null }));
      await endpoints.commitVersion(bare.id);
      await expect(endpoints.publish(bare.id)).rejects.toMatchObject({ status: 400, code: 'no_datasource' });
      const bareScript = await endpoints.create(endpoint(mod.id, { path: '/bare-script', datasource_id: null, execute_engine: 'script', content: 'return 1' }));
      await endpoints.commitVersion(bareScript.id);
      await expect(endpoints.publish(bareScript.id)).rejects.toMatchObject({ status: 400, code: 'no_datasource' });
    });

    it('publishedEndpoints lists only published endpoints of active modules, with the published version', async () => {
      const on = await modules.create({ name: unique('on'), path_prefix: 'live' });
      const off = await modules.create({ name: unique('off'), path_prefix: 'dark' });
      const live = await endpoints.create(
        endpoint(on.id, {
          path: '/items/{id}',
          http_method: 'POST',
          access_type: 'public',
          rate_limit_per_minute: 5,
          content: 'v1',
          params: [{ name: 'id', location: 'path', data_type: 'integer' }],
        }),
      );
      const v1 = await endpoints.commitVersion(live.id);
      await endpoints.publish(live.id);
      await endpoints.update(live.id, { content: 'draft' });
      const draftOnly = await endpoints.create(endpoint(on.id, { path: '/draft' }));
      const hidden = await endpoints.create(endpoint(off.id, { path: '/x' }));
      await endpoints.commitVersion(hidden.id);
      await endpoints.publish(hidden.id);
      await modules.update(off.id, { is_active: false });

      const published = await endpoints.publishedEndpoints();
      const ids = published.map((p) => p.id);
      expect(ids).toContain(live.id);
      expect(ids).not.toContain(draftOnly.id);
      expect(ids).not.toContain(hidden.id);
      expect(published.find((p) => p.id === live.id)).toEqual({
        id: live.id,
        name: live.name,
        description: null,
        module_id: on.id,
        module: on.name,
        path_prefix: 'live',
        http_method: 'POST',
        path: '/items/{id}',
        full_path: '/live/items/{id}',
        access_type: 'public',
        rate_limit_per_minute: 5,
        sort_order: 0,
        version_id: v1.id,
        version: 1,
        content: 'v1',
        params: live.params,
        param_validates: [],
        result_transform: null,
        datasource_id: dsId,
        execute_engine: 'sql',
      });
      await modules.update(off.id, { is_active: true });
      expect((await endpoints.publishedEndpoints()).map((p) => p.id)).toContain(hidden.id);
    });

    it('lists recent commits across endpoints, newest first', async () => {
      const mod = await modules.create({ name: unique('recent') });
      const a = await endpoints.create(endpoint(mod.id, { name: 'ra', path: '/ra' }));
      const b = await endpoints.create(endpoint(mod.id, { name: 'rb', path: '/rb' }));
      const pause = () => new Promise((r) => setTimeout(r, 5));
      await endpoints.commitVersion(a.id, { commit_message: 'a1', committed_by: 'ann' });
      await pause();
      await endpoints.commitVersion(b.id, { commit_message: 'b1', committed_by: 'bob' });
      await pause();
      await endpoints.commitVersion(a.id, { commit_message: 'a2', committed_by: 'ann' });
      const recent = await endpoints.recentCommits(3);
      expect(recent.map((c) => [c.endpoint, c.version, c.commit_message, c.committed_by, c.module])).toEqual([
        ['ra', 2, 'a2', 'ann', mod.name],
        ['rb', 1, 'b1', 'bob', mod.name],
        ['ra', 1, 'a1', 'ann', mod.name],
      ]);
      expect(recent[0]).toMatchObject({ api_assignment_id: a.id, module_id: mod.id });
      expect(await endpoints.recentCommits(1)).toHaveLength(1);
    });

    it('names the endpoints that use a data source, by draft or published version', async () => {
      const other = await datasources.create({ name: unique('ds'), product_type: 'sqlite', database: ':memory:' });
      const mod = await modules.create({ name: unique('dsuse') });
      const ep = await endpoints.create(endpoint(mod.id, { name: 'user', path: '/u', datasource_id: other.id }));
      await endpoints.commitVersion(ep.id);
      await endpoints.publish(ep.id);
      expect(await endpoints.endpointsUsingDataSource(other.id)).toEqual([{ id: ep.id, name: 'user', module: mod.name }]);
      await endpoints.update(ep.id, { datasource_id: dsId });
      // The published version still runs on it.
      expect(await endpoints.endpointsUsingDataSource(other.id)).toHaveLength(1);
      await endpoints.unpublish(ep.id);
      expect(await endpoints.endpointsUsingDataSource(other.id)).toEqual([]);
      await datasources.delete(other.id);
    });
  });
});
